#!/usr/bin/env bash
# Starts the real node next to the simulated GPU nodes: containerd (CRI), dockerd (image builds, on the same
# containerd), a CNI bridge, the kubelet and kube-proxy (iptables mode). Idempotent: what runs is kept.
# Every step that fails names itself, shows the log lines that explain it and says how to fall back.
# Undone by node-down.sh (make down).
source "$(dirname "$0")/common.sh"

[[ $(id -u) -eq 0 ]] || die "the real node needs root (containerd, kubelet, iptables); run as root or set KAITO_NODE=off"
[[ -f "$KUBECONFIG_FILE" ]] || die "no local control plane; run 'make cluster-up' first"
grep -q "https://$NODE_IP:" "$KUBECONFIG_FILE" \
  || die "the running control plane listens on loopback only (started with KAITO_NODE=off), so pods could not reach it; run 'make down' and 'make up' again"
for b in kubelet kube-proxy pause; do
  [[ -x "$K8S_BIN/$b" ]] || die "$K8S_BIN/$b is missing; run 'make cluster-up' (it builds the node binaries once)"
done
for c in containerd dockerd runc iptables conntrack; do
  command -v "$c" >/dev/null || die "$c is not installed; run 'make prereqs'"
done
[[ -x /usr/lib/cni/bridge ]] || die "the CNI plugins are not installed; run 'make prereqs' (containernetworking-plugins)"

mkdir -p "$LOG_DIR" "$LOCAL_DIR/pids" "$NODE_DIR" "$NODE_RUN"
k() { kubectl --kubeconfig "$KUBECONFIG_FILE" "$@"; }
fail() { # name message: the step's last log lines, then how to fall back
  local name="$1"; shift
  printf '\n--- last lines of %s ---\n' "$LOG_DIR/$name.log" >&2
  # klog's E and F lines, and the words other programs use for what stopped them.
  grep -E '^[EF][0-9]{4} |[Ee]rror|[Ff]ail|[Ff]atal|denied|[Uu]nable|in use' "$LOG_DIR/$name.log" 2>/dev/null | tail -n 8 >&2 \
    || tail -n 8 "$LOG_DIR/$name.log" >&2
  printf -- '---\n' >&2
  die "$name: $*. Fix it and run 'make up' again, or fall back to the operator as a host process with no real node: KAITO_NODE=off make up"
}
wait_for() { # name seconds command...
  local name="$1" secs="$2"; shift 2
  for ((i = 0; i < secs * 5; i++)); do
    "$@" >/dev/null 2>&1 && return 0
    alive "$name" || fail "$name" "exited during start"
    sleep 0.2
  done
  fail "$name" "not ready within ${secs}s"
}

# Sysctls: the values found before the first start are what node-down.sh puts back.
if [[ ! -f "$NODE_DIR/sysctl.before" ]]; then
  for s in "${NODE_SYSCTLS[@]}"; do echo "$s=$(sysctl -n "$s")"; done >"$NODE_DIR/sysctl.before"
  # Paths outside our directories that the kubelet, containerd and dockerd create whatever their flags say (container
  # logs, the device plugin socket directory, shim sockets, dockerd's plugin directory).
  for p in /var/log/pods /var/log/containers /var/lib/kubelet /run/containerd /run/docker; do [[ -e "$p" ]] || echo "$p"; done >"$NODE_DIR/created-paths"
fi

log "node: containerd (CRI on $CONTAINERD_SOCK)"
mkdir -p "$NODE_DIR/cni" "$NODE_DIR/containerd"
cat >"$NODE_DIR/containerd/config.toml" <<TOML
version = 2
root = "$NODE_DIR/containerd/root"
state = "$NODE_RUN/containerd"
[grpc]
  address = "$CONTAINERD_SOCK"
