#!/usr/bin/env bash
# Measures how the running operator (`make up`) comes back after a control plane component (the kube-apiserver by
# default, or etcd) is killed and restarted: time from the control plane being healthy to every informer watching
# again (kaito_informer_watching), the operator's API requests and CPU time from the kill to 60 s after, and whether a
# Workspace applied right after converges.
# Usage: hack/bench-restart.sh [--component kube-apiserver|etcd] [--down SECONDS]     (figures: docs/reliability.md)
source "$(dirname "$0")/local-cluster/common.sh"
down=0; component=kube-apiserver
while [[ $# -gt 0 ]]; do
  case "$1" in
    --down) down="$2"; shift 2 ;;
    --component) component="$2"; shift 2 ;;
    *) die "usage: hack/bench-restart.sh [--component kube-apiserver|etcd] [--down SECONDS]" ;;
  esac
done
k() { kubectl --kubeconfig "$KUBECONFIG_FILE" "$@"; }
metrics_url="http://127.0.0.1:$HEALTH_PORT/metrics"
pid="$(cat "$LOCAL_DIR/pids/kaito-operator.pid" 2>/dev/null)" && kill -0 "$pid" 2>/dev/null || die "no operator process running; this benchmark measures the host process: run 'KAITO_NODE=off make up' first"
counter() { awk -v s="kaito_api_requests_total{verb=\"$1\"}" '$1 == s { print $2 }' <<<"$2"; }
cpu_ticks() { awk '{ print $14 + $15 }' "/proc/$pid/stat"; }
informers() { grep -c '^kaito_informer_watching{' <<<"$1" || true; }
watching() { grep -c '^kaito_informer_watching{.*} 1$' <<<"$1" || true; }

ns="bench-restart-$RANDOM"
k create namespace "$ns" >/dev/null
trap 'k delete namespace "$ns" --wait=false >/dev/null 2>&1 || true' EXIT

m="$(curl -fsS "$metrics_url")"
reads0="$(counter read "$m")"; writes0="$(counter write "$m")"; cpu0="$(cpu_ticks)"
total="$(informers "$m")"
ready_ms="$(bash "$REPO_ROOT/hack/local-cluster/restart.sh" "$component" --down "$down" | tail -1)"
k apply -n "$ns" -f - >/dev/null <<WS || log "the Workspace was not admitted right after the restart"
apiVersion: kaito.sh/v1beta1
kind: Workspace
metadata: {name: after-restart}
resource: {instanceType: Standard_NC6s_v3, labelSelector: {matchLabels: {apps: after-restart}}}
inference: {preset: {name: phi-3-mini-4k-instruct}}
WS
resumed="never (within 60 s)"; converged="never (within 60 s)"
while (( $(date +%s%3N) - ready_ms < 60000 )); do
  m="$(curl -fsS "$metrics_url" || true)"
  now=$(( $(date +%s%3N) - ready_ms ))
  if [[ "$resumed" == never* && "$total" -gt 0 && "$(watching "$m")" -eq "$total" ]]; then resumed="$(bc <<<"scale=1; $now / 1000") s"; fi
  if [[ "$converged" == never* ]] && k get workspace after-restart -n "$ns" -o jsonpath='{.status.conditions[?(@.type=="WorkspaceSucceeded")].status}' 2>/dev/null | grep -q True; then
    converged="$(bc <<<"scale=1; $now / 1000") s"
  fi
  sleep 0.5
done
m="$(curl -fsS "$metrics_url")"
ticks="$(getconf CLK_TCK)"
printf '\n%s killed, down %ss, then healthy (requests and CPU: from the kill until 60 s after):\n' "$component" "$down"
printf '  every informer watching again after   %s%s\n' "$resumed" "$([[ "$total" -eq 0 ]] && echo ' (this build has no kaito_informer_watching)')"
printf '  Workspace applied right after: Succeeded after %s\n' "$converged"
printf '  operator API requests                 %s reads, %s writes\n' "$(( $(counter read "$m") - reads0 ))" "$(( $(counter write "$m") - writes0 ))"
printf '  operator CPU time                     %s s\n' "$(bc <<<"scale=1; ($(cpu_ticks) - $cpu0) / $ticks")"
