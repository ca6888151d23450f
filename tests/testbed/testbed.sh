#!/usr/bin/env bash
# verrou's test bed: a throwaway PKI and private mariadbd servers on 127.0.0.1.
#
#   testbed.sh up DIR        build the PKI, start every server, write DIR/testbed.env
#   testbed.sh down DIR      stop every server of DIR (always safe to call)
#   testbed.sh selftest DIR  prove the bed with the stock `mariadb` client
#   testbed.sh status DIR    list the servers and whether they answer
#   testbed.sh serve DIR NAME CA CERT KEY [SQL]
#                            on a running bed, start one more strict server (TLS 1.3 only,
#                            require_secure_transport) with the given material — e.g. what
#                            `verrou pki` issued — run SQL as root, print its port
#   testbed.sh stop DIR NAME stop that one server
#   testbed.sh sql DIR NAME STATEMENTS
#                            run STATEMENTS as root on a server started by serve
#   testbed.sh crash|freeze|thaw|restart DIR NAME
#                            faults for one server started by `serve` (never the bed's shared
#                            ones: tests run in parallel): SIGKILL, SIGSTOP, SIGCONT, and start
#                            again on the same port and datadir (after a crash when running)
#
# Servers (see docs/testbed.md): strict (dev CA, TLS 1.3 only, require_secure_transport,
# CRL), tls12 (TLS 1.2 only), plain (no TLS), wrongname (certificate for another host),
# expiredsrv (expired certificate). Each has its own datadir under DIR/servers/ and socket under /tmp/verrou-tb-*/.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
cmd=${1:?usage: testbed.sh up|down|selftest|status|serve|stop DIR ...}
root=${2:?usage: testbed.sh $cmd DIR}
mkdir -p "$root"
root=$(cd "$root" && pwd)
pki="$root/pki"
servers_dir="$root/servers"
# Unix socket paths must stay under 108 bytes whatever the checkout's path: keep them in /tmp.
sock_dir="/tmp/verrou-tb-$(printf '%s' "$root" | md5sum | cut -c1-12)"
SERVERS=(strict tls12 plain wrongname expiredsrv)

MARIADBD=$(command -v mariadbd || echo /usr/sbin/mariadbd)
INSTALL_DB=$(command -v mariadb-install-db || echo /usr/bin/mariadb-install-db)

log() { echo "testbed: $*"; }

free_port() {
  python3 - <<'EOF'
import socket
s = socket.socket()
s.bind(("127.0.0.1", 0))
print(s.getsockname()[1])
s.close()
EOF
}

server_tls_args() {  # the TLS part of each server's command line
  local d="$pki/dev"
  case $1 in
    strict)     echo "--ssl-ca=$d/ca.crt --ssl-cert=$d/server.crt --ssl-key=$d/server.key --ssl-crl=$d/crl.pem --tls-version=TLSv1.3 --require-secure-transport=ON" ;;
    tls12)      echo "--ssl-ca=$d/ca.crt --ssl-cert=$d/server.crt --ssl-key=$d/server.key --tls-version=TLSv1.2" ;;
    plain)      echo "--skip-ssl" ;;
    wrongname)  echo "--ssl-ca=$d/ca.crt --ssl-cert=$d/server-wrongname.crt --ssl-key=$d/server-wrongname.key --tls-version=TLSv1.3 --require-secure-transport=ON" ;;
    expiredsrv) echo "--ssl-ca=$d/ca.crt --ssl-cert=$d/server-expired.crt --ssl-key=$d/server-expired.key --tls-version=TLSv1.3 --require-secure-transport=ON" ;;
  esac
}

