import * as kplus from 'cdk8s-plus-27';
import { Construct } from 'constructs';
import { MTLS_MODES, selectorOf, sortedLabels } from './internal';
import { MtlsMode } from './mtls-mode';
import { MTLS_POLICY_PROPS } from './props-specs';
import { toKubeName } from '../core/strings';
import { fail, isPort, PORT_EXPECTED, validateDns1123Label, validateDns1123Subdomain, validateLabels } from '../core/validate';
import { checkConstruct } from '../flows/chart-checks';
import { relaxStrictMtls } from '../flows/enforcement-relax';
import {
  PeerAuthentication, PeerAuthenticationSpecMtlsMode, PeerAuthenticationSpecPortLevelMtls, PeerAuthenticationSpecPortLevelMtlsMode,
} from '../imports/security.istio.io';

/**
 * The mTLS mode of one port of a workload.
 */
export interface PortMtls {
  /**
   * The port: the workload's container (target) port, not a Service port.
   */
  readonly port: number;

  /**
   * The mode on that port.
   */
  readonly mode: MtlsMode;
}

/**
 * Properties of an {@link MtlsPolicy}.
 */
export interface MtlsPolicyProps {
  /**
   * The namespace of the policy. The Istio root namespace (`istio-system`) makes a mesh-wide
   * policy when there is no selector.
   *
   * @default - the workload's namespace (required when there is no workload)
   */
  readonly namespace?: string;

  /**
   * The policy name.
   *
   * @default 'default' for a namespace-wide policy, else `<workload id>-mtls`
   */
  readonly name?: string;

  /**
   * The mode for every port not listed in `portModes`.
   *
   * @default MtlsMode.STRICT
   */
  readonly mode?: MtlsMode;

  /**
   * The workload the policy applies to.
   *
   * @default - every workload of the namespace (unless `podLabels`)
   */
  readonly workload?: kplus.AbstractPod;

  /**
   * Labels of the pods the policy applies to (exclusive with `workload`).
   *
   * @default - every workload of the namespace (unless `workload`)
   */
  readonly podLabels?: { [key: string]: string };

  /**
   * Per-port modes. Istio accepts them only on a policy with a workload selector.
   *
   * @default - none
   */
  readonly portModes?: PortMtls[];
}

/** The CRD's modes for ours. */
const MODE: Record<MtlsMode, PeerAuthenticationSpecMtlsMode> = {
  [MtlsMode.STRICT]: PeerAuthenticationSpecMtlsMode.STRICT,
  [MtlsMode.PERMISSIVE]: PeerAuthenticationSpecMtlsMode.PERMISSIVE,
  [MtlsMode.DISABLE]: PeerAuthenticationSpecMtlsMode.DISABLE,
  [MtlsMode.UNSET]: PeerAuthenticationSpecMtlsMode.UNSET,
};
const PORT_MODE: Record<MtlsMode, PeerAuthenticationSpecPortLevelMtlsMode> = {
  [MtlsMode.STRICT]: PeerAuthenticationSpecPortLevelMtlsMode.STRICT,
  [MtlsMode.PERMISSIVE]: PeerAuthenticationSpecPortLevelMtlsMode.PERMISSIVE,
  [MtlsMode.DISABLE]: PeerAuthenticationSpecPortLevelMtlsMode.DISABLE,
  [MtlsMode.UNSET]: PeerAuthenticationSpecPortLevelMtlsMode.UNSET,
};

/**
 * An Istio PeerAuthentication: the mTLS mode of the whole mesh (in the root namespace), of a
 * namespace, or of a workload (optionally per port). Validated as Istio validates it: port-level
 * modes need a workload selector, ports are 1..65535 and unique.
 */
export class MtlsPolicy extends Construct {
  /** The namespace of the policy. */
  public readonly namespace: string;

  /** The policy name. */
  public readonly name: string;

  /** The mode for ports without a port-level mode. */
  public readonly mode: MtlsMode;

  /**
   * @param scope parent
   * @param id construct id
   * @param props namespace, mode, selector, port modes
   */
  constructor(scope: Construct, id: string, props: MtlsPolicyProps = {}) {
    super(scope, id);
    const path = this.node.path;
    checkConstruct(this, 'MtlsPolicyProps', props, MTLS_POLICY_PROPS, true);
    const mode = props.mode ?? MtlsMode.STRICT;
    checkMode(path, 'mode', mode);
    if (props.workload !== undefined && props.podLabels !== undefined) {
      fail(path, 'podLabels', props.podLabels, 'either workload or podLabels, not both');
    }
    let selector: { [key: string]: string } | undefined;
    if (props.workload !== undefined) {
      selector = selectorOf(props.workload);
    } else if (props.podLabels !== undefined) {
      validateLabels(path, 'podLabels', props.podLabels);
      selector = Object.keys(props.podLabels).length > 0 ? sortedLabels(props.podLabels) : undefined;
    }
    const ns = props.namespace ?? props.workload?.metadata.namespace;
    if (ns === undefined) {
      fail(path, 'namespace', undefined, 'a namespace (or a workload with metadata.namespace)');
    }
    validateDns1123Label(path, 'namespace', ns);
    const name = props.name ?? (selector === undefined ? 'default' : toKubeName([props.workload?.node.id ?? 'pods', 'mtls']));
    validateDns1123Subdomain(path, 'name', name);

    let portLevel: { [port: string]: PeerAuthenticationSpecPortLevelMtls } | undefined;
    if (props.portModes !== undefined) {
      if (!Array.isArray(props.portModes) || props.portModes.length === 0) {
        fail(path, 'portModes', props.portModes, 'a non-empty list of port modes, or no field');
      }
      if (selector === undefined) {
        fail(path, 'portModes', props.portModes.map((p) => p?.port),
          'no port-level modes on a policy without a workload selector: Istio requires a selector for portLevelMtls (set workload or podLabels)');
      }
      portLevel = {};
      const seen = new Set<number>();
      props.portModes.forEach((pm, i) => {
        if (pm === undefined || pm === null || !isPort(pm.port)) {
          fail(path, `portModes[${i}].port`, pm?.port, PORT_EXPECTED);
        }
        checkMode(path, `portModes[${i}].mode`, pm.mode);
        if (seen.has(pm.port)) {
          fail(path, `portModes[${i}].port`, pm.port, 'a port listed once');
        }
        seen.add(pm.port);
      });
      for (const pm of [...props.portModes].sort((a, b) => a.port - b.port)) {
        portLevel[String(pm.port)] = { mode: PORT_MODE[pm.mode] };
      }
    }

    this.namespace = ns;
    this.name = name;
    this.mode = mode;
    relaxStrictMtls(this, mode === MtlsMode.STRICT, new PeerAuthentication(this, 'Resource', {
      metadata: { name, namespace: ns },
      spec: {
        selector: selector === undefined ? undefined : { matchLabels: selector },
        mtls: { mode: MODE[mode] },
        portLevelMtls: portLevel,
      },
    }));
  }
}

function checkMode(path: string, field: string, mode: unknown): void {
  if (!MTLS_MODES.includes(mode as string)) {
    fail(path, field, mode, `an mTLS mode, one of ${MTLS_MODES.join(', ')}`);
  }
}
