#!/bin/sh
# SPDX-License-Identifier: MIT
# Creates a throw-away PKI for tests and the demo, in DIR:
#   ca.pem / ca.key            test CA (ECDSA P-256)
#   server.pem / server.key    mde-sim's certificate: localhost, 127.0.0.1 and
#                              every Entra / Defender host name, so clients
#                              can use the real URLs with curl --resolve
#   app1, app2 (.pem/.key)     RSA 2048 client certificates for certificate
#                              credentials (registered on apps in scenarios)
#   rogue.pem / rogue.key      an RSA certificate registered nowhere
#   expired, wronghost, selfsigned (.pem/.key)   hostile server certificates:
#                              expired, for another host, not from the CA
# Nothing here is ever committed; every run makes new keys.
set -eu
dir="${1:?usage: gen-certs.sh DIR}"
mkdir -p "$dir"
cd "$dir"
umask 077

openssl req -x509 -new -nodes -newkey ec -pkeyopt ec_paramgen_curve:P-256 \
  -keyout ca.key -out ca.pem -days 30 -subj "/CN=collectd-mde test CA" \
  -addext "basicConstraints=critical,CA:TRUE" \
  -addext "keyUsage=critical,keyCertSign,cRLSign" 2>/dev/null

hosts="localhost login.microsoftonline.com login.microsoftonline.us
login.windows.net sts.windows.net
api.securitycenter.microsoft.com api-us.securitycenter.microsoft.com
api-eu.securitycenter.microsoft.com api-uk.securitycenter.microsoft.com
api-au.securitycenter.microsoft.com api.security.microsoft.com
us.api.security.microsoft.com eu.api.security.microsoft.com
uk.api.security.microsoft.com au.api.security.microsoft.com
swa.api.security.microsoft.com ina.api.security.microsoft.com
aea.api.security.microsoft.com
*.api.security.microsoft.com api-gcc.securitycenter.microsoft.us
api-gov.securitycenter.microsoft.us api-gcc.security.microsoft.us
api-gov.security.microsoft.us
graph.microsoft.com graph.microsoft.us dod-graph.microsoft.us"
san="IP:127.0.0.1,IP:::1"
for h in $hosts; do san="$san,DNS:$h"; done

openssl req -new -nodes -newkey ec -pkeyopt ec_paramgen_curve:P-256 \
  -keyout server.key -out server.csr -subj "/CN=localhost" 2>/dev/null
printf 'subjectAltName=%s\nextendedKeyUsage=serverAuth\n' "$san" >server.ext
openssl x509 -req -in server.csr -CA ca.pem -CAkey ca.key -CAcreateserial \
  -out server.pem -days 30 -extfile server.ext 2>/dev/null

# Hostile servers, for tests that clients refuse them.
hostile() { # hostile NAME SAN DAYS [selfsigned]
  if [ "${4:-}" = selfsigned ]; then
    openssl req -x509 -new -nodes -newkey ec -pkeyopt ec_paramgen_curve:P-256 \
      -keyout "$1.key" -out "$1.pem" -days "$3" -subj "/CN=localhost" \
      -addext "subjectAltName=$2" 2>/dev/null
    return
  fi
  openssl req -new -nodes -newkey ec -pkeyopt ec_paramgen_curve:P-256 \
    -keyout "$1.key" -out "$1.csr" -subj "/CN=localhost" 2>/dev/null
  printf 'subjectAltName=%s\n' "$2" >"$1.ext"
  openssl x509 -req -in "$1.csr" -CA ca.pem -CAkey ca.key -CAcreateserial \
    -out "$1.pem" -days "$3" -extfile "$1.ext" 2>/dev/null
  rm -f "$1.csr" "$1.ext"
}
hostile expired "IP:127.0.0.1,DNS:localhost" -1
hostile wronghost "DNS:elsewhere.example" 30
hostile selfsigned "IP:127.0.0.1,DNS:localhost" 30 selfsigned

for name in app1 app2 rogue; do
  openssl req -x509 -new -nodes -newkey rsa:2048 -keyout "$name.key" \
    -out "$name.pem" -days 365 -subj "/CN=collectd-mde $name" 2>/dev/null
done
rm -f server.csr server.ext ca.srl
chmod 0644 ./*.pem
