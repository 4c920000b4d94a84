#!/usr/bin/env bash
# Admission webhook benchmark: the real endpoints and a bare Kestrel TLS endpoint in one process, loaded by wrk
# (installed here when missing) in interleaved rounds. Prints req/s, p50 and p99 per endpoint and the verdicts.
# Usage: hack/bench-webhooks.sh [--workers 32] [--warmup 3] [--duration 20] [--rounds 4]
source "$(dirname "$0")/local-cluster/common.sh"
if ! command -v wrk >/dev/null; then
  log "installing wrk (apt)"
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends wrk >/dev/null \
    || { as_root apt-get update -qq && as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends wrk >/dev/null; }
fi
cd "$REPO_ROOT"
exec "${DOTNET:-dotnet}" run -c Release --project bench/Kaito.WebhookBench -- "$@"
