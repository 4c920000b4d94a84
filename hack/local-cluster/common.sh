# Shared settings for the local control plane scripts. Source it; do not run it.
# The build cache lives outside the repository so every clone and CI run reuses it.
set -euo pipefail

K8S_VERSION="1.20.2"
KAITO_CACHE="${KAITO_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/kaito-dotnet}"
K8S_BIN="$KAITO_CACHE/kubernetes-v$K8S_VERSION/bin"
HELM_VERSION="3.10.1"
HELM_DIR="$KAITO_CACHE/helm-v$HELM_VERSION"

REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
LOCAL_DIR="${KAITO_LOCAL_DIR:-$REPO_ROOT/.local}"
LOG_DIR="$LOCAL_DIR/logs"
PKI_DIR="$LOCAL_DIR/pki"
ETCD_DATA="$LOCAL_DIR/etcd"
KUBECONFIG_FILE="$LOCAL_DIR/kubeconfig"
APISERVER_PORT="${KAITO_APISERVER_PORT:-16443}"
ETCD_PORT="${KAITO_ETCD_PORT:-12379}"
ETCD_PEER_PORT="${KAITO_ETCD_PEER_PORT:-12380}"
# Cluster addresses come from 198.18.0.0/15 (reserved for network tests), never from private ranges:
#   198.18.0.0/17    real nodes and their pods (left for the node this cluster may run)
#   198.18.128.0/18  simulated nodes' InternalIPs; 198.18.192.0/18 simulated pods' IPs (hack/GpuSimulator)
#   198.19.0.0/16    Services: 65,534 ClusterIPs (5,000 Workspaces need one each); the first is the kubernetes Service
SERVICE_CIDR="198.19.0.0/16"
KUBERNETES_SERVICE_IP="198.19.0.1"

log() { printf '\033[1m==>\033[0m %s\n' "$*" >&2; }
die() { printf 'error: %s\n' "$*" >&2; exit 1; }

# Where the control plane binaries come from: KUBEBUILDER_ASSETS (official envtest
# binaries) when set, else our cached build.
control_plane_bin() {
  if [[ -n "${KUBEBUILDER_ASSETS:-}" ]]; then echo "$KUBEBUILDER_ASSETS"; else echo "$K8S_BIN"; fi
}

# Whether the process of .local/pids/NAME.pid runs.
alive() { local f="$LOCAL_DIR/pids/$1.pid"; [[ -f "$f" ]] && kill -0 "$(cat "$f")" 2>/dev/null; }

# Starts COMMAND detached as NAME (log .local/logs/NAME.log, pid .local/pids/NAME.pid) unless it already runs.
start_process() { # name command...
  local name="$1"; shift
  alive "$name" && return 0
  mkdir -p "$LOG_DIR" "$LOCAL_DIR/pids"
  setsid nohup "$@" >"$LOG_DIR/$name.log" 2>&1 </dev/null 9>&- &   # 9: up.sh's lock must not outlive the script
  echo $! >"$LOCAL_DIR/pids/$name.pid"
}

# dotnet publish PROJECT (a path in the repository) -c Release into OUT, its output in $LOG_DIR/NAME.log; on failure
# the log's last lines and the name of what failed. Extra arguments go to dotnet publish.
publish() { # project out name [dotnet publish arguments...]
  local project="$1" out="$2" name="$3"; shift 3
  mkdir -p "$LOG_DIR"
  dotnet publish "$REPO_ROOT/$project" -c Release -o "$out" --nologo -v quiet "$@" >"$LOG_DIR/$name.log" 2>&1 \
    || { tail -n 30 "$LOG_DIR/$name.log" >&2; die "dotnet publish $project failed (log: $LOG_DIR/$name.log)"; }
}

# A kubeconfig for a client certificate of $PKI_DIR, on stdout.
kubeconfig() { # server user cert key
  cat <<KC
apiVersion: v1
kind: Config
clusters: [{name: kaito-local, cluster: {server: "$1", certificate-authority: "$PKI_DIR/ca.crt"}}]
users: [{name: $2, user: {client-certificate: "$PKI_DIR/$3", client-key: "$PKI_DIR/$4"}}]
contexts: [{name: kaito-local, context: {cluster: kaito-local, user: $2, namespace: default}}]
current-context: kaito-local
KC
}

