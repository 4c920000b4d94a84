#!/usr/bin/env bash
# After `make down`: fails, naming each leftover, if anything the local cluster started or changed is still there.
# CI runs it after the suite (.ci/run); run it by hand the same way.
source "$(dirname "$0")/common.sh"
left=()
for p in $(pgrep -f "$NODE_RUN|$K8S_BIN|$LOCAL_DIR/(operator|gpu-simulator)|etcd --name kaito-local" || true); do
  [[ "$p" == "$$" ]] || left+=("process $p: $(tr '\0' ' ' <"/proc/$p/cmdline" 2>/dev/null | cut -c1-100)")
done
while read -r m; do [[ -n "$m" ]] && left+=("mount $m"); done < <(findmnt -rn -o TARGET | grep -E "^($NODE_DIR|$NODE_RUN)(/|$)" || true)
for fam in iptables ip6tables; do
  n="$("$fam-save" 2>/dev/null | grep -c 'KUBE-' || true)"; [[ "$n" -eq 0 ]] || left+=("$n $fam lines naming KUBE-* chains")
done
for link in "$NODE_IFACE" "$CNI_BRIDGE"; do ip link show "$link" >/dev/null 2>&1 && left+=("network interface $link"); done
[[ -e "$NODE_RUN" ]] && left+=("directory $NODE_RUN")
for d in /sys/fs/cgroup/*/kubepods /sys/fs/cgroup/*/docker; do [[ -d "$d" ]] && left+=("cgroup $d"); done
if [[ -f "$NODE_DIR/created-paths.removed" ]]; then
  while read -r p; do [[ -e "$p" ]] && left+=("$p (created by the node's programs)"); done <"$NODE_DIR/created-paths.removed"
fi
if [[ -f "$NODE_DIR/sysctl.restored" ]]; then
  while IFS='=' read -r key value; do
    now="$(sysctl -n "$key")"; [[ "$now" == "$value" ]] || left+=("sysctl $key=$now (was $value)")
  done <"$NODE_DIR/sysctl.restored"
fi
if [[ ${#left[@]} -gt 0 ]]; then
  printf 'left behind after make down:\n' >&2; printf '  %s\n' "${left[@]}" >&2; exit 1
fi
log "nothing left behind: no processes, mounts, KUBE-* chains, interfaces, cgroups; sysctls as before"
