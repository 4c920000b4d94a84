#!/usr/bin/env bash
# Starts etcd, kube-apiserver, kube-controller-manager and kube-scheduler on loopback,
# writes $KUBECONFIG_FILE and installs the CRDs. Idempotent: a running cluster is reused.
# Usage: up.sh            (prerequisites and the cached build must exist: see prereqs.sh, build.sh)
source "$(dirname "$0")/common.sh"

bin="$(control_plane_bin)"
for b in kube-apiserver kube-controller-manager kube-scheduler; do
  [[ -x "$bin/$b" ]] || die "$bin/$b is missing; run 'make cluster-up' (it installs prerequisites and builds the control plane once)"
done
command -v etcd >/dev/null || die "etcd is not installed; run 'make cluster-up' (installs Debian's etcd-server)"

mkdir -p "$LOG_DIR" "$LOCAL_DIR/pids"
exec 9>"$LOCAL_DIR/.lock"; flock 9   # one 'up' at a time (parallel test assemblies)

# With the real node the API server binds the node's address (pods and the kubelet reach it there, the kubernetes
# Service points at it); without, loopback. A running API server keeps the address it was started with.
apiserver_pid="$(cat "$LOCAL_DIR/pids/kube-apiserver.pid" 2>/dev/null || true)"
running_ip=""
if [[ -n "$apiserver_pid" ]] && kill -0 "$apiserver_pid" 2>/dev/null; then
  running_ip="$(tr '\0' '\n' <"/proc/$apiserver_pid/cmdline" | grep -A1 -x -- '--bind-address' | tail -n1)"
fi
if [[ -n "$running_ip" ]]; then
  api_ip="$running_ip"
elif node_enabled; then
  api_ip="$NODE_IP"
  if ! ip -o addr show dev "$NODE_IFACE" 2>/dev/null | grep -q " $NODE_IP/"; then
    log "creating the $NODE_IFACE interface ($NODE_IP/32) for the API server and the real node"
    ip link show "$NODE_IFACE" >/dev/null 2>&1 || as_root ip link add "$NODE_IFACE" type bridge   # a bridge with no ports: this kernel has no dummy driver
    as_root ip addr add "$NODE_IP/32" dev "$NODE_IFACE"
    as_root ip link set "$NODE_IFACE" up
  fi
else
  api_ip=127.0.0.1
fi
server="https://$api_ip:$APISERVER_PORT"
ready() { kubectl --kubeconfig "$KUBECONFIG_FILE" get --raw /readyz >/dev/null 2>&1; }
wait_for() { # what seconds command...
  local what="$1" secs="$2"; shift 2
  for ((i = 0; i < secs * 5; i++)); do "$@" >/dev/null 2>&1 && return 0; sleep 0.2; done
  die "$what did not become ready within ${secs}s; see $LOG_DIR"
}

bash "$(dirname "$0")/pki.sh"
# Written aside and renamed into place: test assemblies run this script while others are running kubectl, which
# would read a half-written file as no configuration at all (and call localhost:8080).
# It holds the cluster admin's key: readable by its owner only (helm also warns about any other mode).
(umask 077; kubeconfig "$server" kaito-admin admin.crt admin.key >"$KUBECONFIG_FILE.tmp")
mv -f "$KUBECONFIG_FILE.tmp" "$KUBECONFIG_FILE"

if alive kube-apiserver && ready; then
  log "control plane already running at $server"
