#!/usr/bin/env bash
# Stops the local control plane started by up.sh. Keeps certificates; pass --purge to drop etcd data too.
source "$(dirname "$0")/common.sh"
for name in kaito-operator gpu-simulator kube-scheduler kube-controller-manager kube-apiserver etcd; do
  f="$LOCAL_DIR/pids/$name.pid"
  [[ -f "$f" ]] || continue
  pid="$(cat "$f")"
  if kill -0 "$pid" 2>/dev/null; then
    log "stopping $name ($pid)"
    kill "$pid" 2>/dev/null || true
    for ((i = 0; i < 50; i++)); do kill -0 "$pid" 2>/dev/null || break; sleep 0.2; done
    kill -9 "$pid" 2>/dev/null || true
  fi
  rm -f "$f"
done
[[ "${1:-}" == "--purge" ]] && { log "removing etcd data"; rm -rf "$ETCD_DATA"; }
log "local control plane stopped"
