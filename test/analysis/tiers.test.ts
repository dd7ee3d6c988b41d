import { deploy, netpol, ns } from './fixtures';
import { AnalysisError, ReachabilityAnalyzer } from '../../src/analysis';
import { expectValid } from '../util';

/**
 * The cluster-wide policy tiers (Network Policy API): Admin tier by priority, then NetworkPolicies,
 * then the Baseline tier, then allow. Each test pins one rule of the semantics.
 */
const A = 'a/web[Deployment]';
const B = 'b/api[Deployment]';
const C = 'c/db[Deployment]';

function world(): any[] {
  return [
    ns('a', { tenant: 'one' }), ns('b', { tenant: 'one' }), ns('c', { tenant: 'two' }),
    deploy('a', 'web', { ports: [{ name: 'http', containerPort: 8080 }] }),
    deploy('b', 'api', { ports: [{ name: 'http', containerPort: 8080 }, { name: 'dns', containerPort: 53, protocol: 'UDP' }] }),
    deploy('c', 'db', { ports: [{ name: 'pg', containerPort: 5432 }] }),
  ];
}

function cnp(name: string, tier: string, priority: number, spec: any): any {
  return { apiVersion: 'policy.networking.k8s.io/v1alpha2', kind: 'ClusterNetworkPolicy', metadata: { name }, spec: { tier, priority, ...spec } };
}

function anp(name: string, priority: number, spec: any): any {
  return { apiVersion: 'policy.networking.k8s.io/v1alpha1', kind: 'AdminNetworkPolicy', metadata: { name }, spec: { priority, ...spec } };
}

function banp(spec: any, name = 'default'): any {
  return { apiVersion: 'policy.networking.k8s.io/v1alpha1', kind: 'BaselineAdminNetworkPolicy', metadata: { name }, spec };
}

const all = { namespaces: {} };
const nsOf = (n: string): any => ({ namespaces: { matchLabels: { 'kubernetes.io/metadata.name': n } } });
const analyse = (objs: any[], opts?: any): ReachabilityAnalyzer => {
  expectValid(objs);
  return ReachabilityAnalyzer.fromObjects(objs, opts);
};
/** NetworkPolicy in b: api admits a/web on TCP 8080 only (ingress isolated). */
const apiAdmitsWeb = netpol('b', 'api-from-web', {
  podSelector: {},
  policyTypes: ['Ingress'],
  ingress: [{ from: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'a' } } }], ports: [{ port: 8080 }] }],
});
const baselineDenyIngress = cnp('baseline', 'Baseline', 10, { subject: all, ingress: [{ name: 'deny-all', action: 'Deny', from: [all] }] });

