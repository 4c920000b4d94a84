#!/usr/bin/env bash
# The GPU path of the e2e suite: a k3d cluster whose node sees the host's NVIDIA GPUs, the NVIDIA GPU
# operator (device plugin + feature discovery), Kaito installed from charts/ with helm, then tests/e2e
# against it with real models served and called through their Services.
#
# Needs a Linux host with an NVIDIA driver, Docker with the NVIDIA Container Toolkit
# (`docker run --rm --gpus all nvidia/cuda:12.4.1-base-ubuntu22.04 nvidia-smi` works), k3d >= 5.6, helm,
# kubectl and the .NET SDK. It cannot run on the project's CI machines (no Docker engine there); CI runs
# the same suite against the local control plane with simulated GPUs (`make test`).
#
# Usage: hack/e2e-k3d.sh [--keep]     --keep leaves the cluster running for inspection
# Env:   KAITO_K3D_CLUSTER (kaito-gpu), KAITO_IMAGE (kaito-dotnet/operator:e2e), K3S_TAG (v1.30.6-k3s1)
set -euo pipefail

repo="$(cd "$(dirname "$0")/.." && pwd)"
cluster="${KAITO_K3D_CLUSTER:-kaito-gpu}"
image="${KAITO_IMAGE:-kaito-dotnet/operator:e2e}"
k3s_tag="${K3S_TAG:-v1.30.6-k3s1}"
k3s_image="kaito-dotnet/k3s-cuda:$k3s_tag"
keep="${1:-}"
log() { printf '\033[1m==>\033[0m %s\n' "$*" >&2; }
die() { printf 'error: %s\n' "$*" >&2; exit 1; }

for tool in docker k3d helm kubectl dotnet; do command -v "$tool" >/dev/null || die "$tool is not installed"; done
docker info --format '{{json .Runtimes}}' | grep -q nvidia || die "Docker has no nvidia runtime; install the NVIDIA Container Toolkit and run 'nvidia-ctk runtime configure --runtime=docker'"

# k3s images are Alpine-based, which the NVIDIA container runtime does not support: put k3s on a CUDA base.
log "building $k3s_image (k3s $k3s_tag on a CUDA base with the NVIDIA container toolkit)"
docker build -t "$k3s_image" --build-arg K3S_TAG="$k3s_tag" -f - "$repo/hack" <<'DOCKERFILE'
ARG K3S_TAG
FROM rancher/k3s:${K3S_TAG} AS k3s
FROM nvcr.io/nvidia/cuda:12.4.1-base-ubuntu22.04
RUN apt-get update && apt-get install -y --no-install-recommends curl gnupg ca-certificates \
 && curl -fsSL https://nvidia.github.io/libnvidia-container/gpgkey | gpg --dearmor -o /usr/share/keyrings/nvidia-container-toolkit.gpg \
 && curl -fsSL https://nvidia.github.io/libnvidia-container/stable/deb/nvidia-container-toolkit.list \
    | sed 's#deb https://#deb [signed-by=/usr/share/keyrings/nvidia-container-toolkit.gpg] https://#' \
    > /etc/apt/sources.list.d/nvidia-container-toolkit.list \
 && apt-get update && apt-get install -y --no-install-recommends nvidia-container-toolkit \
 && rm -rf /var/lib/apt/lists/*
COPY --from=k3s / /
RUN echo 'hosts: files dns' > /etc/nsswitch.conf && chmod 1777 /tmp
VOLUME /var/lib/kubelet /var/lib/rancher/k3s /var/lib/cni /var/log
ENV PATH="$PATH:/bin/aux"
ENTRYPOINT ["/bin/k3s"]
CMD ["agent"]
DOCKERFILE

if ! k3d cluster list "$cluster" >/dev/null 2>&1; then
  log "creating k3d cluster $cluster with GPU access"
  k3d cluster create "$cluster" --image "$k3s_image" --gpus all --servers 1 --agents 0 --wait \
    --k3s-arg '--disable=traefik@server:0'
fi
export KUBECONFIG="$(k3d kubeconfig write "$cluster")"
node="$(kubectl get nodes -o jsonpath='{.items[0].metadata.name}')"

log "installing the NVIDIA GPU operator (driver and toolkit come from the host)"
helm repo add nvidia https://helm.ngc.nvidia.com/nvidia --force-update >/dev/null
helm upgrade --install gpu-operator nvidia/gpu-operator -n gpu-operator --create-namespace --wait --timeout 15m \
  --set driver.enabled=false --set toolkit.enabled=false
log "waiting for $node to offer nvidia.com/gpu"
for ((i = 0; i < 120; i++)); do
  gpus="$(kubectl get node "$node" -o jsonpath='{.status.allocatable.nvidia\.com/gpu}')"
  [[ -n "$gpus" && "$gpus" != "0" ]] && break
  sleep 5
done
[[ -n "${gpus:-}" && "$gpus" != "0" ]] || die "node $node reports no nvidia.com/gpu after 10 minutes; check the gpu-operator pods"
kubectl label node "$node" kaito.sh/e2e-gpu=true --overwrite >/dev/null

log "building $image and importing it into the cluster"
docker build -t "$image" "$repo"
k3d image import "$image" -c "$cluster"

# No gpu-provisioner on k3d: the operator runs with bring-your-own nodes and the GPU node is selected by label.
log "helm install of charts/kaito/workspace and charts/kaito/ragengine"
for chart in workspace ragengine; do
  helm upgrade --install "kaito-$chart" "$repo/charts/kaito/$chart" -n kaito-system --create-namespace --wait --timeout 5m \
    --set image.repository="${image%:*}" --set image.tag="${image##*:}" --set image.pullPolicy=IfNotPresent \
    --set operator.nodeProvisioner=byo
done

log "running tests/e2e against $cluster (real GPUs: models are served and called)"
status=0
KAITO_E2E_KUBECONFIG="$KUBECONFIG" KAITO_E2E_REAL_GPUS=true KAITO_E2E_BYO_LABEL=kaito.sh/e2e-gpu=true KAITO_E2E_GPU_NODE="$node" \
  dotnet test "$repo/tests/e2e" -c Release --filter 'Requires!=LocalControlPlane' --logger 'console;verbosity=normal' || status=$?

if [[ "$keep" != "--keep" ]]; then
  log "deleting k3d cluster $cluster (pass --keep to inspect it)"
  k3d cluster delete "$cluster" >/dev/null
fi
exit "$status"
