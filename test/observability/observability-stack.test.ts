import { Testing } from 'cdk8s';
import * as kplus from 'cdk8s-plus-27';
import { ObservabilityStack } from '../../src';
import { namespacePeer } from '../../src/observability/internal';
import { synthAndValidate } from '../util';

describe('ObservabilityStack', () => {
  test('collector only by default; collector and fluentd when logging is given', () => {
    const c1 = Testing.chart();
    const s1 = new ObservabilityStack(c1, 'obs');
    expect(s1.logShipper).toBeUndefined();
    expect(synthAndValidate(c1).map((o) => o.kind)).toEqual(['ServiceAccount', 'OpenTelemetryCollector']);

    const c2 = Testing.chart();
    const s2 = new ObservabilityStack(c2, 'obs', {
      tracing: { tracedNamespaces: [namespacePeer('shop')] },
      logging: { credentials: kplus.Secret.fromSecretName(c2, 'creds', 'es') },
    });
    const kinds = synthAndValidate(c2).map((o) => o.kind).sort();
    expect(kinds).toEqual(['ClusterRole', 'ClusterRoleBinding', 'ConfigMap', 'DaemonSet', 'OpenTelemetryCollector', 'ServiceAccount', 'ServiceAccount']);
    expect(s2.logShipper?.shipperName).toBe('fluentd');
    expect(s2.collector.serviceName).toBe('cluster-collector-collector');
  });
});
