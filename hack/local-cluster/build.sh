#!/usr/bin/env bash
# Builds the Kubernetes v1.20.2 binaries this cluster runs from Debian's source package, once, into the cache
# outside the repository: kube-apiserver, kube-controller-manager and kube-scheduler (about 5 minutes on 2 cores)
# and, for the real node, kubelet, kube-proxy and the pause program (about 4 more minutes).
# Usage: build.sh [--control-plane-only]
source "$(dirname "$0")/common.sh"

control_plane=(kube-apiserver kube-controller-manager kube-scheduler)
node=(kubelet kube-proxy pause)
missing() { local b; for b in "$@"; do [[ -x "$K8S_BIN/$b" ]] || echo "$b"; done; }

need_cp=()
if [[ -n "${KUBEBUILDER_ASSETS:-}" ]]; then
  [[ -x "$KUBEBUILDER_ASSETS/kube-apiserver" ]] || die "KUBEBUILDER_ASSETS=$KUBEBUILDER_ASSETS has no kube-apiserver"
  log "using control plane binaries from KUBEBUILDER_ASSETS=$KUBEBUILDER_ASSETS"
else
  mapfile -t need_cp < <(missing "${control_plane[@]}")
fi
need_node=()
[[ "${1:-}" == "--control-plane-only" ]] || mapfile -t need_node < <(missing "${node[@]}")
[[ ${#need_cp[@]} -eq 0 && ${#need_node[@]} -eq 0 ]] && exit 0

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

mkdir -p "$work/.go/src/k8s.io" "$K8S_BIN"; ln -sfn "$src" "$work/.go/src/k8s.io/kubernetes"
gobuild=(env GOPATH="$work/.go" GO111MODULE=off CGO_ENABLED=0 GOFLAGS=-mod=vendor)
start=$SECONDS
if [[ ${#need_cp[@]} -gt 0 ]]; then
  log "building ${need_cp[*]} (about 5 minutes; log: $work/build.log)"
  (cd "$work/.go/src/k8s.io/kubernetes" && "${gobuild[@]}" KUBE_GIT_VERSION="v$K8S_VERSION" \
     make WHAT="cmd/kube-apiserver cmd/kube-controller-manager cmd/kube-scheduler" >"$work/build.log" 2>&1) \
    || { tail -n 40 "$work/build.log" >&2; die "control plane build failed; full log in $work/build.log"; }
  out="$src/_output/bin"; [[ -x "$out/kube-apiserver" ]] || out="$(dirname "$(find "$src/_output" -name kube-apiserver -type f | head -n1)")"
  cp "$out/kube-apiserver" "$out/kube-controller-manager" "$out/kube-scheduler" "$K8S_BIN/"
fi
for b in "${need_node[@]}"; do
  case "$b" in
    pause)
      log "building pause (gcc -static)"
      gcc -Os -static -DVERSION="v$K8S_VERSION" -o "$K8S_BIN/pause" "$src/build/pause/linux/pause.c" \
        || die "pause build failed (gcc -static; needs libc6-dev)" ;;
    *)
      log "building $b (go build; about 2 minutes; log: $work/build-$b.log)"
      (cd "$work/.go/src/k8s.io/kubernetes" && "${gobuild[@]}" go build -trimpath -o "$K8S_BIN/$b" \
         -ldflags "-s -w -X k8s.io/kubernetes/vendor/k8s.io/component-base/version.gitVersion=v$K8S_VERSION" \
         "k8s.io/kubernetes/cmd/$b" >"$work/build-$b.log" 2>&1) \
        || { tail -n 40 "$work/build-$b.log" >&2; die "$b build failed; full log in $work/build-$b.log"; } ;;
  esac
done
log "built ${need_cp[*]} ${need_node[*]} in $((SECONDS-start))s, cached in $K8S_BIN"
rm -rf "$work"
