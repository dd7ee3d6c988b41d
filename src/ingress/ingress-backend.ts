import * as kplus from 'cdk8s-plus-27';
import { ResolvedBackend } from './internal';
import { SERVICE_BACKEND_OPTIONS, WORKLOAD_BACKEND_OPTIONS } from './props-specs';
import { checkOptions } from '../core/props-check';
import { fail, validatePort } from '../core/validate';

/**
 * Options of {@link IngressBackend.fromService}.
 */
export interface ServiceBackendOptions {
  /**
   * The Service port the Ingress routes to (one of the Service's ports).
   *
   * @default - the Service's only port
   */
  readonly port?: number;
}

/**
 * Options of {@link IngressBackend.fromWorkload}.
 */
export interface WorkloadBackendOptions {
  /**
   * The container port the traffic goes to.
   *
   * @default - the workload's only container port
   */
  readonly port?: number;

  /**
   * The port of the ClusterIP Service created for the workload.
   *
   * @default - the container port
   */
  readonly servicePort?: number;

  /**
   * Name of the ClusterIP Service created for the workload (a DNS-1035 label).
   *
   * @default - the workload's name
   */
  readonly serviceName?: string;
}

const DNS1035 = /^[a-z]([-a-z0-9]*[a-z0-9])?$/;

/**
 * Where an Ingress rule sends traffic: a cdk8s-plus Service (its selector gives the backend pods
 * and its targetPort the pod port the NetworkPolicy opens) or a cdk8s-plus workload (a ClusterIP
 * Service is created for it).
 */
export class IngressBackend {
  /**
   * A cdk8s-plus ClusterIP Service with a selector, in a namespace (`metadata.namespace`).
   *
   * @param service the Service
   * @param options which Service port
   */
  public static fromService(service: kplus.Service, options: ServiceBackendOptions = {}): IngressBackend {
    checkOptions('IngressBackend.fromService', 'options', 'ServiceBackendOptions', options, SERVICE_BACKEND_OPTIONS, true, true);
    if (!(service instanceof kplus.Service)) {
      fail('IngressBackend.fromService', 'service', String(service), 'a cdk8s-plus Service (kplus.Service)');
    }
    if (options.port !== undefined) {
      validatePort('IngressBackend.fromService', 'options.port', options.port);
    }
    return new IngressBackend(service, undefined, options, {});
  }

  /**
   * A cdk8s-plus workload (Deployment, StatefulSet, DaemonSet) in a namespace; the ingress
   * creates a ClusterIP Service for it.
   *
   * @param workload the workload
   * @param options container port, Service port and name
   */
  public static fromWorkload(workload: kplus.Workload, options: WorkloadBackendOptions = {}): IngressBackend {
    const path = 'IngressBackend.fromWorkload';
    checkOptions(path, 'options', 'WorkloadBackendOptions', options, WORKLOAD_BACKEND_OPTIONS, true, true);
    if (!(workload instanceof kplus.Workload)) {
      fail(path, 'workload', String(workload), 'a cdk8s-plus workload (kplus.Deployment, kplus.StatefulSet, kplus.DaemonSet)');
    }
    if (options.port !== undefined) {
      validatePort(path, 'options.port', options.port);
    }
    if (options.servicePort !== undefined) {
      validatePort(path, 'options.servicePort', options.servicePort);
    }
    if (options.serviceName !== undefined && !(DNS1035.test(options.serviceName) && options.serviceName.length <= 63)) {
      fail(path, 'options.serviceName', options.serviceName, 'a DNS-1035 label (at most 63 characters, lowercase alphanumerics or \'-\', starting with a letter)');
    }
    return new IngressBackend(undefined, workload, {}, options);
  }

  private readonly service?: kplus.Service;
  private readonly workload?: kplus.Workload;
  private readonly serviceOptions: ServiceBackendOptions;
  private readonly workloadOptions: WorkloadBackendOptions;

  private constructor(service: kplus.Service | undefined, workload: kplus.Workload | undefined,
    serviceOptions: ServiceBackendOptions, workloadOptions: WorkloadBackendOptions) {
    this.service = service;
    this.workload = workload;
    this.serviceOptions = serviceOptions;
    this.workloadOptions = workloadOptions;
  }