describe('tier order', () => {
  test('an Admin Deny overrides a NetworkPolicy that allows', () => {
    const deny = cnp('no-a-to-b', 'Admin', 10, { subject: nsOf('b'), ingress: [{ name: 'deny-a', action: 'Deny', from: [nsOf('a')] }] });
    expect(analyse([...world(), apiAdmitsWeb]).isAllowed(A, B, '8080')).toBe(true);
    expect(analyse([...world(), apiAdmitsWeb, deny]).isAllowed(A, B, '8080')).toBe(false);
  });

  test('an Admin Accept overrides a NetworkPolicy that isolates without allowing, and the Baseline', () => {
    const np = netpol('c', 'deny-all', { podSelector: {}, policyTypes: ['Ingress'] });
    const accept = cnp('a-to-c', 'Admin', 5, { subject: nsOf('c'), ingress: [{ name: 'from-a', action: 'Accept', from: [nsOf('a')], protocols: [{ tcp: { destinationPort: { number: 5432 } } }] }] });
    const an = analyse([...world(), np, baselineDenyIngress, accept]);
    expect(an.isAllowed(A, C, '5432')).toBe(true);
    expect(an.isAllowed(A, C, '5433')).toBe(false);
    expect(an.isAllowed(B, C, '5432')).toBe(false);
  });

  test('the Baseline denies a pod no NetworkPolicy selects; a NetworkPolicy that selects it overrides the Baseline', () => {
    const an = analyse([...world(), baselineDenyIngress, apiAdmitsWeb]);
    expect(an.isAllowed(A, C, '5432')).toBe(false); // c: no NetworkPolicy, Baseline denies
    expect(an.isAllowed(A, B, '8080')).toBe(true); // b: its NetworkPolicy decides, not the Baseline
    expect(an.isAllowed(C, B, '8080')).toBe(false); // ... and it admits only a
    // the Baseline rule's peers are namespaces: an external source matches none of them (default allow)
    expect(an.isAllowed('8.8.8.8', C)).toBe(true);
  });

  test('Pass skips the rest of the Admin tier: the NetworkPolicies decide, and without them the Baseline', () => {
    const pass = anp('pass-a', 10, { subject: all, ingress: [{ name: 'pass-from-a', action: 'Pass', from: [nsOf('a')] }] });
    const denyLater = anp('deny-a', 20, { subject: all, ingress: [{ name: 'deny-from-a', action: 'Deny', from: [nsOf('a')] }] });
    const allowBase = banp({ subject: all, ingress: [{ name: 'allow-a', action: 'Allow', from: [nsOf('a')] }, { name: 'deny-rest', action: 'Deny', from: [all] }] });
    const an = analyse([...world(), pass, denyLater, allowBase, apiAdmitsWeb]);
    expect(an.isAllowed(A, B, '8080')).toBe(true); // NetworkPolicy b/api-from-web admits it
    expect(an.isAllowed(A, B, '9090')).toBe(false); // ... only on 8080
    expect(an.isAllowed(A, C, '5432')).toBe(true); // no NetworkPolicy in c: the Baseline allows a
    expect(an.isAllowed(B, C, '5432')).toBe(false); // not passed: deny-rest of the Baseline
    // without the Pass, the lower-priority Admin Deny wins
    expect(analyse([...world(), denyLater, allowBase, apiAdmitsWeb]).isAllowed(A, B, '8080')).toBe(false);
  });

  test('a lower priority number is evaluated first; equal priorities for one pod are refused (the API leaves their order undefined)', () => {
    const accept = (name: string, p: number, n = 'b'): any => cnp(name, 'Admin', p, { subject: nsOf(n), ingress: [{ name: 'r', action: 'Accept', from: [nsOf('a')] }] });
    const deny = (name: string, p: number, n = 'b'): any => cnp(name, 'Admin', p, { subject: nsOf(n), ingress: [{ name: 'r', action: 'Deny', from: [nsOf('a')] }] });
    expect(analyse([...world(), accept('x', 20), deny('y', 30)]).isAllowed(A, B)).toBe(true);
    expect(analyse([...world(), accept('x', 40), deny('y', 30)]).isAllowed(A, B)).toBe(false);
    expect(() => analyse([...world(), accept('m', 30), deny('n', 30)])).toThrow(
      'ClusterNetworkPolicy "m" and ClusterNetworkPolicy "n" both have priority 30 and ingress rules for b/api[Deployment]: '
      + 'Two policies are considered to be conflicting if they are assigned the same priority.');
    expect(() => analyse([...world(), anp('m', 30, { subject: nsOf('b'), ingress: [{ name: 'r', action: 'Allow', from: [nsOf('a')] }] }),
      anp('n', 30, { subject: nsOf('b'), ingress: [{ name: 'r', action: 'Deny', from: [nsOf('a')] }] })])).toThrow('both have priority 30');
    // the same priority is fine where no pod has rules of both in one direction: the order cannot matter
    expect(analyse([...world(), accept('m', 30), deny('n', 30, 'c')]).isAllowed(A, B)).toBe(true);
    const egressOnly = cnp('e', 'Admin', 30, { subject: nsOf('b'), egress: [{ name: 'r', action: 'Deny', to: [nsOf('a')] }] });
    expect(analyse([...world(), accept('m', 30), egressOnly]).isAllowed(B, A)).toBe(false);
  });

  test('rules of one policy apply in the order written, per port', () => {
    const pol = (first: string, second: string): any => anp('p', 1, {
      subject: nsOf('b'),
      ingress: [
        { name: 'one', action: first, from: [nsOf('a')], ports: [{ portNumber: { protocol: 'TCP', port: 8080 } }] },
        { name: 'two', action: second, from: [nsOf('a')] },
      ],
    });
    const an = analyse([...world(), pol('Allow', 'Deny')]);
    expect(an.isAllowed(A, B, '8080')).toBe(true);
    expect(an.isAllowed(A, B, '8081')).toBe(false);
    const rev = analyse([...world(), pol('Deny', 'Allow')]);
    expect(rev.isAllowed(A, B, '8080')).toBe(false);
    expect(rev.isAllowed(A, B, '8081')).toBe(true);
  });

  test('an Admin policy whose rules match nothing changes nothing', () => {
    const other = anp('deny-c', 1, { subject: all, egress: [{ name: 'to-c', action: 'Deny', to: [nsOf('c')] }] });
    const an = analyse([...world(), other]);
    expect(an.isAllowed(A, B)).toBe(true);
    expect(an.isAllowed(A, C)).toBe(false);
  });

  test('egress and ingress are decided apart: an egress Accept does not open a destination whose ingress is denied', () => {
    const out = cnp('out', 'Admin', 1, { subject: nsOf('a'), egress: [{ name: 'to-c', action: 'Accept', to: [nsOf('c')] }] });
    const inDeny = cnp('in', 'Admin', 2, { subject: nsOf('c'), ingress: [{ name: 'deny-a', action: 'Deny', from: [nsOf('a')] }] });
    expect(analyse([...world(), out]).isAllowed(A, C)).toBe(true);
    expect(analyse([...world(), out, inDeny]).isAllowed(A, C)).toBe(false);
  });

  test('a Baseline-tier Pass leaves the connection to the default (allow)', () => {
    const base = cnp('base', 'Baseline', 1, { subject: all, ingress: [{ name: 'pass-a', action: 'Pass', from: [nsOf('a')] }, { name: 'deny', action: 'Deny', from: [all] }] });
    const an = analyse([...world(), base]);
    expect(an.isAllowed(A, C)).toBe(true);
    expect(an.isAllowed(B, C)).toBe(false);
  });
});

