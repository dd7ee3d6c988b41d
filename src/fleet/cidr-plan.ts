/**
 * Internal CIDR planning for a Fleet (not exported from the package index).
 */
import { Cidr, IpVersion } from '../core';
import { fail } from '../core/validate';

/** A cluster's CIDR request: given blocks or none (allocate). */
export interface CidrRequest {
  readonly name: string;
  readonly podCidr?: string;
  readonly serviceCidr?: string;
}

/** The planned CIDRs of one cluster. */
export interface CidrAssignment {
  readonly podCidr: Cidr;
  readonly serviceCidr: Cidr;
}

/** Options of the plan. */
export interface CidrPlanOptions {
  readonly path: string;
  readonly podSupernet: Cidr;
  readonly podPrefixLength: number;
  readonly serviceSupernet: Cidr;
  readonly servicePrefixLength: number;
}

interface Owned {
  readonly cidr: Cidr;
  readonly field: string;
  readonly cluster: string;
}

function checkPodCidr(path: string, field: string, c: Cidr): void {
  // kube-controller-manager gives each node a /24 (IPv4) or /64 (IPv6) out of the pod CIDR
  const max = c.version === IpVersion.IPV4 ? 24 : 63;
  const min = c.version === IpVersion.IPV4 ? 8 : 48;
  if (c.prefixLength > max || c.prefixLength < min) {
    fail(path, field, c.toString(), `a pod CIDR with a prefix from /${min} to /${max} (each node takes a /${c.version === IpVersion.IPV4 ? 24 : 64} out of it)`);
  }
}

function checkServiceCidr(path: string, field: string, c: Cidr): void {
  // kube-apiserver: at most 20 host bits (v4 /12, v6 /108); kind puts CoreDNS at the 10th address
  const min = c.version === IpVersion.IPV4 ? 12 : 108;
  const max = c.version === IpVersion.IPV4 ? 28 : 124;
  if (c.prefixLength < min || c.prefixLength > max) {
    fail(path, field, c.toString(), `a service CIDR with a prefix from /${min} to /${max} (kube-apiserver allows at most 20 host bits; the cluster DNS takes the 10th address)`);
  }
}

function parse(path: string, field: string, s: string): Cidr {
  try {
    return Cidr.of(s);
  } catch (e: any) {
    return fail(path, field, s, e?.expected ?? 'a CIDR block such as 10.1.0.0/16');
  }
}

/**
 * Plans pod and service CIDRs: given blocks are checked, missing ones are allocated (in
 * declaration order, pod then service) from the supernets, avoiding every other block of the
 * fleet. Any overlap is an error naming both clusters and both blocks.
 */
export function planCidrs(requests: CidrRequest[], opts: CidrPlanOptions): CidrAssignment[] {
  const owned: Owned[] = [];
  const given: Array<{ pod?: Cidr; service?: Cidr }> = [];
  requests.forEach((r, i) => {
    const g: { pod?: Cidr; service?: Cidr } = {};
    if (r.podCidr !== undefined) {
      g.pod = parse(opts.path, `clusters[${i}].podCidr`, r.podCidr);
      checkPodCidr(opts.path, `clusters[${i}].podCidr`, g.pod);
    }
    if (r.serviceCidr !== undefined) {
      g.service = parse(opts.path, `clusters[${i}].serviceCidr`, r.serviceCidr);
      checkServiceCidr(opts.path, `clusters[${i}].serviceCidr`, g.service);
    }
    given.push(g);
  });
  const claim = (cidr: Cidr, field: string, cluster: string): void => {
    for (const o of owned) {
      if (o.cidr.overlaps(cidr)) {
        fail(opts.path, field, cidr.toString(),
          `a CIDR that overlaps no other CIDR of the fleet, but cluster "${cluster}" ${field.replace(/^clusters\[\d+\]\./, '')} ${cidr} `
          + `overlaps cluster "${o.cluster}" ${o.field.replace(/^clusters\[\d+\]\./, '')} ${o.cidr} (${o.field})`);
      }
    }
    owned.push({ cidr, field, cluster });
  };
  // given blocks first (in declaration order), so that allocation avoids all of them
  requests.forEach((r, i) => {
    if (given[i].pod) claim(given[i].pod!, `clusters[${i}].podCidr`, r.name);
    if (given[i].service) claim(given[i].service!, `clusters[${i}].serviceCidr`, r.name);
  });
  const allocate = (supernet: Cidr, prefix: number, field: string, cluster: string, what: string): Cidr => {
    try {
      return Cidr.allocate(supernet, prefix, owned.map((o) => o.cidr));
    } catch {
      return fail(opts.path, field, undefined,
        `a ${what} CIDR for cluster "${cluster}": no free /${prefix} is left in the ${what} supernet ${supernet}; give a larger supernet or the CIDR explicitly`);
    }
  };
  return requests.map((r, i) => {
    let pod = given[i].pod;
    if (!pod) {
      pod = allocate(opts.podSupernet, opts.podPrefixLength, `clusters[${i}].podCidr`, r.name, 'pod');
      checkPodCidr(opts.path, `clusters[${i}].podCidr`, pod);
      claim(pod, `clusters[${i}].podCidr`, r.name);
    }
    let service = given[i].service;
    if (!service) {
      service = allocate(opts.serviceSupernet, opts.servicePrefixLength, `clusters[${i}].serviceCidr`, r.name, 'service');
      checkServiceCidr(opts.path, `clusters[${i}].serviceCidr`, service);
      claim(service, `clusters[${i}].serviceCidr`, r.name);
    }
    if (pod.version !== service.version) {
      fail(opts.path, `clusters[${i}].serviceCidr`, service.toString(),
        `a service CIDR of the same IP family as the pod CIDR ${pod} (dual-stack is not planned)`);
    }
    return { podCidr: pod, serviceCidr: service };
  });
}
