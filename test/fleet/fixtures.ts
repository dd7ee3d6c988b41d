import { App, Duration } from 'cdk8s';
import { Fleet, FailoverPolicy, GlobalService, GslbStrategy, ReplicationPolicy } from '../../src';

/** The seed's three-region fleet (S13/S21) with the seed's CIDR pattern. */
export function seedFleet(app: App = new App()): Fleet {
  return new Fleet(app, 'fleet', {
    clusters: [
      { name: 'asia-east', region: 'asia-east', podCidr: '10.1.0.0/16', serviceCidr: '10.101.0.0/16', geoTag: 'asia' },
      { name: 'europe-west', region: 'europe-west', podCidr: '10.2.0.0/16', serviceCidr: '10.102.0.0/16', geoTag: 'eu' },
      { name: 'us-east', region: 'us-east', podCidr: '10.3.0.0/16', serviceCidr: '10.103.0.0/16', geoTag: 'us' },
    ],
  });
}

/** The seed's fleet with S15, S23 and S24 on it. */
export function seedSample(): { app: App; fleet: Fleet; frontend: GlobalService; failover: FailoverPolicy; replication: ReplicationPolicy } {
  const app = new App();
  const fleet = seedFleet(app);
  const frontend = new GlobalService(fleet, 'frontend', {
    name: 'frontend',
    namespace: 'frontend',
    port: 80,
    targetPort: 8080,
    selector: { app: 'frontend' },
    dns: {
      hostname: 'shop.example.com',
      strategy: GslbStrategy.failover('asia'),
      ttl: Duration.seconds(30),
      externalDns: true,
      tlsSecretName: 'shop-tls',
    },
  });
  const failover = new FailoverPolicy(fleet, 'global-failover', {
    name: 'global-failover',
    namespace: 'frontend',
    primaryCluster: 'asia-east',
    secondaryClusters: ['europe-west', 'us-east'],
    healthCheckPath: '/healthz',
    interval: Duration.seconds(30),
    timeout: Duration.seconds(10),
    failureThreshold: 3,
    autoFailover: true,
    slackChannel: '#ops-alerts',
    globalService: frontend,
  });
  const replication = new ReplicationPolicy(fleet, 'user-data', {
    name: 'user-data-replication',
    source: { cluster: 'asia-east', namespace: 'database', service: 'user-db' },
    destinations: [
      { cluster: 'europe-west', namespace: 'database', service: 'user-db-replica' },
      { cluster: 'us-east', namespace: 'database', service: 'user-db-replica' },
    ],
    schedule: '*/15 * * * *',
    maskedFields: ['credit_card', 'ssn'],
  });
  return { app, fleet, frontend, failover, replication };
}
