#!/usr/bin/env bash
# Convergence benchmark on the local control plane (run `make up` first): applies 1 Workspace (the
# baseline) and then N Workspaces at once (default 200, one simulated GPU node each), and prints the
# time to converge (every Workspace Ready), the operator's API write requests per Workspace, its writes
# during 60 idle seconds afterwards (target 0; Lease renewals of leader election counted apart) and its
# peak RSS (target <= 150 MB).
# Usage: hack/bench-convergence.sh [N] [idle-seconds]
source "$(dirname "$0")/local-cluster/common.sh"
N="${1:-200}"; IDLE="${2:-60}"
k() { kubectl --kubeconfig "$KUBECONFIG_FILE" "$@"; }
pid="$(cat "$LOCAL_DIR/pids/kaito-operator.pid" 2>/dev/null)" || die "no operator running; run 'make up'"
kill -0 "$pid" 2>/dev/null || die "no operator running; run 'make up'"
writes() { curl -fsS "http://127.0.0.1:$HEALTH_PORT/metrics" | awk '/verb="write"/ {print $2}'; }
leases() { curl -fsS "http://127.0.0.1:$HEALTH_PORT/metrics" | awk '/verb="lease"/ {print $2}'; }
manifests() { # namespace count
  for ((i = 0; i < $2; i++)); do
    printf 'apiVersion: kaito.sh/v1beta1\nkind: Workspace\nmetadata: {name: bench-%d, namespace: %s}\nresource:\n  instanceType: Standard_NC6s_v3\n  labelSelector: {matchLabels: {apps: bench-%d}}\ninference:\n  preset: {name: phi-3-mini-4k-instruct}\n---\n' "$i" "$1" "$i"
  done
}
converge() { # namespace count -> prints seconds and writes per workspace
  local ns="$1" n="$2"
  k create namespace "$ns" >/dev/null
  local w0; w0="$(writes)"
  local start; start="$(date +%s.%N)"
  manifests "$ns" "$n" | k apply -f - >/dev/null
  local ready=0
  until [[ "$ready" -eq "$n" ]]; do
    sleep 1
    ready="$(k get workspaces -n "$ns" -o jsonpath='{range .items[*]}{.status.state}{"\n"}{end}' | grep -c '^Ready$' || true)"
    printf '\r    %s: %d/%d ready after %.0fs ' "$ns" "$ready" "$n" "$(echo "$(date +%s.%N) - $start" | bc)" >&2
  done
  echo >&2
  local seconds; seconds="$(echo "$(date +%s.%N) - $start" | bc)"
  local w1; w1="$(writes)"
  printf '%.1f %.1f\n' "$seconds" "$(echo "($w1 - $w0) / $n" | bc -l)"
}

command -v bc >/dev/null || as_root apt-get install -y -qq bc >/dev/null
if k get namespace bench-base bench-load --ignore-not-found -o name | grep -q .; then
  log "removing the namespaces of an earlier run (bench-base, bench-load)"
  k delete namespace bench-base bench-load --ignore-not-found --timeout=300s >/dev/null
fi
log "baseline: 1 Workspace"
read -r base_s base_w < <(converge bench-base 1)
log "load: $N Workspaces applied at once"
read -r load_s load_w < <(converge bench-load "$N")
log "idle for ${IDLE}s"
idle0="$(writes)"; lease0="$(leases)"; sleep "$IDLE"; idle1="$(writes)"; lease1="$(leases)"
peak_kb="$(awk '/VmHWM/ {print $2}' "/proc/$pid/status")"
echo
printf '%-34s %12s %12s\n' "" "1 workspace" "$N workspaces"
printf '%-34s %12s %12s\n' "time to converge (s)" "$base_s" "$load_s"
printf '%-34s %12s %12s\n' "API writes per workspace" "$base_w" "$load_w"
printf 'writes during %ss idle: %d (target 0), plus %d leader-election Lease renewals\n' "$IDLE" "$((idle1 - idle0))" "$((lease1 - lease0))"
printf 'operator peak RSS: %.1f MB (target <= 150 MB)\n' "$(echo "$peak_kb / 1024" | bc -l)"
log "cleaning up in the background (kubectl delete namespace bench-base bench-load)"
k delete namespace bench-base bench-load --wait=false >/dev/null