describe('subjects and peers', () => {
  test('subject pods: namespaceSelector and podSelector both select', () => {
    const w = [...world(), deploy('b', 'worker')];
    const deny = anp('api-only', 1, {
      subject: { pods: { namespaceSelector: { matchLabels: { tenant: 'one' } }, podSelector: { matchLabels: { app: 'api' } } } },
      ingress: [{ name: 'deny-all', action: 'Deny', from: [all] }],
    });
    const an = analyse([...w, deny]);
    expect(an.isAllowed(A, B)).toBe(false);
    expect(an.isAllowed(A, 'b/worker[Deployment]')).toBe(true);
  });

  test('peer pods select by namespace and pod labels; peer namespaces by namespace labels', () => {
    const deny = anp('tenants', 1, {
      subject: { namespaces: { matchLabels: { tenant: 'two' } } },
      ingress: [
        { name: 'web-only', action: 'Allow', from: [{ pods: { namespaceSelector: { matchLabels: { tenant: 'one' } }, podSelector: { matchLabels: { app: 'web' } } } }] },
        { name: 'tenant-one', action: 'Deny', from: [{ namespaces: { matchLabels: { tenant: 'one' } } }] },
      ],
    });
    const an = analyse([...world(), deny]);
    expect(an.isAllowed(A, C)).toBe(true);
    expect(an.isAllowed(B, C)).toBe(false);
  });

  test('egress networks match external addresses, and 0.0.0.0/0 matches pods too (cluster traffic is checked against it)', () => {
    const meta = cnp('metadata', 'Admin', 1, { subject: all, egress: [{ name: 'no-imds', action: 'Deny', to: [{ networks: ['169.254.169.254/32'] }] }] });
    const an = analyse([...world(), meta]);
    expect(an.isAllowed(A, '169.254.169.254', '80')).toBe(false);
    expect(an.isAllowed(A, '169.254.169.253', '80')).toBe(true);
    expect(an.isAllowed(A, B)).toBe(true); // a /32 outside the (unknown) pod space does not match pods
    const all4 = cnp('no-egress', 'Baseline', 1, { subject: nsOf('a'), egress: [{ name: 'deny', action: 'Deny', to: [{ networks: ['0.0.0.0/0'] }] }] });
    const an4 = analyse([...world(), all4]);
    expect(an4.isAllowed(A, B)).toBe(false);
    expect(an4.isAllowed(A, '8.8.8.8')).toBe(false);
    expect(an4.isAllowed(B, C)).toBe(true);
  });

  test('with AnalyzerOptions.podCidrs, a network that overlaps the pod space matches pods', () => {
    const pods = cnp('pods', 'Admin', 1, { subject: nsOf('a'), egress: [{ name: 'deny', action: 'Deny', to: [{ networks: ['10.244.0.0/16'] }] }] });
    expect(analyse([...world(), pods]).isAllowed(A, B)).toBe(true);
    expect(analyse([...world(), pods], { podCidrs: ['10.244.0.0/16'] }).isAllowed(A, B)).toBe(false);
    expect(analyse([...world(), pods], { podCidrs: ['10.96.0.0/16'] }).isAllowed(A, B)).toBe(true);
  });

  test('v1alpha1 nodes peers match no modelled peer (Node objects are not modelled)', () => {
    const nodes = anp('nodes', 1, { subject: all, egress: [{ name: 'deny-nodes', action: 'Deny', to: [{ nodes: { matchLabels: { role: 'infra' } } }] }] });
    const an = ReachabilityAnalyzer.fromObjects([...world(), nodes]);
    expect(an.isAllowed(A, B)).toBe(true);
    expect(an.isAllowed(A, '1.2.3.4')).toBe(true);
  });

  test('hostNetwork pods are node traffic: no tier policy selects them as a subject', () => {
    const host = deploy('c', 'agent');
    host.spec.template.spec.hostNetwork = true;
    const deny = cnp('deny-in', 'Admin', 1, { subject: all, ingress: [{ name: 'deny', action: 'Deny', from: [all] }] });
    const an = analyse([...world(), host, deny], { nodeCidrs: ['192.168.0.0/24'] });
    expect(an.isAllowed(A, 'c/agent[Deployment]')).toBe(true);
    expect(an.isAllowed(A, B)).toBe(false);
  });
});