# The helm `make prereqs` installs, else one on PATH; empty when there is none.
helm_bin() { if [[ -x "$HELM_DIR/helm" ]]; then echo "$HELM_DIR/helm"; else command -v helm || true; fi; }

# Debian's docker client on the node's dockerd, and ctr on the node's containerd (the kubelet's namespace).
node_docker() { "$DOCKER" -H "unix://$DOCKER_SOCK" "$@"; }
node_ctr() { ctr --address "$CONTAINERD_SOCK" -n k8s.io "$@"; }

# Stops the process of .local/pids/NAME.pid: SIGTERM, up to SECONDS (default 10) to exit, then SIGKILL.
stop_process() { # name [seconds]
  local f="$LOCAL_DIR/pids/$1.pid" pid tries=$(( ${2:-10} * 5 ))
  [[ -f "$f" ]] || return 0
  pid="$(cat "$f")"
  if kill -0 "$pid" 2>/dev/null; then
    log "stopping $1 ($pid)"
    kill "$pid" 2>/dev/null || true
    for ((i = 0; i < tries; i++)); do kill -0 "$pid" 2>/dev/null || break; sleep 0.2; done
    kill -9 "$pid" 2>/dev/null || true
  fi
  rm -f "$f"
}

as_root() { if [[ $(id -u) -eq 0 ]]; then "$@"; else sudo "$@"; fi; }

# Installs the Debian packages that are missing (apt-get update once, only when something is).
apt_updated=0
apt_install() {
  local missing=()
  for p in "$@"; do dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p"); done
  [[ ${#missing[@]} -eq 0 ]] && return 0
  if [[ $apt_updated -eq 0 ]]; then log "apt-get update"; as_root apt-get update -qq; apt_updated=1; fi
  log "apt-get install ${missing[*]}"
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}
WEBHOOK_PORT="${KAITO_WEBHOOK_PORT:-19443}"
HEALTH_PORT="${KAITO_HEALTH_PORT:-18081}"
OPERATOR_NAMESPACE="${KAITO_NAMESPACE:-kaito-system}"

# The real node (hack/local-cluster/node-up.sh): containerd, kubelet, kube-proxy and a CNI bridge on this machine.
# Its addresses come from 198.18.0.0/17 on interfaces the scripts create, and are removed by node-down.sh.
NODE_NAME="kaito-node"
NODE_IFACE="kaito0"                  # an empty bridge holding the node IP (the API server binds it too)
NODE_IP="198.18.0.1"
POD_CIDR="198.18.1.0/24"; POD_GATEWAY="198.18.1.1"; CNI_BRIDGE="kaito-cni0"
CLUSTER_CIDR="198.18.0.0/17"
NODE_DIR="$LOCAL_DIR/node"           # containerd, kubelet and docker state (images stay between make up/down)
NODE_RUN="/run/kaito-node"           # sockets, runc state, network namespaces, IPAM leases
CONTAINERD_SOCK="$NODE_RUN/containerd.sock"; DOCKER_SOCK="$NODE_RUN/docker.sock"
PAUSE_IMAGE="kaito.local/pause:v$K8S_VERSION"
REGISTRY="$NODE_IP:5000"                # the local OCI registry (node-up.sh): test doubles, tuning output
# Only the operator (and what tolerates this taint) runs on the real node; the simulated GPU nodes take the rest.
NODE_TAINT="kaito.sh/real-node=true:NoSchedule"; NODE_LABEL="kaito.sh/real-node=true"
# Sysctls the kubelet, kube-proxy or dockerd change; node-up.sh records them and node-down.sh restores them.
NODE_SYSCTLS=(vm.overcommit_memory kernel.panic kernel.panic_on_oops net.ipv4.ip_forward net.ipv4.conf.all.route_localnet)
# KAITO_NODE=off runs the old way: the operator as a host process, no real node (faster to iterate).
node_enabled() { [[ "${KAITO_NODE:-on}" != off ]]; }
DOCKER=/usr/bin/docker               # Debian's docker.io client (a newer client on PATH insists on buildx)
RUNTIME_BASE_IMAGE="kaito.local/runtime-deps:bookworm"   # the stand-in for the chiseled base (image.sh)
OPERATOR_IMAGE_REPOSITORY="kaito.local/kaito-operator"