[plugins."io.containerd.grpc.v1.cri"]
  sandbox_image = "$PAUSE_IMAGE"
  # Root here lacks CAP_SYS_RESOURCE: a negative oom_score_adj (the kubelet asks -998 for sandboxes) would fail runc.
  restrict_oom_score_adj = true
  netns_mounts_under_state_dir = true
  [plugins."io.containerd.grpc.v1.cri".containerd]
    default_runtime_name = "runc"
    [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc]
      runtime_type = "io.containerd.runc.v2"
      [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc.options]
        SystemdCgroup = false
        Root = "$NODE_RUN/runc"
  [plugins."io.containerd.grpc.v1.cri".cni]
    bin_dir = "/usr/lib/cni"
    conf_dir = "$NODE_DIR/cni"
  # The local registry speaks plain HTTP.
  [plugins."io.containerd.grpc.v1.cri".registry.mirrors."$REGISTRY"]
    endpoint = ["http://$REGISTRY"]
TOML
# The pod network: one bridge, host-local addresses from $POD_CIDR, no masquerade and a route to 198.18.0.0/15
# only (the node, Services and pods): no default route, so nothing a pod sends can leave the machine.
cat >"$NODE_DIR/cni/10-kaito.conflist" <<JSON
{"cniVersion": "0.4.0", "name": "kaito", "plugins": [
  {"type": "bridge", "bridge": "$CNI_BRIDGE", "isGateway": true, "ipMasq": false, "hairpinMode": true,
   "ipam": {"type": "host-local", "ranges": [[{"subnet": "$POD_CIDR", "gateway": "$POD_GATEWAY"}]], "dataDir": "$NODE_RUN/ipam",
            "routes": [{"dst": "198.18.0.0/15"}]}}]}
JSON
start_process containerd containerd --config "$NODE_DIR/containerd/config.toml"
wait_for containerd 30 node_ctr version

log "node: dockerd (image builds; on $DOCKER_SOCK, no bridge, no iptables rules)"
start_process dockerd dockerd --host "unix://$DOCKER_SOCK" --containerd "$CONTAINERD_SOCK" --data-root "$NODE_DIR/docker" \
  --exec-root "$NODE_RUN/docker" --pidfile "$NODE_RUN/docker.pid" --iptables=false --ip-masq=false --bridge=none \
  --insecure-registry "$REGISTRY"
wait_for dockerd 60 node_docker version

log "node: the local OCI registry (http://$REGISTRY; storage $NODE_DIR/registry)"
command -v docker-registry >/dev/null || die "docker-registry is not installed; run 'make prereqs'"
mkdir -p "$NODE_DIR/registry"
cat >"$NODE_RUN/registry.yml" <<YAML
version: 0.1
log: {level: warn}
storage:
  filesystem: {rootdirectory: $NODE_DIR/registry}
  delete: {enabled: true}
http:
  addr: $REGISTRY
YAML
start_process registry docker-registry serve "$NODE_RUN/registry.yml"
wait_for registry 30 curl -fsS "http://$REGISTRY/v2/"

if ! node_ctr images ls -q | grep -qx "$PAUSE_IMAGE"; then
  log "node: the pause image ($PAUSE_IMAGE, FROM scratch)"
  ctx="$(mktemp -d)"; cp "$K8S_BIN/pause" "$ctx/pause"
  printf 'FROM scratch\nCOPY pause /pause\nUSER 65535:65535\nENTRYPOINT ["/pause"]\n' >"$ctx/Dockerfile"
  DOCKER_BUILDKIT=0 node_docker build -q -t "$PAUSE_IMAGE" "$ctx" >/dev/null || die "building the pause image failed"
  node_docker save "$PAUSE_IMAGE" | node_ctr images import - >/dev/null \
    || die "importing the pause image into containerd failed"
  rm -rf "$ctx"
fi