describe('ports', () => {
  const ruleWith = (ports: any, v2: boolean): any => (v2
    ? cnp('p', 'Admin', 1, { subject: nsOf('b'), ingress: [{ name: 'r', action: 'Accept', from: [all], protocols: ports }, { name: 'rest', action: 'Deny', from: [all] }] })
    : anp('p', 1, { subject: nsOf('b'), ingress: [{ name: 'r', action: 'Allow', from: [all], ports }, { name: 'rest', action: 'Deny', from: [all] }] }));

  test('v1alpha1 portNumber, portRange and namedPort (resolved on the destination pod)', () => {
    expect(analyse([...world(), ruleWith([{ portNumber: { protocol: 'UDP', port: 53 } }], false)]).connections().find((c) => c.src === A && c.dst === B)!.conns).toBe('UDP 53');
    expect(analyse([...world(), ruleWith([{ portRange: { protocol: 'TCP', start: 8000, end: 8100 } }], false)]).connections().find((c) => c.src === A && c.dst === B)!.conns).toBe('TCP 8000-8100');
    // namedPort is experimental-channel: not in the standard CRD, so not validated here
    const named = ReachabilityAnalyzer.fromObjects([...world(), ruleWith([{ namedPort: 'dns' }], false)]);
    expect(named.connections().find((c) => c.src === A && c.dst === B)!.conns).toBe('UDP 53');
  });

  test('v1alpha2 protocols: a number, a range, destinationNamedPort', () => {
    const conns = (p: any): string => analyse([...world(), ruleWith(p, true)]).connections().find((c) => c.src === A && c.dst === B)!.conns;
    expect(conns([{ tcp: { destinationPort: { number: 8080 } } }])).toBe('TCP 8080');
    expect(conns([{ sctp: { destinationPort: { range: { start: 9000, end: 9005 } } } }])).toBe('SCTP 9000-9005');
    expect(conns([{ destinationNamedPort: 'http' }])).toBe('TCP 8080');
  });
});

