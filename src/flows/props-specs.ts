/**
 * Runtime type specs of the props of flows's public API (checked by `checkProps`; the property
 * tests compare them with the TypeScript interfaces, so a new prop without a spec fails a test).
 */
import { FlowLayers } from './flow';
import { EnforcementMode } from '../core/enforcement';
import { Port } from '../core/port';
import { ENFORCEMENT_EXPECTED, PropsSpec, t } from '../core/props-check';

/** {@link IpBlock} (flows/peer.ts). */
export const IP_BLOCK: PropsSpec = {
  cidr: t.required(t.str()),
  exceptCidrs: t.arrayOf(t.str()),
  except: t.arrayOf(t.str()),
};

/** {@link PodsPeerOptions} (flows/peer.ts). */
export const PODS_PEER_OPTIONS: PropsSpec = {
  namespace: t.str(),
  namespaceLabels: t.mapOf(t.str()),
  serviceAccountName: t.str(),
  name: t.str(),
};

/** {@link DnsPeerOptions} (flows/peer.ts). */
export const DNS_PEER_OPTIONS: PropsSpec = {
  namespace: t.str(),
  podLabels: t.mapOf(t.str()),
};

/** {@link CidrPeerOptions} (flows/peer.ts). */
export const CIDR_PEER_OPTIONS: PropsSpec = {
  exceptCidrs: t.arrayOf(t.str()),
  except: t.arrayOf(t.str()),
  inCluster: t.bool(),
  name: t.str(),
};

/** {@link HttpMatch} (flows/flow.ts). */
export const HTTP_MATCH: PropsSpec = {
  methods: t.arrayOf(t.str()),
  paths: t.arrayOf(t.str()),
};

/** {@link FlowOptions} (flows/flow.ts). */
export const FLOW_OPTIONS: PropsSpec = {
  ports: t.required(t.arrayOf(t.instanceOf('Port', () => Port))),
  allPorts: t.bool(),
  allowEveryPeer: t.bool(),
  http: t.struct('HttpMatch', () => HTTP_MATCH),
  layers: t.enumOf('FlowLayers', () => FlowLayers),
  description: t.str(),
};

/** {@link HeldBackPolicy} (flows/enforcement.ts). */
export const HELD_BACK_POLICY: PropsSpec = {
  namespace: t.required(t.str()),
  kind: t.required(t.str()),
  name: t.required(t.str()),
  reason: t.required(t.str()),
  manifest: t.required(t.any()),
  cluster: t.str(),
};

/** {@link EnforcementLookupOptions} (flows/enforcement.ts). */
export const ENFORCEMENT_LOOKUP_OPTIONS: PropsSpec = {
  override: t.enumOf('EnforcementMode', () => EnforcementMode, ENFORCEMENT_EXPECTED),
  namespace: t.str(),
};
