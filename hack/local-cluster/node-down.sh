#!/usr/bin/env bash
# Stops the real node node-up.sh started and undoes what it and its programs changed on this machine: pods and
# their mounts and network namespaces, KUBE-* iptables chains, the CNI bridge, the kubelet's cgroups and
# /var/log/pods, sysctls. Images stay in $NODE_DIR for the next start. Safe to run when nothing runs.
source "$(dirname "$0")/common.sh"
[[ $(id -u) -eq 0 ]] || exit 0


stop_process registry 10
stop_process kubelet 15
if [[ -S "$CONTAINERD_SOCK" ]] && node_ctr version >/dev/null 2>&1; then
  tasks="$(node_ctr tasks ls -q 2>/dev/null || true)"
  if [[ -n "$tasks" ]]; then
    log "stopping the node's containers ($(wc -w <<<"$tasks"))"
    for t in $tasks; do node_ctr tasks kill -s SIGKILL "$t" >/dev/null 2>&1 || true; done
    for t in $tasks; do
      for ((i = 0; i < 25; i++)); do node_ctr tasks delete "$t" >/dev/null 2>&1 && break; sleep 0.2; done
    done
  fi
  # Containers go too: the next kubelet starts from a clean runtime instead of recovering dead sandboxes.
  for id in $(node_ctr containers ls -q 2>/dev/null || true); do node_ctr containers rm "$id" >/dev/null 2>&1 || true; done
fi
stop_process kube-proxy 15
[[ -x "$K8S_BIN/kube-proxy" ]] && "$K8S_BIN/kube-proxy" --cleanup >/dev/null 2>&1 || true
stop_process dockerd 15
stop_process containerd 15
# Shims outlive containerd when a container would not die; none may stay.
pkill -9 -f "containerd-shim-runc-v2 -namespace (k8s.io|moby) .*-address $CONTAINERD_SOCK" 2>/dev/null || true

# Mounts under the node's directories (the kubelet's bind mount of its root, pod volumes, overlay rootfs,
# network namespaces), deepest first.
for dir in "$NODE_RUN" "$NODE_DIR"; do
  findmnt -rn -o TARGET | awk -v p="$dir/" 'index($0, p) == 1 || $0 == substr(p, 1, length(p) - 1)' | sort -r |
    while read -r m; do umount "$m" 2>/dev/null || umount -l "$m" 2>/dev/null || true; done
done

# iptables: every KUBE-* chain and the rules that jump to them (kube-proxy's and the kubelet's), both families.
for fam in iptables ip6tables; do
  command -v "$fam-save" >/dev/null || continue
  if "$fam-save" 2>/dev/null | grep -q 'KUBE-'; then
    log "removing KUBE-* $fam chains"
    "$fam-save" | grep -v 'KUBE-' | "$fam-restore" || log "warning: $fam-restore failed; see '$fam-save | grep KUBE-'"
  fi
done

ip link show "$CNI_BRIDGE" >/dev/null 2>&1 && { log "removing the $CNI_BRIDGE bridge"; ip link del "$CNI_BRIDGE"; }
# Pod veths whose namespace was already gone disappear with it; any left point at nothing.
for v in $(ip -o link show type veth 2>/dev/null | awk -F': ' '{print $2}' | cut -d@ -f1); do
  [[ "$(cat "/sys/class/net/$v/master/uevent" 2>/dev/null)" == *"$CNI_BRIDGE"* ]] && ip link del "$v" 2>/dev/null || true
done

# The kubelet's cgroups (kubepods and below) and dockerd's, deepest first, once empty.
for ctl in /sys/fs/cgroup/*/; do
  for top in kubepods kubepods.slice docker; do
    [[ -d "$ctl$top" ]] && find "$ctl$top" -depth -type d -exec rmdir {} + 2>/dev/null || true
  done
done

if [[ -f "$NODE_DIR/created-paths" ]]; then   # paths the node's programs create outside our directories
  while read -r p; do rm -rf "$p"; done <"$NODE_DIR/created-paths"
  mv -f "$NODE_DIR/created-paths" "$NODE_DIR/created-paths.removed"   # check-clean.sh checks they stay gone
fi
rm -rf "$NODE_RUN"

if [[ -f "$NODE_DIR/sysctl.before" ]]; then
  while IFS='=' read -r key value; do sysctl -qw "$key=$value" 2>/dev/null || true; done <"$NODE_DIR/sysctl.before"
  mv -f "$NODE_DIR/sysctl.before" "$NODE_DIR/sysctl.restored"   # check-clean.sh compares against it
fi
exit 0
