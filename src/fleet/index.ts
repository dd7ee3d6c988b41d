export { FleetCluster } from './fleet-cluster';
export * from './fleet';
export * from './gslb-strategy';
export * from './global-service';
export * from './fleet-crds';
export * from './failover-policy';
export * from './replication-policy';
export * from './manifest-yaml';