log "node: kubelet ($NODE_NAME, $NODE_IP, pods from $POD_CIDR)"
kubelet_dir="$NODE_DIR/kubelet"; mkdir -p "$kubelet_dir"
kubeconfig "https://$NODE_IP:$APISERVER_PORT" "system:node:$NODE_NAME" kubelet.crt kubelet.key >"$NODE_DIR/kubelet.kubeconfig"
kubeconfig "https://$NODE_IP:$APISERVER_PORT" system:kube-proxy kube-proxy.crt kube-proxy.key >"$NODE_DIR/kube-proxy.kubeconfig"
cat >"$NODE_DIR/kubelet.yaml" <<YAML
apiVersion: kubelet.config.k8s.io/v1beta1
kind: KubeletConfiguration
address: $NODE_IP
readOnlyPort: 0
healthzBindAddress: 127.0.0.1
tlsCertFile: $PKI_DIR/kubelet-serving.crt
tlsPrivateKeyFile: $PKI_DIR/kubelet-serving.key
authentication:
  anonymous: {enabled: false}
  webhook: {enabled: false}
  x509: {clientCAFile: $PKI_DIR/ca.crt}
authorization: {mode: AlwaysAllow}
cgroupDriver: cgroupfs
failSwapOn: false
podCIDR: $POD_CIDR
maxPods: 60
# This machine's disk is shared with the build: evict only when it is really full.
evictionHard: {memory.available: 100Mi, nodefs.available: 2%, imagefs.available: 2%}
imageGCHighThresholdPercent: 98
imageGCLowThresholdPercent: 95
serializeImagePulls: false
YAML
start_process kubelet "$K8S_BIN/kubelet" --config "$NODE_DIR/kubelet.yaml" --kubeconfig "$NODE_DIR/kubelet.kubeconfig" \
  --root-dir "$kubelet_dir" --cert-dir "$NODE_DIR/kubelet-pki" --hostname-override "$NODE_NAME" --node-ip "$NODE_IP" \
  --container-runtime remote --container-runtime-endpoint "unix://$CONTAINERD_SOCK" --runtime-request-timeout 5m \
  --pod-infra-container-image "$PAUSE_IMAGE" --register-with-taints "$NODE_TAINT" --node-labels "$NODE_LABEL" --v 1

log "node: kube-proxy (iptables mode; Services reach pods and the API server through $KUBERNETES_SERVICE_IP)"
# conntrack settings 0: leave the machine's conntrack table and timeouts as they are.
start_process kube-proxy "$K8S_BIN/kube-proxy" --kubeconfig "$NODE_DIR/kube-proxy.kubeconfig" --proxy-mode iptables \
  --hostname-override "$NODE_NAME" --bind-address "$NODE_IP" --cluster-cidr "$CLUSTER_CIDR" \
  --metrics-bind-address 127.0.0.1:10249 --healthz-bind-address 127.0.0.1:10256 --conntrack-max-per-core 0 \
  --conntrack-tcp-timeout-established 0 --conntrack-tcp-timeout-close-wait 0 --iptables-min-sync-period 2s --v 1

# Ready means this kubelet: its health endpoint answers and the node's Lease was renewed after it started (a Node
# left Ready by the previous kubelet would otherwise pass while this one dies on a taken port).
kubelet_started="$(date +%s)"
node_ready() {
  curl -fsS http://127.0.0.1:10248/healthz >/dev/null 2>&1 || return 1
  [[ "$(k get node "$NODE_NAME" -o jsonpath='{.status.conditions[?(@.type=="Ready")].status}' 2>/dev/null)" == True ]] || return 1
  local renewed; renewed="$(k get lease -n kube-node-lease "$NODE_NAME" -o jsonpath='{.spec.renewTime}' 2>/dev/null)"
  [[ -n "$renewed" && "$(date -d "$renewed" +%s)" -ge "$kubelet_started" ]]
}
wait_for kubelet 90 node_ready
sleep 2; alive kubelet || fail kubelet "exited right after it reported healthy"
wait_for kube-proxy 60 curl -fsS http://127.0.0.1:10256/healthz
log "node $NODE_NAME Ready ($NODE_IP; taint $NODE_TAINT; logs: $LOG_DIR/{containerd,dockerd,kubelet,kube-proxy}.log)"
