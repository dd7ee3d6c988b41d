/**
 * Container image references (internal): `[registry[:port]/]path[:tag][@sha256:digest]`, as the
 * container runtime reads them. A colon before the last `/` is a registry port, not a tag:
 * `registry:5000/team/app` has no tag (it pulls `latest`).
 */
import { fail } from './validate';

/** The tag of an image reference (undefined if it has none), or null if it is not a reference. */
export function imageTag(image: string): string | undefined | null {
  if (typeof image !== 'string' || image.length === 0 || image.length > 512 || /[\s\x00-\x1f]/.test(image)) return null;
  const at = image.indexOf('@');
  const name = at === -1 ? image : image.slice(0, at);
  if (at !== -1 && !/^sha256:[0-9a-f]{64}$/.test(image.slice(at + 1))) return null;
  const last = name.slice(name.lastIndexOf('/') + 1);
  const colon = last.indexOf(':');
  if (colon === -1) return undefined;
  const tag = last.slice(colon + 1);
  return /^[\w][\w.-]{0,127}$/.test(tag) ? tag : null;
}

/**
 * Throws unless `image` is pinned: a digest, or a tag other than `latest` (a registry port is not a tag).
 *
 * @param path construct path
 * @param field the field
 * @param image the value
 * @param example a valid reference for the message
 */
export function validatePinnedImage(path: string, field: string, image: string, example: string): void {
  const tag = imageTag(image);
  const digest = typeof image === 'string' && image.includes('@sha256:');
  if (tag === null || (!digest && (tag === undefined || tag === 'latest'))) {
    fail(path, field, image, `an image reference pinned by a tag other than latest or by a sha256 digest (a registry port such as registry:5000/ is not a tag), e.g. ${example}`);
  }
}
