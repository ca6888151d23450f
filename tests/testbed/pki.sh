#!/usr/bin/env bash
# Builds the test bed's throwaway PKI with the openssl CLI only — independent of verrou's
# own code, so the suite can judge verrou against it. EC P-256 keys everywhere.
# Usage: pki.sh DIR   (writes DIR/pki/...; see docs/testbed.md for what each file is for)
set -euo pipefail

root=${1:?usage: pki.sh DIR}
pki="$root/pki"
rm -rf "$pki"
mkdir -p "$pki"
umask 077   # keys are born private; certificates are made world-readable below

ec_key() {  # ec_key FILE
  openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$1" 2>/dev/null
}

ca_name() { echo "verrou test CA $1"; }

# An `openssl ca` database per CA, so we can set exact start/end dates, revoke and make CRLs.
make_ca() {  # make_ca NAME
  local name=$1 d="$pki/$1"
  mkdir -p "$d/db"
  : > "$d/db/index.txt"
  echo 1000 > "$d/db/serial"
  echo 1000 > "$d/db/crlnumber"
  echo "unique_subject = no" > "$d/db/index.txt.attr"
  cat > "$d/ca.cnf" <<EOF
[ ca ]
default_ca = this_ca
[ this_ca ]
dir = $d
database = \$dir/db/index.txt
serial = \$dir/db/serial
crlnumber = \$dir/db/crlnumber
new_certs_dir = \$dir/db
certificate = \$dir/ca.crt
private_key = \$dir/ca.key
default_md = sha256
default_days = 365
default_crl_days = 3650
policy = any_policy
copy_extensions = copy
unique_subject = no
[ any_policy ]
commonName = supplied
[ client_ext ]
basicConstraints = critical, CA:FALSE
keyUsage = critical, digitalSignature, keyEncipherment
extendedKeyUsage = clientAuth
[ server_ext ]
basicConstraints = critical, CA:FALSE
keyUsage = critical, digitalSignature, keyEncipherment
extendedKeyUsage = serverAuth
[ ocsp_ext ]
basicConstraints = critical, CA:FALSE
keyUsage = critical, digitalSignature
extendedKeyUsage = critical, OCSPSigning
EOF
  ec_key "$d/ca.key"
  openssl req -new -x509 -key "$d/ca.key" -out "$d/ca.crt" -days 3650 -sha256 \
    -subj "/CN=$(ca_name "$name")" \
    -addext "basicConstraints=critical,CA:TRUE" \
    -addext "keyUsage=critical,keyCertSign,cRLSign" 2>/dev/null
}

# issue CA NAME CN KIND [start end] [san]   → $pki/CA/NAME.crt + NAME.key
#   KIND: client | server; start/end: YYYYMMDDHHMMSSZ or "-" for now / +365 days
issue() {
  local ca=$1 name=$2 cn=$3 kind=$4 start=${5:--} end=${6:--} san=${7:-}
  local d="$pki/$ca"
  ec_key "$d/$name.key"
  local req_args=(-new -key "$d/$name.key" -out "$d/$name.csr" -subj "/CN=$cn")
  [ -n "$san" ] && req_args+=(-addext "subjectAltName=$san")
  openssl req "${req_args[@]}" 2>/dev/null
  local ca_args=(-batch -config "$d/ca.cnf" -in "$d/$name.csr" -out "$d/$name.crt"
                 -extensions "${kind}_ext" -notext)
  [ "$start" != "-" ] && ca_args+=(-startdate "$start")
  [ "$end" != "-" ] && ca_args+=(-enddate "$end") || ca_args+=(-days 365)
  openssl ca "${ca_args[@]}" 2>/dev/null
  rm -f "$d/$name.csr"
}

date_utc() {  # date_utc "relative date"  → YYYYMMDDHHMMSSZ
  date -u -d "$1" +%Y%m%d%H%M%SZ
}

for env in dev recette prod; do
  make_ca "$env"
  issue "$env" app_user "app_user-$env" client
done
make_ca foreign

# Server certificates (dev CA): the good one, one for another name, an expired one.
issue dev server localhost server - - "DNS:localhost,IP:127.0.0.1"
issue dev server-wrongname db.elsewhere.invalid server - - "DNS:db.elsewhere.invalid"
issue dev server-expired localhost server "$(date_utc '-400 days')" "$(date_utc '-35 days')" \
  "DNS:localhost,IP:127.0.0.1"

# Client certificates for the negative cases (all claim app_user's identity unless noted).
issue dev backup_user backup_user-dev client
issue dev expired app_user-dev client "$(date_utc '-400 days')" "$(date_utc '-10 days')"
issue dev notyetvalid app_user-dev client "$(date_utc '+30 days')" "$(date_utc '+400 days')"
issue dev expiring app_user-dev client "$(date_utc '-300 days')" "$(date_utc '+10 days')"
issue dev skewed app_user-dev client "$(date_utc '+3 hours')" "$(date_utc '+365 days')"
issue foreign app_user app_user-dev client                 # right CN, CA the server does not trust
issue dev crossenv app_user-prod client                    # prod CN signed by the dev CA
issue dev revoked app_user-dev client
issue dev encrypted app_user-dev client
issue dev loose app_user-dev client
issue dev next app_user-dev client "$(date_utc '-1 hour')" "$(date_utc '+730 days')"  # rollover: the renewed certificate

# OCSP (docs/ocsp.md): the dev CA's delegated responder (OCSP-signing EKU), a responder of the
# same name from the foreign CA (an answer signed by an unrelated key), and a second server
# certificate for localhost (a certificate swapped between the check and the connect).
issue dev ocsp-responder "verrou test OCSP responder dev" ocsp
issue foreign ocsp-responder "verrou test OCSP responder dev" ocsp
issue dev server-alt localhost server - - "DNS:localhost,IP:127.0.0.1"

# The revoked certificate goes on the dev CA's CRL (the strict server loads it).
openssl ca -batch -config "$pki/dev/ca.cnf" -revoke "$pki/dev/revoked.crt" -crl_reason keyCompromise 2>/dev/null
openssl ca -batch -config "$pki/dev/ca.cnf" -gencrl -out "$pki/dev/crl.pem" 2>/dev/null

# A key that does not match app_user.crt.
ec_key "$pki/dev/mismatch.key"

# A passphrase-encrypted key; the passphrase lives in a file (as a Docker secret would).
openssl rand -hex 16 | tr -d '\n' > "$pki/dev/encrypted.pass"
openssl pkey -in "$pki/dev/encrypted.key" -aes-256-cbc -passout "file:$pki/dev/encrypted.pass" \
  -out "$pki/dev/encrypted.key.tmp"
mv "$pki/dev/encrypted.key.tmp" "$pki/dev/encrypted.key"

# Certificates and CRLs are public; keys stay 0600 — except the one that tests loose permissions.
find "$pki" -name '*.crt' -exec chmod 0644 {} + -o -name '*.pem' -exec chmod 0644 {} +
find "$pki" -type d -exec chmod 0755 {} +
chmod 0644 "$pki/dev/loose.key"

echo "pki: CAs dev recette prod foreign, $(find "$pki" -name '*.crt' | wc -l) certificates in $pki"
