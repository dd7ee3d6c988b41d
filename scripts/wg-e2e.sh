#!/usr/bin/env bash
# wg-e2e.sh - bring up REAL WireGuard tunnels between Linux network namespaces from the
# wg-quick configs that cdk8s-zero-trust's WireguardMesh renders, and ping across them.
#
# Usage: scripts/wg-e2e.sh <dir> [<dir2>]
#   <dir>/sites.txt   one site per line: <name> <underlay-ip> <pod-ip/prefix>
#                     (underlay-ip: the host part of the site's Endpoint, put on the site's
#                      eth0 in 192.0.2.0/24; pod-ip: an address from the site's CIDRs, put on
#                      a dummy "pod0" interface and used as the ping source/destination)
#   <dir>/<name>.conf the site's wg-quick config, exactly as rendered by the library
#                     (no PrivateKey, no hook; a comment names the key file for `wg set`)
#   <dir2>            optional second phase: the same sites with other configs; every
#                     interface is reconfigured from <dir2>/<name>.conf (wg syncconf) and
#                     the pings are repeated (used for the wrong-public-key negative proof)
#
# Output: one line per ordered pair and phase, `PING <phase> <from> <to> PASS|FAIL`,
# then `E2E DONE`. Exit 0 when the mesh could be built (ping results are for the caller to
# judge), 2 when something is missing, 1 on a setup error. Everything lives in network
# namespaces created here (the host netns is not touched) and is removed on any exit.
#
# Needs root, iproute2, wireguard-tools, iputils-ping and the wireguard kernel module or
# wireguard-go + /dev/net/tun:
#   apt-get install -y --no-install-recommends wireguard-tools wireguard-go iproute2 iputils-ping
set -euo pipefail
umask 077

DIR=${1:?usage: wg-e2e.sh <dir> [<dir2>]}
DIR2=${2:-}
RUN="wge$$"
UL_NS="$RUN-ul"
WORK="$(mktemp -d /tmp/wg-e2e.XXXXXX)"
T0=$EPOCHREALTIME
declare -a SITES=()
declare -A UL=() POD=() IFN=() WGPID=()

ns() { echo "$RUN-$1"; }
log() { printf '[%6.2fs] %s\n' "$(awk -v a="$EPOCHREALTIME" -v b="$T0" 'BEGIN{print a-b}')" "$*"; }

cleanup() {
  local rc=$?
  set +e
  for s in "${!WGPID[@]}"; do kill "${WGPID[$s]}" 2>/dev/null; wait "${WGPID[$s]}" 2>/dev/null; done
  for s in "${SITES[@]}"; do ip netns del "$(ns "$s")" 2>/dev/null; rm -f "/var/run/wireguard/${IFN[$s]}.sock"; done
  ip netns del "$UL_NS" 2>/dev/null
  rm -rf "$WORK"
  log "cleanup done (exit $rc); leftover netns: $(ip netns list | grep -c "^$RUN-" || true)"
  exit $rc
}
trap cleanup EXIT
trap 'exit 130' INT TERM

for cmd in ip wg wg-quick ping; do
  command -v "$cmd" >/dev/null || { echo "MISSING $cmd"; exit 2; }
done
[[ $(id -u) == 0 ]] || { echo "MISSING root"; exit 2; }

