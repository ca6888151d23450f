#!/usr/bin/env bash
# Proves the test bed with the stock `mariadb` client, independently of verrou:
#   1. app_user with the dev client certificate gets TLSv1.3 on the strict server, as app_user@%;
#   2. the same login without a client certificate is refused;
#   3. the plaintext server really speaks no TLS, and the TLS 1.2 server only TLS 1.2.
set -euo pipefail
root=${1:?usage: selftest.sh DIR}
# shellcheck disable=SC1091
. "$root/testbed.env"
d="$root/pki/dev"
fail=0
check() {  # check NAME CONDITION-RESULT
  if [ "$2" = 0 ]; then echo "ok - $1"; else echo "FAILED - $1"; fail=1; fi
}
client() {  # client PORT [extra args...] -- runs one query as app_user
  local port=$1; shift
  MYSQL_PWD=$(cat "$root/secrets/app_user_password") timeout 20 mariadb --no-defaults \
    --host=127.0.0.1 --port="$port" --user=app_user --batch --skip-column-names "$@"
}

out=$(client "$PORT_STRICT" --ssl-ca="$d/ca.crt" --ssl-cert="$d/app_user.crt" --ssl-key="$d/app_user.key" \
  --ssl-verify-server-cert \
  -e "SELECT CURRENT_USER(); SHOW SESSION STATUS LIKE 'Ssl_version'; SHOW SESSION STATUS LIKE 'Ssl_cipher'" 2>&1) || true
echo "$out" | sed 's/^/    /'
echo "$out" | grep -qx 'app_user@%'; check "strict server: app_user@% over mTLS" $?
echo "$out" | grep -q 'Ssl_version.*TLSv1.3'; check "strict server: TLSv1.3 negotiated" $?

out=$(client "$PORT_STRICT" --ssl-ca="$d/ca.crt" --ssl-verify-server-cert -e "SELECT CURRENT_USER()" 2>&1) && rc=0 || rc=$?
[ "$rc" != 0 ] && echo "$out" | grep -q 'Access denied'; check "strict server: refused without client certificate ($(echo "$out" | head -n1))" $?

out=$(client "$PORT_STRICT" --ssl-ca="$d/ca.crt" --ssl-cert="$root/pki/foreign/app_user.crt" \
  --ssl-key="$root/pki/foreign/app_user.key" -e "SELECT CURRENT_USER()" 2>&1) && rc=0 || rc=$?
[ "$rc" != 0 ]; check "strict server: refused with a foreign-CA certificate ($(echo "$out" | head -n1))" $?

out=$(MYSQL_PWD=$(cat "$root/secrets/plain_user_password") timeout 20 mariadb --no-defaults --host=127.0.0.1 \
  --port="$PORT_PLAIN" --user=plain_user --batch --skip-column-names --skip-ssl \
  -e "SHOW SESSION STATUS LIKE 'Ssl_version'" 2>&1) || true
echo "$out" | grep -qP '^Ssl_version\t$'; check "plain server: session without TLS" $?

out=$(client "$PORT_TLS12" --ssl-ca="$d/ca.crt" --ssl-cert="$d/app_user.crt" --ssl-key="$d/app_user.key" \
  -e "SHOW SESSION STATUS LIKE 'Ssl_version'" 2>&1) || true
echo "$out" | grep -q 'TLSv1.2'; check "tls12 server: TLSv1.2 negotiated" $?

exit $fail
