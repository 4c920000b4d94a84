#!/usr/bin/env bash
# Stops everything up.sh, node-up.sh, simulator.sh and operator.sh started, the real node first (so its pods stop
# while the API server still answers), and removes the interface up.sh created. Keeps certificates and images;
# pass --purge to drop etcd data too.
source "$(dirname "$0")/common.sh"
stop() { # name
  local f="$LOCAL_DIR/pids/$1.pid" pid
  [[ -f "$f" ]] || return 0
  pid="$(cat "$f")"
  if kill -0 "$pid" 2>/dev/null; then
    log "stopping $1 ($pid)"
    kill "$pid" 2>/dev/null || true
    for ((i = 0; i < 50; i++)); do kill -0 "$pid" 2>/dev/null || break; sleep 0.2; done
    kill -9 "$pid" 2>/dev/null || true
  fi
  rm -f "$f"
}
stop kaito-operator; stop gpu-simulator
bash "$(dirname "$0")/node-down.sh"
for name in kube-scheduler kube-controller-manager kube-apiserver etcd; do stop "$name"; done
if ip link show "$NODE_IFACE" >/dev/null 2>&1; then log "removing the $NODE_IFACE interface"; as_root ip link del "$NODE_IFACE"; fi
[[ "${1:-}" == "--purge" ]] && { log "removing etcd data"; rm -rf "$ETCD_DATA"; }
log "local cluster stopped"
