#!/usr/bin/env bash
# Convergence benchmark on the local control plane (run `make up` first), once per operator build (default: the
# Native AOT build the container image ships; "jit aot" adds the JIT build as a second column). For each, a fresh
# operator process converges 1 Workspace (the baseline) and then N Workspaces applied at once (default 200, one
# simulated GPU node each), then idles, then has its reaction latency probed. Prints per build:
#   time to converge (every Workspace Ready); operator CPU-seconds per Workspace (/proc/PID/stat); API writes per
#   Workspace with Events counted apart (the operator's /metrics); writes while idle (target 0; leader-election
#   Lease renewals apart); peak RSS (VmHWM; target <= 150 MB at 1,000 for AOT); reaction latency p50/p99 (a
#   Workspace's node marked NotReady, then Ready: until the Workspace's status shows it, by
#   `kaito-gpu-simulator probe-reaction`); and the machine's share: CPU-seconds of each local process while the N
#   Workspaces converged.
# Usage: hack/bench-convergence.sh [N] [idle-seconds] [builds, default "aot"] [probed workspaces, default 50]
source "$(dirname "$0")/local-cluster/common.sh"
N="${1:-200}"; IDLE="${2:-60}"; BUILDS="${3:-aot}"; PROBES="${4:-50}"
CONVERGE_TIMEOUT="${KAITO_BENCH_TIMEOUT:-3600}"
k() { kubectl --kubeconfig "$KUBECONFIG_FILE" "$@"; }
[[ -f "$LOCAL_DIR/pids/kaito-operator.pid" ]] || die "no operator process running; this benchmark measures the host process: run 'KAITO_NODE=off make up' (hack/bench-pod-memory.sh measures the in-cluster pod)"
metric() { curl -fsS "http://127.0.0.1:$HEALTH_PORT/metrics" | awk -v s="kaito_api_requests_total{verb=\"$1\"}" '$1 == s { print $2 }'; }
ticks="$(getconf CLK_TCK)"
cpu_seconds() { # pid -> user+system CPU seconds so far
  awk -v t="$ticks" '{ sub(/^.*\) /, ""); printf "%.2f\n", ($12 + $13) / t }' "/proc/$1/stat" 2>/dev/null || echo 0
}
PROCESSES="kube-apiserver etcd kube-controller-manager kube-scheduler gpu-simulator kaito-operator"
machine_cpu() { # -> "name=seconds ..." for every local process
  local out=""
  for p in $PROCESSES; do out+="$p=$(cpu_seconds "$(cat "$LOCAL_DIR/pids/$p.pid" 2>/dev/null || echo 0)") "; done
  echo "$out"
}
manifests() { # namespace first last+1
  for ((i = $2; i < $3; i++)); do
    printf 'apiVersion: kaito.sh/v1beta1\nkind: Workspace\nmetadata: {name: bench-%d, namespace: %s}\nresource:\n  instanceType: Standard_NC6s_v3\n  labelSelector: {matchLabels: {apps: bench-%d}}\ninference:\n  preset: {name: phi-3-mini-4k-instruct}\n---\n' "$i" "$1" "$i"
  done
}
converge() { # namespace count -> seconds, writes/ws, events/ws, operator CPU-s/ws
  local ns="$1" n="$2" pid="$3"
  k create namespace "$ns" >/dev/null
  local w0 e0 c0; w0="$(metric write)"; e0="$(metric event)"; c0="$(cpu_seconds "$pid")"
  local start; start="$(date +%s.%N)"
  # In chunks of 500: one kubectl apply of thousands of objects holds them all in memory at once.
  local chunk=500
  for ((from = 0; from < n; from += chunk)); do
    manifests "$ns" "$from" "$((from + chunk < n ? from + chunk : n))" | k apply -f - >/dev/null
  done
  local ready=0 deadline=$((SECONDS + CONVERGE_TIMEOUT))
  # Every poll lists all N Workspaces: at thousands, polling every 2 s would itself load the API server being measured.
  local poll=$(( n > 1000 ? 10 : 2 ))
  until [[ "$ready" -eq "$n" ]]; do
    sleep "$poll"
    ready="$(k get workspaces -n "$ns" -o jsonpath='{range .items[*]}{.status.state}{"\n"}{end}' | grep -c '^Ready$' || true)"
    printf '\r    %s: %d/%d ready after %.0fs ' "$ns" "$ready" "$n" "$(echo "$(date +%s.%N) - $start" | bc)" >&2
    if (( SECONDS > deadline )); then
      echo >&2
      k get workspaces -n "$ns" -o jsonpath='{range .items[*]}{.metadata.name}{" "}{.status.state}{" "}{.status.conditions[?(@.type=="WorkspaceSucceeded")].message}{"\n"}{end}' \
        | grep -v ' Ready ' | head -20 >&2
      die "$ns: $ready of $n Workspaces Ready after ${CONVERGE_TIMEOUT}s (KAITO_BENCH_TIMEOUT); the first ones not ready are above"
    fi
  done
  echo >&2
  local seconds; seconds="$(echo "$(date +%s.%N) - $start" | bc)"
  printf '%.1f %.2f %.2f %.3f\n' "$seconds" "$(echo "($(metric write) - $w0) / $n" | bc -l)" \
    "$(echo "($(metric event) - $e0) / $n" | bc -l)" "$(echo "($(cpu_seconds "$pid") - $c0) / $n" | bc -l)"
}
clean() {
  # Captured first: `kubectl | grep -q` can end kubectl with SIGPIPE, which pipefail turns into "absent".
  local present; present="$(k get namespace bench-base bench-load --ignore-not-found -o name)"
  if [[ -n "$present" ]]; then
    log "removing the bench namespaces (bench-base, bench-load; Workspaces give their nodes back first)"
    k delete namespace bench-base bench-load --ignore-not-found --timeout=1800s >/dev/null
  fi
}

