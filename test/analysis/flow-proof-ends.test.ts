/**
 * The flow proof shares the pods an end selects (and its stand-in pod) between ends with the same
 * namespace, labels and service account: ends whose labels differ, even where their texts joined
 * would be equal, are judged apart.
 */
import { deploy, netpol, ns } from './fixtures';
import { proveFlows, ProofQuery } from '../../src/analysis/flow-proof';

describe('flow proof: ends judged apart', () => {
  test('labels that differ only in where the key ends: separate stand-ins', () => {
    const objects = [
      ns('a'), deploy('a', 'web'),
      netpol('a', 'deny', { podSelector: {}, policyTypes: ['Ingress'] }),
      netpol('a', 'to-a-bc', { podSelector: { matchLabels: { a: 'bc' } }, ingress: [{ ports: [{ port: 80 }] }] }),
    ];
    const to = (podLabels: { [k: string]: string }): ProofQuery => ({
      from: { namespace: 'a', podLabels: { app: 'web' } }, to: { namespace: 'a', podLabels }, ports: [{ protocol: 'TCP', port: 80 }], layers: 'network',
    });
    const gaps = proveFlows(objects, [to({ ab: 'c' }), to({ a: 'bc' }), to({ a: 'b', c: '' }), to({ a: 'bc' })]);
    expect(gaps.map((g) => g.query)).toEqual([0, 2]);
  });

});
