/**
 * The namespaces of the platform the fleet runs on (not ours): the Kubernetes system namespaces
 * and those of the components the library's output relies on. Kyverno's generate rules never
 * touch them, its pod rules skip them, and no ZeroTrustNamespace may take their name: each of
 * these components needs network access (API server, webhooks, ACME, git, DNS providers) that
 * only its own installer knows, and a default-deny there wedges the cluster (a fail-closed
 * webhook that the API server cannot reach blocks every admission).
 */
export const PLATFORM_NAMESPACES: readonly string[] = [
  'argocd',
  'cert-manager',
  'flux-system',
  'istio-system',
  'k8gb',
  'kube-node-lease',
  'kube-public',
  'kube-system',
  'kyverno',
  'opentelemetry-operator-system',
];
