/**
 * Public members of the mesh folder that nothing else in the library exercises (issue 24: tested,
 * not removed, because they are sensible API for users).
 */
import { Testing } from 'cdk8s';
import { MeshAuthorization, MeshIdentity, MeshSource, MtlsMesh } from '../../src';
import { synthAndValidate } from '../util';
import { isAllowed, Req } from './authz-eval';

describe('MeshSource.anyAuthenticated', () => {
  test('principal "*": every mTLS-authenticated caller, never a plain-text one', () => {
    const chart = Testing.chart();
    const authz = new MeshAuthorization(chart, 'authz', { namespace: 'payment' });
    authz.allow('any-peer', { podLabels: { app: 'payment-service' }, rules: [{ from: [MeshSource.anyAuthenticated()], ports: [8080] }] });
    const objs = synthAndValidate(chart);
    const policy = objs.find((o) => o.kind === 'AuthorizationPolicy' && o.metadata.name === 'any-peer');
    expect(policy.spec.rules).toEqual([{ from: [{ source: { principals: ['*'] } }], to: [{ operation: { ports: ['8080'] } }] }]);
    const req: Req = { namespace: 'payment', labels: { app: 'payment-service' }, port: 8080 };
    expect(isAllowed(objs, { ...req, principal: MeshIdentity.of('order', 'order-service').principal() })).toBe(true);
    expect(isAllowed(objs, { ...req, principal: MeshIdentity.of('ops', 'admin').principal() })).toBe(true);
    expect(isAllowed(objs, req)).toBe(false); // no principal: plain text
    expect(isAllowed(objs, { ...req, principal: MeshIdentity.of('ops', 'admin').principal(), port: 9090 })).toBe(false);
  });
});

describe('MtlsMesh.protectedNamespaces', () => {
  test('the namespaces given to protectNamespace, sorted, each once', () => {
    const mesh = new MtlsMesh(Testing.chart(), 'mesh');
    expect(mesh.protectedNamespaces).toEqual([]);
    mesh.protectNamespace('payment');
    mesh.protectNamespace('order');
    mesh.protectNamespace('payment');
    expect(mesh.protectedNamespaces).toEqual(['order', 'payment']);
    // a copy: changing it does not protect or unprotect anything
    mesh.protectedNamespaces.push('other');
    expect(mesh.protectedNamespaces).toEqual(['order', 'payment']);
  });
});
