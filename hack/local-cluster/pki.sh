#!/usr/bin/env bash
# Creates the local cluster's CA, serving and client certificates and the service-account key pair: each
# one only when it is missing (or, for the API server, when its names lack an address the cluster now uses).
# Everything lands in $PKI_DIR (under .local/, git-ignored).
source "$(dirname "$0")/common.sh"
mkdir -p "$PKI_DIR"; cd "$PKI_DIR"

if [[ ! -f ca.crt ]]; then
  log "creating the cluster CA in $PKI_DIR"
  openssl req -x509 -newkey rsa:2048 -nodes -days 3650 -subj "/CN=kaito-local-ca" -keyout ca.key -out ca.crt 2>/dev/null
fi

sign() { # name subject [san]: a serving certificate when a SAN is given, else a client certificate
  local name="$1" subj="$2" san="${3:-}"
  openssl req -newkey rsa:2048 -nodes -subj "$subj" -keyout "$name.key" -out "$name.csr" 2>/dev/null
  local ext; ext="$(mktemp)"
  { echo "basicConstraints=CA:FALSE"; echo "keyUsage=digitalSignature,keyEncipherment"
    if [[ -n "$san" ]]; then echo "extendedKeyUsage=serverAuth"; echo "subjectAltName=$san"; else echo "extendedKeyUsage=clientAuth"; fi
  } >"$ext"
  openssl x509 -req -in "$name.csr" -CA ca.crt -CAkey ca.key -CAcreateserial -days 3650 \
    -extfile "$ext" -out "$name.crt" 2>/dev/null
  rm -f "$name.csr" "$ext"
}
has_san() { openssl x509 -in "$1" -noout -ext subjectAltName 2>/dev/null | grep -q "$2"; }

if [[ ! -f apiserver.crt ]] || ! has_san apiserver.crt "IP Address:$NODE_IP"; then
  log "creating the API server's serving certificate (127.0.0.1, $NODE_IP, $KUBERNETES_SERVICE_IP, kubernetes.default...)"
  sign apiserver "/CN=kube-apiserver" \
    "IP:127.0.0.1,IP:$NODE_IP,IP:$KUBERNETES_SERVICE_IP,DNS:localhost,DNS:kubernetes,DNS:kubernetes.default,DNS:kubernetes.default.svc,DNS:kubernetes.default.svc.cluster.local"
fi
[[ -f admin.crt ]] || sign admin "/O=system:masters/CN=kaito-admin"
# The real node: the kubelet's client identity (Node authorizer), its serving certificate, kube-proxy's identity
# (bound to system:node-proxier by default) and the API server's client certificate for logs and exec.
[[ -f kubelet.crt ]] || sign kubelet "/O=system:nodes/CN=system:node:$NODE_NAME"
[[ -f kubelet-serving.crt ]] || sign kubelet-serving "/CN=$NODE_NAME" "IP:$NODE_IP,DNS:$NODE_NAME"
[[ -f kube-proxy.crt ]] || sign kube-proxy "/CN=system:kube-proxy"
[[ -f apiserver-kubelet-client.crt ]] || sign apiserver-kubelet-client "/O=system:masters/CN=kube-apiserver-kubelet-client"
if [[ ! -f sa.key ]]; then
  openssl genrsa -out sa.key 2048 2>/dev/null
  openssl rsa -in sa.key -pubout -out sa.pub 2>/dev/null
fi
exit 0
