#!/bin/sh
# Generates the sandbox's TEST-ONLY TLS material into the current directory:
#   tls-ca-cert.pem                      test CA (trusted only by tests, through the test-support hook)
#   tls-pinned-{key,cert}.pem            leaf whose SPKI the tests pin
#   tls-other-{key,cert}.pem             leaf from the same CA, never pinned
#   tls-backup-key.pem                   a spare key: only its SPKI hash is used (the backup pin)
# Validity 2000-01-01 .. 2125-01-01, so skewed or future clocks never matter.
# Needs only the openssl CLI (tested with OpenSSL 3.0.19). The CA key is deleted afterwards.
set -eu
START=20000101000000Z
END=21250101000000Z
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
touch "$work/index.txt"
cat > "$work/ca.cnf" <<CNF
[ca]
default_ca = test_ca
[test_ca]
database      = $work/index.txt
new_certs_dir = $work
serial        = $work/serial
default_md    = sha256
policy        = anything
unique_subject = no
copy_extensions = none
[anything]
commonName = supplied
[v3_ca]
basicConstraints       = critical,CA:TRUE,pathlen:0
keyUsage               = critical,keyCertSign,cRLSign
subjectKeyIdentifier   = hash
[v3_leaf]
basicConstraints       = critical,CA:FALSE
keyUsage               = critical,digitalSignature
extendedKeyUsage       = serverAuth
subjectAltName         = IP:127.0.0.1,IP:::1,DNS:localhost
subjectKeyIdentifier   = hash
authorityKeyIdentifier = keyid
CNF
openssl rand -hex 16 > "$work/serial"
key() { openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$1"; }

key "$work/ca-key.pem"
openssl req -new -key "$work/ca-key.pem" -subj "/CN=SessionKit sandbox TLS test CA (test only)" -out "$work/ca.csr"
openssl ca -batch -notext -config "$work/ca.cnf" -selfsign -keyfile "$work/ca-key.pem" \
  -startdate $START -enddate $END -extensions v3_ca -in "$work/ca.csr" -out tls-ca-cert.pem

for name in pinned other; do
  key "tls-$name-key.pem"
  openssl req -new -key "tls-$name-key.pem" -subj "/CN=SessionKit sandbox $name (test only)" -out "$work/$name.csr"
  openssl ca -batch -notext -config "$work/ca.cnf" -cert tls-ca-cert.pem -keyfile "$work/ca-key.pem" \
    -startdate $START -enddate $END -extensions v3_leaf -in "$work/$name.csr" -out "tls-$name-cert.pem"
done
key tls-backup-key.pem

pin_of_cert() { openssl x509 -in "$1" -pubkey -noout | openssl pkey -pubin -outform der | openssl dgst -sha256 -binary | openssl base64 -A; }
pin_of_key()  { openssl pkey -in "$1" -pubout -outform der | openssl dgst -sha256 -binary | openssl base64 -A; }
echo "pinned: sha256/$(pin_of_cert tls-pinned-cert.pem)"
echo "other:  sha256/$(pin_of_cert tls-other-cert.pem)"
echo "backup: sha256/$(pin_of_key tls-backup-key.pem)"
openssl verify -CAfile tls-ca-cert.pem tls-pinned-cert.pem tls-other-cert.pem
