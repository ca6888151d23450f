#!/usr/bin/env python3
"""bench_rewrap_table — `verrou field rewrap-table` rows per second on a running test bed.

    python3 bench/bench_rewrap_table.py BED_DIR BUILD_DIR [ROWS]   (bench/run-rewrap-table.sh starts the bed)

Fills a table with ROWS values encrypted under key kA (through the C ABI), then times the CLI
moving them all to kB, for several batch sizes (the table is refilled under kA before each
run). Prints a markdown table of rows/s (median of 3 runs per batch size).
"""
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(REPO, "bindings", "python"))
import verrou  # noqa: E402


def main(argv):
    bed, build = os.path.abspath(argv[1]), os.path.abspath(argv[2])
    rows = int(argv[3]) if len(argv) > 3 else 10000
    cli = os.path.join(build, "tools", "verrou", "verrou")
    v = verrou.Verrou(os.path.join(build, "capi", "libverrou.so"))
    env = dict(line.rstrip("\n").split("=", 1) for line in open(os.path.join(bed, "testbed.env")) if "=" in line)
    tmp = tempfile.mkdtemp(prefix="verrou-bench-rewrap-")
    keys = {}
    for k in ("kA", "kB"):
        keys[k] = os.path.join(tmp, k + ".key")
        subprocess.run([cli, "keys", "new", "--out", keys[k]], check=True, capture_output=True)

    def profile(name, current):
        pki = os.path.join(bed, "pki", "dev")
        dev = {"host": "127.0.0.1", "port": int(env["PORT_STRICT"]), "user": "app_user", "database": "appdb",
               "password_file": os.path.join(bed, "secrets", "app_user_password"),
               "ssl_ca": os.path.join(pki, "ca.crt"), "ssl_cert": os.path.join(pki, "app_user.crt"),
               "ssl_key": os.path.join(pki, "app_user.key"), "ssl_crl": os.path.join(pki, "crl.pem"),
               "encryption": {"current_key": current, "keys": {k: {"file": p} for k, p in keys.items()}}}
        path = os.path.join(tmp, name)
        with open(path, "w") as f:
            json.dump({"default_environment": "dev", "environments": {"dev": dev}}, f)
        return path

    pa, pb = profile("a.json", "kA"), profile("b.json", "kB")
    prof = v.profile_open(pa, "dev")
    cnx = v.connect(prof)
    enc = v.encryptor_open(pa, "dev")
    values = [v.encrypt(enc, "FR76 3000 6000 %010d" % i, "bench_rewrap.secret#%d" % i) for i in range(1, rows + 1)]

    def refill():
        v.execute(cnx, "DROP TABLE IF EXISTS bench_rewrap")
        v.execute(cnx, "CREATE TABLE bench_rewrap (id INT PRIMARY KEY, secret TEXT) ENGINE=InnoDB")
        for start in range(0, rows, 500):
            chunk = values[start:start + 500]
            params = []
            for i, value in enumerate(chunk, start + 1):
                params += [i, value]
            v.execute(cnx, "INSERT INTO bench_rewrap VALUES " + ",".join(["(?, ?)"] * len(chunk)), params)

    print("| batch size | rows | median s | rows/s |\n|---:|---:|---:|---:|")
    for batch in (100, 500, 2000):
        times = []
        for _ in range(3):
            refill()
            t0 = time.monotonic()
            p = subprocess.run([cli, "field", "rewrap-table", "--profile", pb, "--table", "bench_rewrap",
                                "--column", "secret", "--id-column", "id", "--context-template",
                                "bench_rewrap.secret#{id}", "--batch-size", str(batch), "--json"],
                               capture_output=True, text=True)
            times.append(time.monotonic() - t0)
            summary = json.loads(p.stdout)
            assert p.returncode == 0 and summary["rewrapped"] == rows, p.stdout + p.stderr
        m = statistics.median(times)
        print("| %d | %d | %.2f | %.0f |" % (batch, rows, m, rows / m))
    v.execute(cnx, "DROP TABLE bench_rewrap")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