i=0
while read -r name ul pod; do
  [[ -z "$name" || "$name" == \#* ]] && continue
  SITES+=("$name"); UL[$name]=$ul; POD[$name]=$pod
  IFN[$name]="wg${RUN#wge}-$i"        # unique across namespaces: wireguard-go sockets are global
  i=$((i + 1))
done < "$DIR/sites.txt"
(( ${#SITES[@]} >= 2 )) || { echo "need at least 2 sites in $DIR/sites.txt"; exit 1; }

# ---- implementation detection --------------------------------------------------------
ip netns add "$UL_NS"
if ip -n "$UL_NS" link add wgprobe type wireguard 2>/dev/null; then WG_IMPL=kernel; ip -n "$UL_NS" link del wgprobe
else WG_IMPL=userspace; command -v wireguard-go >/dev/null || { echo "MISSING wireguard-go"; exit 2; }; fi
POD_KIND=dummy
ip -n "$UL_NS" link add podprobe type dummy 2>/dev/null && ip -n "$UL_NS" link del podprobe || POD_KIND=bridge
log "wireguard implementation: $WG_IMPL; sites: ${SITES[*]}"

# ---- underlay: a bridge in its own netns, one veth per site ----------------------------
ip -n "$UL_NS" link add br0 type bridge
ip -n "$UL_NS" link set br0 up
i=0
for s in "${SITES[@]}"; do
  n=$(ns "$s"); ip netns add "$n"
  ip -n "$UL_NS" link add "v$i" type veth peer name eth0 netns "$n"
  ip -n "$UL_NS" link set "v$i" master br0 up
  ip -n "$n" addr add "${UL[$s]}/24" dev eth0
  ip -n "$n" link set eth0 up
  ip -n "$n" link set lo up
  ip -n "$n" link add pod0 type "$POD_KIND"
  ip -n "$n" addr add "${POD[$s]}" dev pod0
  ip -n "$n" link set pod0 up
  i=$((i + 1))
done
log "underlay up"

# ---- wg interfaces, in two phases like wg-quick minus the timing trap -------------------
# A) [Interface] (+ the private key from the file the config names) and Address; B) every [Peer] and a
# route per AllowedIPs (wg-quick's Table = auto). Peers go in only once every side has its key,
# otherwise wireguard-go handshakes from a key-less device and retries only after 5 s.
split_conf() { # <conf> <out-prefix>: wg-quick strip, then interface / peers halves
  wg-quick strip "$1" > "$2.stripped"
  awk '/^\[Peer\]/{exit} {print}' "$2.stripped" > "$2.iface"
  awk '/^\[Peer\]/{p=1} p' "$2.stripped" > "$2.peers"
}
for s in "${SITES[@]}"; do
  n=$(ns "$s"); ifc=${IFN[$s]}; conf="$DIR/$s.conf"
  if [[ $WG_IMPL == kernel ]]; then
    ip -n "$n" link add "$ifc" type wireguard
  else
    rm -f "/var/run/wireguard/$ifc.sock"
    ip netns exec "$n" env WG_PROCESS_FOREGROUND=1 LOG_LEVEL=error wireguard-go "$ifc" >"$WORK/$ifc.log" 2>&1 &
    WGPID[$s]=$!
    for _ in $(seq 50); do [[ -S /var/run/wireguard/$ifc.sock ]] && break; sleep 0.1; done
  fi
  split_conf "$conf" "$WORK/$s"
  ip netns exec "$n" wg setconf "$ifc" "$WORK/$s.iface"
  # the key file the config names (no hook: `#   wg set <if> private-key <file>`), loaded as the
  # gateway's script does it after wg-quick up
  keyfile=$(sed -n 's/^#[[:space:]]*wg set [^[:space:]]* private-key[[:space:]]*//p' "$conf" | head -1)
  [[ -n "$keyfile" ]] || { log "FAIL: $s's config names no private key file"; exit 1; }
  ip netns exec "$n" wg set "$ifc" private-key "$keyfile"
  [[ "$(ip netns exec "$n" wg show "$ifc" private-key)" != "(none)" ]] || { log "FAIL: $s has no private key"; exit 1; }
  while read -r addr; do
    ip -n "$n" addr add "$addr" dev "$ifc"
  done < <(sed -n 's/^[[:space:]]*Address[[:space:]]*=[[:space:]]*//p' "$conf" | tr ',' '\n' | tr -d ' ')
  ip -n "$n" link set "$ifc" up
done
add_peers() { # <confdir>
  for s in "${SITES[@]}"; do
    n=$(ns "$s"); ifc=${IFN[$s]}
    ip netns exec "$n" wg addconf "$ifc" "$WORK/$s.peers"
    for cidr in $(ip netns exec "$n" wg show "$ifc" allowed-ips | cut -f2- | tr ' \t' '\n\n'); do
      ip -n "$n" route replace "$cidr" dev "$ifc"
    done
  done
}
add_peers
log "wg interfaces configured"

wait_handshakes() {
  local pending=0
  for _ in $(seq 70); do
    pending=0
    for s in "${SITES[@]}"; do
      pending=$(( pending + $(ip netns exec "$(ns "$s")" wg show "${IFN[$s]}" latest-handshakes | awk '$2==0' | wc -l) ))
    done
    (( pending == 0 )) && break; sleep 0.1
  done
  log "handshakes pending after wait: $pending"
}

ping_all() { # <phase>: every ordered pair in parallel, pod IP to pod IP
  local phase=$1 s p pids=()
  for s in "${SITES[@]}"; do
    for p in "${SITES[@]}"; do
      [[ $s == "$p" ]] && continue
      ( if ip netns exec "$(ns "$s")" ping -c 2 -W 2 -i 0.2 -I "${POD[$s]%/*}" "${POD[$p]%/*}" >/dev/null 2>&1
        then echo "PING $phase $s $p PASS"; else echo "PING $phase $s $p FAIL"; fi ) > "$WORK/ping.$phase.$s.$p" &
      pids+=($!)
    done
  done
  wait "${pids[@]}"   # not a bare `wait`: wireguard-go processes are children too
  cat "$WORK"/ping."$phase".*
}

wait_handshakes
ping_all 1

if [[ -n "$DIR2" ]]; then
  for s in "${SITES[@]}"; do
    n=$(ns "$s"); ifc=${IFN[$s]}
    split_conf "$DIR2/$s.conf" "$WORK/$s"
    # keep the private key the interface already has (the configs never hold it)
    key=$(ip netns exec "$n" wg show "$ifc" private-key)
    { cat "$WORK/$s.stripped"; } | sed "s|^\[Interface\]|[Interface]\nPrivateKey = $key|" > "$WORK/$s.sync"
    ip netns exec "$n" wg syncconf "$ifc" "$WORK/$s.sync"
    rm -f "$WORK/$s.sync"
  done
  log "phase 2 configs applied from $DIR2"
  ping_all 2
fi

if [[ $WG_IMPL == userspace ]] && grep -q . "$WORK"/*.log 2>/dev/null; then
  for f in "$WORK"/*.log; do echo "== $f"; cat "$f"; done
fi
echo "E2E DONE"
