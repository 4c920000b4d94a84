#!/usr/bin/env bash
# Stops everything up.sh, node-up.sh, simulator.sh and operator.sh started, the real node first (so its pods stop
# while the API server still answers), and removes the interface up.sh created. Keeps certificates and images;
# pass --purge to drop etcd data too.
source "$(dirname "$0")/common.sh"
stop_process kaito-operator; stop_process gpu-simulator
bash "$(dirname "$0")/node-down.sh"
for name in kube-scheduler kube-controller-manager kube-apiserver etcd; do stop_process "$name"; done
if ip link show "$NODE_IFACE" >/dev/null 2>&1; then log "removing the $NODE_IFACE interface"; as_root ip link del "$NODE_IFACE"; fi
[[ "${1:-}" == "--purge" ]] && { log "removing etcd data"; rm -rf "$ETCD_DATA"; }
log "local cluster stopped"
