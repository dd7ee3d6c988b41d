import { ConnSet } from './conn-set';
import { Workload } from './engine';
import { ParsedResources } from './model';

/** Services by `ns/name` (the first of a name wins) and workloads by namespace (internal). */
class Index {
  private readonly services = new Map<string, any>();
  private readonly workloads = new Map<string, Workload[]>();

  constructor(res: ParsedResources, workloads: Workload[]) {
    for (const s of res.services) {
      const key = `${s.metadata?.namespace ?? 'default'}/${s.metadata?.name}`;
      if (!this.services.has(key)) this.services.set(key, s);
    }
    for (const w of workloads) {
      if (!this.workloads.has(w.ns)) this.workloads.set(w.ns, []);
      this.workloads.get(w.ns)!.push(w);
    }
  }

  public service(ns: string, name: string): any { return this.services.get(`${ns}/${name}`); }
  public inNamespace(ns: string): Workload[] { return this.workloads.get(ns) ?? []; }
}

/** The ports of `svc` that `pick` keeps, as target ports of workload `w` (named target ports resolved against its containers). */
function servicePorts(svc: any, w: Workload, pick: (p: any) => boolean, c: ConnSet): ConnSet {
  for (const p of svc.spec.ports ?? []) {
    if (!pick(p)) continue;
    const proto = String(p.protocol ?? 'TCP');
    const tp = p.targetPort ?? p.port;
    if (typeof tp === 'string' && !/^\d+$/.test(tp)) {
      for (const cp of w.rep.ports) if (cp.name === tp && cp.protocol === proto) c = c.union(ConnSet.of(proto, cp.port));
    } else {
      c = c.union(ConnSet.of(proto, Number(tp)));
    }
  }
  return c;
}

/** Workloads exposed through Ingress/Route objects, with the target ports (internal). */
export function ingressTargets(res: ParsedResources, workloads: Workload[]): Array<[Workload, ConnSet]> {
  const index = new Index(res, workloads);
  const out = new Map<Workload, ConnSet>();
  const expose = (ns: string, svcName: string, pick: (p: any) => boolean): void => {
    const svc = index.service(ns, svcName);
    const sel = svc?.spec?.selector;
    if (!sel || !Object.keys(sel).length) return;
    for (const w of index.inNamespace(ns)) {
      if (!Object.keys(sel).every((k) => w.rep.labels[k] === String(sel[k]))) continue;
      out.set(w, servicePorts(svc, w, pick, out.get(w) ?? ConnSet.NONE));
    }
  };
  for (const ing of res.ingresses) {
    const ns = ing.metadata?.namespace ?? 'default';
    const backends: any[] = [];
    if (ing.spec?.defaultBackend?.service) backends.push(ing.spec.defaultBackend.service);
    for (const r of ing.spec?.rules ?? []) for (const p of r.http?.paths ?? []) if (p.backend?.service) backends.push(p.backend.service);
    for (const b of backends) {
      const pick = (p: any): boolean => {
        if (b.port?.number !== undefined) return Number(p.port) === Number(b.port.number);
        return b.port?.name !== undefined ? p.name === b.port.name : true;
      };
      expose(ns, b.name, pick);
    }
  }
  for (const rt of res.routes) {
    const ns = rt.metadata?.namespace ?? 'default';
    const tp = rt.spec?.port?.targetPort;
    const pick = (p: any): boolean => tp === undefined || p.name === tp || String(p.targetPort ?? p.port) === String(tp);
    for (const to of [rt.spec?.to, ...(rt.spec?.alternateBackends ?? [])]) {
      if (to && (to.kind ?? 'Service') === 'Service') expose(ns, to.name, pick);
    }
  }
  return [...out.entries()].filter(([, c]) => !c.isEmpty);
}
