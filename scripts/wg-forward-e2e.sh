#!/usr/bin/env bash
# wg-forward-e2e.sh - prove the WireGuard gateway's forwarding filter on REAL tunnels: a client
# site and a server site (network namespaces) joined by WireGuard from the configs WireguardMesh
# renders, a "pod" namespace routed behind the server's gateway, and the iptables lines that
# WireguardGateway's start script installs applied in the server's gateway namespace.
#
# Usage: scripts/wg-forward-e2e.sh <dir>
#   <dir>/client.conf, <dir>/server.conf  the sites' wg-quick configs, as rendered (no key, no hook)
#   <dir>/client.key,  <dir>/server.key   the private keys ("the mounted Secrets")
#   <dir>/server.filter                   the iptables lines of the server gateway's script
#   <dir>/env                             CLIENT_UL SERVER_UL CLIENT_POD SERVER_POD GW_POD PORTS
#                                         (underlay IPs, the client's pod IP, the server pod's
#                                          IP and its gateway's, the TCP ports to probe)
# Output: `PROBE <phase> <port> OPEN|BLOCKED` (phase 0 without the filter, 1 with it),
# `PING <phase> PASS|FAIL`, the filter's counters, then `E2E DONE`. Exit 2 when something is
# missing. Everything lives in network namespaces created here and is removed on exit.
set -euo pipefail
umask 077
DIR=${1:?usage: wg-forward-e2e.sh <dir>}
# shellcheck disable=SC1091
source "$DIR/env"
RUN="wgf$$"; C="$RUN-c"; S="$RUN-s"; P="$RUN-p"
WORK="$(mktemp -d /tmp/wg-fwd.XXXXXX)"
declare -A IFN=([client]="wf${$}c" [server]="wf${$}s") WGPID=() NS=([client]=$C [server]=$S)
PY=$(command -v python3 || true)

cleanup() {
  local rc=$?
  set +e
  for k in "${!WGPID[@]}"; do kill "${WGPID[$k]}" 2>/dev/null; wait "${WGPID[$k]}" 2>/dev/null; done
  for k in "${!LPID[@]}"; do kill "${LPID[$k]}" 2>/dev/null; wait "${LPID[$k]}" 2>/dev/null; done
  for n in "$C" "$S" "$P"; do ip netns del "$n" 2>/dev/null; done
  for k in client server; do rm -f "/var/run/wireguard/${IFN[$k]}.sock"; done
  rm -rf "$WORK"
  exit $rc
}
declare -A LPID=()
trap cleanup EXIT
trap 'exit 130' INT TERM

for cmd in ip wg wg-quick iptables; do command -v "$cmd" >/dev/null || { echo "MISSING $cmd"; exit 2; }; done
[[ -n "$PY" ]] || { echo "MISSING python3"; exit 2; }
[[ $(id -u) == 0 ]] || { echo "MISSING root"; exit 2; }

for n in "$C" "$S" "$P"; do ip netns add "$n"; ip -n "$n" link set lo up; done
if ip -n "$C" link add wgprobe type wireguard 2>/dev/null; then WG_IMPL=kernel; ip -n "$C" link del wgprobe
else WG_IMPL=userspace; command -v wireguard-go >/dev/null || { echo "MISSING wireguard-go"; exit 2; }; fi

# underlay client <-> server; the pod behind the server's gateway; the client's pod address
ip -n "$C" link add eth0 type veth peer name eth0 netns "$S"
ip -n "$C" addr add "$CLIENT_UL/24" dev eth0; ip -n "$C" link set eth0 up
ip -n "$S" addr add "$SERVER_UL/24" dev eth0; ip -n "$S" link set eth0 up
ip -n "$S" link add pods type veth peer name eth0 netns "$P"
ip -n "$S" addr add "$GW_POD/24" dev pods; ip -n "$S" link set pods up
ip -n "$P" addr add "$SERVER_POD/24" dev eth0; ip -n "$P" link set eth0 up
ip -n "$P" route add default via "$GW_POD"
ip netns exec "$S" sysctl -qw net.ipv4.ip_forward=1
ip -n "$C" link add pod0 type dummy 2>/dev/null || ip -n "$C" link add pod0 type bridge
ip -n "$C" addr add "$CLIENT_POD/32" dev pod0; ip -n "$C" link set pod0 up

