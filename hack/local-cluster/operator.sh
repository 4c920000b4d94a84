#!/usr/bin/env bash
# Builds the operator and (re)starts it as a local process against the local control plane, with its
# admission webhooks registered through clientConfig.url (https://127.0.0.1:$WEBHOOK_PORT).
# Waits until /readyz says the certificate is in place and the webhooks are registered.
source "$(dirname "$0")/common.sh"

[[ -f "$KUBECONFIG_FILE" ]] || die "no local control plane; run 'make cluster-up' first"
k() { kubectl --kubeconfig "$KUBECONFIG_FILE" "$@"; }
# KAITO_OPERATOR_BUILD=aot builds the native executable the container image ships (Native AOT; about 12 min on
# 2 cores, then incremental); the default is the JIT build (about 30 s). CI runs the test suite against aot.
build="${KAITO_OPERATOR_BUILD:-jit}"
case "$build" in
  jit) out="$LOCAL_DIR/operator"; publish_args=() ;;
  aot) out="$LOCAL_DIR/operator-aot"; publish_args=(-r linux-x64 -p:KaitoAot=true) ;;
  *) die "KAITO_OPERATOR_BUILD=$build: use jit or aot" ;;
esac
if [[ "${1:-}" == "--no-build" && -x "$out/kaito-operator" ]]; then
  :   # restart the last build (crash/restart tests)
else
  [[ "$build" == aot ]] && log "Native AOT build: the first one compiles the whole client library (about 12 min on 2 cores)"
  log "building the operator ($build; dotnet publish; log: $LOG_DIR/operator-build.log)"
  publish src/Operator "$out" operator-build "${publish_args[@]}"
fi

pidfile="$LOCAL_DIR/pids/kaito-operator.pid"
stop_process kaito-operator
k get namespace "$OPERATOR_NAMESPACE" >/dev/null 2>&1 || k create namespace "$OPERATOR_NAMESPACE" >/dev/null
# The charts' operator (make up's default) would share the work; the process registers its own webhooks.
helm="$(helm_bin)"
for release in kaito-workspace kaito-ragengine; do
  if [[ -n "$helm" ]] && "$helm" status "$release" -n "$OPERATOR_NAMESPACE" --kubeconfig "$KUBECONFIG_FILE" >/dev/null 2>&1; then
    log "uninstalling the in-cluster $release (the host process replaces it; 'make up' without KAITO_NODE=off brings it back)"
    "$helm" uninstall "$release" -n "$OPERATOR_NAMESPACE" --kubeconfig "$KUBECONFIG_FILE" --wait >/dev/null
  fi
done

log "starting kaito-operator ($build build; webhooks https://127.0.0.1:$WEBHOOK_PORT, health http://127.0.0.1:$HEALTH_PORT)"
setsid nohup "$out/kaito-operator" --kubeconfig "$KUBECONFIG_FILE" --bind-address 127.0.0.1 \
  --webhook-port "$WEBHOOK_PORT" --health-port "$HEALTH_PORT" --namespace "$OPERATOR_NAMESPACE" \
  --webhook-url "https://127.0.0.1:$WEBHOOK_PORT" --node-provisioner "${KAITO_NODE_PROVISIONER:-gpu-provisioner}" \
  --cloud "${KAITO_CLOUD:-azure}" ${KAITO_PRESET_REGISTRY:+--preset-registry "$KAITO_PRESET_REGISTRY"} ${KAITO_RAG_IMAGE:+--rag-image "$KAITO_RAG_IMAGE"} \
  ${KAITO_TUNING_DOWNLOADER_IMAGE:+--tuning-downloader-image "$KAITO_TUNING_DOWNLOADER_IMAGE"} ${KAITO_TUNING_PUSHER_IMAGE:+--tuning-pusher-image "$KAITO_TUNING_PUSHER_IMAGE"} \
  ${KAITO_ADAPTER_BASE_IMAGE:+--adapter-base-image "$KAITO_ADAPTER_BASE_IMAGE"} ${KAITO_INSECURE_REGISTRIES:+--insecure-registries "$KAITO_INSECURE_REGISTRIES"} >>"$LOG_DIR/kaito-operator.log" 2>&1 </dev/null 9>&- &
echo $! >"$pidfile"
for ((i = 0; i < 300; i++)); do
  curl -fsS "http://127.0.0.1:$HEALTH_PORT/readyz" >/dev/null 2>&1 && break
  kill -0 "$(cat "$pidfile")" 2>/dev/null || { tail -n 30 "$LOG_DIR/kaito-operator.log" >&2; die "kaito-operator exited; log: $LOG_DIR/kaito-operator.log"; }
  sleep 0.2
done
curl -fsS "http://127.0.0.1:$HEALTH_PORT/readyz" >/dev/null || die "kaito-operator not ready after 60s; log: $LOG_DIR/kaito-operator.log"
echo process >"$LOCAL_DIR/operator-mode"
log "kaito-operator ready; webhooks registered"
