#!/usr/bin/env bash
# Creates the local control plane's CA, serving and client certificates and the
# service-account key pair, once. Everything lands in $PKI_DIR (under .local/, git-ignored).
source "$(dirname "$0")/common.sh"
mkdir -p "$PKI_DIR"; cd "$PKI_DIR"
[[ -f admin.crt && -f apiserver.crt && -f sa.key ]] && exit 0

log "creating certificates in $PKI_DIR"
openssl req -x509 -newkey rsa:2048 -nodes -days 3650 -subj "/CN=kaito-local-ca" \
  -keyout ca.key -out ca.crt 2>/dev/null

sign() { # name subject [san]
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
sign apiserver "/CN=kube-apiserver" \
  "IP:127.0.0.1,IP:$KUBERNETES_SERVICE_IP,DNS:localhost,DNS:kubernetes,DNS:kubernetes.default,DNS:kubernetes.default.svc,DNS:kubernetes.default.svc.cluster.local"
sign admin "/O=system:masters/CN=kaito-admin"
openssl genrsa -out sa.key 2048 2>/dev/null
openssl rsa -in sa.key -pubout -out sa.pub 2>/dev/null
