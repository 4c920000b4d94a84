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
