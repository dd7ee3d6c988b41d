import * as path from 'path';

/** Repository root (test/util/../..). */
export const REPO_ROOT = path.resolve(__dirname, '..', '..');
/** Upstream CRDs the validator and the imports use. */
export const CRDS_DIR = path.join(REPO_ROOT, 'crds');
/** Kubernetes API JSON-schema definitions, one folder per version. */
export const SCHEMAS_DIR = path.join(REPO_ROOT, 'schemas');
/** The Kubernetes versions every object is validated against (floor and latest). */
export const K8S_VERSIONS = ['1.27', '1.33'];
