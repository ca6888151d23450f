#!/usr/bin/env bash
# The test bed's Galera cluster: N mariadbd nodes (default 3) on their own loopback addresses
# (127.0.0.11, .12, .13, ...) forming one Galera cluster. Clients get what the strict server
# gives them: TLS 1.3 only, require_secure_transport, the same users (REQUIRE SUBJECT ... AND
# ISSUER ...) and data. Each node presents its own certificate (dev CA) naming only its own
# address, so a client that verifies host names can tell the nodes apart.
#
#   cluster.sh up DIR [N]        start the cluster on a running bed (testbed.sh up DIR first);
#                                writes DIR/cluster/cluster.env (CLUSTER_N, NODEk_HOST/PORT/SOCKET)
#   cluster.sh down DIR          stop every node (always safe to call)
#   cluster.sh kill DIR K        SIGKILL node K (a crash: no goodbye to the cluster)
#   cluster.sh stop DIR K        stop node K cleanly
#   cluster.sh start DIR K       (re)start node K; it rejoins (IST, or SST by mariabackup)
#   cluster.sh freeze|thaw DIR K SIGSTOP / SIGCONT node K
#   cluster.sh wait DIR SIZE     until every running node reports Synced in a cluster of SIZE
#   cluster.sh sql DIR K SQL     run SQL as root on node K (local socket), print the result
#   cluster.sh status DIR        each node: up/down, wsrep state, cluster size
#
# Nodes are bootstrapped from the bed's template datadir: node 1 starts a new cluster and runs
# the bed's init.sql; the others join with an empty state and receive node 1's data by SST
# (mariabackup over socat). The bed's sockets live in the bed's /tmp/verrou-tb-* directory.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
cmd=${1:?usage: cluster.sh up|down|kill|stop|start|freeze|thaw|wait|sql|status DIR ...}
root=${2:?usage: cluster.sh $cmd DIR}
root=$(cd "$root" && pwd)
cdir="$root/cluster"
sock_dir="/tmp/verrou-tb-$(printf '%s' "$root" | md5sum | cut -c1-12)"
MARIADBD=$(command -v mariadbd || echo /usr/sbin/mariadbd)
GALERA=/usr/lib/galera/libgalera_smm.so

log() { echo "cluster: $*"; }

node_ip() { echo "127.0.0.$((10 + $1))"; }

free_port() {  # free_port IP
  python3 - "$1" <<'EOF'
import socket, sys
s = socket.socket()
s.bind((sys.argv[1], 0))
print(s.getsockname()[1])
s.close()
EOF
}