else
  # Another checkout's cluster (or anything else) on our ports would make etcd or the API server fail later
  # with a bare "address already in use"; say who holds the port and how to free it.
  for port in "$ETCD_PORT" "$ETCD_PEER_PORT" "$APISERVER_PORT"; do
    if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null || (exec 3<>"/dev/tcp/$api_ip/$port") 2>/dev/null; then
      holder="$(ss -Hltnp "sport = :$port" 2>/dev/null | grep -o 'pid=[0-9]*' | head -1 | cut -d= -f2)"
      where="${holder:+ by pid $holder ($(tr '\0' ' ' <"/proc/$holder/cmdline" 2>/dev/null | cut -c1-120))}"
      die "port $port is already in use$where. Another local cluster? Run 'make down' in that checkout, or set KAITO_ETCD_PORT, KAITO_ETCD_PEER_PORT and KAITO_APISERVER_PORT."
    fi
  done
  log "starting etcd on 127.0.0.1:$ETCD_PORT"
  start_process etcd etcd --name kaito-local --data-dir "$ETCD_DATA" \
    --listen-client-urls "http://127.0.0.1:$ETCD_PORT" --advertise-client-urls "http://127.0.0.1:$ETCD_PORT" \
    --listen-peer-urls "http://127.0.0.1:$ETCD_PEER_PORT" --initial-advertise-peer-urls "http://127.0.0.1:$ETCD_PEER_PORT" \
    --initial-cluster "kaito-local=http://127.0.0.1:$ETCD_PEER_PORT" --quota-backend-bytes 4294967296 \
    --unsafe-no-fsync
  wait_for etcd 30 curl -fsS "http://127.0.0.1:$ETCD_PORT/health"

  log "starting kube-apiserver on $server"
  start_process kube-apiserver "$bin/kube-apiserver" --etcd-servers "http://127.0.0.1:$ETCD_PORT" \
    --bind-address "$api_ip" --advertise-address "$api_ip" --secure-port "$APISERVER_PORT" \
    --tls-cert-file "$PKI_DIR/apiserver.crt" --tls-private-key-file "$PKI_DIR/apiserver.key" \
    --client-ca-file "$PKI_DIR/ca.crt" --authorization-mode Node,RBAC --allow-privileged=true \
    --enable-aggregator-routing=true --kubelet-preferred-address-types InternalIP \
    --kubelet-client-certificate "$PKI_DIR/apiserver-kubelet-client.crt" --kubelet-client-key "$PKI_DIR/apiserver-kubelet-client.key" \
    --service-account-key-file "$PKI_DIR/sa.pub" --service-account-signing-key-file "$PKI_DIR/sa.key" \
    --service-account-issuer https://kubernetes.default.svc.cluster.local \
    --service-cluster-ip-range "$SERVICE_CIDR" --disable-admission-plugins StorageObjectInUseProtection \
    --enable-priority-and-fairness=false --profiling=false
  wait_for kube-apiserver 90 ready

  log "starting kube-controller-manager and kube-scheduler"
  # Client budgets of a large cluster's control plane (the defaults, 20/s for the controllers and 50/s for the scheduler,
  # made thousands of Workspaces wait on the ReplicaSet and Deployment controllers' own rate limits, not on the operator).
  start_process kube-controller-manager "$bin/kube-controller-manager" --kubeconfig "$KUBECONFIG_FILE" \
    --kube-api-qps 100 --kube-api-burst 200 \
    --leader-elect=false --port 0 --secure-port 0 --use-service-account-credentials \
    --service-account-private-key-file "$PKI_DIR/sa.key" --root-ca-file "$PKI_DIR/ca.crt" \
    --cluster-signing-cert-file "$PKI_DIR/ca.crt" --cluster-signing-key-file "$PKI_DIR/ca.key" \
    --controllers '*,-nodeipam' --profiling=false
  start_process kube-scheduler "$bin/kube-scheduler" --kubeconfig "$KUBECONFIG_FILE" --kube-api-qps 100 --kube-api-burst 200 \
    --leader-elect=false --port 0 --secure-port 0 --profiling=false
fi

k() { kubectl --kubeconfig "$KUBECONFIG_FILE" "$@"; }
wait_for "the default ServiceAccount" 60 k -n default get serviceaccount default
log "installing CRDs"
for d in "$REPO_ROOT"/charts/kaito/*/crds; do k apply --server-side --force-conflicts -f "$d" >/dev/null; done
k wait --for condition=Established --timeout 60s crd --all >/dev/null

log "local control plane ready"
cat >&2 <<MSG
    export KUBECONFIG=$KUBECONFIG_FILE
    kubectl get nodes,crds
    logs: $LOG_DIR
MSG
