#!/usr/bin/env bash
# Kills a control plane component (SIGKILL, as a crash or a managed-cluster upgrade does) and starts it again with the
# same command line, after --down SECONDS (default 0). Everything else keeps running. Prints the moment the component
# answered its health check again, as epoch milliseconds on stdout, for the caller's measurements.
# Usage: restart.sh kube-apiserver|etcd [--down SECONDS]
source "$(dirname "$0")/common.sh"
name="${1:-}"; shift || true
case "$name" in
  kube-apiserver) healthy() { kubectl --kubeconfig "$KUBECONFIG_FILE" get --raw /readyz >/dev/null 2>&1; } ;;
  etcd) healthy() { curl -fsS "http://127.0.0.1:$ETCD_PORT/health" >/dev/null 2>&1 && kubectl --kubeconfig "$KUBECONFIG_FILE" get --raw /readyz >/dev/null 2>&1; } ;;
  *) die "usage: restart.sh kube-apiserver|etcd [--down SECONDS]" ;;
esac
down=0
if [[ "${1:-}" == "--down" ]]; then down="$2"; shift 2; fi
pidfile="$LOCAL_DIR/pids/$name.pid"
[[ -f "$pidfile" ]] && kill -0 "$(cat "$pidfile")" 2>/dev/null || die "no running $name ($pidfile); run 'make cluster-up' first"
pid="$(cat "$pidfile")"
mapfile -d '' cmdline <"/proc/$pid/cmdline"
[[ ${#cmdline[@]} -gt 0 ]] || die "could not read the command line of $name ($pid)"

log "killing $name ($pid) with SIGKILL"
kill -9 "$pid"
for ((i = 0; i < 100; i++)); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
kill -0 "$pid" 2>/dev/null && die "$name ($pid) did not exit after SIGKILL"
if [[ "$down" != 0 ]]; then log "$name down for ${down}s"; sleep "$down"; fi

log "starting $name again"
setsid nohup "${cmdline[@]}" >>"$LOG_DIR/$name.log" 2>&1 </dev/null &
echo $! >"$pidfile"
for ((i = 0; i < 900; i++)); do
  if healthy; then
    log "$name healthy again"
    date +%s%3N
    exit 0
  fi
  kill -0 "$(cat "$pidfile")" 2>/dev/null || { tail -n 20 "$LOG_DIR/$name.log" >&2; die "$name exited; log: $LOG_DIR/$name.log"; }
  sleep 0.1
done
die "$name not healthy 90s after the restart; log: $LOG_DIR/$name.log"
