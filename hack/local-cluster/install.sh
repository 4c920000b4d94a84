#!/usr/bin/env bash
# Installs (or upgrades) both charts from charts/ into $OPERATOR_NAMESPACE with the image image.sh built, the
# operator pods on the real node, webhooks reached through the charts' Services; waits until an admission
# request goes through them. Release names: kaito-workspace, kaito-ragengine.
# Settings the tests and users change: KAITO_NODE_PROVISIONER, KAITO_CLOUD, KAITO_PRESET_REGISTRY, KAITO_RAG_IMAGE,
# KAITO_TUNING_DOWNLOADER_IMAGE, KAITO_TUNING_PUSHER_IMAGE, KAITO_ADAPTER_BASE_IMAGE, KAITO_INSECURE_REGISTRIES
# (comma-separated), KAITO_HF_ENDPOINT (where Hugging Face models outside the catalog are sized from), KAITO_OPERATOR_REPLICAS, and extra `helm --set` arguments after the options.
# Usage: install.sh [--no-build] [--image IMAGE] [-- HELM_ARGS...]
source "$(dirname "$0")/common.sh"

build_arg=(); image=""
while [[ $# -gt 0 ]]; do
  case "$1" in
    --no-build) build_arg=(--no-build); shift ;;
    --image) image="$2"; shift 2 ;;
    --) shift; break ;;
    *) die "unknown option $1 (usage: install.sh [--no-build] [--image IMAGE] [-- HELM_ARGS...])" ;;
  esac
done
[[ -f "$KUBECONFIG_FILE" ]] || die "no local control plane; run 'make up'"
k() { kubectl --kubeconfig "$KUBECONFIG_FILE" "$@"; }
helm="$(helm_bin)"; [[ -n "$helm" ]] || die "no helm; run 'make prereqs'"
[[ -n "$image" ]] || image="$(bash "$(dirname "$0")/image.sh" "${build_arg[@]}")"

# The host-process operator (KAITO_NODE=off) would share the work and its webhooks would outlive it.
stop_process kaito-operator
k delete mutatingwebhookconfiguration,validatingwebhookconfiguration kaito-mutating-webhooks kaito-validating-webhooks \
  --ignore-not-found >/dev/null

common=(--namespace "$OPERATOR_NAMESPACE" --create-namespace --kubeconfig "$KUBECONFIG_FILE" --wait --timeout 3m
  --set "image.repository=${image%:*}" --set "image.tag=${image##*:}" --set image.pullPolicy=Never
  --set "operator.replicas=${KAITO_OPERATOR_REPLICAS:-1}"
  --set "operator.nodeProvisioner=${KAITO_NODE_PROVISIONER:-gpu-provisioner}" --set "operator.cloudProvider=${KAITO_CLOUD:-azure}"
  --set-string "nodeSelector.kaito\.sh/real-node=true"
  --set "tolerations[0].key=kaito.sh/real-node" --set "tolerations[0].operator=Exists" --set "tolerations[0].effect=NoSchedule"
  # While a test makes the real node a GPU node, it carries KAITO's GPU taint instead (tests/e2e/RealGpuNode.cs).
  --set "tolerations[1].key=sku" --set "tolerations[1].operator=Equal" --set "tolerations[1].value=gpu" --set "tolerations[1].effect=NoSchedule")
# A run stopped during `helm upgrade` (Ctrl-C, a killed session) leaves its release locked in a pending state, and every
# later upgrade fails with "another operation is in progress". No helm runs here now, so the lock is stale: roll back
# to the last deployed revision, or remove a release whose first install never finished.
unlock_release() {
  local release="$1" status
  # No release yet (a fresh cluster) is the common case: helm status fails then, and that is not an error here.
  status="$({ "$helm" status "$release" --namespace "$OPERATOR_NAMESPACE" --kubeconfig "$KUBECONFIG_FILE" 2>/dev/null || true; } |
    sed -n 's/^STATUS: //p')"
  case "$status" in
    pending-install)
      log "$release: an earlier install was interrupted (status $status); uninstalling it first"
      "$helm" uninstall "$release" --namespace "$OPERATOR_NAMESPACE" --kubeconfig "$KUBECONFIG_FILE" --wait >/dev/null ;;
    pending-upgrade | pending-rollback)
      log "$release: an earlier upgrade was interrupted (status $status); rolling back to the last deployed revision"
      "$helm" rollback "$release" --namespace "$OPERATOR_NAMESPACE" --kubeconfig "$KUBECONFIG_FILE" --wait --timeout 3m >/dev/null ;;
  esac
}

