/**
 * A realistic fleet model for the analyzer (plain manifests, no constructs): `pods` single-pod
 * Deployments in namespaces of 50 (10 web, 25 api, 15 db), each namespace with
 *
 * - NetworkPolicies: default-deny (ingress and egress), DNS egress to kube-system's kube-dns,
 *   ingress-nginx -> web (named port `http`), web -> api, api -> db (both directions' policies),
 *   api -> the next namespace's api (namespaceSelector by team label, cross-namespace), metrics
 *   scraping from the monitoring namespace (matchExpressions), and in every fifth namespace api
 *   egress to the internet on 443 (ipBlock 0.0.0.0/0 except 10.0.0.0/8);
 * - Istio: a STRICT PeerAuthentication and AuthorizationPolicies per tier (ALLOW by namespace,
 *   ports and methods).
 *
 * Plus the shared infrastructure: CoreDNS, the ingress-nginx controller, Prometheus.
 */

const PER_NAMESPACE = { web: 10, api: 25, db: 15 };
const NS_SIZE = PER_NAMESPACE.web + PER_NAMESPACE.api + PER_NAMESPACE.db;

function namespace(name: string, labels: { [k: string]: string } = {}): any {
  return { apiVersion: 'v1', kind: 'Namespace', metadata: { name, labels: { 'kubernetes.io/metadata.name': name, ...labels } } };
}

function deployment(ns: string, name: string, labels: { [k: string]: string }, ports: any[]): any {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name, namespace: ns },
    spec: {
      replicas: 1,
      selector: { matchLabels: { app: name } },
      template: {
        metadata: { labels: { app: name, ...labels } },
        spec: { serviceAccountName: name, containers: [{ name: 'app', image: `registry.example.com/${name}:1.0.0`, ports }] },
      },
    },
  };
}

function netpol(ns: string, name: string, spec: any): any {
  return { apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: { name, namespace: ns }, spec };
}

function authz(ns: string, name: string, tier: string, rules: any[]): any {
  return { apiVersion: 'security.istio.io/v1', kind: 'AuthorizationPolicy', metadata: { name, namespace: ns }, spec: { selector: { matchLabels: { tier } }, action: 'ALLOW', rules } };
}

const byName = (n: string): any => ({ matchLabels: { 'kubernetes.io/metadata.name': n } });
const tcp = (port: number | string): any => ({ protocol: 'TCP', port });

function infrastructure(): any[] {
  return [
    namespace('kube-system'),
    namespace('ingress-nginx', { 'istio-injection': 'enabled' }),
    namespace('monitoring', { 'istio-injection': 'enabled' }),
    deployment('kube-system', 'coredns', { 'k8s-app': 'kube-dns' }, [{ name: 'dns', containerPort: 53, protocol: 'UDP' }, { name: 'dns-tcp', containerPort: 53 }]),
    deployment('ingress-nginx', 'ingress-nginx-controller', { 'app.kubernetes.io/name': 'ingress-nginx' }, [{ name: 'https', containerPort: 443 }]),
    deployment('monitoring', 'prometheus', { 'app.kubernetes.io/name': 'prometheus' }, [{ name: 'web', containerPort: 9090 }]),
  ];
}

