#!/usr/bin/env bash
# The in-cluster operator's memory as its cgroup counts it (what the kubelet and an OOM kill go by): the working set
# (usage minus inactive file pages) and RSS of the kaito-workspace container, idle, then after N Workspaces have
# converged, then idle again once they are deleted. Needs `make up` (the operator on the real node).
# Usage: hack/bench-pod-memory.sh [N=200]
source "$(dirname "$0")/local-cluster/common.sh"
n="${1:-200}"
k() { kubectl --kubeconfig "$KUBECONFIG_FILE" "$@"; }
[[ "$(cat "$LOCAL_DIR/operator-mode" 2>/dev/null)" == cluster ]] || die "the operator does not run in the cluster; run 'make up' (without KAITO_NODE=off)"

cgroup() { # the operator container's memory cgroup directory
  local pod uid id
  pod="$(k get pods -n "$OPERATOR_NAMESPACE" -l app.kubernetes.io/instance=kaito-workspace -o jsonpath='{.items[0].metadata.name}')"
  uid="$(k get pod -n "$OPERATOR_NAMESPACE" "$pod" -o jsonpath='{.metadata.uid}')"
  id="$(k get pod -n "$OPERATOR_NAMESPACE" "$pod" -o jsonpath='{.status.containerStatuses[0].containerID}')"; id="${id#containerd://}"
  find /sys/fs/cgroup/memory/kubepods -maxdepth 3 -type d -path "*pod$uid/$id" | head -n1
}
sample() { # label
  local dir usage inactive rss
  dir="$(cgroup)"; [[ -n "$dir" ]] || die "the operator container's memory cgroup was not found"
  usage="$(cat "$dir/memory.usage_in_bytes")"
  inactive="$(awk '$1 == "total_inactive_file" {print $2}' "$dir/memory.stat")"
  rss="$(awk '$1 == "total_rss" {print $2}' "$dir/memory.stat")"
  awk -v l="$1" -v u="$usage" -v i="$inactive" -v r="$rss" 'BEGIN { printf "%-34s working set %7.1f MiB   rss %7.1f MiB\n", l, (u - i) / 1048576, r / 1048576 }'
}
settle() { sleep 20; }

ns="bench-memory-$$"
settle; sample "idle (baseline)"
k create namespace "$ns" >/dev/null
log "applying $n Workspaces"
for ((i = 0; i < n; i++)); do
  cat <<YAML
---
apiVersion: kaito.sh/v1beta1
kind: Workspace
metadata: {name: ws-$i, namespace: $ns}
resource: {instanceType: Standard_NC6s_v3, labelSelector: {matchLabels: {apps: ws-$i}}}
inference: {preset: {name: phi-3-mini-4k-instruct}}
YAML
done | k apply -f - >/dev/null
start=$SECONDS
until [[ "$(k get wk -n "$ns" -o jsonpath='{range .items[*]}{.status.conditions[?(@.type=="WorkspaceSucceeded")].status}{"\n"}{end}' | grep -c True)" -ge "$n" ]]; do
  (( SECONDS - start < 900 )) || die "the $n Workspaces did not converge within 15 minutes"
  sleep 5
done
log "$n Workspaces converged in $((SECONDS - start)) s"
settle; sample "after $n Workspaces converged"
log "deleting them"
k delete namespace "$ns" --timeout=15m >/dev/null
settle; sample "idle again"