# A test that changes the operator's pod template out of band marks the Deployment until it undoes the change
# (tests/Testing/LocalOperator.cs, TestPatchAnnotation). A run stopped before the undo leaves both, and helm upgrade keeps
# fields it never rendered, so such a Deployment is made anew from the chart.
remove_test_patch() {
  local deployment="$1"
  [[ -n "$(k -n "$OPERATOR_NAMESPACE" get deployment "$deployment" --ignore-not-found \
      -o jsonpath='{.metadata.annotations.kaito\.sh/test-patch}')" ]] || return 0
  log "$deployment: a test's change to its pod template was left behind (an interrupted run); making the Deployment anew from the chart"
  k -n "$OPERATOR_NAMESPACE" delete deployment "$deployment" --cascade=foreground --wait --timeout 2m >/dev/null
}

for chart in workspace ragengine; do
  unlock_release "kaito-$chart"
  remove_test_patch "kaito-$chart"
  extra=()
  if [[ "$chart" == workspace ]]; then
    [[ -n "${KAITO_PRESET_REGISTRY:-}" ]] && extra+=(--set "presetRegistryName=$KAITO_PRESET_REGISTRY")
    [[ -n "${KAITO_TUNING_DOWNLOADER_IMAGE:-}" ]] && extra+=(--set "tuning.downloaderImage=$KAITO_TUNING_DOWNLOADER_IMAGE")
    [[ -n "${KAITO_TUNING_PUSHER_IMAGE:-}" ]] && extra+=(--set "tuning.pusherImage=$KAITO_TUNING_PUSHER_IMAGE")
    [[ -n "${KAITO_ADAPTER_BASE_IMAGE:-}" ]] && extra+=(--set "tuning.adapterBaseImage=$KAITO_ADAPTER_BASE_IMAGE")
    [[ -n "${KAITO_INSECURE_REGISTRIES:-}" ]] && extra+=(--set "tuning.insecureRegistries={$KAITO_INSECURE_REGISTRIES}")
    [[ -n "${KAITO_HF_ENDPOINT:-}" ]] && extra+=(--set "huggingFace.endpoint=$KAITO_HF_ENDPOINT")
  fi
  [[ "$chart" == ragengine && -n "${KAITO_RAG_IMAGE:-}" ]] && extra=(--set "operator.ragImage=$KAITO_RAG_IMAGE")
  log "helm upgrade --install kaito-$chart charts/kaito/$chart ($image)"
  "$helm" upgrade --install "kaito-$chart" "$REPO_ROOT/charts/kaito/$chart" "${common[@]}" "${extra[@]}" "$@" \
    >"$LOG_DIR/helm-$chart.log" 2>&1 || {
      cat "$LOG_DIR/helm-$chart.log" >&2
      k -n "$OPERATOR_NAMESPACE" get pods -o wide >&2 || true
      k -n "$OPERATOR_NAMESPACE" logs -l "app.kubernetes.io/instance=kaito-$chart" --tail 10 2>&1 | cut -c1-400 >&2 || true
      die "helm install of kaito-$chart failed (above: helm's output, the pods and their last log lines)"
    }
done

# Ready pods have registered their webhooks' CA; an admission through each Service proves the path.
probe() {
  k apply --dry-run=server -f "$REPO_ROOT/examples/inference/kaito_workspace_phi_3.5-instruct.yaml" >/dev/null 2>&1 &&
  k apply --dry-run=server -f "$REPO_ROOT/examples/RAG/kaito_ragengine_local_embedding.yaml" >/dev/null 2>&1
}
for ((i = 0; i < 150; i++)); do probe && break; sleep 0.2; done
probe || { k apply --dry-run=server -f "$REPO_ROOT/examples/inference/kaito_workspace_phi_3.5-instruct.yaml" >&2 || true
           die "the webhooks do not answer through their Services; see 'kubectl -n $OPERATOR_NAMESPACE logs deploy/kaito-workspace'"; }
echo cluster >"$LOCAL_DIR/operator-mode"
log "kaito-workspace and kaito-ragengine running in $OPERATOR_NAMESPACE on $NODE_NAME ($image); webhooks answer"