describe('decisions and explain', () => {
  test('each part of each direction names its tier and policy', () => {
    const meta = cnp('metadata', 'Admin', 1, { subject: all, egress: [{ name: 'no-imds', action: 'Deny', to: [{ networks: ['169.254.169.254/32'] }] }] });
    const an = analyse([...world(), meta, baselineDenyIngress, apiAdmitsWeb]);
    expect(an.decisions(A, B)).toEqual([
      { direction: 'egress', tier: 'Default', policy: 'default allow', action: 'Allow', conns: 'All Connections' },
      { direction: 'ingress', tier: 'NetworkPolicy', policy: 'NetworkPolicy b/api-from-web', action: 'Allow', conns: 'TCP 8080' },
      { direction: 'ingress', tier: 'NetworkPolicy', policy: 'NetworkPolicy b/api-from-web', action: 'Deny', conns: 'SCTP 1-65535,TCP 1-8079,8081-65535,UDP 1-65535' },
    ]);
    expect(an.decisions(A, '169.254.169.254')).toEqual([
      { direction: 'egress', tier: 'Admin', policy: 'Admin/metadata/no-imds', action: 'Deny', conns: 'All Connections' },
    ]);
    expect(an.connections().find((c) => c.src === A && c.dst === B)!.decidedBy).toEqual(['egress: default allow', 'ingress: NetworkPolicy b/api-from-web']);
    expect(an.deniedByTiers()).toContain(`${A} => ${C} : denied by ingress Baseline/baseline/deny-all`);
    expect(an.deniedByTiers()).toContain(`${A} => 169.254.169.254-169.254.169.254[External] : denied by egress Admin/metadata/no-imds`);
    const x = an.explain(A, C);
    expect(x.allowed).toBe(false);
    expect(x.reasons).toContain('tiers: ingress All Connections: denied by Baseline/baseline/deny-all');
  });

  test('without tier policies, connections carry no decidedBy (outputs unchanged)', () => {
    const an = analyse([...world(), apiAdmitsWeb]);
    expect(an.usesPolicyTiers).toBe(false);
    expect(an.connections().every((c) => c.decidedBy.length === 0)).toBe(true);
    expect(an.deniedByTiers()).toEqual([]);
  });
});