function teamPolicies(ns: string, i: number, namespaces: number): any[] {
  const next = `team-${(i + 1) % namespaces}`;
  const prev = `team-${(i + namespaces - 1) % namespaces}`;
  const out = [
    netpol(ns, 'default-deny', { podSelector: {}, policyTypes: ['Ingress', 'Egress'] }),
    netpol(ns, 'allow-dns', {
      podSelector: {},
      policyTypes: ['Egress'],
      egress: [{ to: [{ namespaceSelector: byName('kube-system'), podSelector: { matchLabels: { 'k8s-app': 'kube-dns' } } }], ports: [{ protocol: 'UDP', port: 53 }, tcp(53)] }],
    }),
    netpol(ns, 'web-from-ingress', { podSelector: { matchLabels: { tier: 'web' } }, ingress: [{ from: [{ namespaceSelector: byName('ingress-nginx') }], ports: [tcp('http')] }] }),
    netpol(ns, 'web-to-api', { podSelector: { matchLabels: { tier: 'web' } }, policyTypes: ['Egress'], egress: [{ to: [{ podSelector: { matchLabels: { tier: 'api' } } }], ports: [tcp(8080)] }] }),
    netpol(ns, 'api-from-web-and-peers', {
      podSelector: { matchLabels: { tier: 'api' } },
      ingress: [
        { from: [{ podSelector: { matchLabels: { tier: 'web' } } }], ports: [tcp('http')] },
        { from: [{ namespaceSelector: { matchLabels: { team: prev } }, podSelector: { matchLabels: { tier: 'api' } } }], ports: [tcp(8080)] },
      ],
    }),
    netpol(ns, 'api-egress', {
      podSelector: { matchLabels: { tier: 'api' } },
      policyTypes: ['Egress'],
      egress: [
        { to: [{ podSelector: { matchLabels: { tier: 'db' } } }], ports: [tcp(5432)] },
        { to: [{ namespaceSelector: { matchLabels: { team: next } }, podSelector: { matchLabels: { tier: 'api' } } }], ports: [tcp(8080)] },
      ],
    }),
    netpol(ns, 'db-from-api', { podSelector: { matchLabels: { tier: 'db' } }, ingress: [{ from: [{ podSelector: { matchLabels: { tier: 'api' } } }], ports: [tcp(5432)] }] }),
    netpol(ns, 'metrics-from-monitoring', {
      podSelector: { matchExpressions: [{ key: 'tier', operator: 'In', values: ['web', 'api'] }] },
      ingress: [{ from: [{ namespaceSelector: { matchExpressions: [{ key: 'kubernetes.io/metadata.name', operator: 'In', values: ['monitoring'] }] } }], ports: [tcp('metrics')] }],
    }),
  ];
  if (i % 5 === 0) {
    out.push(netpol(ns, 'api-to-internet', {
      podSelector: { matchLabels: { tier: 'api' } },
      policyTypes: ['Egress'],
      egress: [{ to: [{ ipBlock: { cidr: '0.0.0.0/0', except: ['10.0.0.0/8'] } }], ports: [tcp(443)] }],
    }));
  }
  return out;
}

function teamMesh(ns: string, i: number, namespaces: number): any[] {
  const prev = `team-${(i + namespaces - 1) % namespaces}`;
  return [
    { apiVersion: 'security.istio.io/v1', kind: 'PeerAuthentication', metadata: { name: 'default', namespace: ns }, spec: { mtls: { mode: 'STRICT' } } },
    authz(ns, 'web', 'web', [{ from: [{ source: { namespaces: ['ingress-nginx'] } }], to: [{ operation: { ports: ['8080'] } }] }, { from: [{ source: { namespaces: ['monitoring'] } }], to: [{ operation: { ports: ['9090'], methods: ['GET'] } }] }]),
    authz(ns, 'api', 'api', [
      { from: [{ source: { namespaces: [ns] } }], to: [{ operation: { ports: ['8080'], methods: ['GET', 'POST'] } }] },
      { from: [{ source: { principals: [`cluster.local/ns/${prev}/sa/*`] } }], to: [{ operation: { ports: ['8080'], methods: ['GET'], paths: ['/api/*'] } }] },
      { from: [{ source: { namespaces: ['monitoring'] } }], to: [{ operation: { ports: ['9090'] } }] },
    ]),
    authz(ns, 'db', 'db', [{ from: [{ source: { namespaces: [ns] } }], to: [{ operation: { ports: ['5432'] } }] }]),
  ];
}

/** The manifests of a fleet-model cluster of `pods` workloads (rounded up to whole namespaces of 50). */
export function fleetModelObjects(pods: number): any[] {
  const namespaces = Math.max(2, Math.ceil(pods / NS_SIZE));
  const out = infrastructure();
  for (let i = 0; i < namespaces; i++) {
    const ns = `team-${i}`;
    out.push(namespace(ns, { 'team': ns, 'istio-injection': 'enabled', 'env': i % 4 === 0 ? 'staging' : 'prod' }));
    for (const [tier, n] of Object.entries(PER_NAMESPACE)) {
      for (let k = 0; k < n; k++) {
        const ports = tier === 'db' ? [{ name: 'db', containerPort: 5432 }] : [{ name: 'http', containerPort: 8080 }, { name: 'metrics', containerPort: 9090 }];
        out.push(deployment(ns, `${tier}-${k}`, { tier, team: ns }, ports));
      }
    }
    out.push(...teamPolicies(ns, i, namespaces), ...teamMesh(ns, i, namespaces));
  }
  return out;
}
