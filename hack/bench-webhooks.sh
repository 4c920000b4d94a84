#!/usr/bin/env bash
# Admission webhook benchmark: the real endpoints and a bare Kestrel TLS endpoint in one process, loaded by wrk
# (installed here when missing) in interleaved rounds. Prints req/s, p50 and p99 per endpoint and the verdicts,
# once per build: the JIT build and the Native AOT build (the one the container image ships; its first publish
# compiles the whole client library, several minutes on 2 cores).
# Usage: hack/bench-webhooks.sh [--builds "jit aot"] [--workers 32] [--warmup 3] [--duration 20] [--rounds 4] [--stages]
#   [--wrk-same-session] (wrk scheduled in the servers' group, as until 2026-12-05; by default it runs in a session of its own)
source "$(dirname "$0")/local-cluster/common.sh"
BUILDS="jit aot"
if [[ "${1:-}" == "--builds" ]]; then BUILDS="$2"; shift 2; fi
command -v wrk >/dev/null || apt_install wrk
cd "$REPO_ROOT"
DOTNET="${DOTNET:-dotnet}"
status=0
for build in $BUILDS; do
  case "$build" in
    jit)
      log "webhook benchmark, JIT build"
      "$DOTNET" run -c Release --project bench/Kaito.WebhookBench -- "$@" || status=$? ;;
    aot)
      out="$LOCAL_DIR/bench-webhooks-aot"
      log "publishing the Native AOT benchmark (log: $LOG_DIR/bench-webhooks-aot-build.log)"
      mkdir -p "$LOG_DIR"
      "$DOTNET" publish bench/Kaito.WebhookBench -c Release -r linux-x64 -p:KaitoAot=true -o "$out" \
        >"$LOG_DIR/bench-webhooks-aot-build.log" 2>&1 || die "the AOT publish failed; see $LOG_DIR/bench-webhooks-aot-build.log"
      log "webhook benchmark, Native AOT build (as shipped)"
      "$out/Kaito.WebhookBench" "$@" || status=$? ;;
    *) die "unknown build '$build' (jit or aot)" ;;
  esac
done
exit "$status"
