#!/usr/bin/env bash
# Kills the local kube-apiserver (SIGKILL, as a crash or a managed-cluster upgrade does) and starts it again with
# the same command line, after --down SECONDS (default 0). Everything else keeps running. Prints the moment the
# API server answered /readyz again, as epoch milliseconds on stdout, for the caller's measurements.
# Usage: restart-apiserver.sh [--down SECONDS]
source "$(dirname "$0")/common.sh"
down=0
if [[ "${1:-}" == "--down" ]]; then down="$2"; shift 2; fi
pidfile="$LOCAL_DIR/pids/kube-apiserver.pid"
[[ -f "$pidfile" ]] && kill -0 "$(cat "$pidfile")" 2>/dev/null || die "no running kube-apiserver ($pidfile); run 'make cluster-up' first"
pid="$(cat "$pidfile")"
mapfile -d '' cmdline <"/proc/$pid/cmdline"
[[ ${#cmdline[@]} -gt 0 ]] || die "could not read the command line of kube-apiserver ($pid)"

log "killing kube-apiserver ($pid) with SIGKILL"
kill -9 "$pid"
for ((i = 0; i < 100; i++)); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
kill -0 "$pid" 2>/dev/null && die "kube-apiserver ($pid) did not exit after SIGKILL"
if [[ "$down" != 0 ]]; then log "kube-apiserver down for ${down}s"; sleep "$down"; fi

log "starting kube-apiserver again"
setsid nohup "${cmdline[@]}" >>"$LOG_DIR/kube-apiserver.log" 2>&1 </dev/null &
echo $! >"$pidfile"
for ((i = 0; i < 900; i++)); do
  if kubectl --kubeconfig "$KUBECONFIG_FILE" get --raw /readyz >/dev/null 2>&1; then
    log "kube-apiserver ready again"
    date +%s%3N
    exit 0
  fi
  kill -0 "$(cat "$pidfile")" 2>/dev/null || { tail -n 20 "$LOG_DIR/kube-apiserver.log" >&2; die "kube-apiserver exited; log: $LOG_DIR/kube-apiserver.log"; }
  sleep 0.1
done
die "kube-apiserver not ready 90s after the restart; log: $LOG_DIR/kube-apiserver.log"
