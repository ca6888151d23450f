#!/usr/bin/env bash
# run-demo.sh BED_DIR BUILD_DIR — the end-to-end demo on a running test bed:
# writes a JSON profile for the bed (password_file → bed secrets, ssl_* → bed PKI, hashing
# with the bed's pepper file) into BED_DIR, then runs the C example, which loads
# BUILD_DIR's libverrou.so by path and resolves its functions by name, as WinDev does.
set -euo pipefail
bed=${1:?usage: run-demo.sh BED_DIR BUILD_DIR}
build=${2:?usage: run-demo.sh BED_DIR BUILD_DIR}
bed=$(cd "$bed" && pwd)
build=$(cd "$build" && pwd)
# shellcheck disable=SC1091
. "$bed/testbed.env"

lib="$build/capi/libverrou.so"
[ -e "$lib" ] || { echo "run-demo: $lib not built" >&2; exit 1; }
profile="$bed/verrou-demo.json"
umask 077
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
      "hashing": {
        "algorithm": "argon2id",
        "current_pepper": "k1",
        "peppers": { "k1": { "file": "$bed/secrets/pepper_k1" } }
      }
    }
  }
}
JSON
echo "=== verrou C ABI demo: $build/examples/demo_c (profile $profile) ==="
"$build/examples/demo_c" "$lib" "$profile" dev
