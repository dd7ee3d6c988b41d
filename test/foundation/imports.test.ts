import { Testing } from 'cdk8s';
import * as mcs from '../../src/imports/multicluster.x-k8s.io';
import * as istioSec from '../../src/imports/security.istio.io';
import { synthAndValidate } from '../util';

test('imported bindings synthesize objects the validator accepts', () => {
  const chart = Testing.chart();
  new istioSec.PeerAuthentication(chart, 'pa', {
    metadata: { name: 'default', namespace: 'istio-system' },
    spec: { mtls: { mode: istioSec.PeerAuthenticationSpecMtlsMode.STRICT } },
  });
  new istioSec.AuthorizationPolicy(chart, 'ap', {
    metadata: { name: 'allow-web', namespace: 'shop' },
    spec: {
      selector: { matchLabels: { app: 'web' } },
      action: istioSec.AuthorizationPolicySpecAction.ALLOW,
      rules: [{ from: [{ source: { principals: ['cluster.local/ns/gw/sa/gateway'] } }] }],
    },
  });
  new mcs.ServiceExport(chart, 'se', { metadata: { name: 'db', namespace: 'shop' } });
  const objs = synthAndValidate(chart);
  expect(objs.map((o) => `${o.apiVersion} ${o.kind}`)).toEqual([
    'security.istio.io/v1 PeerAuthentication', 'security.istio.io/v1 AuthorizationPolicy', 'multicluster.x-k8s.io/v1alpha1 ServiceExport',
  ]);
  expect(objs[0].spec.mtls.mode).toBe('STRICT');
});
