/**
 * An error raised by the reachability analyzer for bad input (a manifest that
 * Kubernetes or Istio would reject, or that cannot be analysed).
 */
export class AnalysisError extends Error {
  /**
   * @param message what is wrong, naming the object, the field and the bad value
   */
  constructor(message: string) {
    super(message);
    this.name = 'AnalysisError';
    Object.setPrototypeOf(this, AnalysisError.prototype);
  }
}
