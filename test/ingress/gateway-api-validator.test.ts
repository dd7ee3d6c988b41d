import { expectInvalid, expectValid } from '../util';

/** What the validator knows of the Gateway API CRDs (crds/gateway-api, v1.6.1 standard): schemas and the CEL rules output depends on. */
const gateway = (listeners: any[]) => ({
  apiVersion: 'gateway.networking.k8s.io/v1',
  kind: 'Gateway',
  metadata: { name: 'gw', namespace: 'edge' },
  spec: { gatewayClassName: 'istio', listeners },
});
const HTTP = { name: 'http', port: 80, protocol: 'HTTP' };
const HTTPS = { name: 'https-a', hostname: 'a.example.com', port: 443, protocol: 'HTTPS', tls: { mode: 'Terminate', certificateRefs: [{ name: 'a-tls' }] } };
const route = (rules: any[]) => ({
  apiVersion: 'gateway.networking.k8s.io/v1',
  kind: 'HTTPRoute',
  metadata: { name: 'r', namespace: 'shop' },
  spec: { parentRefs: [{ name: 'gw', namespace: 'edge', sectionName: 'https-a' }], hostnames: ['a.example.com'], rules },
});
const REDIRECT = { type: 'RequestRedirect', requestRedirect: { scheme: 'https', statusCode: 301 } };

describe('validator: Gateway API', () => {
  test('valid Gateway, HTTPRoute and ReferenceGrant are accepted; unknown fields and versions are not', () => {
    expectValid([gateway([HTTP, HTTPS]), route([{ backendRefs: [{ name: 'web', port: 80 }] }]), route([{ filters: [REDIRECT] }])]);
    expectValid([{
      apiVersion: 'gateway.networking.k8s.io/v1beta1',
      kind: 'ReferenceGrant',
      metadata: { name: 'g', namespace: 'certs' },
      spec: { from: [{ group: 'gateway.networking.k8s.io', kind: 'Gateway', namespace: 'edge' }], to: [{ group: '', kind: 'Secret', name: 'a-tls' }] },
    }]);
    expectInvalid(gateway([{ ...HTTP, hostnames: ['x'] }]), '.spec.listeners[0].hostnames: unknown field');
    expectInvalid({ ...gateway([HTTP]), apiVersion: 'gateway.networking.k8s.io/v1alpha9' }, 'unknown apiVersion/kind');
  });

  test('listener rules: unique names, unique port/protocol/hostname, no TLS on HTTP, Terminate needs a certificate', () => {
    expectInvalid(gateway([HTTP, { ...HTTPS, name: 'http' }]), 'Listener name must be unique');
    expectInvalid(gateway([HTTPS, { ...HTTPS, name: 'https-b' }]), 'Combination of port, protocol and hostname must be unique');
    expectInvalid(gateway([{ ...HTTP, tls: HTTPS.tls }]), 'tls must not be specified for protocols');
    expectInvalid(gateway([{ ...HTTPS, tls: { mode: 'Terminate', certificateRefs: [] } }]), 'certificateRefs or options must be specified when mode is Terminate');
  });

  test('HTTPRoute rules: a redirect carries no backends; paths; Service backends need a port', () => {
    expectInvalid(route([{ filters: [REDIRECT], backendRefs: [{ name: 'web', port: 80 }] }]), 'RequestRedirect filter must not be used together with backendRefs');
    expectInvalid(route([{ matches: [{ path: { type: 'PathPrefix', value: '/a//b' } }], backendRefs: [{ name: 'web', port: 80 }] }]), "must not contain '//'");
    expectInvalid(route([{ matches: [{ path: { type: 'Exact', value: 'api' } }], backendRefs: [{ name: 'web', port: 80 }] }]), 'value must be an absolute path');
    expectInvalid(route([{ backendRefs: [{ name: 'web' }] }]), 'Must have port for Service reference');
    expectInvalid(route([{ filters: [{ type: 'RequestRedirect' }] }]), 'filter.requestRedirect must be specified for RequestRedirect filter.type');
    expectInvalid(route([{ filters: [REDIRECT, REDIRECT] }]), 'RequestRedirect filter cannot be repeated');
  });
});
