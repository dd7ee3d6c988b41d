/**
 * Mesh bad input (property): every bad HTTP method, path, empty source list, port-level mTLS
 * without a selector and duplicate cluster name is a ValidationError naming the field and value.
 */
import { App, Chart, Testing } from 'cdk8s';
import * as kplus from 'cdk8s-plus-27';
import * as fc from 'fast-check';
import { dnsLabel, expectValidationError, portNumber, runs } from './arbitraries';
import {
  Flows, IstioMultiCluster, MeshAuthorization, MeshCluster, MeshSource, MtlsMode, MtlsPolicy, Peer, Port,
} from '../../src';

const METHODS = ['CONNECT', 'DELETE', 'GET', 'HEAD', 'OPTIONS', 'PATCH', 'POST', 'PUT', 'TRACE'];

/** Strings that are not an uppercase HTTP method (lowercase methods, typos, anything). */
const badMethod = fc.oneof(
  fc.constantFrom(...METHODS).map((m) => m.toLowerCase()),
  fc.constantFrom(...METHODS).map((m) => `${m} `),
  fc.constantFrom('GETS', 'PURGE', 'LIST', '*', '', 'Post'),
  fc.string({ maxLength: 12 }),
).filter((m) => !METHODS.includes(m));

const pathChar = fc.constantFrom(...'abcxyz019-_.~/'.split(''));
const segment = fc.stringOf(pathChar, { minLength: 1, maxLength: 12 });

/** Non-empty paths that start neither with '/' nor with '*' (so neither exact, prefix nor suffix). */
const noLeadingSlash = fc.oneof(
  segment.filter((s) => !s.startsWith('/')),
  segment.map((s) => `api/${s}`),
  segment.map((s) => `${s.replace(/^\/+/, '') || 'x'}*`),
).filter((p) => !p.startsWith('/') && !p.startsWith('*'));

/** Paths with a '*' neither alone, nor only at the start, nor only at the end. */
const starInside = fc.oneof(
  fc.tuple(segment, segment).map(([a, b]) => `/${a}*${b}`),
  fc.tuple(segment, segment).map(([a, b]) => `/${a}*/${b}*`),
  segment.map((a) => `*${a}*`),
  fc.tuple(segment, segment).map(([a, b]) => `*${a}*${b}`),
);

/** A workload in a chart, for flows. */
function twoWorkloads() {
  const chart = Testing.chart();
  const sa = new kplus.ServiceAccount(chart, 'sa', { metadata: { name: 'web', namespace: 'shop' } });
  const web = new kplus.Deployment(chart, 'web', { metadata: { namespace: 'shop' }, serviceAccount: sa, containers: [{ image: 'w', portNumber: 8080 }] });
  const api = new kplus.Deployment(chart, 'api', { metadata: { namespace: 'shop' }, containers: [{ image: 'a', portNumber: 8080 }] });
  return { chart, web, api };
}

