#!/usr/bin/env bash
# Test doubles of KAITO's GPU images (hack/TestDoubles/README.md): built with `docker build` from this repository
# and Debian's busybox-static, pushed to the local registry ($REGISTRY, started by node-up.sh), pulled from there by
# the real node's kubelet like any image. Never shipped.
# Usage: test-images.sh [--no-build]        build (incremental) and push the doubles; prints the operator settings that
#                                           name the tuning images (KEY=VALUE lines), then the model-server image
#        test-images.sh --as IMAGE...       also publish the model-server double as each IMAGE (in $REGISTRY)
# Also publishes what tuning Jobs run besides the trainer and the operator image: the crane stand-in and busybox.
source "$(dirname "$0")/common.sh"

build=1; as=()
while [[ $# -gt 0 ]]; do
  case "$1" in
    --no-build) build=0; shift ;;
    --as) shift; while [[ $# -gt 0 && "$1" != --* ]]; do as+=("$1"); shift; done ;;
    *) die "unknown option $1 (usage: test-images.sh [--no-build] [--as IMAGE...])" ;;
  esac
done
for image in "${as[@]}"; do
  [[ "$image" == "$REGISTRY/"* ]] || die "--as $image: test doubles are published only in the local registry ($REGISTRY/...)"
done
node_docker version >/dev/null 2>&1 || die "dockerd is not running on $DOCKER_SOCK; run 'make up' (it starts the real node)"
curl -fsS "http://$REGISTRY/v2/" >/dev/null 2>&1 || die "the local registry does not answer at http://$REGISTRY/v2/; run 'make up'"
[[ -x /bin/busybox ]] && /bin/busybox --list | grep -qx sh || die "busybox-static is not installed; run 'make prereqs'"
node_docker image inspect "$RUNTIME_BASE_IMAGE" >/dev/null 2>&1 || "$(dirname "$0")/image.sh" --base-only >/dev/null

published="$LOCAL_DIR/test-doubles/gpu-image"
if [[ $build -eq 1 || ! -x "$published/kaito-gpu-image-double" ]]; then
  log "test images: publishing the GPU image double (Native AOT; the first build takes a few minutes; log: $LOG_DIR/test-doubles-build.log)"
  publish hack/TestDoubles/GpuImage "$published" test-doubles-build -r linux-x64 -p:KaitoAot=true
fi

ctx="$(mktemp -d)"; trap 'rm -rf "$ctx"' EXIT
cp /bin/busybox "$ctx/busybox"
build_image() { # target tag
  DOCKER_BUILDKIT=0 node_docker build -q --target "$1" --build-arg "RUNTIME_IMAGE=$RUNTIME_BASE_IMAGE" -t "$2" \
    -f "$REPO_ROOT/hack/TestDoubles/Dockerfile" "$ctx" >"$LOG_DIR/test-image-build.log" 2>&1 \
    || { cat "$LOG_DIR/test-image-build.log" >&2; die "docker build of the $1 test double failed"; }
}
push() {
  node_docker push "$1" >"$LOG_DIR/test-image-push.log" 2>&1 || { cat "$LOG_DIR/test-image-push.log" >&2; die "docker push $1 failed"; }
}

has_manifest() { # repository tag
  curl -fsS -o /dev/null "http://$REGISTRY/v2/$1/manifests/$2" -H 'Accept: application/vnd.docker.distribution.manifest.v2+json' 2>/dev/null
}

# The model server: its tag names the executable's content.
cp "$published/kaito-gpu-image-double" "$ctx/"
model="$REGISTRY/kaito-test-doubles/model-server:dev-$(sha256sum "$published/kaito-gpu-image-double" | cut -c1-12)"
if ! has_manifest kaito-test-doubles/model-server "${model##*:}"; then
  log "test images: $model"
  build_image model-server "$model"; push "$model"
fi

# Adapter images as the quick starts name them, carrying files shaped like a PEFT LoRA adapter (not real weights).
for adapter in phi-3-adapter falcon-7b-adapter; do
  image="$REGISTRY/kaito-test-doubles/$adapter:0.0.1"
  has_manifest "kaito-test-doubles/$adapter" 0.0.1 && continue
  log "test images: $image"
  rm -rf "$ctx/adapter"; mkdir -p "$ctx/adapter"
  printf '{"peft_type": "LORA", "r": 8, "lora_alpha": 16, "target_modules": ["q_proj", "v_proj"], "kaito_test_double": "%s"}\n' "$adapter" >"$ctx/adapter/adapter_config.json"
  head -c 4096 /dev/zero >"$ctx/adapter/adapter_model.safetensors"
  build_image adapter "$image"; push "$image"
done

# What the tuning Job runs besides the trainer: the crane stand-in (tagged like the model server, same executable)
# and busybox as the adapter base (the downloader is the operator image itself, already on the node). The test installs
# the operator with these as its tuning images (tests/e2e/RealNodeTuningTests.cs).
crane="$REGISTRY/kaito-test-doubles/crane:${model##*:}"
if ! has_manifest kaito-test-doubles/crane "${crane##*:}"; then
  log "test images: $crane"
  build_image crane "$crane"; push "$crane"
fi
shell="$REGISTRY/kaito-local/busybox:1.36"
if ! has_manifest kaito-local/busybox 1.36; then
  log "test images: $shell (Debian's busybox-static)"
  build_image shell "$shell"; push "$shell"
fi
for image in "${as[@]}"; do
  node_docker tag "$model" "$image" && push "$image"
  # The kubelet pulls IfNotPresent: a copy of an older double under the same name must not be reused.
  node_ctr images rm "$image" >/dev/null 2>&1 || true
done
echo "KAITO_TUNING_PUSHER_IMAGE=$crane"
echo "KAITO_ADAPTER_BASE_IMAGE=$shell"
echo "KAITO_INSECURE_REGISTRIES=$REGISTRY"
echo "$model"
