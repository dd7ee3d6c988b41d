import { formatIssues, validateManifests } from '../util';

const cnp = (spec: any, name = 'x') => ({ apiVersion: 'policy.networking.k8s.io/v1alpha2', kind: 'ClusterNetworkPolicy', metadata: { name }, spec });
const anp = (spec: any, name = 'x') => ({ apiVersion: 'policy.networking.k8s.io/v1alpha1', kind: 'AdminNetworkPolicy', metadata: { name }, spec });
const banp = (spec: any, name = 'default') => ({ apiVersion: 'policy.networking.k8s.io/v1alpha1', kind: 'BaselineAdminNetworkPolicy', metadata: { name }, spec });

const errorsOf = (o: any): string => formatIssues(validateManifests([o]));

describe('the validator knows the Network Policy API CRDs', () => {
  test('ClusterNetworkPolicy v1alpha2: a valid object passes; unknown fields, bad CIDRs, out-of-range priorities and v1alpha1 actions fail', () => {
    const ok = cnp({
      tier: 'Admin',
      priority: 10,
      subject: { namespaces: {} },
      egress: [{ name: 'deny-metadata', action: 'Deny', to: [{ networks: ['169.254.169.254/32', 'fd00:ec2::254/128'] }] }],
    });
    expect(errorsOf(ok)).toBe('');
    expect(errorsOf({ ...ok, spec: { ...ok.spec, bogus: 1 } })).toMatch(/bogus/);
    expect(errorsOf(cnp({ ...ok.spec, egress: [{ action: 'Deny', to: [{ networks: ['169.254.169.254/33'] }] }] }))).toMatch(/Invalid CIDR/);
    expect(errorsOf(cnp({ ...ok.spec, priority: 1001 }))).toMatch(/priority/);
    expect(errorsOf(cnp({ ...ok.spec, egress: [{ action: 'Allow', to: [{ networks: ['10.0.0.0/8'] }] }] }))).toMatch(/action/);
    // the v1alpha2 peers are one-of: namespaces and networks in one peer are refused
    expect(errorsOf(cnp({ ...ok.spec, egress: [{ action: 'Deny', to: [{ namespaces: {}, networks: ['10.0.0.0/8'] }] }] }))).not.toBe('');
  });

  test('AdminNetworkPolicy and BaselineAdminNetworkPolicy v1alpha1: the BANP is the singleton named default, BANP has no Pass', () => {
    expect(errorsOf(anp({ priority: 10, subject: { namespaces: {} }, egress: [{ action: 'Pass', to: [{ namespaces: {} }] }] }))).toBe('');
    expect(errorsOf(anp({ priority: 10, subject: { namespaces: {} }, egress: [{ action: 'Accept', to: [{ namespaces: {} }] }] }))).toMatch(/action/);
    expect(errorsOf(banp({ subject: { namespaces: {} }, ingress: [{ action: 'Deny', from: [{ namespaces: {} }] }] }))).toBe('');
    expect(errorsOf(banp({ subject: { namespaces: {} } }, 'baseline'))).toMatch(/default/);
    expect(errorsOf(banp({ subject: { namespaces: {} }, ingress: [{ action: 'Pass', from: [{ namespaces: {} }] }] }))).toMatch(/action/);
  });
});
