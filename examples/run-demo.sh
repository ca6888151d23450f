#!/usr/bin/env bash
# run-demo.sh BED_DIR BUILD_DIR [c|cpp|python|encryption-cpp|encryption-python|
# login-c|login-cpp|login-python|pool-python] — an end-to-end
# example on a running test bed: writes a JSON profile for the bed (password_file → bed
# secrets, ssl_* → bed PKI, hashing with the bed's pepper file, encryption with two fresh keys
# from `verrou keys new`) into a fresh folder of BED_DIR, then runs one example (default:
# the C one, which loads BUILD_DIR's libverrou.so by path and resolves its functions by name,
# as WinDev does). Each example exits non-zero unless every step, verdicts included, is right;
# CTest runs all of them (examples: ...). VERROU_RUN_WRAPPER, when set, is a command prefix for
# the example's process (tests/memcheck runs the C one under valgrind that way, with a longer
# VERROU_DEMO_CONNECT_TIMEOUT: a TLS handshake under valgrind takes seconds).
# The login-* examples also get a `login` section with
# tables of their own: the users table (made here as the bed's root, with the user "amelie"
# hashed by `verrou hash`) and the guard table (made by `verrou login init`, as a DBA would).
set -euo pipefail
bed=${1:?usage: run-demo.sh BED_DIR BUILD_DIR}
build=${2:?usage: run-demo.sh BED_DIR BUILD_DIR}
example=${3:-c}
bed=$(cd "$bed" && pwd)
build=$(cd "$build" && pwd)
# shellcheck disable=SC1091
. "$bed/testbed.env"

read -ra wrap <<< "${VERROU_RUN_WRAPPER:-}"
lib="$build/capi/libverrou.so"
[ -e "$lib" ] || { echo "run-demo: $lib not built" >&2; exit 1; }
umask 077
work=$(mktemp -d "$bed/demo.XXXXXX")
trap 'rm -rf "$work"' EXIT
profile="$work/verrou-demo.json"
"$build/tools/verrou/verrou" keys new --out "$work/field_k1.key" > /dev/null
"$build/tools/verrou/verrou" keys new --out "$work/index_k1.key" > /dev/null
cat > "$profile" <<JSON
{
  "default_environment": "dev",
  "environments": {
    "dev": {
      "host": "127.0.0.1",
      "port": ${PORT_STRICT},
      "user": "app_user",
      "database": "appdb",
      "password_file": "$bed/secrets/app_user_password",
      "ssl_ca": "$bed/pki/dev/ca.crt",
      "ssl_cert": "$bed/pki/dev/app_user.crt",
      "ssl_key": "$bed/pki/dev/app_user.key",
      "ssl_crl": "$bed/pki/dev/crl.pem",
      "ssl_mode": "VERIFY_IDENTITY",
      "tls_version": "TLSv1.3",
      "connect_timeout": ${VERROU_DEMO_CONNECT_TIMEOUT:-10},
      "hashing": {
        "algorithm": "argon2id",
        "current_pepper": "k1",
        "peppers": { "k1": { "file": "$bed/secrets/pepper_k1" } }
      },
      "encryption": {
        "current_key": "k1",
        "keys": { "k1": { "file": "$work/field_k1.key" } },
        "current_index_key": "idx1",
        "index_keys": { "idx1": { "file": "$work/index_k1.key" } }
      },
      "login": {
        "users_table": "demo_users_$$",
        "guard_table": "demo_guard_$$",
        "max_failures_per_account": 3,
        "backoff_initial_seconds": 30,
        "backoff_max_seconds": 30
      }
    }
  }
}
JSON
root_sql() { mariadb --no-defaults --socket="$SOCKET_STRICT" -uroot appdb -e "$1"; }
case $example in
  login-*)
    trap 'root_sql "DROP TABLE IF EXISTS demo_users_$$, demo_guard_$$" || true; rm -rf "$work"' EXIT
    root_sql "CREATE TABLE demo_users_$$ (login VARCHAR(100) PRIMARY KEY, password_hash VARCHAR(255) NULL)"
    hash=$(printf 'motdepasse-demo\n' | "$build/tools/verrou/verrou" hash --profile "$profile" --password-stdin)
    root_sql "INSERT INTO demo_users_$$ VALUES ('amelie', '$hash')"
    "$build/tools/verrou/verrou" login init --profile "$profile" ;;
esac
case $example in
  c)
    echo "=== verrou C ABI demo: $build/examples/demo_c (profile $profile) ==="
    "${wrap[@]}" "$build/examples/demo_c" "$lib" "$profile" dev ;;
  cpp)
    echo "=== verrou C++ demo (static core): $build/examples/demo_cpp ==="
    "${wrap[@]}" "$build/examples/demo_cpp" "$profile" dev ;;
  python)
    echo "=== verrou Python demo (ctypes): examples/python/demo.py ==="
    "${wrap[@]}" python3 "$(dirname "${BASH_SOURCE[0]}")/python/demo.py" "$lib" "$profile" dev ;;
  encryption-cpp)
    echo "=== verrou field encryption, C++: $build/examples/encrypted_column_cpp ==="
    "$build/examples/encrypted_column_cpp" "$profile" dev ;;
  encryption-python)
    echo "=== verrou field encryption, Python: examples/python/encrypted_column.py ==="
    python3 "$(dirname "${BASH_SOURCE[0]}")/python/encrypted_column.py" "$lib" "$profile" dev ;;
  login-c)
    echo "=== verrou login screen, C ABI: $build/examples/demo_login_c ==="
    "$build/examples/demo_login_c" "$lib" "$profile" dev ;;
  login-cpp)
    echo "=== verrou login screen, C++: $build/examples/demo_login_cpp ==="
    "$build/examples/demo_login_cpp" "$profile" dev ;;
  login-python)
    echo "=== verrou login screen, Python: examples/python/login.py ==="
    python3 "$(dirname "${BASH_SOURCE[0]}")/python/login.py" "$lib" "$profile" dev ;;
  pool-python)
    echo "=== verrou connection pool, Python: examples/python/pool.py ==="
    python3 "$(dirname "${BASH_SOURCE[0]}")/python/pool.py" "$lib" "$profile" dev ;;
  *)
    echo "run-demo: unknown example '$example' (c, cpp, python, encryption-cpp, encryption-python, login-c, login-cpp, login-python, pool-python)" >&2; exit 2 ;;
esac
