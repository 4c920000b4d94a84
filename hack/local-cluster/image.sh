#!/usr/bin/env bash
# Builds the operator image with `docker build` from the repository's Dockerfile and hands it to the real node's
# containerd. No registry is reachable here, so:
#  - the runtime base is a local stand-in for the chiseled runtime-deps image, made from Debian's packages (the C
#    library, OpenSSL, zlib, CA certificates; no shell, no package manager, user 65532), imported with docker import;
#  - the executable is published on the host (Native AOT, incremental) and the Dockerfile's `prebuilt` target
#    copies it, where a user's `docker build` compiles it in the SDK's -aot image.
# Prints the image reference on stdout.
# Usage: image.sh [--no-build] [--variant NAME]   (--variant: a second build of the same executable under its own
#                                                  tag and image ID, for rollout tests)
#        image.sh --base-only                      only the runtime base stand-in (test-images.sh builds on it)
source "$(dirname "$0")/common.sh"

build=1; variant=""; base_only=0
while [[ $# -gt 0 ]]; do
  case "$1" in
    --no-build) build=0; shift ;;
    --variant) variant="$2"; shift 2 ;;
    --base-only) base_only=1; shift ;;
    *) die "unknown option $1 (usage: image.sh [--no-build] [--variant NAME] | --base-only)" ;;
  esac
done

node_docker version >/dev/null 2>&1 || die "dockerd is not running on $DOCKER_SOCK; run 'make up' (it starts the real node)"

base="$RUNTIME_BASE_IMAGE"
if ! node_docker image inspect "$base" >/dev/null 2>&1; then
  log "image: the runtime base stand-in $base (Debian packages, no shell)"
  work="$(mktemp -d)"; root="$work/rootfs"; mkdir -p "$root" "$work/debs"
  (cd "$work/debs" && apt-get download -qq libc6 libgcc-s1 libstdc++6 libssl3 zlib1g ca-certificates tzdata >/dev/null 2>"$work/download.log") \
    || { cat "$work/download.log" >&2; die "apt-get download of the base's packages failed"; }
  for deb in "$work"/debs/*.deb; do dpkg-deb -x "$deb" "$root"; done
  # What a runtime-deps image has no use for: docs, the CA package's maintainer tooling, locale data.
  rm -rf "$root"/usr/share/{doc,man,lintian,locale,info} "$root"/usr/sbin "$root"/usr/bin "$root"/sbin "$root"/bin "$root"/etc/ca-certificates*
  mkdir -p "$root/etc/ssl/certs" "$root/tmp" "$root/app"; chmod 1777 "$root/tmp"
  cat "$root"/usr/share/ca-certificates/mozilla/*.crt >"$root/etc/ssl/certs/ca-certificates.crt"
  printf 'root:x:0:0:root:/root:/sbin/nologin\nnonroot:x:65532:65532:nonroot:/home/nonroot:/sbin/nologin\n' >"$root/etc/passwd"
  printf 'root:x:0:\nnonroot:x:65532:\n' >"$root/etc/group"
  for sh in bin/sh bin/bash bin/dash usr/bin/apt usr/bin/dpkg; do [[ ! -e "$root/$sh" ]] || die "the base stand-in has /$sh"; done
  tar -C "$root" -c . | node_docker import -c 'USER 65532:65532' -c 'ENV SSL_CERT_FILE=/etc/ssl/certs/ca-certificates.crt' - "$base" >/dev/null \
    || die "docker import of the base stand-in failed"
  rm -rf "$work"
fi

[[ $base_only -eq 1 ]] && exit 0

published="$LOCAL_DIR/operator-aot"
if [[ $build -eq 1 || ! -x "$published/kaito-operator" ]]; then
  log "image: publishing the operator (Native AOT on the host; the first build takes about 5 minutes; log: $LOG_DIR/operator-build.log)"
  publish src/Operator "$published" operator-build -r linux-x64 -p:KaitoAot=true
fi

# The tag names the executable's content, so a rebuilt operator is a new image and `helm upgrade` rolls it.
tag="dev-$(sha256sum "$published/kaito-operator" | cut -c1-12)${variant:+-$variant}"
image="$OPERATOR_IMAGE_REPOSITORY:$tag"
if ! node_ctr images ls -q | grep -qx "$image"; then
  ctx="$LOCAL_DIR/image-context"; rm -rf "$ctx"; mkdir -p "$ctx"
  cp "$published/kaito-operator" "$ctx/"
  log "image: docker build $image (Dockerfile target prebuilt, base $base)"
  DOCKER_BUILDKIT=0 node_docker build -q --target prebuilt --build-arg "RUNTIME_IMAGE=$base" --build-arg PREBUILT=. --label "sh.kaito.variant=${variant:-none}" \
    -t "$image" -f "$REPO_ROOT/Dockerfile" "$ctx" >"$LOG_DIR/image-build.log" 2>&1 \
    || { cat "$LOG_DIR/image-build.log" >&2; die "docker build of the operator image failed"; }
  node_docker save "$image" | node_ctr images import - >/dev/null \
    || die "importing $image into the node's containerd failed"
  rm -rf "$ctx"
fi
echo "$image"
