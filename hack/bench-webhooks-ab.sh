#!/usr/bin/env bash
# A/B of one admission endpoint between two commits, Native AOT builds as shipped. Both builds serve at once
# (bench/Kaito.WebhookBench --serve) and wrk loads them in alternating slices, so that this machine's drift, which moves
# a whole benchmark run by several µs per request, falls on both alike. Prints each build's median and spread of req/s
# and of the server's CPU µs per request (/proc of its process), and the median difference, B - A.
# With "handler" instead of an endpoint, no server and no wrk: each round runs both builds' --handler-cost (the validate and
# mutate answers timed on one thread, about 3 s) one after the other, alternating which goes first, and compares their
# medians: the steadier signal for a change to the handler's own work when the machine's load moves the HTTP figures.
# Usage: hack/bench-webhooks-ab.sh <ref-a> <ref-b> [validate|mutate|bare|handler] [rounds, 12] [slice seconds, 3]
# Both commits need the --serve mode (from the commit that added this script on), or --handler-cost for "handler" (from
# 2026-12-04 on). Builds are kept in .local/bench-ab.
source "$(dirname "$0")/local-cluster/common.sh"
(( $# >= 2 )) && [[ -n "$1" && -n "$2" ]] || die "usage: hack/bench-webhooks-ab.sh <ref-a> <ref-b> [validate|mutate|bare|handler] [rounds] [slice-seconds]"
ENDPOINT="${3:-validate}" ROUNDS="${4:-12}" SLICE="${5:-3}"
[[ "$ENDPOINT" =~ ^(validate|mutate|bare|handler)$ ]] || die "endpoint '$ENDPOINT': validate, mutate, bare or handler"
command -v wrk >/dev/null || apt_install wrk
cd "$REPO_ROOT"
DOTNET="${DOTNET:-dotnet}"
AB_DIR="$LOCAL_DIR/bench-ab"
mkdir -p "$AB_DIR" "$LOG_DIR"
TICKS="$(getconf CLK_TCK)"
servers=()
stop_servers() { for pid in "${servers[@]}"; do kill "$pid" 2>/dev/null || true; done; wait 2>/dev/null || true; }
trap stop_servers EXIT

# The commit's benchmark, published once per commit from a temporary worktree.
publish() {
  local sha="$1" tree="$AB_DIR/$1/tree" out="$AB_DIR/$1/out"
  [[ -x "$out/Kaito.WebhookBench" ]] && return
  log "publishing the Native AOT benchmark at ${sha:0:12} (log: $LOG_DIR/bench-ab-${sha:0:12}-build.log)"
  git worktree prune
  rm -rf "$tree"
  git worktree add --quiet --detach "$tree" "$sha"
  if ! (cd "$tree" && "$DOTNET" publish bench/Kaito.WebhookBench -c Release -r linux-x64 -p:KaitoAot=true -o "$out") \
      >"$LOG_DIR/bench-ab-${sha:0:12}-build.log" 2>&1; then
    git worktree remove --force "$tree"
    die "the AOT publish at ${sha:0:12} failed; see $LOG_DIR/bench-ab-${sha:0:12}-build.log"
  fi
  git worktree remove --force "$tree"
}

# Starts the commit's servers; prints the pid once its URLs are written.
serve() {
  local sha="$1" dir="$AB_DIR/$1/serve"
  rm -rf "$dir"
  "$AB_DIR/$sha/out/Kaito.WebhookBench" --serve "$dir" >"$LOG_DIR/bench-ab-${sha:0:12}.log" 2>&1 &
  local pid=$!
  for _ in $(seq 200); do
    [[ -s "$dir/urls" ]] && { echo "$pid"; return; }
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.1
  done
  # A benchmark without --serve ignores it and starts a whole run instead, which SIGTERM does not end: kill it.
  kill -9 "$pid" 2>/dev/null || true
  die "the server at ${sha:0:12} did not start (is --serve in that commit?); see $LOG_DIR/bench-ab-${sha:0:12}.log"
}

# One slice of load on a commit's endpoint; prints "req/s µs-per-request".
slice() {
  local sha="$1" pid="$2" seconds="$3" url before after output
  url="$(awk -v e="$ENDPOINT" '$1 == e { print $2 }' "$AB_DIR/$sha/serve/urls")"
  before="$(awk '{ print $14 + $15 }' "/proc/$pid/stat")"
  # wrk in a session of its own, scheduled apart from the servers (as bench/Kaito.WebhookBench/WrkTarget.cs explains).
  output="$(setsid --wait wrk -t1 -c32 -d"${seconds}s" --timeout 5s -s "$AB_DIR/$sha/serve/post.lua" "$url")" || die "wrk failed on $url"
  after="$(awk '{ print $14 + $15 }' "/proc/$pid/stat")"
  # The script's summary line: requests, duration (µs), errors (connect, read, write, timeout, non-2xx).
  awk -v cpu="$((after - before))" -v ticks="$TICKS" -v url="$url" '$1 == "kaito-bench-summary" {
        if ($4 > 0) { printf "error: %d requests failed on %s\n", $4, url > "/dev/stderr"; exit 1 }
        printf "%.0f %.2f\n", $2 / ($3 / 1e6), cpu / ticks * 1e6 / $2; found = 1 }
      END { if (!found) exit 1 }' <<<"$output" || die "wrk printed no summary (or errors) for $url"
}

# One run of a commit's --handler-cost; prints "validate-µs validate-bytes mutate-µs mutate-bytes".
handler_cost() {
  local sha="$1" output
  # A build without --handler-cost ignores it and starts a whole benchmark run: the timeout ends that.
  output="$(timeout 60 "$AB_DIR/$sha/out/Kaito.WebhookBench" --handler-cost 2>&1)" \
    || die "--handler-cost failed or timed out at ${sha:0:12} (is it in that commit?): ${output:0:300}"
  awk '$1 == "kaito-handler-cost" { print $2, $3, $4, $5; found = 1 } END { if (!found) exit 1 }' <<<"$output" \
    || die "no handler cost from ${sha:0:12} (is --handler-cost in that commit?)"
}

# $ROUNDS rounds, A then B and B then A by turns, each measurement appended to $1 as "<A|B> <figures>"; $2 is called with
# A or B and prints one measurement.
alternate() {
  local results="$1" measure="$2" measured round order which
  : >"$results"
  for ((round = 0; round < ROUNDS; round++)); do
    if ((round % 2 == 0)); then order="A B"; else order="B A"; fi
    for which in $order; do
      # In a command substitution die only ends the subshell: its status ends the script (and the EXIT trap the servers).
      measured="$("$measure" "$which")" || exit 1
      echo "$which $measured" >>"$results"
    done
    printf '\r      round %d/%d measured' "$((round + 1))" "$ROUNDS" >&2
  done
  echo >&2
}

measure_handler() { if [[ $1 == A ]]; then handler_cost "$A"; else handler_cost "$B"; fi; }

measure_slice() { if [[ $1 == A ]]; then slice "$A" "$PID_A" "$SLICE"; else slice "$B" "$PID_B" "$SLICE"; fi; }

handler_ab() {
  local results="$AB_DIR/last-run.txt"
  log "A/B of the handler on one thread: A ${A:0:12} ($1), B ${B:0:12} ($2); $ROUNDS rounds, alternating which goes first"
  alternate "$results" measure_handler
  python3 - "$results" "${A:0:12}" "${B:0:12}" <<'PY'
import statistics, sys
rows = [line.split() for line in open(sys.argv[1])]
median = {}
for which, name in (("A", sys.argv[2]), ("B", sys.argv[3])):
    mine = [r for r in rows if r[0] == which]
    median[which] = {}
    parts = []
    for label, column in (("validate", 1), ("mutate", 3)):
        times = sorted(float(r[column]) for r in mine)
        size = statistics.median(float(r[column + 1]) for r in mine)
        median[which][label] = (statistics.median(times), size)
        parts.append(f"{label} median {median[which][label][0]:.3f} µs (range {times[0]:.3f}-{times[-1]:.3f}), {size:,.0f} bytes")
    print(f"{which} {name}: " + "; ".join(parts))
print("B - A: " + "; ".join(
    f"{label} {median['B'][label][0] - median['A'][label][0]:+.3f} µs ({(median['B'][label][0] / median['A'][label][0] - 1) * 100:+.1f} %), "
    f"{median['B'][label][1] - median['A'][label][1]:+,.0f} bytes" for label in ("validate", "mutate")))
PY
}

A="$(git rev-parse --verify "$1^{commit}")" || die "not a commit: $1"
B="$(git rev-parse --verify "$2^{commit}")" || die "not a commit: $2"
[[ "$A" != "$B" ]] || die "both refs are ${A:0:12}"
publish "$A"
publish "$B"
if [[ "$ENDPOINT" == handler ]]; then
  handler_ab "$1" "$2"
  exit 0
fi
PID_A="$(serve "$A")"; servers+=("$PID_A")
PID_B="$(serve "$B")"; servers+=("$PID_B")
log "A/B on $ENDPOINT: A ${A:0:12} ($1), B ${B:0:12} ($2); $ROUNDS rounds of ${SLICE} s each, alternating which goes first"
for _ in 1 2; do slice "$A" "$PID_A" 3 >/dev/null; slice "$B" "$PID_B" 3 >/dev/null; done
results="$AB_DIR/last-run.txt"
alternate "$results" measure_slice
python3 - "$results" "${A:0:12}" "${B:0:12}" <<'PY'
import statistics, sys
rows = [line.split() for line in open(sys.argv[1])]
median = {}
for which, name in (("A", sys.argv[2]), ("B", sys.argv[3])):
    rps = sorted(float(r[1]) for r in rows if r[0] == which)
    cpu = sorted(float(r[2]) for r in rows if r[0] == which)
    median[which] = (statistics.median(rps), statistics.median(cpu))
    print(f"{which} {name}: req/s median {median[which][0]:,.0f} (range {rps[0]:,.0f}-{rps[-1]:,.0f}); "
          f"server µs/request median {median[which][1]:.2f} (range {cpu[0]:.2f}-{cpu[-1]:.2f})")
(ra, ca), (rb, cb) = median["A"], median["B"]
print(f"B - A: req/s {rb - ra:+,.0f} ({(rb / ra - 1) * 100:+.1f} %), server µs/request {cb - ca:+.2f} ({(cb / ca - 1) * 100:+.1f} %)")
PY
