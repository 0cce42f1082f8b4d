#!/bin/sh
# The sandbox EKS cluster's API server TLS: a certificate authority of its own (what DescribeCluster
# returns as certificateAuthority.data: base64 of ca.pem) and a server certificate it signed, in the
# PKCS12 keystore WireMock's HTTPS port serves. Generated per stack / test run, never committed: the
# platform must trust exactly this CA, as it trusts only a real cluster's own. One recipe for
# bin/byoc-stack, Compose's `sandbox` service and test-support's AwsStandIn.
#   tls.sh <out dir> [subject alternative names, e.g. ip:127.0.0.1,dns:localhost]
# Writes <out>/ca.pem, <out>/ca.base64 (one line) and <out>/tls.p12 (password: sandbox-kubernetes).
# openssl when there is one (a fraction of a second); else the JRE's keytool (six JVM starts: slow,
# but every service image has it). KEYTOOL=… picks the keytool binary.
set -eu
out=$1
san=${2:-ip:127.0.0.1,dns:localhost}
pw=sandbox-kubernetes
mkdir -p "$out"
rm -f "$out/ca.p12" "$out/tls.p12" "$out/ca.pem" "$out/ca.base64"
if command -v openssl >/dev/null 2>&1 && [ -z "${KEYTOOL:-}" ]; then
  tmp=$(mktemp -d)
  trap 'rm -rf "$tmp"' EXIT
  openssl req -x509 -newkey rsa:2048 -nodes -keyout "$tmp/ca.key" -out "$out/ca.pem" -days 3650 \
    -subj /CN=byoc-sandbox-kubernetes-ca -addext basicConstraints=critical,CA:TRUE \
    -addext keyUsage=critical,keyCertSign,cRLSign 2>/dev/null
  openssl req -newkey rsa:2048 -nodes -keyout "$tmp/server.key" -out "$tmp/server.csr" -subj /CN=kube-apiserver 2>/dev/null
  printf 'subjectAltName=%s\nextendedKeyUsage=serverAuth\nkeyUsage=critical,digitalSignature,keyEncipherment\n' \
    "$(printf '%s' "$san" | sed -e 's/ip:/IP:/g' -e 's/dns:/DNS:/g')" >"$tmp/ext"
  openssl x509 -req -in "$tmp/server.csr" -CA "$out/ca.pem" -CAkey "$tmp/ca.key" -CAcreateserial \
    -CAserial "$tmp/ca.srl" -out "$tmp/server.pem" -days 3650 -extfile "$tmp/ext" 2>/dev/null
  openssl pkcs12 -export -in "$tmp/server.pem" -inkey "$tmp/server.key" -certfile "$out/ca.pem" -name kubernetes \
    -out "$out/tls.p12" -passout pass:$pw
else
  kt=${KEYTOOL:-keytool}
  "$kt" -genkeypair -alias ca -keyalg RSA -keysize 2048 -dname CN=byoc-sandbox-kubernetes-ca -ext bc:c \
    -ext ku:c=keyCertSign,cRLSign -validity 3650 -keystore "$out/ca.p12" -storetype PKCS12 -storepass $pw 2>/dev/null
  "$kt" -genkeypair -alias kubernetes -keyalg RSA -keysize 2048 -dname CN=kube-apiserver -validity 3650 \
    -keystore "$out/tls.p12" -storetype PKCS12 -storepass $pw 2>/dev/null
  "$kt" -exportcert -rfc -alias ca -keystore "$out/ca.p12" -storepass $pw >"$out/ca.pem" 2>/dev/null
  "$kt" -certreq -alias kubernetes -keystore "$out/tls.p12" -storepass $pw 2>/dev/null \
    | "$kt" -gencert -rfc -alias ca -keystore "$out/ca.p12" -storepass $pw -ext "san=$san" -ext eku=serverAuth \
        -ext ku:c=digitalSignature,keyEncipherment -validity 3650 >"$out/chain.pem" 2>/dev/null
  cat "$out/ca.pem" >>"$out/chain.pem"
  "$kt" -importcert -noprompt -trustcacerts -alias kubernetes -file "$out/chain.pem" -keystore "$out/tls.p12" \
    -storepass $pw >/dev/null 2>&1
  rm -f "$out/ca.p12" "$out/chain.pem"
fi
base64 <"$out/ca.pem" | tr -d '\n' >"$out/ca.base64"