write_init_sql() {  # users and data, replayed by every server at start (--init-file)
  local app_pw backup_pw plain_pw
  app_pw=$(cat "$root/secrets/app_user_password")
  backup_pw=$(cat "$root/secrets/backup_user_password")
  plain_pw=$(cat "$root/secrets/plain_user_password")
  cat > "$root/init.sql" <<EOF
CREATE DATABASE IF NOT EXISTS appdb CHARACTER SET utf8mb4;
CREATE TABLE IF NOT EXISTS appdb.customers (
  id INT PRIMARY KEY, name VARCHAR(100) NOT NULL, email VARCHAR(200) NULL, balance DECIMAL(10,2) NULL
) CHARACTER SET utf8mb4;
INSERT IGNORE INTO appdb.customers VALUES
  (1, 'Alice Martin', 'alice@example.test', 120.50),
  (2, 'Bob Durand', NULL, 0.00),
  (3, 'Chloé Lefèvre', 'chloe@example.test', NULL);
CREATE OR REPLACE USER 'app_user'@'%' IDENTIFIED BY '$app_pw'
  REQUIRE SUBJECT '/CN=app_user-dev' AND ISSUER '/CN=verrou test CA dev';
GRANT SELECT, INSERT, UPDATE, DELETE, CREATE, DROP, CREATE TEMPORARY TABLES ON appdb.* TO 'app_user'@'%';
CREATE OR REPLACE USER 'backup_user'@'%' IDENTIFIED BY '$backup_pw' REQUIRE X509;
GRANT SELECT, LOCK TABLES, SHOW VIEW ON appdb.* TO 'backup_user'@'%';
CREATE OR REPLACE USER 'plain_user'@'%' IDENTIFIED BY '$plain_pw';
GRANT SELECT ON appdb.* TO 'plain_user'@'%';
EOF
  chmod 0600 "$root/init.sql"
}

make_template_datadir() {  # one mariadb-install-db run, copied for every server
  local t="$root/template"
  rm -rf "$t"
  mkdir -p "$t"
  if ! "$INSTALL_DB" --no-defaults --datadir="$t" --user="$(id -un)" --auth-root-authentication-method=socket \
      --skip-test-db > "$root/install-db.log" 2>&1; then
    log "mariadb-install-db failed:"; tail -n 30 "$root/install-db.log" >&2
    return 1
  fi
}

