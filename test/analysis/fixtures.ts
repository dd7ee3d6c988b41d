/** Small builders for analysis tests (plain Kubernetes objects). */
export function ns(name: string, labels: { [k: string]: string } = {}): any {
  return { apiVersion: 'v1', kind: 'Namespace', metadata: { name, labels } };
}

export interface DeployOpts {
  labels?: { [k: string]: string };
  sa?: string;
  ports?: Array<{ name?: string; containerPort: number; protocol?: string }>;
}

export function deploy(namespace: string, name: string, opts: DeployOpts = {}): any {
  const labels = opts.labels ?? { app: name };
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name, namespace },
    spec: {
      selector: { matchLabels: labels },
      template: {
        metadata: { labels },
        spec: { serviceAccountName: opts.sa ?? name, containers: [{ name: 'c', image: 'x', ports: opts.ports ?? [{ name: 'http', containerPort: 8080 }] }] },
      },
    },
  };
}

export function netpol(namespace: string, name: string, spec: any): any {
  return { apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: { name, namespace }, spec };
}

export function istio(kind: string, namespace: string, name: string, spec: any): any {
  const apiVersion = kind === 'PeerAuthentication' ? 'security.istio.io/v1beta1' : 'security.istio.io/v1';
  return { apiVersion, kind, metadata: { name, namespace }, spec };
}

/**
 * The edges of a `toDot()` picture as `"src" -> "dst" [label="..."];` lines (`, style=dashed`
 * for L7-limited ones): the renderer draws each label as a node between two edge halves.
 */
export function dotEdges(dot: string): string[] {
  const labels = new Map<string, string>();
  for (const m of dot.matchAll(/^\s*(e\d+) \[shape=plaintext, style="", fontsize=11, label=("(?:[^"\\]|\\.)*")\];$/gm)) labels.set(m[1], m[2]);
  const heads = new Map<string, string>();
  for (const m of dot.matchAll(/^\s*(e\d+) -> ("(?:[^"\\]|\\.)*")(?: \[style=dashed\])?;$/gm)) heads.set(m[1], m[2]);
  const out: string[] = [];
  for (const m of dot.matchAll(/^\s*("(?:[^"\\]|\\.)*") -> (e\d+) \[arrowhead=none(, style=dashed)?\];$/gm)) {
    out.push(`${m[1]} -> ${heads.get(m[2])} [label=${labels.get(m[2])}${m[3] ?? ''}];`);
  }
  return out;
}
