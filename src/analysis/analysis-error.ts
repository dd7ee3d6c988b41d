/** Non-exported base: jsii rejects a class that extends the built-in `Error` directly. */
abstract class AnalysisErrorBase extends Error {}

/**
 * An error raised by the reachability analyzer for bad input (a manifest that Kubernetes or
 * Istio would reject, or that cannot be analysed). The message names the object, the field and
 * the bad value; for NetworkPolicy errors it contains netpol-analyzer's wording.
 *
 * Marked `@internal` for jsii only (same pattern as `ValidationError`): TypeScript users can
 * `instanceof` it, other languages see the message.
 *
 * @internal
 */
export class AnalysisError extends AnalysisErrorBase {
  /**
   * @param message what is wrong, naming the object, the field and the bad value
   */
  constructor(message: string) {
    super(message);
    Object.setPrototypeOf(this, new.target.prototype);
    this.name = 'AnalysisError';
  }
}
