/**
 * Snapshot layout for many objects: one map keyed `Kind namespace/name` (`Kind name` for
 * cluster-scoped objects; the API group is added only where two kinds share a name). The snapshot
 * serializer sorts keys, so every object has a fixed place and a change shows as a small diff in
 * the one object it touches, whatever the order the objects were synthesized in.
 */
export function byObjectKey(objs: any[]): { [key: string]: any } {
  const key = (o: any, withGroup: boolean) => {
    const group = withGroup && String(o.apiVersion).includes('/') ? `.${String(o.apiVersion).split('/')[0]}` : '';
    const ns = o.metadata?.namespace;
    return `${o.kind}${group} ${ns ? `${ns}/` : ''}${o.metadata?.name}`;
  };
  const plain = objs.map((o) => key(o, false));
  const out: { [key: string]: any } = {};
  objs.forEach((o, i) => {
    const k = plain.filter((p) => p === plain[i]).length > 1 ? key(o, true) : plain[i];
    if (k in out) throw new Error(`two objects share the snapshot key "${k}"`);
    out[k] = o;
  });
  return out;
}