describe('bad input', () => {
  const bad = (...o: any[]): string => {
    try { ReachabilityAnalyzer.fromObjects([...world(), ...o]); } catch (e) { expect(e).toBeInstanceOf(AnalysisError); return (e as Error).message; }
    throw new Error('no error');
  };
  test('errors name the policy, the field, the bad value and what is valid', () => {
    // each names the policy and field, and carries netpol-analyzer's wording for the same error
    expect(bad(anp('p', 1001, { subject: all }))).toBe('AdminNetworkPolicy p.spec.priority: Invalid Priority Value: 1001 in Admin Network Policy: "p"; '
      + 'Priority value must be between 0-1000 (an integer)');
    expect(bad(cnp('p', 'Middle', 1, { subject: all }))).toBe('ClusterNetworkPolicy p.spec.tier: invalid value "Middle" (valid: Admin, Baseline)');
    expect(bad(banp({ subject: all, ingress: [{ action: 'Pass', from: [all] }] }))).toBe('BaselineAdminNetworkPolicy default.spec.ingress[0].action: unrecognized action "Pass" (valid: Allow, Deny)');
    expect(bad(anp('p', 1, { subject: all, egress: [{ name: 'r', to: [all] }] }))).toBe('AdminNetworkPolicy p.spec.egress[0].action: unrecognized action undefined (valid: Allow, Deny, Pass)');
    expect(bad(banp({ subject: all }, 'mine'))).toBe('BaselineAdminNetworkPolicy mine: only one baseline admin network policy with metadata.name=default can be created '
      + 'in the cluster (the BaselineAdminNetworkPolicy is a singleton; got metadata.name "mine")');
    expect(bad(banp({ subject: all }), banp({ subject: nsOf('b') })))
      .toBe('BaselineAdminNetworkPolicy "default": only one baseline admin network policy may be provided in input resources; one already exists');
    expect(bad(anp('p', 1, { subject: all }), anp('p', 2, { subject: all })))
      .toBe('an AdminNetworkPolicy "p" is already exists. Only one object of a given kind can have a given name at a time.');
    expect(bad(anp('p', 1, { subject: { namespaces: {}, pods: { namespaceSelector: {}, podSelector: {} } } })))
      .toBe('AdminNetworkPolicy p.spec.subject: exactly one field must be set in a subject (one of namespaces, pods; got namespaces, pods)');
    expect(bad(anp('p', 1, { subject: all, ingress: [{ action: 'Allow', from: [{ namespaces: {}, pods: { namespaceSelector: {}, podSelector: {} } }] }] })))
      .toBe('AdminNetworkPolicy p.spec.ingress[0].from[0]: exactly one field must be set in a rule peer (one of namespaces, pods; got namespaces, pods)');
    expect(bad(anp('p', 1, { subject: all, ingress: [{ action: 'Allow', from: [all], ports: [{ portNumber: { port: 80 }, namedPort: 'http' }] }] })))
      .toBe('AdminNetworkPolicy p.spec.ingress[0].ports[0]: exactly one field must be set in an AdminNetworkPolicyPort (one of portNumber, portRange, namedPort; got portNumber, namedPort)');
    expect(bad(anp('p', 1, { subject: all, ingress: [{ action: 'Allow', from: [all], ports: [{ portRange: { start: 10, end: 1 } }] }] })))
      .toBe('AdminNetworkPolicy p.spec.ingress[0].ports[0].portRange: port range 10-1 is legal; start and end values of the port range should be in {1-65535} '
        + 'and end may not be less than start (end 1 is less than start 10)');
    expect(bad(anp('p', 1, { subject: all, egress: [{ action: 'Deny' }] })))
      .toBe('AdminNetworkPolicy p.spec.egress[0].to: to field must be defined and contain at least one item (a rule needs at least one peer; got null)');
    expect(bad(banp({ subject: all, ingress: [{ action: 'Deny', from: [] }] })))
      .toBe('BaselineAdminNetworkPolicy default.spec.ingress[0].from: from field must be defined and contain at least one item (a rule needs at least one peer; got [])');
    expect(bad(cnp('p', 'Admin', 1, { subject: all, egress: [{ action: 'Accept', to: [{ networks: ['10.0.0.0/33'] }] }] }))).toContain('ClusterNetworkPolicy p.spec.egress[0].to[0].networks[0]');
    expect(bad(cnp('p', 'Admin', 1, { subject: all, ingress: [{ action: 'Accept', from: [{ networks: ['10.0.0.0/8'] }] }] })))
      .toBe('ClusterNetworkPolicy p.spec.ingress[0].from[0]: unknown peer "networks" (valid: namespaces, pods)');
    // shapes only --lenient lets through: never a TypeError, never a string read as "select everything"
    expect(bad(cnp('p', 'Admin', 1, { subject: all, egress: [{ action: 'Deny', to: [{ networks: '0.0.0.0/0' }] }] })))
      .toBe('ClusterNetworkPolicy p.spec.egress[0].to[0].networks: expected a list of CIDRs, got "0.0.0.0/0"');
    expect(bad(cnp('p', 'Admin', 1, { subject: { namespaces: 'prod' } })))
      .toBe('ClusterNetworkPolicy p.spec.subject.namespaces: expected a label selector (a mapping with matchLabels/matchExpressions), got "prod"');
  });
});
