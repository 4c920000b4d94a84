#!/usr/bin/env bash
# Builds kube-apiserver, kube-controller-manager and kube-scheduler v1.20.2 from Debian's
# source package once, into the cache outside the repository. Takes ~5 minutes on 2 cores.
source "$(dirname "$0")/common.sh"

if [[ -n "${KUBEBUILDER_ASSETS:-}" ]]; then
  [[ -x "$KUBEBUILDER_ASSETS/kube-apiserver" ]] || die "KUBEBUILDER_ASSETS=$KUBEBUILDER_ASSETS has no kube-apiserver"
  log "using control plane binaries from KUBEBUILDER_ASSETS=$KUBEBUILDER_ASSETS"; exit 0
fi
if [[ -x "$K8S_BIN/kube-apiserver" && -x "$K8S_BIN/kube-controller-manager" && -x "$K8S_BIN/kube-scheduler" ]]; then
  exit 0
fi

# Debian's source package needs a deb-src entry; reuse the mirror and key of the binary entry.
src_list=/etc/apt/sources.list.d/kaito-deb-src.sources
if ! grep -rqsE '^(deb-src .*bookworm|Types:.*deb-src)' /etc/apt/sources.list /etc/apt/sources.list.d/; then
  uri="$(awk '/^URIs:/ {print $2; exit}' /etc/apt/sources.list.d/debian.sources 2>/dev/null || true)"
  log "adding a deb-src entry for bookworm main"
  printf 'Types: deb-src\nURIs: %s\nSuites: bookworm\nComponents: main\nSigned-By: /usr/share/keyrings/debian-archive-keyring.gpg\n' \
    "${uri:-http://deb.debian.org/debian}" | as_root tee "$src_list" >/dev/null
  as_root apt-get update -qq
fi

work="$KAITO_CACHE/build"
rm -rf "$work"; mkdir -p "$work"
log "fetching Debian's kubernetes source package (1.20.5+really1.20.2)"
(cd "$work" && apt-get source -qq --download-only kubernetes >/dev/null && dpkg-source -x --no-check ./kubernetes_*.dsc src >/dev/null)
src="$work/src"
[[ -d "$src/cmd/kube-apiserver" ]] || die "unexpected source layout in $src"

# Vendored reflect2 1.0.1 crashes under Go >= 1.18; use Debian's 1.0.2 instead.
r2="$src/vendor/github.com/modern-go/reflect2"
sys_r2=/usr/share/gocode/src/github.com/modern-go/reflect2
[[ -d "$sys_r2" ]] || die "golang-github-modern-go-reflect2-dev is not installed ($sys_r2 missing)"
rm -f "$r2"/*.go "$r2"/*.s
cp "$sys_r2"/*.go "$r2"/; cp "$sys_r2"/*.s "$r2"/ 2>/dev/null || true
rm -f "$r2"/*_test.go

mkdir -p "$work/.go/src/k8s.io"; ln -sfn "$src" "$work/.go/src/k8s.io/kubernetes"
log "building kube-apiserver, kube-controller-manager, kube-scheduler (about 5 minutes; log: $work/build.log)"
start=$SECONDS
(cd "$work/.go/src/k8s.io/kubernetes" && GOPATH="$work/.go" GO111MODULE=off CGO_ENABLED=0 GOFLAGS=-mod=vendor \
   KUBE_GIT_VERSION="v$K8S_VERSION" \
   make WHAT="cmd/kube-apiserver cmd/kube-controller-manager cmd/kube-scheduler" >"$work/build.log" 2>&1) \
  || { tail -n 40 "$work/build.log" >&2; die "control plane build failed; full log in $work/build.log"; }
out="$src/_output/bin"; [[ -x "$out/kube-apiserver" ]] || out="$(dirname "$(find "$src/_output" -name kube-apiserver -type f | head -n1)")"
mkdir -p "$K8S_BIN"
cp "$out/kube-apiserver" "$out/kube-controller-manager" "$out/kube-scheduler" "$K8S_BIN/"
log "built in $((SECONDS-start))s, cached in $K8S_BIN"
rm -rf "$work"
