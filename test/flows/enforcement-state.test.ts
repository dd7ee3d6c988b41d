/**
 * The enforcement settings live in the construct tree (on the constructs they are set on), not in
 * module-level maps: a second copy of the library in the same process (two versions bundled, a
 * jest module registry per test file) reads the modes and held-back policies of the first.
 */
import { Testing } from 'cdk8s';
import { Enforcement, EnforcementMode, ZeroTrustNamespace } from '../../src';
import { synthAndValidate } from '../util';

/** The Enforcement class of a fresh copy of the module (its own module-level state, if it had any). */
function secondCopy(): typeof Enforcement {
  let copy: typeof Enforcement | undefined;
  jest.isolateModules(() => {
    // a fresh module registry needs require (an import is hoisted and shared)
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    copy = require('../../src/flows/enforcement').Enforcement;
  });
  expect(copy).toBeDefined();
  expect(copy).not.toBe(Enforcement);
  return copy!;
}

describe('Enforcement state in the construct tree', () => {
  test('a mode set through one copy of the module is read by another', () => {
    const chart = Testing.chart();
    const ns = new ZeroTrustNamespace(chart, 'shop', { name: 'shop' });
    Enforcement.set(chart, EnforcementMode.AUDIT);
    Enforcement.setNamespace(chart, 'billing', EnforcementMode.ENFORCE);
    const other = secondCopy();
    expect(other.explicit(chart)).toBe(EnforcementMode.AUDIT);
    expect(other.resolve(ns, { namespace: 'shop' })).toBe(EnforcementMode.AUDIT);
    expect(other.resolve(ns, { namespace: 'billing' })).toBe(EnforcementMode.ENFORCE);
  });

  test('policies held back at synthesis are listed by another copy; nothing is stored on other trees', () => {
    const chart = Testing.chart();
    new ZeroTrustNamespace(chart, 'shop', { name: 'shop', enforcement: EnforcementMode.AUDIT });
    const objs = synthAndValidate(chart);
    expect(objs.filter((o: any) => o.kind === 'NetworkPolicy')).toEqual([]);
    const held = secondCopy().heldBack(chart).map((p) => `${p.namespace}/${p.kind}/${p.name}`);
    expect(held).toContain('shop/NetworkPolicy/default-deny');
    expect(Enforcement.heldBack(Testing.chart())).toEqual([]);
    expect(Enforcement.explicit(Testing.chart())).toBeUndefined();
  });
});
