import * as kplus from 'cdk8s-plus-27';
import { AdmissionGuardrails, Fleet, MtlsMesh, ZeroTrustNamespace } from '../../src';
import { seedSample } from '../fleet/fixtures';

/**
 * The seed sample (S13/S15/S21/S23/S24) with, in every cluster, what the sample adds: a
 * zero-trust namespace, admission guardrails, a strict mTLS mesh and a frontend Deployment.
 */
export function gitopsSample(): ReturnType<typeof seedSample> {
  const s = seedSample();
  for (const c of s.fleet.clusters) {
    // S15: the seed's global service is a LoadBalancer Service (external-dns publishes it)
    new ZeroTrustNamespace(c.chart, 'frontend-ns', { name: 'frontend', allowLoadBalancers: true });
    new AdmissionGuardrails(c.chart, 'guardrails');
    new MtlsMesh(c.chart, 'mesh');
    new kplus.Deployment(c.chart, 'frontend', {
      metadata: { namespace: 'frontend', name: 'frontend' },
      containers: [{ image: 'example/frontend:1.0', portNumber: 8080 }],
    });
  }
  return s;
}

/** The kinds of a list of objects, sorted and unique. */
export function kindsOf(objs: any[]): string[] {
  return [...new Set(objs.map((o) => o.kind as string))].sort();
}

/** Names of the fleet's clusters. */
export function names(fleet: Fleet): string[] {
  return fleet.clusters.map((c) => c.name);
}