describe('mesh bad input (property)', () => {
  test('bad HTTP methods: in a flow (http.methods[i]) and in a mesh rule (rules[0].methods[i])', () => {
    const { chart, web, api } = twoWorkloads();
    const authz = new MeshAuthorization(chart, 'authz', { namespace: 'shop' });
    fc.assert(fc.property(fc.array(fc.constantFrom(...METHODS), { maxLength: 3 }), badMethod, (good, bad) => {
      const methods = [...good, bad];
      const i = methods.length - 1;
      expectValidationError(() => Flows.of(chart).allow(Peer.workload(web), Peer.workload(api), { ports: [Port.tcp(8080)], http: { methods } }),
        { field: `http.methods[${i}]`, value: bad });
      expectValidationError(() => authz.allow('p', { rules: [{ from: [MeshSource.namespace('web')], methods }] }),
        { field: `rules[0].methods[${i}]`, value: bad });
    }), runs(150));
  });

  test('paths without a leading \'/\' and paths with \'*\' in the middle', () => {
    const { chart, web, api } = twoWorkloads();
    const authz = new MeshAuthorization(chart, 'authz', { namespace: 'shop' });
    fc.assert(fc.property(fc.oneof(noLeadingSlash, starInside), fc.boolean(), (bad, asNotPath) => {
      expectValidationError(() => Flows.of(chart).allow(Peer.workload(web), Peer.workload(api), { ports: [Port.tcp(8080)], http: { paths: ['/ok', bad] } }),
        { field: 'http.paths[1]', value: bad });
      const field = asNotPath ? 'notPaths' : 'paths';
      expectValidationError(() => authz.deny('d', { rules: [{ [field]: ['/ok', bad] }] }),
        { field: `rules[0].${field}[1]`, value: bad });
    }), runs(200));
  });

  test('empty principal, namespace, identity, source and method lists', () => {
    const { chart } = twoWorkloads();
    const authz = new MeshAuthorization(chart, 'authz', { namespace: 'shop' });
    const cases: Array<[string, () => unknown, string]> = [
      ['principals', () => MeshSource.principals([]), 'principals'],
      ['namespaces', () => MeshSource.namespaces([]), 'names'],
      ['identities', () => MeshSource.identities([]), 'identities'],
      ['ipBlocks', () => MeshSource.ipBlocks([]), 'cidrs'],
      ['rule from', () => authz.allow('f', { rules: [{ from: [], ports: [8080] }] }), 'rules[0].from'],
      ['rule methods', () => authz.allow('m', { rules: [{ from: [MeshSource.namespace('web')], methods: [] }] }), 'rules[0].methods'],
      ['rule ports', () => authz.allow('q', { rules: [{ from: [MeshSource.namespace('web')], ports: [] }] }), 'rules[0].ports'],
      ['rules', () => authz.allow('r', { rules: [] }), 'rules'],
    ];
    fc.assert(fc.property(fc.constantFrom(...cases), ([, fn, field]) => {
      expectValidationError(fn, { field, value: [] });
    }), runs(100));
  });

  test('port-level mTLS without a selector names portModes and the ports', () => {
    fc.assert(fc.property(
      fc.uniqueArray(portNumber(), { minLength: 1, maxLength: 4 }),
      fc.constantFrom(MtlsMode.STRICT, MtlsMode.PERMISSIVE, MtlsMode.DISABLE),
      fc.boolean(),
      dnsLabel(20),
      (ports, mode, emptyLabels, ns) => {
        const chart = Testing.chart();
        const portModes = ports.map((port) => ({ port, mode }));
        expectValidationError(() => new MtlsPolicy(chart, 'p', { namespace: ns, portModes, ...(emptyLabels ? { podLabels: {} } : {}) }),
          { field: 'portModes', value: ports });
        // with a selector the same modes are accepted
        new MtlsPolicy(chart, 'ok', { namespace: ns, podLabels: { app: 'x' }, portModes });
      },
    ), runs(150));
  });

  test('duplicate cluster names in an IstioMultiCluster name clusterName and the value', () => {
    fc.assert(fc.property(fc.uniqueArray(dnsLabel(20), { minLength: 1, maxLength: 4 }), fc.nat(), (names, pick) => {
      const app = new App();
      const mesh = new IstioMultiCluster({ meshId: 'mesh' });
      const add = (chartId: string, clusterName: string) => {
        const chart = new Chart(app, chartId);
        return new MeshCluster(chart, 'mesh', { mesh, clusterName, network: `net-${chartId}`, caSecret: kplus.Secret.fromSecretName(chart, 'ca', 'cacerts') });
      };
      names.forEach((n, i) => add(`c${i}`, n));
      const dup = names[pick % names.length];
      const err = expectValidationError(() => add('dup', dup), { field: 'clusterName', value: dup });
      expect(err.message).toContain(`c${pick % names.length}/mesh`);
      expect(mesh.clusters.map((c) => c.clusterName)).toEqual([...names].sort());
    }), runs(100));
  });
});
