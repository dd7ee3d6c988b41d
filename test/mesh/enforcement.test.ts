import { Testing } from 'cdk8s';
import {
  Enforcement, EnforcementMode, MeshAuthorization, MeshSource, MtlsMesh, ZeroTrustNamespace,
} from '../../src';
import { synthAndValidate } from '../util';

const DRY_RUN = 'istio.io/dry-run';

/** `<namespace>/<name>` of every AuthorizationPolicy, with ` (dry-run)` when annotated. */
function policies(objs: any[]): string[] {
  return objs.filter((o) => o.kind === 'AuthorizationPolicy')
    .map((o) => `${o.metadata.namespace}/${o.metadata.name}${o.metadata.annotations?.[DRY_RUN] === 'true' ? ' (dry-run)' : ''}`)
    .sort();
}

describe('enforcement prop of MtlsMesh and MeshAuthorization', () => {
  test('MtlsMesh AUDIT: its AuthorizationPolicies are dry-run, its PeerAuthentication PERMISSIVE; NetworkPolicies unchanged', () => {
    const chart = Testing.chart();
    new ZeroTrustNamespace(chart, 'order', { name: 'order', istioInjection: true });
    const mesh = new MtlsMesh(chart, 'mesh', { enforcement: EnforcementMode.AUDIT });
    mesh.protectNamespace('order');
    mesh.protectNamespace('payment');
    const objs = synthAndValidate(chart);
    expect(policies(objs)).toEqual(['order/allow-nothing (dry-run)', 'payment/allow-nothing (dry-run)']);
    // the mesh's mode is not the namespace's: the NetworkPolicies of order are emitted
    expect(objs.some((o) => o.kind === 'NetworkPolicy' && o.metadata.namespace === 'order' && o.metadata.name === 'default-deny')).toBe(true);
    // review finding 6: AUDIT does not enforce mTLS either (Istio's migration starts PERMISSIVE)
    expect(objs.find((o) => o.kind === 'PeerAuthentication').spec.mtls.mode).toBe('PERMISSIVE');
  });

  test('a namespace\'s own mode wins over the mesh\'s; MeshAuthorization\'s prop wins over both', () => {
    const chart = Testing.chart();
    const mesh = new MtlsMesh(chart, 'mesh', { enforcement: EnforcementMode.AUDIT });
    mesh.protectNamespace('order');
    Enforcement.setNamespace(chart, 'order', EnforcementMode.ENFORCE);
    mesh.protectNamespace('payment');
    Enforcement.setNamespace(chart, 'shop', EnforcementMode.AUDIT);
    const shop = new MeshAuthorization(chart, 'shop', { namespace: 'shop', enforcement: EnforcementMode.ENFORCE });
    shop.allow('from-web', { rules: [{ from: [MeshSource.namespace('web')] }] });
    const staged = new MeshAuthorization(chart, 'staged', { namespace: 'staged', enforcement: EnforcementMode.AUDIT });
    staged.deny('no-admin', { rules: [{ paths: ['/admin/*'] }] });
    expect(policies(synthAndValidate(chart))).toEqual([
      'order/allow-nothing',
      'payment/allow-nothing (dry-run)',
      'shop/allow-nothing',
      'shop/from-web',
      'staged/allow-nothing (dry-run)',
      'staged/no-admin (dry-run)',
    ]);
  });

  test('without the prop: ENFORCE, or the chart\'s mode', () => {
    const chart = Testing.chart();
    new MtlsMesh(chart, 'mesh').protectNamespace('order');
    expect(policies(synthAndValidate(chart))).toEqual(['order/allow-nothing']);
    const audited = Testing.chart();
    Enforcement.set(audited, EnforcementMode.AUDIT);
    new MtlsMesh(audited, 'mesh', { enforcement: EnforcementMode.ENFORCE }).protectNamespace('order');
    expect(policies(synthAndValidate(audited))).toEqual(['order/allow-nothing']);
  });

  test('a bad mode names the field and the value', () => {
    const chart = Testing.chart();
    expect(() => new MtlsMesh(chart, 'm', { enforcement: 'Dry' as EnforcementMode })).toThrow(/m: invalid enforcement "Dry": expected EnforcementMode.ENFORCE/);
    expect(() => new MeshAuthorization(chart, 'a', { namespace: 'x', enforcement: 'off' as EnforcementMode }))
      .toThrow(/a: invalid enforcement "off": expected EnforcementMode.ENFORCE/);
  });
});