issue_node_cert() {  # a server certificate for node K's address only, signed by the dev CA
  local k=$1 d="$cdir/node$1" ip ca="$root/pki/dev"
  ip=$(node_ip "$k")
  (umask 077; openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$d/server.key" 2>/dev/null)
  openssl req -new -key "$d/server.key" -subj "/CN=$ip" -addext "subjectAltName=IP:$ip" \
    -out "$d/server.csr" 2>/dev/null
  printf 'basicConstraints=critical,CA:FALSE\nkeyUsage=critical,digitalSignature,keyEncipherment\nextendedKeyUsage=serverAuth,clientAuth\nsubjectAltName=IP:%s\n' "$ip" > "$d/server.ext"
  # -set_serial: the dev CA's `openssl ca` database is shared with the bed; leave it untouched.
  openssl x509 -req -in "$d/server.csr" -CA "$ca/ca.crt" -CAkey "$ca/ca.key" -days 365 -sha256 \
    -set_serial "0x$(openssl rand -hex 12)" -extfile "$d/server.ext" -out "$d/server.crt" 2>/dev/null
  rm -f "$d/server.csr" "$d/server.ext"
}

write_node_cnf() {  # write_node_cnf K N — ports are chosen once, at `up`, and kept for restarts
  local k=$1 n=$2 d="$cdir/node$1" ip addresses="" j
  ip=$(node_ip "$k")
  for j in $(seq 1 "$n"); do
    addresses+="${addresses:+,}$(node_ip "$j"):$(cat "$cdir/node$j/gcomm_port")"
  done
  cat > "$d/my.cnf" <<EOF
[mariadbd]
user=$(id -un)
datadir=$d/data
socket=$sock_dir/node$k.sock
pid-file=$d/mysqld.pid
log-error=$d/error.log
bind-address=$ip
port=$(cat "$d/port")
skip-name-resolve
skip-log-bin
performance-schema=OFF
innodb-buffer-pool-size=32M
innodb-log-file-size=16M
innodb-use-native-aio=0
max-connections=300
connect-timeout=120
character-set-server=utf8mb4
binlog-format=ROW
default-storage-engine=InnoDB
innodb-autoinc-lock-mode=2
ssl-ca=$root/pki/dev/ca.crt
ssl-cert=$d/server.crt
ssl-key=$d/server.key
tls-version=TLSv1.3
require-secure-transport=ON
wsrep-on=ON
wsrep-provider=$GALERA
wsrep-cluster-name=verrou_tb
wsrep-node-name=node$k
wsrep-node-address=$ip
wsrep-cluster-address=gcomm://$addresses
wsrep-provider-options=gmcast.listen_addr=tcp://$ip:$(cat "$d/gcomm_port");ist.recv_addr=$ip:$(cat "$d/ist_port");gcache.size=64M;evs.suspect_timeout=PT3S;evs.inactive_timeout=PT6S;evs.install_timeout=PT6S
wsrep-sst-method=mariabackup
wsrep-sst-auth=root:
wsrep-sst-receive-address=$ip:$(cat "$d/sst_port")
[sst]
# SST between nodes travels over TLS too (socat + openssl), the peer verified against the dev CA.
ssl-mode=VERIFY_CA
EOF
}

launch() {  # launch K [extra mariadbd args] — in the background, output in the node's dir
  local k=$1 d="$cdir/node$1"
  shift
  mkdir -p "$sock_dir"
  "$MARIADBD" --defaults-file="$d/my.cnf" "$@" > "$d/stdout.log" 2>&1 &
  echo "$!" > "$d/launcher.pid"
}

node_sql() {  # node_sql K SQL
  mariadb --no-defaults --socket="$sock_dir/node$1.sock" -uroot -N -B -e "$2"
}

node_pid() { cat "$cdir/node$1/launcher.pid" 2> /dev/null || true; }

node_alive() { local p; p=$(node_pid "$1"); [ -n "$p" ] && kill -0 "$p" 2> /dev/null; }

wait_synced() {  # wait_synced K SECONDS — node K answers, is Synced and in the primary component
  local k=$1 limit=$2 i state
  for i in $(seq 1 $((limit * 5))); do
    state=$(node_sql "$k" "SELECT CONCAT(v1.VARIABLE_VALUE, '/', v2.VARIABLE_VALUE)
      FROM information_schema.GLOBAL_STATUS v1, information_schema.GLOBAL_STATUS v2
      WHERE v1.VARIABLE_NAME = 'WSREP_LOCAL_STATE_COMMENT' AND v2.VARIABLE_NAME = 'WSREP_CLUSTER_STATUS'" 2> /dev/null || true)
    [ "$state" = "Synced/Primary" ] && return 0
    node_alive "$k" || break
    sleep 0.2
  done
  log "node $k is not Synced/Primary (state: '${state:-no answer}'); tail of its error log:" >&2
  tail -n 40 "$cdir/node$k/error.log" >&2 || true
  return 1
}

stop_node() {  # stop_node K SIGNAL — and wait for it to be gone
  local k=$1 sig=$2 pid
  pid=$(node_pid "$k")
  [ -n "$pid" ] || return 0
  kill -CONT "$pid" 2> /dev/null || true
  kill "-$sig" "$pid" 2> /dev/null || true
  for _ in $(seq 1 300); do kill -0 "$pid" 2> /dev/null || break; sleep 0.1; done
  kill -KILL "$pid" 2> /dev/null || true
  # an SST in progress leaves its helpers (mariabackup, socat) behind a killed server
  pkill -KILL -f -- "--defaults-file=$cdir/node$k/my.cnf" 2> /dev/null || true
  pkill -KILL -f -- "$cdir/node$k/" 2> /dev/null || true
  rm -f "$cdir/node$k/launcher.pid"
}

nodes() { ls -d "$cdir"/node* 2> /dev/null | sed 's/.*node//' | sort -n; }

write_env() {
  local n=$1 k
  {
    echo "CLUSTER_N=$n"
    for k in $(seq 1 "$n"); do
      echo "NODE${k}_HOST=$(node_ip "$k")"
      echo "NODE${k}_PORT=$(cat "$cdir/node$k/port")"
      echo "NODE${k}_SOCKET=$sock_dir/node$k.sock"
      echo "NODE${k}_CA=$root/pki/dev/ca.crt"
    done
  } > "$cdir/cluster.env.tmp"
  mv "$cdir/cluster.env.tmp" "$cdir/cluster.env"
}

case $cmd in
  up)
    n=${3:-3}
    [[ $n =~ ^[1-9]$ ]] || { echo "cluster: N must be 1..9" >&2; exit 2; }
    [ -f "$root/testbed.env" ] || { echo "cluster: no bed running in $root (testbed.sh up $root)" >&2; exit 2; }
    [ -x "$GALERA" ] || [ -f "$GALERA" ] || { echo "cluster: $GALERA missing (package galera-4)" >&2; exit 2; }
    started=$(date +%s.%N)
    for k in $(nodes); do stop_node "$k" TERM; done
    rm -rf "$cdir"
    for k in $(seq 1 "$n"); do
      d="$cdir/node$k"; mkdir -p "$d"
      ip=$(node_ip "$k")
      for p in port gcomm_port ist_port sst_port; do free_port "$ip" > "$d/$p"; done
      issue_node_cert "$k"
    done
    for k in $(seq 1 "$n"); do
      write_node_cnf "$k" "$n"
      cp -a "$root/template" "$cdir/node$k/data"
    done
    launch 1 --wsrep-new-cluster --init-file="$root/init.sql"
    wait_synced 1 120 || { for k in $(nodes); do stop_node "$k" KILL; done; exit 1; }
    # Joiners one at a time: each SST uses node 1 (or any Synced node) as donor.
    for k in $(seq 2 "$n"); do
      launch "$k"
      wait_synced "$k" 180 || { for j in $(nodes); do stop_node "$j" KILL; done; exit 1; }
    done
    write_env "$n"
    log "up in $(python3 -c "import sys; print(f'{float(sys.argv[2]) - float(sys.argv[1]):.1f}')" "$started" "$(date +%s.%N)") s: $(for k in $(seq 1 "$n"); do printf '%s:%s ' "$(node_ip "$k")" "$(cat "$cdir/node$k/port")"; done)"
    ;;
  down)
    for k in $(nodes); do stop_node "$k" TERM & done
    wait
    rm -rf "$cdir"
    log "down"
    ;;
  kill) stop_node "${3:?node}" KILL ;;
  stop) stop_node "${3:?node}" TERM ;;
  start)
    k=${3:?node}
    [ -f "$cdir/node$k/my.cnf" ] || { echo "cluster: no node $k" >&2; exit 2; }
    node_alive "$k" && { echo "cluster: node $k is running" >&2; exit 2; }
    launch "$k"
    wait_synced "$k" 180
    ;;
  freeze) kill -STOP "$(node_pid "${3:?node}")" ;;
  thaw) kill -CONT "$(node_pid "${3:?node}")" ;;
  wait)
    size=${3:?size}
    for _ in $(seq 1 900); do
      ok=1
      for k in $(nodes); do
        node_alive "$k" || continue
        s=$(node_sql "$k" "SELECT VARIABLE_VALUE FROM information_schema.GLOBAL_STATUS WHERE VARIABLE_NAME IN ('WSREP_CLUSTER_SIZE','WSREP_LOCAL_STATE_COMMENT') ORDER BY VARIABLE_NAME" 2> /dev/null | tr '\n' ' ' || true)
        [ "$s" = "$size Synced " ] || ok=0
      done
      [ "$ok" = 1 ] && exit 0
      sleep 0.2
    done
    echo "cluster: the running nodes did not settle on a cluster of $size" >&2
    bash "${BASH_SOURCE[0]}" status "$root" >&2
    exit 1
    ;;
  sql) node_sql "${3:?node}" "${4:?sql}" ;;
  status)
    for k in $(nodes); do
      if node_alive "$k"; then
        s=$(node_sql "$k" "SELECT GROUP_CONCAT(VARIABLE_VALUE ORDER BY VARIABLE_NAME SEPARATOR ' ') FROM information_schema.GLOBAL_STATUS WHERE VARIABLE_NAME IN ('WSREP_CLUSTER_SIZE','WSREP_CLUSTER_STATUS','WSREP_LOCAL_STATE_COMMENT')" 2> /dev/null || echo "no answer")
        echo "node$k $(node_ip "$k"):$(cat "$cdir/node$k/port"): up (size status state: $s)"
      else
        echo "node$k $(node_ip "$k"):$(cat "$cdir/node$k/port"): down"
      fi
    done
    ;;
  *) echo "usage: cluster.sh up|down|kill|stop|start|freeze|thaw|wait|sql|status DIR ..." >&2; exit 2 ;;
esac
