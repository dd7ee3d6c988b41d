/**
 * How `HelmChart` lays out the chart's `templates/` directory. Every layout renders the same
 * objects with `helm template`; they differ in the files a reviewer diffs and in how many files
 * a write creates.
 */
export enum HelmTemplateLayout {
  /**
   * One file per namespace: `templates/namespace-<namespace>.yaml` holds every object whose
   * `metadata.namespace` is that namespace, and `templates/cluster-scoped.yaml` every object
   * without one (cluster-scoped objects, Namespaces included), each as multi-document YAML in
   * apply order (`ApplyOrder`). A file that would exceed Helm's 5 MiB limit per chart file
   * continues in `namespace-<namespace>.2.yaml`, `.3.yaml`, ... (`cluster-scoped.2.yaml`).
   */
  PER_NAMESPACE = 'per-namespace',
  /**
   * One file per object: `templates/<kind>-<namespace>-<name>.yaml` (lowercased, made unique
   * with `-2`, `-3`, ...; a run of dots, possible in a Role's name, is one dot, and such names
   * are made unique after the others); thousands of files for a large chart.
   */
  PER_OBJECT = 'per-object',
}
