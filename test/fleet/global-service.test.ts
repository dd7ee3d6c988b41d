import { App, Duration } from 'cdk8s';
import * as kplus from 'cdk8s-plus-27';
import {
  CertIssuer, Fleet, GatewayCertificate, GatewayImplementation, GlobalService, GlobalServiceProps, GslbStrategy, GslbStrategyType,
  IngressCertificate, IngressController, MtlsMesh, PodSecurityLevel, ReachabilityAnalyzer, ZeroTrustNamespace,
} from '../../src';
import { isAllowed } from '../mesh/authz-eval';
import { errorOf, synthAndValidate } from '../util';
import { seedFleet } from './fixtures';

const base: GlobalServiceProps = {
  name: 'frontend', namespace: 'frontend', port: 80, targetPort: 8080, selector: { app: 'frontend' },
};

function byKind(objs: any[], kind: string): any[] {
  return objs.filter((o) => o.kind === kind);
}

describe('GlobalService (S15)', () => {
  test('each cluster gets a LoadBalancer Service (80 -> 8080) and an MCS ServiceExport, not the seed annotation', () => {
    const fleet = seedFleet();
    new GlobalService(fleet, 'frontend', base);
    for (const c of fleet.clusters) {
      const objs = synthAndValidate(c.chart);
      const [svc] = byKind(objs, 'Service');
      expect(svc.spec.type).toBe('LoadBalancer');
      expect(svc.spec.ports).toEqual([{ name: 'http', port: 80, targetPort: 8080, protocol: 'TCP' }]);
      expect(svc.spec.selector).toEqual({ app: 'frontend' });
      expect(svc.metadata.annotations?.['multicluster.kubernetes.io/service-name']).toBeUndefined();
      const [exp] = byKind(objs, 'ServiceExport');
      expect(exp.apiVersion).toBe('multicluster.x-k8s.io/v1alpha1');
      expect(exp.metadata).toEqual({ name: 'frontend', namespace: 'frontend' });
      expect(byKind(objs, 'Gslb')).toEqual([]);
    }
  });

  test('k8gb roundRobin: a Gslb referencing an Ingress for the global host in every cluster', () => {
    const fleet = seedFleet();
    new GlobalService(fleet, 'frontend', { ...base, dns: { hostname: 'shop.example.com', ttl: Duration.seconds(60) } });
    for (const c of fleet.clusters) {
      const objs = synthAndValidate(c.chart);
      const [gslb] = byKind(objs, 'Gslb');
      expect(gslb.apiVersion).toBe('k8gb.io/v1beta1');
      expect(gslb.spec).toEqual({
        resourceRef: { apiVersion: 'networking.k8s.io/v1', kind: 'Ingress', name: 'frontend' },
        strategy: { type: 'roundRobin', dnsTtlSeconds: 60 },
      });
      // k8gb answers with the controller's addresses: the Service itself is not exposed
      expect(byKind(objs, 'Service')[0].spec.type).toBe('ClusterIP');
      const [ing] = byKind(objs, 'Ingress');
      expect(ing.metadata.name).toBe('frontend');
      expect(ing.spec.rules[0].host).toBe('shop.example.com');
      expect(ing.spec.rules[0].http.paths[0].backend.service).toEqual({ name: 'frontend', port: { name: 'http' } });
      expect(ing.spec.tls).toBeUndefined();
    }
  });

  test('failover with the primary geo tag, TLS, external-dns annotations per cluster', () => {
    const fleet = seedFleet();
    const gs = new GlobalService(fleet, 'frontend', {
      ...base,
      clusters: ['asia-east', 'europe-west'],
      dns: { hostname: 'shop.example.com', strategy: GslbStrategy.failover('asia'), externalDns: true, tlsSecretName: 'shop-tls' },
    });
    expect(gs.clusters.map((c) => c.name)).toEqual(['asia-east', 'europe-west']);
    expect(gs.strategy?.type).toBe(GslbStrategyType.FAILOVER);
    const objs = synthAndValidate(fleet.cluster('europe-west').chart);
    expect(byKind(objs, 'Gslb')[0].spec.strategy).toEqual({ type: 'failover', primaryGeoTag: 'asia', dnsTtlSeconds: 30 });
    expect(byKind(objs, 'Service')[0].metadata.annotations).toEqual({
      'external-dns.alpha.kubernetes.io/hostname': 'shop.example.com',
      'external-dns.alpha.kubernetes.io/ttl': '30',
      'external-dns.alpha.kubernetes.io/set-identifier': 'europe-west',
    });
    expect(byKind(objs, 'Ingress')[0].spec.tls).toEqual([{ hosts: ['shop.example.com'], secretName: 'shop-tls' }]);
    // not in us-east
    expect(synthAndValidate(fleet.cluster('us-east').chart)).toEqual([]);
    expect(gs.serviceIn('asia-east').kind).toBe('Service');
    expect(errorOf(() => gs.serviceIn('us-east')).field).toBe('cluster');
  });

  test('geoip strategy and external-dns only', () => {
    const fleet = seedFleet();
    new GlobalService(fleet, 'geo', { ...base, dns: { hostname: 'geo.example.com', strategy: GslbStrategy.geoip() } });
    expect(byKind(synthAndValidate(fleet.cluster('us-east').chart), 'Gslb')[0].spec.strategy.type).toBe('geoip');
    const f2 = seedFleet();
    new GlobalService(f2, 'edns', { ...base, dns: { hostname: 'x.example.com', k8gb: false, externalDns: true } });
    const objs = synthAndValidate(f2.cluster('us-east').chart);
    expect(byKind(objs, 'Gslb')).toEqual([]);
    expect(byKind(objs, 'Ingress')).toEqual([]);
    expect(byKind(objs, 'Service')[0].metadata.annotations['external-dns.alpha.kubernetes.io/hostname']).toBe('x.example.com');
  });

  test('what the engines would reject', () => {
    const f = (): Fleet => seedFleet(new App());
    let e = errorOf(() => new GlobalService(f(), 'x', { ...base, dns: { hostname: 'x.example.com', strategy: GslbStrategy.failover('mars') } }));
    expect(e.field).toBe('dns.strategy.primaryGeoTag');
    expect(e.message).toContain('"mars"');
    expect(e.message).toContain('"asia", "eu", "us"');
    e = errorOf(() => new GlobalService(f(), 'x', { ...base, clusters: ['europe-west'], dns: { hostname: 'x.example.com', strategy: GslbStrategy.failover('asia') } }));
    expect(e.field).toBe('dns.strategy.primaryGeoTag');
    e = errorOf(() => new GlobalService(f(), 'x', { ...base, dns: { hostname: '*.example.com' } }));
    expect(e.field).toBe('dns.hostname');
    e = errorOf(() => new GlobalService(f(), 'x', { ...base, dns: { hostname: 'x.example.com', ttl: Duration.millis(500) } }));
    expect(e.field).toBe('dns.ttl');
    e = errorOf(() => new GlobalService(f(), 'x', { ...base, dns: { hostname: 'x.example.com', k8gb: false } }));
    expect(e.field).toBe('dns');
    e = errorOf(() => new GlobalService(f(), 'x', { ...base, dns: { hostname: 'x.example.com', k8gb: false, externalDns: true, strategy: GslbStrategy.geoip() } }));
    expect(e.field).toBe('dns.strategy');
    e = errorOf(() => new GlobalService(f(), 'x', { ...base, clusters: ['asia-east', 'mars'] }));
    expect(e.field).toBe('clusters[1]');
    expect(e.message).toContain('"mars"');
    e = errorOf(() => new GlobalService(f(), 'x', { ...base, clusters: ['asia-east', 'asia-east'] }));
    expect(e.field).toBe('clusters[1]');
    e = errorOf(() => new GlobalService(f(), 'x', { ...base, selector: {} }));
    expect(e.field).toBe('selector');
    e = errorOf(() => new GlobalService(f(), 'x', { ...base, port: 70000 }));
    expect(e.field).toBe('port');
    expect(e.message).toContain('70000');
  });

  test('serviceType: ClusterIP behind k8gb by default, LoadBalancer with external-dns, explicit LoadBalancer still expressible', () => {
    const typeOf = (props: GlobalServiceProps): string => {
      const fleet = seedFleet();
      const gs = new GlobalService(fleet, 'gs', props);
      const t = byKind(synthAndValidate(fleet.cluster('asia-east').chart), 'Service')[0].spec.type;
      expect(gs.serviceType).toBe(t);
      return t;
    };
    expect(typeOf(base)).toBe('LoadBalancer');
    expect(typeOf({ ...base, dns: { hostname: 'x.example.com' } })).toBe('ClusterIP');
    expect(typeOf({ ...base, dns: { hostname: 'x.example.com', externalDns: true } })).toBe('LoadBalancer');
    expect(typeOf({ ...base, dns: { hostname: 'x.example.com', k8gb: false, externalDns: true } })).toBe('LoadBalancer');
    expect(typeOf({ ...base, serviceType: kplus.ServiceType.LOAD_BALANCER, dns: { hostname: 'x.example.com' } })).toBe('LoadBalancer');
    expect(typeOf({ ...base, serviceType: kplus.ServiceType.CLUSTER_IP })).toBe('ClusterIP');
  });

  test('dns.certificate: the global host through a SecureIngress (TLS only, cert-manager, only the controller reaches the pods)', () => {
    const app = new App();
    const fleet = seedFleet(app);
    for (const c of fleet.clusters) {
      new ZeroTrustNamespace(c.chart, 'ns', { name: 'frontend' });
      new kplus.Deployment(c.chart, 'other', { metadata: { name: 'other', namespace: 'frontend' }, containers: [{ image: 'curl:8', portNumber: 9000 }] });
      const web = new kplus.Deployment(c.chart, 'web', {
        metadata: { name: 'frontend', namespace: 'frontend' },
        select: false,
        podMetadata: { labels: { app: 'frontend' } },
        containers: [{ image: 'shop/frontend:1', ports: [{ number: 8080 }, { number: 9000 }] }],
      });
      web.select(kplus.LabelSelector.of({ labels: { app: 'frontend' } }));
    }
    const gs = new GlobalService(fleet, 'frontend', {
      ...base,
      dns: {
        hostname: 'shop.example.com',
        strategy: GslbStrategy.failover('asia'),
        certificate: IngressCertificate.certManager(CertIssuer.clusterIssuer('letsencrypt')),
      },
    });
    for (const c of fleet.clusters) {
      const objs = synthAndValidate(c.chart);
      expect(gs.secureIngressIn(c.name)?.name).toBe('frontend');
      const [svc] = byKind(objs, 'Service');
      expect(svc.spec).toEqual({
        type: 'ClusterIP', selector: { app: 'frontend' }, ports: [{ name: 'http', port: 80, targetPort: 8080, protocol: 'TCP' }],
      });
      const ings = byKind(objs, 'Ingress');
      expect(ings).toHaveLength(1);
      const [ing] = ings;
      expect(ing.metadata.name).toBe('frontend');
      expect(ing.metadata.namespace).toBe('frontend');
      expect(ing.metadata.annotations['nginx.ingress.kubernetes.io/force-ssl-redirect']).toBe('true');
      expect(ing.spec.tls).toEqual([{ hosts: ['shop.example.com'], secretName: 'frontend-tls' }]);
      expect(ing.spec.rules).toEqual([{
        host: 'shop.example.com',
        http: { paths: [{ path: '/', pathType: 'Prefix', backend: { service: { name: 'frontend', port: { number: 80 } } } }] },
      }]);
      const [cert] = byKind(objs, 'Certificate');
      expect(cert.metadata).toEqual({ name: 'frontend-tls', namespace: 'frontend' });
      expect(cert.spec).toEqual({
        secretName: 'frontend-tls',
        dnsNames: ['shop.example.com'],
        issuerRef: { group: 'cert-manager.io', kind: 'ClusterIssuer', name: 'letsencrypt' },
      });
      const [gslb] = byKind(objs, 'Gslb');
      expect(gslb.spec.resourceRef).toEqual({ apiVersion: 'networking.k8s.io/v1', kind: 'Ingress', name: ing.metadata.name });
      // the Gslb comes after the Ingress it references
      expect(objs.indexOf(gslb)).toBeGreaterThan(objs.indexOf(ing));
      const an = ReachabilityAnalyzer.fromObjects(objs, {
        ingressControllerNamespace: 'ingress-nginx',
        ingressControllerLabels: { 'app.kubernetes.io/name': 'ingress-nginx', 'app.kubernetes.io/component': 'controller' },
      });
      expect(an.isAllowed('{ingress-controller}', 'frontend/frontend', '8080')).toBe(true);
      expect(an.isAllowed('{ingress-controller}', 'frontend/frontend', '9000')).toBe(false);
      expect(an.isAllowed('8.8.8.8', 'frontend/frontend')).toBe(false);
      expect(an.isAllowed('frontend/other', 'frontend/frontend')).toBe(false);
    }
    expect(gs.kplusServiceIn('us-east').type).toBe(kplus.ServiceType.CLUSTER_IP);
    expect(errorOf(() => gs.secureIngressIn('mars')).field).toBe('cluster');
  });

  test('dns.certificate from a Secret, a custom controller; the namespace must be zero-trust unless told otherwise', () => {
    const fleet = seedFleet();
    const gs = new GlobalService(fleet, 'frontend', {
      ...base,
      clusters: ['us-east'],
      dns: {
        hostname: 'shop.example.com',
        certificate: IngressCertificate.fromSecret('shop-tls'),
        ingressController: IngressController.nginx({ className: 'public' }),
        requireZeroTrustNamespace: false,
      },
    });
    const objs = synthAndValidate(fleet.cluster('us-east').chart);
    const [ing] = byKind(objs, 'Ingress');
    expect(ing.spec.ingressClassName).toBe('public');
    expect(ing.spec.tls).toEqual([{ hosts: ['shop.example.com'], secretName: 'shop-tls' }]);
    expect(byKind(objs, 'Certificate')).toEqual([]);
    expect(gs.secureIngressIn('us-east')).toBeDefined();
    const f2 = seedFleet();
    new GlobalService(f2, 'frontend', { ...base, clusters: ['us-east'], dns: { hostname: 'shop.example.com', certificate: IngressCertificate.fromSecret('shop-tls') } });
    const e = errorOf(() => f2.cluster('us-east').chart.toJson());
    expect(e.field).toBe('namespace');
    expect(e.message).toContain('"frontend"');
  });

  test('serviceType, certificate and controller combinations the engines would not serve', () => {
    const f = (): Fleet => seedFleet(new App());
    const cert = IngressCertificate.fromSecret('shop-tls');
    let e = errorOf(() => new GlobalService(f(), 'x', { ...base, serviceType: kplus.ServiceType.NODE_PORT }));
    expect(e.field).toBe('serviceType');
    expect(e.message).toContain('NodePort');
    e = errorOf(() => new GlobalService(f(), 'x', { ...base, serviceType: kplus.ServiceType.CLUSTER_IP, dns: { hostname: 'x.example.com', externalDns: true } }));
    expect(e.field).toBe('serviceType');
    expect(e.message).toContain('ClusterIP');
    e = errorOf(() => new GlobalService(f(), 'x', { ...base, serviceType: kplus.ServiceType.LOAD_BALANCER, dns: { hostname: 'x.example.com', certificate: cert } }));
    expect(e.field).toBe('serviceType');
    expect(e.message).toContain('LoadBalancer');
    e = errorOf(() => new GlobalService(f(), 'x', { ...base, dns: { hostname: 'x.example.com', externalDns: true, certificate: cert } }));
    expect(e.field).toBe('serviceType');
    e = errorOf(() => new GlobalService(f(), 'x', { ...base, dns: { hostname: 'x.example.com', k8gb: false, externalDns: true, certificate: cert } }));
    expect(e.field).toBe('dns.certificate');
    e = errorOf(() => new GlobalService(f(), 'x', { ...base, dns: { hostname: 'x.example.com', certificate: cert, tlsSecretName: 'shop-tls' } }));
    expect(e.field).toBe('dns.tlsSecretName');
    e = errorOf(() => new GlobalService(f(), 'x', { ...base, dns: { hostname: 'x.example.com', certificate: 'shop-tls' as any } }));
    expect(e.field).toBe('dns.certificate');
    e = errorOf(() => new GlobalService(f(), 'x', { ...base, dns: { hostname: 'x.example.com', ingressController: IngressController.istio() } }));
    expect(e.field).toBe('dns.ingressController');
    e = errorOf(() => new GlobalService(f(), 'x', { ...base, dns: { hostname: 'x.example.com', ingressController: IngressController.nginx(), ingressClassName: 'nginx' } }));
    expect(e.field).toBe('dns.ingressClassName');
  });

  describe('dns.gateway (Kubernetes Gateway API, k8gb resourceRef HTTPRoute)', () => {
    /** Each cluster: ZeroTrustNamespace frontend (meshed, protected) with the frontend pods, gateway namespace edge. */
    function gatewayFleet(edgeLevel: PodSecurityLevel = PodSecurityLevel.BASELINE): Fleet {
      const fleet = seedFleet(new App());
      for (const c of fleet.clusters) {
        new ZeroTrustNamespace(c.chart, 'ns', { name: 'frontend', istioInjection: true });
        new ZeroTrustNamespace(c.chart, 'ns-edge', { name: 'edge', allowLoadBalancers: true, podSecurity: edgeLevel });
        new MtlsMesh(c.chart, 'mesh').protectNamespace('frontend');
        const sa = new kplus.ServiceAccount(c.chart, 'sa', { metadata: { name: 'frontend', namespace: 'frontend' } });
        const web = new kplus.Deployment(c.chart, 'web', {
          metadata: { name: 'frontend', namespace: 'frontend' },
          serviceAccount: sa,
          select: false,
          podMetadata: { labels: { app: 'frontend' } },
          containers: [{ image: 'shop/frontend:1', ports: [{ number: 8080 }, { number: 9000 }] }],
        });
        web.select(kplus.LabelSelector.of({ labels: { app: 'frontend' } }));
      }
      return fleet;
    }

    test('a SecureGateway per cluster; the Gslb references the global host\'s HTTPRoute; only the gateway\'s identity reaches the pods', () => {
      const fleet = gatewayFleet();
      const gs = new GlobalService(fleet, 'frontend', {
        ...base,
        dns: {
          hostname: 'shop.example.com',
          strategy: GslbStrategy.failover('asia'),
          gateway: { namespace: 'edge', certificate: GatewayCertificate.certManager(CertIssuer.clusterIssuer('letsencrypt')), clusterHostnames: true },
        },
      });
      for (const c of fleet.clusters) {
        const objs = synthAndValidate(c.chart);
        expect(byKind(objs, 'Ingress')).toEqual([]);
        expect(byKind(objs, 'Service').find((s) => s.metadata.name === 'frontend').spec.type).toBe('ClusterIP');
        const [gw] = byKind(objs, 'Gateway');
        expect(gw.metadata).toEqual({ name: 'frontend', namespace: 'edge' });
        expect(gw.spec.listeners.map((l: any) => l.hostname ?? l.name).sort()).toEqual([`${c.name}.shop.example.com`, 'http', 'shop.example.com'].sort());
        const [gslb] = byKind(objs, 'Gslb');
        expect(gslb.metadata).toEqual({ name: 'frontend', namespace: 'frontend' });
        // k8gb resolves the HTTPRoute in the Gslb's namespace, with one host and one parent Gateway
        const route = byKind(objs, 'HTTPRoute').find((r) => r.metadata.name === gslb.spec.resourceRef.name && r.metadata.namespace === 'frontend');
        expect(gslb.spec).toEqual({
          resourceRef: { apiVersion: 'gateway.networking.k8s.io/v1', kind: 'HTTPRoute', name: 'frontend-shop-example-com' },
          strategy: { type: 'failover', primaryGeoTag: 'asia', dnsTtlSeconds: 30 },
        });
        expect(route.spec.hostnames).toEqual(['shop.example.com']);
        expect(route.spec.parentRefs).toHaveLength(1);
        expect(route.spec.parentRefs[0]).toMatchObject({ kind: 'Gateway', name: 'frontend', namespace: 'edge' });
        expect(route.spec.rules.map((r: any) => r.backendRefs)).toEqual([[{ name: 'frontend', port: 80 }]]);
        expect(objs.indexOf(gslb)).toBeGreaterThan(objs.indexOf(route));
        const [cert] = byKind(objs, 'Certificate');
        expect(cert.spec.dnsNames).toEqual([`${c.name}.shop.example.com`, 'shop.example.com'].sort());
        // STRICT mTLS kept: the pods admit the gateway's identity on 8080 only
        expect(objs.some((o) => o.kind === 'PeerAuthentication' && o.spec?.mtls?.mode === 'PERMISSIVE')).toBe(false);
        const req = (principal: string, port: number) => ({
          principal, sourceNamespace: principal.split('/')[2], namespace: 'frontend', labels: { app: 'frontend' }, port, method: 'GET', path: '/',
        });
        expect(isAllowed(objs, req('cluster.local/ns/edge/sa/frontend-istio', 8080))).toBe(true);
        expect(isAllowed(objs, req('cluster.local/ns/edge/sa/frontend-istio', 9000))).toBe(false);
        expect(isAllowed(objs, req('cluster.local/ns/edge/sa/other-istio', 8080))).toBe(false);
        const an = ReachabilityAnalyzer.fromObjects(objs);
        expect(an.isAllowed('edge/frontend-istio', 'frontend/frontend', '8080')).toBe(true);
        expect(an.isAllowed('edge/frontend-istio', 'frontend/frontend', '9000')).toBe(false);
        expect(an.isAllowed('8.8.8.8', 'frontend/frontend')).toBe(false);
        expect(gs.secureGatewayIn(c.name)?.gateway.name).toBe('frontend');
        expect(gs.secureIngressIn(c.name)).toBeUndefined();
      }
      expect(errorOf(() => gs.secureGatewayIn('mars')).field).toBe('cluster');
    });

    test('the gateway\'s namespace must admit its pods: restricted needs the seccomp profile of istiod\'s gateways', () => {
      const restricted = gatewayFleet(PodSecurityLevel.RESTRICTED);
      new GlobalService(restricted, 'frontend', {
        ...base, clusters: ['us-east'], dns: { hostname: 'shop.example.com', gateway: { namespace: 'edge', certificate: GatewayCertificate.fromSecret('shop-tls') } },
      });
      const e = errorOf(() => restricted.cluster('us-east').chart.toJson());
      expect(e.field).toBe('namespace');
      expect(e.message).toMatch(/"edge".*restricted.*seccomp/);
      const confined = gatewayFleet(PodSecurityLevel.RESTRICTED);
      new GlobalService(confined, 'frontend', {
        ...base,
        clusters: ['us-east'],
        dns: {
          hostname: 'shop.example.com',
          gateway: { namespace: 'edge', name: 'shop', certificate: GatewayCertificate.fromSecret('shop-tls'), implementation: GatewayImplementation.istio({ seccompProfileConfigured: true }) },
        },
      });
      const objs = synthAndValidate(confined.cluster('us-east').chart);
      expect(byKind(objs, 'Gateway')[0].metadata.name).toBe('shop');
      expect(byKind(objs, 'Gslb')[0].spec.resourceRef.name).toBe('shop-shop-example-com');
    });

    test('combinations k8gb would not serve are refused, naming the field', () => {
      const cert = GatewayCertificate.fromSecret('shop-tls');
      const gateway = { namespace: 'edge', certificate: cert };
      const f = (): Fleet => seedFleet(new App());
      let e = errorOf(() => new GlobalService(f(), 'x', { ...base, dns: { hostname: 'x.example.com', gateway, certificate: IngressCertificate.fromSecret('t') } }));
      expect(e.field).toBe('dns.certificate');
      expect(e.message).toContain('dns.gateway');
      e = errorOf(() => new GlobalService(f(), 'x', { ...base, dns: { hostname: 'x.example.com', gateway, ingressClassName: 'nginx' } }));
      expect(e.field).toBe('dns.ingressClassName');
      e = errorOf(() => new GlobalService(f(), 'x', { ...base, dns: { hostname: 'x.example.com', gateway, k8gb: false, externalDns: true } }));
      expect(e.field).toBe('dns.gateway');
      expect(e.message).toContain('k8gb');
      e = errorOf(() => new GlobalService(f(), 'x', { ...base, dns: { hostname: 'x.example.com', gateway, externalDns: true } }));
      expect(e.field).toBe('serviceType');
      expect(e.message).toContain('dns.gateway');
      e = errorOf(() => new GlobalService(f(), 'x', { ...base, dns: { hostname: 'x.example.com', gateway: { namespace: 'Edge', certificate: cert } } }));
      expect(e.field).toBe('dns.gateway.namespace');
      expect(e.message).toContain('"Edge"');
      e = errorOf(() => new GlobalService(f(), 'x', { ...base, dns: { hostname: 'x.example.com', gateway: { namespace: 'edge', certificate: 'shop-tls' as any } } }));
      expect(e.message).toContain('certificate');
      expect(e.message).toContain('"shop-tls"');
      e = errorOf(() => new GlobalService(f(), 'x', { ...base, dns: { hostname: 'x.example.com', gateway: { namespace: 'edge' } as any } }));
      expect(e.message).toContain('certificate');
    });
  });
});
