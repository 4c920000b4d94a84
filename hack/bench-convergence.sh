#!/usr/bin/env bash
# Convergence benchmark on the local control plane (run `make up` first), once per operator build: the JIT
# build (baseline) and the Native AOT build the container image ships. For each, a fresh operator process
# converges 1 Workspace and then N Workspaces applied at once (default 200, one simulated GPU node each), then
# idles. Prints time to converge (every Workspace Ready), the operator's API write requests per Workspace, its
# writes during the idle seconds (target 0; leader-election Lease renewals counted apart) and its peak RSS
# (target <= 150 MB).
# Usage: hack/bench-convergence.sh [N] [idle-seconds] [builds, default "jit aot"]
source "$(dirname "$0")/local-cluster/common.sh"
N="${1:-200}"; IDLE="${2:-60}"; BUILDS="${3:-jit aot}"
k() { kubectl --kubeconfig "$KUBECONFIG_FILE" "$@"; }
[[ -f "$LOCAL_DIR/pids/kaito-operator.pid" ]] || die "no operator running; run 'make up'"
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
clean() {
  # Captured first: `kubectl | grep -q` can end kubectl with SIGPIPE, which pipefail turns into "absent".
  local present; present="$(k get namespace bench-base bench-load --ignore-not-found -o name)"
  if [[ -n "$present" ]]; then
    log "removing the bench namespaces (bench-base, bench-load)"
    k delete namespace bench-base bench-load --ignore-not-found --timeout=600s >/dev/null
  fi
}

command -v bc >/dev/null || apt_install bc
declare -A result
for build in $BUILDS; do
  clean
  log "operator build: $build (a fresh process)"
  KAITO_OPERATOR_BUILD="$build" bash "$(dirname "$0")/local-cluster/operator.sh"
  pid="$(cat "$LOCAL_DIR/pids/kaito-operator.pid")"
  log "$build: baseline, 1 Workspace"
  read -r base_s base_w < <(converge bench-base 1)
  log "$build: $N Workspaces applied at once"
  read -r load_s load_w < <(converge bench-load "$N")
  log "$build: idle for ${IDLE}s"
  idle0="$(writes)"; lease0="$(leases)"; sleep "$IDLE"; idle1="$(writes)"; lease1="$(leases)"
  peak_kb="$(awk '/VmHWM/ {print $2}' "/proc/$pid/status")"
  result[$build]="$base_s $load_s $base_w $load_w $((idle1 - idle0)) $((lease1 - lease0)) $(echo "$peak_kb / 1024" | bc -l)"
done
clean
log "restarting the default operator build"
bash "$(dirname "$0")/local-cluster/operator.sh" --no-build

echo
printf '%-40s' ""; for build in $BUILDS; do printf ' %14s' "$build"; done; echo
row() { # label field-index format
  printf '%-40s' "$1"; for build in $BUILDS; do read -ra f <<<"${result[$build]}"; printf " %14s" "$(printf "$3" "${f[$2]}")"; done; echo
}
row "time to converge, 1 workspace (s)" 0 '%.1f'
row "time to converge, $N workspaces (s)" 1 '%.1f'
row "API writes per workspace (1)" 2 '%.1f'
row "API writes per workspace ($N)" 3 '%.1f'
row "writes during ${IDLE}s idle (target 0)" 4 '%d'
row "Lease renewals during ${IDLE}s idle" 5 '%d'
row "operator peak RSS, MB (target <= 150)" 6 '%.1f'
for build in $BUILDS; do
  read -ra f <<<"${result[$build]}"
  printf '%s: peak RSS %.1f MB: %s\n' "$build" "${f[6]}" "$(echo "${f[6]} <= 150" | bc | sed 's/1/MET/; s/0/MISSED/')"
done
