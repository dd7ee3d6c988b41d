import { netpol, ns } from './fixtures';
import { AnalysisError, ReachabilityAnalyzer } from '../../src/analysis';

/**
 * Pods of one owner (a ReplicaSet's pods as `kubectl get pods -o yaml` lists them) reported as one
 * workload: when their labels differ and a policy selector tells them apart, the workload would
 * have two answers, so the analysis refuses it (as netpol-analyzer does).
 */
function pod(name: string, labels: { [k: string]: string }, owner?: string): any {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name,
      namespace: 'shop',
      labels,
      ...owner ? { ownerReferences: [{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: owner, uid: `${owner}-uid`, controller: true }] } : {},
    },
    spec: { containers: [{ name: 'c', image: 'registry.example/app:1', ports: [{ containerPort: 8080 }] }] },
  };
}

const pods = (): any[] => [
  ns('shop'),
  pod('api-1', { app: 'api', track: 'stable' }, 'api-7d9f'),
  pod('api-2', { app: 'api', track: 'canary' }, 'api-7d9f'),
  pod('client', { app: 'client' }),
];
const admit = (podSelector: any): any => netpol('shop', 'api-in', {
  podSelector, policyTypes: ['Ingress'], ingress: [{ from: [{ podSelector: { matchLabels: { app: 'client' } } }], ports: [{ port: 8080 }] }],
});

describe('pods of one owner with different labels', () => {
  test('a selector that reads only the labels they share is fine: one answer for the workload', () => {
    const an = ReachabilityAnalyzer.fromObjects([...pods(), admit({ matchLabels: { app: 'api' } })]);
    expect(an.isAllowed('shop/client[Pod]', 'shop/api-7d9f[ReplicaSet]', 'TCP/8080')).toBe(true);
    expect(an.isAllowed('shop/client[Pod]', 'shop/api-7d9f[ReplicaSet]', 'TCP/9090')).toBe(false);
  });

  test('a policy whose podSelector selects one of them is refused, naming the policy, the owner, the selector and both pods', () => {
    let err: unknown;
    try { ReachabilityAnalyzer.fromObjects([...pods(), admit({ matchLabels: { track: 'canary' } })]); } catch (e) { err = e; }
    expect(err).toBeInstanceOf(AnalysisError);
    expect((err as Error).message).toBe('NetworkPolicy shop/api-in: Found Pods of the same owner workload `shop/api-7d9f` and with differences in their labels, '
      + 'while a network policy contains selectors impacted by this gap. (Its selector track=canary selects pod api-2 and not pod api-1; '
      + 'connections are reported per workload, so this one would have two answers: give its pods the same labels for this selector.)');
  });

  test('a rule peer that tells them apart is refused too, and so is an AdminNetworkPolicy subject', () => {
    const egress = netpol('shop', 'client-out', {
      podSelector: { matchLabels: { app: 'client' } },
      policyTypes: ['Egress'],
      egress: [{ to: [{ podSelector: { matchExpressions: [{ key: 'track', operator: 'NotIn', values: ['canary'] }] } }] }],
    });
    expect(() => ReachabilityAnalyzer.fromObjects([...pods(), egress])).toThrow('selects pod api-1 and not pod api-2');
    const anp = {
      apiVersion: 'policy.networking.k8s.io/v1alpha1',
      kind: 'AdminNetworkPolicy',
      metadata: { name: 'canary' },
      spec: { priority: 5, subject: { pods: { namespaceSelector: {}, podSelector: { matchLabels: { track: 'canary' } } } }, ingress: [{ name: 'd', action: 'Deny', from: [{ namespaces: {} }] }] },
    };
    expect(() => ReachabilityAnalyzer.fromObjects([...pods(), anp])).toThrow('AdminNetworkPolicy canary: Found Pods of the same owner workload `shop/api-7d9f`');
  });

  test('a policy of another namespace cannot select them: no error', () => {
    const other = netpol('other', 'x', { podSelector: { matchLabels: { track: 'canary' } }, policyTypes: ['Ingress'] });
    expect(() => ReachabilityAnalyzer.fromObjects([...pods(), ns('other'), other])).not.toThrow();
  });
});

describe('the workload of a listed pod', () => {
  const staticPod = (name: string, component: string): any => ({
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name: `${name}-node-1`,
      namespace: 'kube-system',
      labels: { component, tier: 'control-plane' },
      ownerReferences: [{ apiVersion: 'v1', kind: 'Node', name: 'node-1', uid: 'n1', controller: true }],
    },
    spec: { hostNetwork: true, containers: [{ name: 'c', image: `registry.k8s.io/${name}:v1.31.0` }] },
  });

  test('the mirror pods of static pods (owned by their Node) are each their own workload', () => {
    const an = ReachabilityAnalyzer.fromObjects([ns('kube-system'), staticPod('etcd', 'etcd'), staticPod('kube-scheduler', 'kube-scheduler')]);
    expect(an.peers().filter((x) => x.endsWith(']') && !x.includes('External'))).toEqual(['kube-system/etcd-node-1[Pod]', 'kube-system/kube-scheduler-node-1[Pod]']);
  });

  test('only the controller owner makes a pod part of a workload; another owner reference leaves it on its own', () => {
    const p = pod('worker', { app: 'worker' });
    p.metadata.ownerReferences = [{ apiVersion: 'example.com/v1', kind: 'Batch', name: 'nightly', uid: 'b1' }];
    const q = pod('api-1', { app: 'api' }, 'api-7d9f');
    const an = ReachabilityAnalyzer.fromObjects([ns('shop'), p, q]);
    expect(an.peers().filter((x) => x.endsWith(']') && !x.includes('External'))).toEqual(['shop/api-7d9f[ReplicaSet]', 'shop/worker[Pod]']);
  });
});

describe('container ports', () => {
  test('a containerPort the API server would refuse is an error naming the object, the field and the value (was read as a port, or as 0)', () => {
    const bad = (v: unknown): string => {
      const p = pod('api-1', { app: 'api' });
      p.spec.containers[0].ports = [{ containerPort: 8080 }, { name: 'http', containerPort: v }];
      try { ReachabilityAnalyzer.fromObjects([ns('shop'), p]); } catch (e) { return (e as Error).message; }
      return 'no error';
    };
    expect(bad([])).toBe('Pod shop/api-1: spec.containers[0].ports[1].containerPort: invalid value [] (valid: an integer 1-65535)');
    expect(bad('8080')).toContain('containerPort: invalid value "8080"');
    expect(bad(0)).toContain('containerPort: invalid value 0');
    const cron = {
      apiVersion: 'batch/v1',
      kind: 'CronJob',
      metadata: { name: 'report', namespace: 'shop' },
      spec: { schedule: '0 3 * * *', jobTemplate: { spec: { template: { spec: { containers: [{ name: 'c', image: 'i', ports: [{ containerPort: 70000 }] }] } } } } },
    };
    expect(() => ReachabilityAnalyzer.fromObjects([ns('shop'), cron]))
      .toThrow('CronJob shop/report: spec.jobTemplate.spec.template.spec.containers[0].ports[0].containerPort: invalid value 70000 (valid: an integer 1-65535)');
  });
});
