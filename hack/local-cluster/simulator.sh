#!/usr/bin/env bash
# (Re)starts the simulated gpu-provisioner and kubelet against the local control plane:
# NodeClaims become Nodes with the SKU's GPUs; pods bound to them run. Log: .local/logs/gpu-simulator.log
source "$(dirname "$0")/common.sh"

[[ -f "$KUBECONFIG_FILE" ]] || die "no local control plane; run 'make cluster-up' first"
out="$LOCAL_DIR/gpu-simulator"
log "building the GPU simulator (dotnet publish; log: $LOG_DIR/gpu-simulator-build.log)"
dotnet publish "$REPO_ROOT/hack/GpuSimulator" -c Release -o "$out" --nologo -v quiet >"$LOG_DIR/gpu-simulator-build.log" 2>&1 \
  || { tail -n 30 "$LOG_DIR/gpu-simulator-build.log" >&2; die "simulator build failed"; }
pidfile="$LOCAL_DIR/pids/gpu-simulator.pid"
if [[ -f "$pidfile" ]] && kill -0 "$(cat "$pidfile")" 2>/dev/null; then kill "$(cat "$pidfile")"; sleep 0.5; fi
setsid nohup "$out/kaito-gpu-simulator" --kubeconfig "$KUBECONFIG_FILE" >"$LOG_DIR/gpu-simulator.log" 2>&1 </dev/null 9>&- &
echo $! >"$pidfile"
sleep 1
kill -0 "$(cat "$pidfile")" 2>/dev/null || { cat "$LOG_DIR/gpu-simulator.log" >&2; die "gpu simulator exited"; }
log "simulated gpu-provisioner and kubelet running (log: $LOG_DIR/gpu-simulator.log)"