command -v bc >/dev/null || apt_install bc
simulator="$LOCAL_DIR/gpu-simulator/kaito-gpu-simulator"
[[ -x "$simulator" ]] || die "no GPU simulator build at $simulator; run 'make up'"
declare -A result share
for build in $BUILDS; do
  clean
  log "operator build: $build (a fresh process)"
  KAITO_OPERATOR_BUILD="$build" bash "$(dirname "$0")/local-cluster/operator.sh"
  pid="$(cat "$LOCAL_DIR/pids/kaito-operator.pid")"
  log "$build: baseline, 1 Workspace"
  read -r base_s base_w base_e base_c < <(converge bench-base 1 "$pid")
  log "$build: $N Workspaces applied at once"
  before="$(machine_cpu)"
  read -r load_s load_w load_e load_c < <(converge bench-load "$N" "$pid")
  after="$(machine_cpu)"
  share[$build]="$(paste -d' ' <(tr ' ' '\n' <<<"$before") <(tr ' ' '\n' <<<"$after") | awk -F'[ =]' 'NF == 4 { printf "%s=%.1f ", $1, $4 - $2 }')"
  log "$build: idle for ${IDLE}s"
  idle0="$(metric write)"; lease0="$(metric lease)"; sleep "$IDLE"; idle1="$(metric write)"; lease1="$(metric lease)"
  log "$build: reaction latency, $PROBES Workspaces probed (node NotReady, then Ready)"
  read -r _ probe_n p50 p99 pmax < <("$simulator" probe-reaction --kubeconfig "$KUBECONFIG_FILE" --namespace bench-load --workspaces "$PROBES" 2>>"$LOG_DIR/probe-reaction.log" | grep '^reaction-ms') \
    || die "the reaction probe failed (log: $LOG_DIR/probe-reaction.log)"
  peak_kb="$(awk '/VmHWM/ {print $2}' "/proc/$pid/status")"
  result[$build]="$base_s $load_s $base_w $load_w $base_e $load_e $base_c $load_c $((idle1 - idle0)) $((lease1 - lease0)) $(echo "$peak_kb / 1024" | bc -l) $p50 $p99 $pmax $probe_n"
done

report() {
  echo
  printf '%-52s' ""; for build in $BUILDS; do printf ' %12s' "$build"; done; echo
  row() { # label field-index format
    printf '%-52s' "$1"; for build in $BUILDS; do read -ra f <<<"${result[$build]}"; printf " %12s" "$(printf "$3" "${f[$2]}")"; done; echo
  }
  row "time to converge, 1 workspace (s)" 0 '%.1f'
  row "time to converge, $N workspaces (s)" 1 '%.1f'
  row "API writes per workspace, Events apart (1)" 2 '%.2f'
  row "API writes per workspace, Events apart ($N)" 3 '%.2f'
  row "Events per workspace (1)" 4 '%.2f'
  row "Events per workspace ($N)" 5 '%.2f'
  row "operator CPU-s per workspace (1)" 6 '%.3f'
  row "operator CPU-s per workspace ($N)" 7 '%.3f'
  row "writes during ${IDLE}s idle (target 0)" 8 '%d'
  row "Lease renewals during ${IDLE}s idle" 9 '%d'
  row "operator peak RSS, MB (target <= 150 at 1,000)" 10 '%.1f'
  row "reaction latency p50, ms" 11 '%.1f'
  row "reaction latency p99, ms" 12 '%.1f'
  row "reaction latency max, ms" 13 '%.1f'
  row "reaction samples" 14 '%d'
  echo
  for build in $BUILDS; do
    printf '%s: CPU-seconds of each process while %d Workspaces converged: %s\n' "$build" "$N" "${share[$build]}"
    read -ra f <<<"${result[$build]}"
    printf '%s: writes per workspace %.2f (target <= 8): %s; idle writes %d (target 0): %s; peak RSS %.1f MB (target <= 150): %s\n' "$build" \
      "${f[3]}" "$(echo "${f[3]} <= 8" | bc | sed 's/1/MET/; s/0/MISSED/')" "${f[8]}" "$([[ "${f[8]}" -eq 0 ]] && echo MET || echo MISSED)" \
      "${f[10]}" "$(echo "${f[10]} <= 150" | bc | sed 's/1/MET/; s/0/MISSED/')"
  done
}
# The figures first: giving back thousands of nodes takes minutes.
report
clean
log "restarting the default operator build"
bash "$(dirname "$0")/local-cluster/operator.sh" --no-build