start_server() {  # start_server NAME [TLS ARGS...] — the bed's own TLS arguments by default
  local name=$1 d="$servers_dir/$1" tls_args
  shift
  if [ $# -gt 0 ]; then tls_args="$*"; else tls_args=$(server_tls_args "$name"); fi
  rm -rf "$d"; mkdir -p "$d" "$sock_dir"
  cp -a "$root/template" "$d/data"
  echo "$tls_args" > "$d/tls_args"
  launch_server "$name" "$(free_port)"
}

launch_server() {  # launch_server NAME PORT — mariadbd on NAME's datadir and saved TLS arguments
  local name=$1 d="$servers_dir/$1" port=$2 tls_args
  tls_args=$(cat "$d/tls_args")
  # --connect-timeout: the server's wait for a client's handshake (default 10 s) is too short for
  # a first TLS handshake under valgrind (tests/memcheck) on a loaded machine.
  # shellcheck disable=SC2046
  "$MARIADBD" --no-defaults --user="$(id -un)" --datadir="$d/data" --socket="$sock_dir/$name.sock" \
    --pid-file="$d/mysqld.pid" --log-error="$d/error.log" --port="$port" --bind-address=127.0.0.1 \
    --skip-name-resolve --skip-log-bin --performance-schema=OFF --innodb-buffer-pool-size=16M \
    --innodb-log-file-size=8M --innodb-use-native-aio=0 --max-connections=300 --connect-timeout=120 \
    --character-set-server=utf8mb4 --init-file="$root/init.sql" \
    $tls_args > "$d/stdout.log" 2>&1 &
  echo "$!" > "$d/launcher.pid"
  echo "$port" > "$d/port"
}

all_threads_stopped() {  # all_threads_stopped PID — every thread of PID in state T (stopped)
  local stat state
  for stat in /proc/"$1"/task/*/stat; do
    state=$(sed 's/.*) //' "$stat" 2> /dev/null | cut -d' ' -f1) || return 1
    case $state in T|t) ;; *) return 1 ;; esac
  done
}

wait_server() {  # wait_server NAME — until the socket answers, or print the error log tail
  local name=$1 d="$servers_dir/$1" i
  for i in $(seq 1 300); do
    if mariadb-admin --no-defaults --socket="$sock_dir/$name.sock" -uroot ping > /dev/null 2>&1; then
      # the init file runs before the server accepts connections, but be explicit:
      if mariadb --no-defaults --socket="$sock_dir/$name.sock" -uroot -N -e "SELECT COUNT(*) FROM appdb.customers" > /dev/null 2>&1; then
        return 0
      fi
    fi
    if ! kill -0 "$(cat "$d/launcher.pid")" 2> /dev/null; then
      break
    fi
    sleep 0.1
  done
  log "server '$name' did not come up; tail of $d/error.log:" >&2
  tail -n 40 "$d/error.log" >&2 || true
  return 1
}

stop_servers() {  # stop_servers NAME... — TERM all first (they stop in parallel), then wait
  # The pids are read once, up front: a stopping mariadbd deletes its own pid file, so reading
  # it again later races with the shutdown.
  local name d f pid pids=()
  for name in "$@"; do
    d="$servers_dir/$name"
    for f in "$d/mysqld.pid" "$d/launcher.pid"; do
      pid=$(cat "$f" 2> /dev/null) || continue
      if [ -n "$pid" ]; then pids+=("$pid"); fi
    done
  done
  for pid in "${pids[@]}"; do kill -TERM "$pid" 2> /dev/null || true; kill -CONT "$pid" 2> /dev/null || true; done
  for pid in "${pids[@]}"; do
    for _ in $(seq 1 200); do kill -0 "$pid" 2> /dev/null || break; sleep 0.1; done
    kill -KILL "$pid" 2> /dev/null || true
  done
  for name in "$@"; do rm -rf "${servers_dir:?}/$name/data"; done
}

stop_all() {  # every server of the bed, the ones `serve` added included
  local names=() d
  for d in "$servers_dir"/*/; do
    [ -d "$d" ] && names+=("$(basename "$d")")
  done
  [ ${#names[@]} -eq 0 ] || stop_servers "${names[@]}"
  rm -rf "$sock_dir"
}

case $cmd in
  up)
    started=$(date +%s.%N)
    stop_all
    rm -rf "$servers_dir" "$root/testbed.env"
    bash "$here/pki.sh" "$root"
    mkdir -p "$root/secrets"; chmod 0700 "$root/secrets"
    for u in app_user backup_user plain_user; do
      (umask 077; openssl rand -hex 18 | tr -d '\n' > "$root/secrets/${u}_password")
    done
    # A pepper for the hashing tests (Docker-secret style file), 32 random bytes as hex.
    (umask 077; openssl rand -hex 32 | tr -d '\n' > "$root/secrets/pepper_k1")
    write_init_sql
    make_template_datadir
    for name in "${SERVERS[@]}"; do start_server "$name"; done
    for name in "${SERVERS[@]}"; do
      if ! wait_server "$name"; then stop_all; exit 1; fi
    done
    {
      echo "TESTBED_DIR=$root"
      echo "HOST=127.0.0.1"
      for name in "${SERVERS[@]}"; do
        echo "PORT_$(echo "$name" | tr '[:lower:]' '[:upper:]')=$(cat "$servers_dir/$name/port")"
        echo "SOCKET_$(echo "$name" | tr '[:lower:]' '[:upper:]')=$sock_dir/$name.sock"
      done
      echo "SECRETS_DIR=$root/secrets"
    } > "$root/testbed.env.tmp"
    mv "$root/testbed.env.tmp" "$root/testbed.env"
    log "up in $(python3 -c "import sys; print(f'{float(sys.argv[2]) - float(sys.argv[1]):.1f}')" "$started" "$(date +%s.%N)") s: $(for n in "${SERVERS[@]}"; do printf '%s:%s ' "$n" "$(cat "$servers_dir/$n/port")"; done)"
    ;;
  down)
    [ -d "$root/cluster" ] && bash "$here/cluster.sh" down "$root" > /dev/null 2>&1 || true
    stop_all
    rm -f "$root/testbed.env"
    log "down"
    ;;
  status)
    for d in "$servers_dir"/*/; do
      [ -d "$d" ] || continue
      name=$(basename "$d")
      if mariadb-admin --no-defaults --socket="$sock_dir/$name.sock" -uroot ping > /dev/null 2>&1; then
        echo "$name: up on 127.0.0.1:$(cat "$d/port")"
      else
        echo "$name: down"
      fi
    done
    ;;
  selftest)
    bash "$here/selftest.sh" "$root"
    ;;
  serve)
    name=${3:?usage: testbed.sh serve DIR NAME CA CERT KEY [SQL]}
    ca=${4:?CA file}; cert=${5:?certificate file}; key=${6:?key file}; sql=${7:-}
    [[ $name =~ ^[a-z0-9]{1,16}$ ]] || { echo "testbed: server name must be [a-z0-9]{1,16}" >&2; exit 2; }
    for n in "${SERVERS[@]}"; do [ "$n" != "$name" ] || { echo "testbed: '$name' is one of the bed's own servers" >&2; exit 2; }; done
    [ -f "$root/testbed.env" ] || { echo "testbed: no bed running in $root" >&2; exit 2; }
    stop_servers "$name"
    start_server "$name" "--ssl-ca=$ca --ssl-cert=$cert --ssl-key=$key --tls-version=TLSv1.3 --require-secure-transport=ON"
    wait_server "$name" || { stop_servers "$name"; exit 1; }
    if [ -n "$sql" ]; then
      mariadb --no-defaults --socket="$sock_dir/$name.sock" -uroot < "$sql" || { stop_servers "$name"; exit 1; }
    fi
    cat "$servers_dir/$name/port"
    ;;
  stop)
    name=${3:?usage: testbed.sh stop DIR NAME}
    stop_servers "$name"
    rm -rf "${servers_dir:?}/$name"
    ;;
  sql)
    # sql DIR NAME STATEMENTS: run as root on a server started by serve (tab-separated output)
    name=${3:?usage: testbed.sh sql DIR NAME STATEMENTS}; statements=${4:?statements}
    for n in "${SERVERS[@]}"; do [ "$n" != "$name" ] || { echo "testbed: '$name' is shared by the other tests; sql on a server started by serve" >&2; exit 2; }; done
    mariadb --no-defaults --socket="$sock_dir/$name.sock" -uroot -N -B -e "$statements"
    ;;
  crash|freeze|thaw|restart)
    name=${3:?usage: testbed.sh $cmd DIR NAME}
    for n in "${SERVERS[@]}"; do [ "$n" != "$name" ] || { echo "testbed: '$name' is shared by the other tests; $cmd a server started by serve" >&2; exit 2; }; done
    d="$servers_dir/$name"
    [ -f "$d/tls_args" ] || { echo "testbed: no server '$name' in $root" >&2; exit 2; }
    pid=$(cat "$d/launcher.pid")
    case $cmd in
      crash) kill -KILL "$pid" 2> /dev/null || true
             for _ in $(seq 1 100); do kill -0 "$pid" 2> /dev/null || break; sleep 0.05; done ;;
      # kill returns once SIGSTOP is queued, not once every thread has stopped: a test that
      # freezes and at once expects silence must not race a thread still answering.
      freeze) kill -STOP "$pid"
              for _ in $(seq 1 500); do all_threads_stopped "$pid" && break; sleep 0.01; done ;;
      thaw) kill -CONT "$pid" ;;
      restart)
        kill -KILL "$pid" 2> /dev/null || true; kill -CONT "$pid" 2> /dev/null || true
        for _ in $(seq 1 100); do kill -0 "$pid" 2> /dev/null || break; sleep 0.05; done
        launch_server "$name" "$(cat "$d/port")"
        wait_server "$name" || exit 1 ;;
    esac
    ;;
  *)
    echo "usage: testbed.sh up|down|selftest|status|serve|stop|sql|crash|freeze|thaw|restart DIR ..." >&2; exit 2 ;;
esac
