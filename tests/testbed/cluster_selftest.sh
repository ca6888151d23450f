#!/usr/bin/env bash
# Proves the Galera cluster bed with the stock `mariadb` client, independently of verrou:
# three nodes up, each serving mTLS 1.3 with a certificate for its own address; plaintext
# refused; a row written on one node read on another; a killed node leaves a working
# two-node cluster, rejoins and catches up. Starts and stops its own cluster on a running bed.
set -euo pipefail
root=${1:?usage: cluster_selftest.sh DIR}
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
cluster() { bash "$here/cluster.sh" "$1" "$root" "${@:2}"; }
trap 'cluster down > /dev/null 2>&1 || true' EXIT
fail=0
check() { if [ "$2" = 0 ]; then echo "ok - $1"; else echo "FAILED - $1"; fail=1; fi; }

cluster up 3
# shellcheck disable=SC1091
. "$root/cluster/cluster.env"
d="$root/pki/dev"
client() {  # client K [args...] — app_user over mTLS to node K, its certificate verified
  local host port
  host=$(eval echo "\$NODE$1_HOST"); port=$(eval echo "\$NODE$1_PORT"); shift
  MYSQL_PWD=$(cat "$root/secrets/app_user_password") timeout 20 mariadb --no-defaults \
    --host="$host" --port="$port" --user=app_user --batch --skip-column-names \
    --ssl-ca="$d/ca.crt" --ssl-cert="$d/app_user.crt" --ssl-key="$d/app_user.key" --ssl-verify-server-cert "$@"
}

for k in 1 2 3; do
  out=$(client "$k" -e "SELECT CURRENT_USER(); SHOW SESSION STATUS LIKE 'Ssl_version'; SHOW STATUS LIKE 'wsrep_cluster_size'" 2>&1) || true
  echo "$out" | grep -qx 'app_user@%' && echo "$out" | grep -q 'TLSv1.3' && echo "$out" | grep -qP 'wsrep_cluster_size\t3'
  check "node $k: app_user@% over mTLS 1.3, certificate verified for $(eval echo "\$NODE${k}_HOST"), cluster of 3" $?
done

out=$(MYSQL_PWD=$(cat "$root/secrets/app_user_password") timeout 20 mariadb --no-defaults --host="$NODE1_HOST" \
  --port="$NODE1_PORT" --user=app_user --skip-ssl -e "SELECT 1" 2>&1) && rc=0 || rc=$?
[ "$rc" != 0 ]; check "node 1: plaintext refused ($(echo "$out" | head -n1))" $?

client 1 -e "CREATE TABLE IF NOT EXISTS appdb.cluster_probe (id INT PRIMARY KEY, v VARCHAR(20)); REPLACE INTO appdb.cluster_probe VALUES (1, 'from node 1')"
out=$(client 3 -e "SELECT v FROM appdb.cluster_probe WHERE id = 1" 2>&1) || true
[ "$out" = "from node 1" ]; check "a row written on node 1 is read on node 3" $?

cluster kill 2
cluster wait 2
out=$(client 3 -e "SHOW STATUS LIKE 'wsrep_cluster_size'; REPLACE INTO appdb.cluster_probe VALUES (2, 'while 2 down')" 2>&1) || true
echo "$out" | grep -qP 'wsrep_cluster_size\t2'; check "node 2 killed: nodes 1 and 3 form a cluster of 2 and accept writes" $?

t0=$(date +%s)
cluster start 2
cluster wait 3
out=$(client 2 -e "SELECT v FROM appdb.cluster_probe WHERE id = 2" 2>&1) || true
[ "$out" = "while 2 down" ]; check "node 2 restarted: rejoined in $(( $(date +%s) - t0 )) s and has the row written in its absence" $?
exit $fail