# wg: interface half + the key from its file (as the gateway's script: wg set <if> private-key),
# then the peers and a route per AllowedIPs (wg-quick's Table = auto)
for k in client server; do
  n=${NS[$k]}; ifc=${IFN[$k]}
  if [[ $WG_IMPL == kernel ]]; then ip -n "$n" link add "$ifc" type wireguard
  else
    ip netns exec "$n" env WG_PROCESS_FOREGROUND=1 LOG_LEVEL=error wireguard-go "$ifc" >"$WORK/$ifc.log" 2>&1 &
    WGPID[$k]=$!
    for _ in $(seq 50); do [[ -S /var/run/wireguard/$ifc.sock ]] && break; sleep 0.1; done
  fi
  wg-quick strip "$DIR/$k.conf" > "$WORK/$k.stripped"
  awk '/^\[Peer\]/{exit} {print}' "$WORK/$k.stripped" > "$WORK/$k.iface"
  awk '/^\[Peer\]/{p=1} p' "$WORK/$k.stripped" > "$WORK/$k.peers"
  ip netns exec "$n" wg setconf "$ifc" "$WORK/$k.iface"
  ip netns exec "$n" wg set "$ifc" private-key "$DIR/$k.key"
  while read -r addr; do ip -n "$n" addr add "$addr" dev "$ifc"; done \
    < <(sed -n 's/^[[:space:]]*Address[[:space:]]*=[[:space:]]*//p' "$DIR/$k.conf" | tr ',' '\n' | tr -d ' ')
  ip -n "$n" link set "$ifc" up
done
for k in client server; do
  n=${NS[$k]}; ifc=${IFN[$k]}
  ip netns exec "$n" wg addconf "$ifc" "$WORK/$k.peers"
  for cidr in $(ip netns exec "$n" wg show "$ifc" allowed-ips | cut -f2- | tr ' \t' '\n\n'); do
    ip -n "$n" route replace "$cidr" dev "$ifc"
  done
done

# listeners on every probed port in the pod
for port in $PORTS; do
  ip netns exec "$P" "$PY" -c "
import socket
s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(('0.0.0.0', $port)); s.listen(16)
while True:
    c, _ = s.accept(); c.close()
" >/dev/null 2>&1 &
  LPID[$port]=$!
done
sleep 0.5

probe() { # <phase>
  for port in $PORTS; do
    if ip netns exec "$C" "$PY" -c "
import socket, sys
s = socket.socket(); s.settimeout(3); s.bind(('$CLIENT_POD', 0)); s.connect(('$SERVER_POD', $port))
" 2>/dev/null; then echo "PROBE $1 $port OPEN"; else echo "PROBE $1 $port BLOCKED"; fi
  done
  if ip netns exec "$C" ping -c 2 -W 2 -i 0.2 -I "$CLIENT_POD" "$SERVER_POD" >/dev/null 2>&1; then echo "PING $1 PASS"; else echo "PING $1 FAIL"; fi
}

# the handshake: the first probe of phase 0 may wait for it
for _ in $(seq 50); do
  ip netns exec "$C" ping -c 1 -W 1 -I "$CLIENT_POD" "$SERVER_POD" >/dev/null 2>&1 && break
done
probe 0
# a CNI's blanket ACCEPT at the top of the filter table's FORWARD must not bypass the filter
ip netns exec "$S" iptables -w -I FORWARD 1 -j ACCEPT
# the filter exactly as the gateway's script installs it (its interface name is this test's)
sed "s/\bwg0\b/${IFN[server]}/g" "$DIR/server.filter" > "$WORK/filter.sh"
ip netns exec "$S" bash -c "set -eu; source '$WORK/filter.sh'"
probe 1
ip netns exec "$S" iptables -w -t mangle -vnL ZT-WG-FORWARD
echo "E2E DONE"
