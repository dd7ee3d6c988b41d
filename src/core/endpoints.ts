/* eslint-disable no-bitwise */
/**
 * Checks of addresses a peer must reach from outside (internal): a WireGuard endpoint of
 * `0.0.0.0`, loopback or multicast is valid `host:port` syntax but no remote peer can reach it.
 */
import { parseIpv4, parseIpv6 } from './ip';
import { fail } from './validate';

/** Why an IP literal cannot be a remote endpoint, or undefined if it can. */
export function unreachableReason(host: string): string | undefined {
  if (host.toLowerCase() === 'localhost' || host.toLowerCase().endsWith('.localhost')) return 'localhost is the local host';
  const v4 = parseIpv4(host);
  if (v4 !== undefined) {
    const first = Number(v4 >> 24n);
    if (v4 === 0n || first === 0) return 'the unspecified address 0.0.0.0/8';
    if (first === 127) return 'a loopback address (127.0.0.0/8)';
    if (first >= 224 && first <= 239) return 'a multicast address (224.0.0.0/4)';
    if (v4 === 0xffffffffn) return 'the broadcast address';
    return undefined;
  }
  const v6 = parseIpv6(host);
  if (v6 !== undefined) {
    if (v6 === 0n) return 'the unspecified address ::';
    if (v6 === 1n) return 'the loopback address ::1';
    if (v6 >> 120n === 0xffn) return 'a multicast address (ff00::/8)';
    if (v6 >> 32n === 0xffffn) return unreachableReason(ipv4Of(v6));
  }
  return undefined;
}

function ipv4Of(v: bigint): string {
  const n = Number(v & 0xffffffffn);
  return [n >>> 24, (n >>> 16) & 255, (n >>> 8) & 255, n & 255].join('.');
}

/**
 * Throws unless `host` (a DNS name or an IP literal, brackets removed) can be reached by remote peers.
 *
 * @param path construct path or factory name
 * @param field the field
 * @param value the whole value, for the message (e.g. `0.0.0.0:51820`)
 * @param host the host part of it
 */
export function validateRemoteHost(path: string, field: string, value: string, host: string): void {
  const why = unreachableReason(host);
  if (why !== undefined) {
    fail(path, field, value, `an address remote peers can reach (a public or private unicast IP, or a DNS name), not ${why}`);
  }
}
