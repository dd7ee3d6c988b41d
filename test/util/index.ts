export * from './validate';
export { uncheckedCelRules, checkedCelRules, HANDWRITTEN_CEL_RULES } from './cel-rules';
export { K8S_VERSIONS, REPO_ROOT, CRDS_DIR, SCHEMAS_DIR } from './paths';
export { HELM_LINES, helmPath, kubectlPath } from './helm';
export { errorOf } from './errors';
