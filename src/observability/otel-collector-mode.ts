/**
 * How the OpenTelemetry Operator runs the collector.
 */
export enum CollectorMode {
  /** A Deployment (a central gateway; default). */
  DEPLOYMENT = 'deployment',
  /** A DaemonSet (one agent per node). */
  DAEMONSET = 'daemonset',
}