  /**
   * Resolves the backend (Service name and port, pod port, namespace, pod labels).
   *
   * @param path construct path for errors
   * @param field field name for errors
   * @internal
   */
  public _resolve(path: string, field: string): ResolvedBackend {
    return this.service ? this.resolveService(path, field, this.service) : this.resolveWorkload(path, field, this.workload!);
  }

  private resolveService(path: string, field: string, svc: kplus.Service): ResolvedBackend {
    const ns = svc.metadata.namespace;
    if (ns === undefined) {
      fail(path, `${field}.service.metadata.namespace`, undefined,
        `a namespace on Service ${svc.name} (the Ingress, the Service and the NetworkPolicy must agree on it)`);
    }
    if (svc.type !== kplus.ServiceType.CLUSTER_IP) {
      fail(path, `${field}.service.type`, svc.type,
        'ClusterIP (a NodePort or LoadBalancer Service would expose the backend beside the ingress controller)');
    }
    // the selector is read late (serviceSelector, when the flows are declared at synthesis):
    // svc.select(...) after the ingress is created is honoured
    const ports = svc.ports;
    let p: kplus.ServicePort | undefined;
    if (this.serviceOptions.port !== undefined) {
      p = ports.find((x) => x.port === this.serviceOptions.port);
      if (!p) {
        fail(path, `${field}.port`, this.serviceOptions.port, `a port of Service ${svc.name}: ${ports.map((x) => x.port).join(', ') || 'none'}`);
      }
    } else {
      if (ports.length !== 1) {
        fail(path, `${field}.port`, undefined, `a port of Service ${svc.name} (it has ${ports.length === 0 ? 'none' : ports.map((x) => x.port).join(', ')}; pass { port })`);
      }
      p = ports[0];
    }
    if (p.protocol !== undefined && p.protocol !== kplus.Protocol.TCP) {
      fail(path, `${field}.port`, `${p.protocol}/${p.port}`, 'a TCP port (HTTP and HTTPS run over TCP)');
    }
    return {
      serviceName: svc.name,
      servicePort: p.port,
      targetPort: p.targetPort ?? p.port,
      namespace: ns,
      service: svc,
      name: svc.name,
    };
  }

  private resolveWorkload(path: string, field: string, w: kplus.Workload): ResolvedBackend {
    const ns = w.metadata.namespace;
    if (ns === undefined) {
      fail(path, `${field}.workload.metadata.namespace`, undefined,
        `a namespace on workload ${w.name} (the Ingress, the Service and the NetworkPolicy must agree on it)`);
    }
    const containerPorts = w.containers.flatMap((c) => c.ports)
      .filter((cp) => cp.protocol === undefined || cp.protocol === kplus.Protocol.TCP)
      .map((cp) => cp.number);
    const unique = Array.from(new Set(containerPorts)).sort((a, b) => a - b);
    let port = this.workloadOptions.port;
    if (port === undefined) {
      if (unique.length !== 1) {
        fail(path, `${field}.port`, undefined,
          `a container port of workload ${w.name} (it has ${unique.length === 0 ? 'none' : unique.join(', ')}; pass { port })`);
      }
      port = unique[0];
    } else if (!unique.includes(port)) {
      fail(path, `${field}.port`, port, `a TCP container port of workload ${w.name}: ${unique.join(', ') || 'none'}`);
    }
    const serviceName = this.workloadOptions.serviceName ?? w.name;
    if (!(DNS1035.test(serviceName) && serviceName.length <= 63)) {
      fail(path, `${field}.serviceName`, serviceName,
        'a DNS-1035 label for the Service created for the workload (pass { serviceName })');
    }
    const labels = w.matchLabels;
    if (w.matchExpressions.length > 0 || Object.keys(labels).length === 0) {
      fail(path, `${field}.workload.matchLabels`, labels, 'a workload selected by labels only, with at least one label');
    }
    return {
      serviceName,
      servicePort: this.workloadOptions.servicePort ?? port,
      targetPort: port,
      namespace: ns,
      workload: w,
      name: w.node.id,
    };
  }
}
