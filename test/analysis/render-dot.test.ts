import { spawnSync } from 'child_process';
import { ANALYZER_OPTIONS, FOCUS, platformStandIns } from '../../sample/platform';
import { ReachabilityAnalyzer } from '../../src';
import { builtCluster } from '../util/sample-cache';

const HAS_DOT = spawnSync('dot', ['-V']).status === 0;

interface Box { readonly who: string; readonly x0: number; readonly x1: number; readonly y0: number; readonly y1: number; readonly node: boolean }

/** The boxes of every node, cluster title and edge label of Graphviz's layout (`dot -Tjson`). */
function layoutBoxes(dot: string): Box[] {
  const g = JSON.parse(spawnSync('dot', ['-Tjson'], { input: dot, encoding: 'utf8' }).stdout);
  const boxes: Box[] = [];
  const texts = (ops: any[] | undefined, who: string): void => {
    for (const op of ops ?? []) {
      if (op.op !== 'T') continue;
      const x0 = op.align === 'l' ? op.pt[0] : op.align === 'r' ? op.pt[0] - op.width : op.pt[0] - op.width / 2;
      boxes.push({ who, x0, x1: x0 + op.width, y0: op.pt[1] - 3, y1: op.pt[1] + 11, node: false });
    }
  };
  for (const o of g.objects ?? []) {
    if (o.nodes) { texts(o._ldraw_, `cluster title ${o.label}`); continue; }
    const [x, y] = String(o.pos).split(',').map(Number);
    const [w, h] = [Number(o.width) * 72, Number(o.height) * 72];
    boxes.push({ who: `node ${o.label === '\\N' ? o.name : o.label}`, x0: x - w / 2, x1: x + w / 2, y0: y - h / 2, y1: y + h / 2, node: true });
  }
  for (const e of g.edges ?? []) texts(e._ldraw_, `edge label ${e.label}`);
  return boxes;
}

function overlaps(dot: string): string[] {
  const b = layoutBoxes(dot);
  const out: string[] = [];
  for (let i = 0; i < b.length; i++) {
    for (let j = i + 1; j < b.length; j++) {
      if (b[i].node && b[j].node) continue; // dot never overlaps nodes
      if (b[i].x0 < b[j].x1 && b[j].x0 < b[i].x1 && b[i].y0 < b[j].y1 && b[j].y0 < b[i].y1) out.push(`${b[i].who} / ${b[j].who}`);
    }
  }
  return out;
}

describe('Graphviz pictures', () => {
  test('every edge label is a node of its own: nothing for dot to overlap', () => {
    // the sample's asia-east objects (built once per run; test/sample/sample.test.ts validates them)
    const an = ReachabilityAnalyzer.fromObjects([...builtCluster('asia-east').objects, ...platformStandIns()], ANALYZER_OPTIONS);
    for (const dot of [an.toDot(FOCUS), an.toDot()]) {
      expect(dot).not.toMatch(/->.*\blabel=/);
      const edges = dot.split('\n').filter((l) => l.includes(' -> '));
      expect(edges.length).toBe(2 * JSON.parse(an.toJsonSummary(dot === an.toDot() ? undefined : FOCUS)).length);
      if (HAS_DOT) expect(overlaps(dot)).toEqual([]);
    }
  }, 120_000);

  (HAS_DOT ? test : test.skip)('the checker finds what the edge-label pictures had: an edge label over a cluster title', () => {
    // reduced from the sample's asia-east picture before label nodes
    const dot = ['digraph {', '  rankdir=LR;', '  node [shape=box, style=rounded];',
      '  subgraph cluster_0 { label="istio-system"; gw; istiod; }', '  subgraph cluster_1 { label="payment"; pay; }',
      '  gw -> pay [label="TCP 8080 [mTLS, L7: passthrough: cluster.local/ns/order/sa/order-service POST /api/payments]", style=dashed];',
      '  order -> istiod [label="TCP 15012"];', '  order -> pay [label="TCP 8080 [mTLS, L7: POST /api/payments]", style=dashed];',
      '  pay -> istiod [label="TCP 15012"];', '}'].join('\n');
    expect(overlaps(dot)).toEqual(['cluster title payment / edge label TCP 15012']);
  });
});
