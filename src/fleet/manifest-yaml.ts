import { Yaml } from 'cdk8s';
import { ValidationError } from '../core/validation-error';
import { YamlWriter } from '../core/yaml-writer';

/**
 * The YAML writer of `Fleet.manifests()` / `Fleet.synthClusters()` and `HelmChart`: the bytes
 * cdk8s `Yaml.stringify(...docs)` (what `App.synth()` writes) gives, several times faster on
 * manifests. Block maps and sequences are laid out directly; every scalar that YAML 1.1 might
 * read as something else is written by cdk8s's own stringifier (once per distinct value), and a
 * document holding multi-line strings is written by it entirely.
 */
export class ManifestYaml {
  /**
   * Multi-document YAML of these manifests (JSON values, e.g. `chart.toJson()`).
   *
   * @param docs the documents, in output order
   */
  public static stringify(docs: any[]): string {
    if (!Array.isArray(docs)) {
      throw new ValidationError({ path: 'ManifestYaml.stringify', field: 'docs', value: docs, expected: 'an array of JSON documents, e.g. chart.toJson()' });
    }
    docs.forEach((d, i) => {
      if (d === null || typeof d !== 'object' || Array.isArray(d)) {
        throw new ValidationError({ path: 'ManifestYaml.stringify', field: `docs[${i}]`, value: d, expected: 'a JSON object (a Kubernetes manifest)' });
      }
    });
    return new YamlWriter((d) => Yaml.stringify(d)).stringify(...docs);
  }

  private constructor() {}
}
