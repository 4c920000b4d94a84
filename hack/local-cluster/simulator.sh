#!/usr/bin/env bash
# (Re)starts the simulated gpu-provisioner and kubelet against the local control plane:
# NodeClaims become Nodes with the SKU's GPUs; pods bound to them run. Log: .local/logs/gpu-simulator.log
source "$(dirname "$0")/common.sh"

[[ -f "$KUBECONFIG_FILE" ]] || die "no local control plane; run 'make cluster-up' first"
out="$LOCAL_DIR/gpu-simulator"
log "building the GPU simulator (dotnet publish; log: $LOG_DIR/gpu-simulator-build.log)"
publish hack/GpuSimulator "$out" gpu-simulator-build
stop_process gpu-simulator
start_process gpu-simulator "$out/kaito-gpu-simulator" --kubeconfig "$KUBECONFIG_FILE"
sleep 1
alive gpu-simulator || { cat "$LOG_DIR/gpu-simulator.log" >&2; die "gpu simulator exited"; }
log "simulated gpu-provisioner and kubelet running (log: $LOG_DIR/gpu-simulator.log)"
