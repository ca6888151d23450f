#!/usr/bin/env python3
"""verrou soak: N threads mix connect / query / hash / verify / doctor / profile reload /
certificate check through the C ABI (bindings/python/verrou.py, as WinDev calls it) against
two servers of a running test bed, while a chaos loop freezes (SIGSTOP) one server, kills
(SIGKILL) and restarts the other (new port: the profile file is rewritten, the workers'
reloads pick it up) and rotates the client certificate files in place.

At the end it judges (exit 1 on any failure, figures in OUT/summary.json):
  * no crash: the process is alive and every worker finished its last call;
  * every failure is classified: a code of the documented table (docs/errors.md), never
    INTERNAL/UNKNOWN, and one that the operation and the chaos can explain;
  * no secret (bed passwords, pepper, private key lines) in any output or message;
  * no leak growth: RSS, open descriptors and the handle table's high-water mark (largest
    slot index the library hands out) sampled every few seconds; the last quarter of the run
    may not exceed the first quarter after warm-up by more than the stated margins.

Usage: soak.py --bed BED_DIR --library LIBVERROU --out OUT_DIR [--duration S] [--threads N]
Run by scripts/soak (which builds, starts and stops the bed); not part of CI.
"""
import argparse
import collections
import json
import os
import random
import signal
import subprocess
import sys
import threading
import time

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, os.path.join(REPO, "bindings", "python"))
import verrou  # noqa: E402

TESTBED = os.path.join(REPO, "tests", "testbed", "testbed.sh")

# What chaos may legitimately cause, per operation family (anything else is a failure).
CHAOS_CODES = {
    # server frozen, killed, restarting, or the client files half-rotated
    "NETWORK_REFUSED", "NETWORK_TIMEOUT", "NETWORK_LOST", "NETWORK_UNREACHABLE", "SERVER_GONE", "OUTCOME_UNKNOWN",
    "SERVER_ERROR", "TLS_HANDSHAKE", "CERT_KEY_MISMATCH", "CERT_PARSE", "CERT_FILE_MISSING",
    "CERT_UNREADABLE", "CERT_REJECTED_BY_SERVER", "AUTH_DENIED", "QUERY_ERROR",
    # a connection closed under another thread's feet by the worker's own recovery
    "INVALID_HANDLE",
}
ALLOWED = {
    "connect": CHAOS_CODES,
    "query": CHAOS_CODES,
    "transaction": CHAOS_CODES | {"TRANSACTION_STATE"},
    "reload": {"CONFIG_UNREADABLE"},  # never expected: the profile is replaced atomically
    "hash": set(),
    "verify": set(),
    "doctor": CHAOS_CODES,
    "cert_check": {"CERT_KEY_MISMATCH", "CERT_PARSE", "CERT_FILE_MISSING", "CERT_UNREADABLE"},
    # one pool on the frozen server shared by every worker: a freeze longer than the acquire
    # timeout leaves every connection busy or unopenable for a while
    "pool": CHAOS_CODES | {"POOL_TIMEOUT"},
}


def now():
    return time.monotonic()


def read(path):
    with open(path) as f:
        return f.read()


def rss_kib():
    for line in read("/proc/self/status").splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    return 0


def fd_count():
    return len(os.listdir("/proc/self/fd"))


def atomic_write(path, data, mode=0o600):
    tmp = path + ".tmp%d" % threading.get_ident()
    with open(tmp, "wb") as f:
        f.write(data if isinstance(data, bytes) else data.encode())
    os.chmod(tmp, mode)
    os.replace(tmp, path)


class Soak:
    def __init__(self, args):
        self.args = args
        self.bed = os.path.abspath(args.bed)
        self.out = os.path.abspath(args.out)
        os.makedirs(self.out, exist_ok=True)
        self.work = os.path.join(self.out, "work")
        os.makedirs(self.work, exist_ok=True)
        self.env = dict(line.split("=", 1) for line in read(os.path.join(self.bed, "testbed.env")).split() if "=" in line)
        self.v = verrou.Verrou(args.library)
        self.raw = self.v._raw if hasattr(self.v, "_raw") else None
        self.lock = threading.Lock()
        self.counts = collections.Counter()       # (op, outcome) -> n
        self.failures = []                        # judged failures (kept short)
        self.samples = []                         # (t, rss KiB, fds, handle high-water)
        self.chaos_log = collections.Counter()
        self.examples = {}                        # "op CODE" -> first message seen (reviewed in the summary)
        self.stop = threading.Event()
        self.deadline = now() + args.duration
        self.ports = {}
        self.profile = os.path.join(self.work, "soak.json")
        self.secrets = self.load_secrets()
        self.calls_in_flight = {}
        self.pool = None                          # verrou_pool_open on the frozen server, shared

    # ---- secrets: nothing of them may appear anywhere ------------------------------------
    def load_secrets(self):
        out = []
        sec = os.path.join(self.bed, "secrets")
        for name in os.listdir(sec):
            s = read(os.path.join(sec, name)).strip()
            if len(s) >= 8:
                out.append(s)
        for key in ("dev/app_user.key",):
            for line in read(os.path.join(self.bed, "pki", key)).splitlines():
                if line and not line.startswith("-----") and len(line) >= 16:
                    out.append(line)
        return out

    def check_secret_free(self, where, text):
        for s in self.secrets:
            if s in text:
                self.fail("secret", "a secret appeared in %s" % where)
                return

    # ---- bookkeeping --------------------------------------------------------------------
    def record(self, op, outcome):
        with self.lock:
            self.counts[(op, outcome)] += 1

    def fail(self, op, message):
        with self.lock:
            self.counts[(op, "FAILED")] += 1
            if len(self.failures) < 50:
                self.failures.append("%s: %s" % (op, message))

    def classify(self, op, e):
        """An error from the library: documented, not internal, explainable."""
        self.check_secret_free(op + " error", e.message)
        name = e.name
        if name not in verrou.ERROR_CODES or name in ("INTERNAL", "OUT_OF_MEMORY", "UNKNOWN"):
            self.fail(op, "unclassified error %s (%d): %s" % (name, e.code, e.message))
        elif name not in ALLOWED[op]:
            self.fail(op, "unexpected error %s: %s" % (name, e.message))
        else:
            self.record(op, name)
            with self.lock:
                self.examples.setdefault("%s %s" % (op, name), e.message[:300])

    # ---- servers and files ----------------------------------------------------------------
    def serve(self, name):
        pki = os.path.join(self.bed, "pki", "dev")
        r = subprocess.run(["bash", TESTBED, "serve", self.bed, name, pki + "/ca.crt", pki + "/server.crt",
                            pki + "/server.key"], capture_output=True, text=True, timeout=300)
        if r.returncode != 0:
            raise RuntimeError("testbed serve %s failed: %s" % (name, r.stderr[-2000:]))
        self.ports[name] = int(r.stdout.strip().splitlines()[-1])

    def server_pid(self, name):
        try:
            return int(read(os.path.join(self.bed, "servers", name, "mysqld.pid")).strip())
        except (OSError, ValueError):
            return None

    def issue_alt_client_cert(self):
        """A second valid client certificate (same subject, dev CA) for the rotations."""
        pki = os.path.join(self.bed, "pki", "dev")
        d = os.path.join(self.work, "alt")
        os.makedirs(d, exist_ok=True)
        subprocess.run(["openssl", "req", "-new", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
                        "-keyout", d + "/app_user.key", "-out", d + "/app_user.csr", "-subj", "/CN=app_user-dev"],
                       check=True, capture_output=True)
        subprocess.run(["openssl", "x509", "-req", "-in", d + "/app_user.csr", "-CA", pki + "/ca.crt", "-CAkey",
                        pki + "/ca.key", "-CAcreateserial", "-CAserial", d + "/serial", "-days", "30",
                        "-out", d + "/app_user.crt"], check=True, capture_output=True)
        for line in read(d + "/app_user.key").splitlines():
            if line and not line.startswith("-----") and len(line) >= 16:
                self.secrets.append(line)
        self.pairs = [(read(pki + "/app_user.crt"), read(pki + "/app_user.key")),
                      (read(d + "/app_user.crt"), read(d + "/app_user.key"))]
        self.client_crt = os.path.join(self.work, "client.crt")
        self.client_key = os.path.join(self.work, "client.key")
        atomic_write(self.client_crt, self.pairs[0][0], 0o644)
        atomic_write(self.client_key, self.pairs[0][1])

    def write_profile(self):
        pki = os.path.join(self.bed, "pki", "dev")
        common = {"host": "127.0.0.1", "user": "app_user", "database": "appdb",
                  "password_file": os.path.join(self.bed, "secrets", "app_user_password"),
                  "ssl_ca": pki + "/ca.crt", "ssl_cert": self.client_crt, "ssl_key": self.client_key,
                  "connect_timeout": 3, "read_timeout": 5,
                  "expected_cert_cn": "app_user-dev",
                  "hashing": {"algorithm": "argon2id", "argon2_memory_kib": 19456, "argon2_iterations": 2,
                              "current_pepper": "k1",
                              "peppers": {"k1": {"file": os.path.join(self.bed, "secrets", "pepper_k1")}}}}
        doc = {"default_environment": "frozen", "defaults": common,
               "environments": {"frozen": {"port": self.ports["soakfrozen"]},
                                "killed": {"port": self.ports["soakkilled"]}}}
        atomic_write(self.profile, json.dumps(doc, indent=1))

    # ---- the workers -------------------------------------------------------------------------
    def worker(self, i):
        v = self.v
        rnd = random.Random(i)
        env = "frozen" if i % 2 == 0 else "killed"
        profile = hasher = conn = None
        stored = None
        ops = ["query"] * 6 + ["connect"] * 2 + ["transaction"] + ["hash"] + ["verify"] * 2 + ["reload"] * 2 + \
              ["doctor"] + ["cert_check"] + ["pool"] * 3

        def reload():
            nonlocal profile
            if profile is not None:
                v.profile_close(profile)
                profile = None
            profile = v.profile_open(self.profile, env)
            self.check_secret_free("profile_describe", json.dumps(v.profile_describe(profile)))

        def drop():
            nonlocal conn
            if conn is not None:
                try:
                    v.disconnect(conn)
                except verrou.VerrouError as e:
                    self.classify("connect", e)
                conn = None

        while not self.stop.is_set() and now() < self.deadline:
            op = rnd.choice(ops)
            self.calls_in_flight[i] = op
            try:
                if profile is None:
                    reload()
                if hasher is None:
                    hasher = v.hasher_open(self.profile, env)
                    stored = v.hash(hasher, "soak password %d é" % i)
                if op == "reload":
                    reload()
                    self.record(op, "ok")
                elif op == "connect":
                    drop()
                    conn = v.connect(profile)
                    self.check_secret_free("connection_info", json.dumps(v.connection_info(conn)))
                    self.record(op, "ok")
                elif op in ("query", "transaction"):
                    if conn is None:
                        conn = v.connect(profile)
                    if op == "query":
                        r = v.query(conn, "SELECT ? AS n, name FROM customers WHERE id = ?", [i, 1 + rnd.randrange(3)])
                        if r["rows"][0][0] != i:
                            self.fail(op, "wrong row: %r" % (r["rows"],))
                        self.check_secret_free("query result", json.dumps(r))
                    else:
                        v.begin(conn)
                        v.query(conn, "SELECT COUNT(*) FROM customers")
                        v.rollback(conn)
                    self.record(op, "ok")
                elif op == "pool":
                    c = v.pool_acquire(self.pool, 4000)
                    try:
                        r = v.query(c, "SELECT ? AS n, name FROM customers WHERE id = ?", [i, 1 + rnd.randrange(3)])
                        if r["rows"][0][0] != i:
                            self.fail(op, "wrong row: %r" % (r["rows"],))
                        if rnd.random() < 0.3:  # leave session state behind: the release must reset it
                            v.execute(c, "SET @soak_worker = ?", [i])
                        elif v.query(c, "SELECT @soak_worker")["rows"] != [[None]]:
                            self.fail(op, "a borrowed connection kept another borrower's session variable")
                    finally:
                        v.pool_release(c)
                    self.record(op, "ok")
                elif op == "hash":
                    s = v.hash(hasher, "pw %d %d" % (i, rnd.randrange(1000)))
                    if not s.startswith("$argon2id$"):
                        self.fail(op, "unexpected hash format")
                    self.check_secret_free("hash", s)
                    self.record(op, "ok")
                elif op == "verify":
                    good = v.verify(hasher, "soak password %d é" % i, stored)
                    bad = v.verify(hasher, "wrong password", stored)
                    if good not in (verrou.MATCH, verrou.MATCH_REHASH) or bad != verrou.MISMATCH:
                        self.fail(op, "wrong verdicts %r %r" % (good, bad))
                    self.record(op, "ok")
                elif op == "doctor":
                    report = json.dumps(v.doctor(self.profile, env))
                    self.check_secret_free("doctor report", report)
                    self.record(op, "ran")
                elif op == "cert_check":
                    report = json.dumps(v.cert_check(profile))
                    self.check_secret_free("cert_check report", report)
                    self.record(op, "ran")
            except verrou.VerrouError as e:
                self.classify(op, e)
                if op in ("connect", "query", "transaction"):
                    drop()
            except Exception as e:  # noqa: BLE001 - a binding-level surprise is a failure
                self.fail(op, "%s: %r" % (type(e).__name__, e))
            self.calls_in_flight[i] = None
        drop()
        for close, h in ((v.hasher_close, hasher), (v.profile_close, profile)):
            if h is not None:
                close(h)

    # ---- chaos ------------------------------------------------------------------------------
    def chaos(self):
        rnd = random.Random(1234)
        pair = 0
        while not self.stop.wait(rnd.uniform(3, 8)):
            if now() >= self.deadline:
                break
            action = rnd.choice(["freeze", "kill", "rotate", "rotate_torn"])
            try:
                if action == "freeze":
                    pid = self.server_pid("soakfrozen")
                    if pid:
                        os.kill(pid, signal.SIGSTOP)
                        time.sleep(rnd.uniform(1, 6))  # longer than connect_timeout sometimes
                        os.kill(pid, signal.SIGCONT)
                elif action == "kill":
                    pid = self.server_pid("soakkilled")
                    if pid:
                        os.kill(pid, signal.SIGKILL)
                    time.sleep(rnd.uniform(0.5, 3))
                    self.serve("soakkilled")  # new port
                    self.write_profile()
                elif action == "rotate":
                    pair ^= 1
                    crt, key = self.pairs[pair]
                    atomic_write(self.client_key, key)
                    atomic_write(self.client_crt, crt, 0o644)
                else:  # a careless rotation: key replaced, certificate a moment later
                    pair ^= 1
                    crt, key = self.pairs[pair]
                    atomic_write(self.client_key, key)
                    time.sleep(rnd.uniform(0.2, 1.5))
                    atomic_write(self.client_crt, crt, 0o644)
                with self.lock:
                    self.chaos_log[action] += 1
            except Exception as e:  # noqa: BLE001
                self.fail("chaos", "%s failed: %r" % (action, e))

    # ---- sampling ---------------------------------------------------------------------------
    def handle_high_water(self):
        """Slot index of a fresh handle: slots are reused before the table grows, so the
        largest index ever handed out is the table's size."""
        h = self.v.profile_open(self.profile, "frozen")
        self.v.profile_close(h)
        return h & 0xFFFF

    def sampler(self, start):
        high = 0
        while True:
            try:
                high = max(high, self.handle_high_water())
            except verrou.VerrouError as e:
                self.classify("reload", e)
            self.samples.append((round(now() - start, 1), rss_kib(), fd_count(), high))
            if self.stop.wait(5) or now() >= self.deadline + 1:
                break

    def run(self):
        self.serve("soakfrozen")
        self.serve("soakkilled")
        self.issue_alt_client_cert()
        self.write_profile()
        p = self.v.profile_open(self.profile, "frozen")
        self.pool = self.v.pool_open(p, 4)
        self.v.profile_close(p)
        start = now()
        self.deadline = start + self.args.duration  # the setup (servers, certificate) is not counted
        threads = [threading.Thread(target=self.worker, args=(i,), name="worker-%d" % i)
                   for i in range(self.args.threads)]
        chaos = threading.Thread(target=self.chaos, name="chaos")
        sampler = threading.Thread(target=self.sampler, args=(start,), name="sampler")
        for t in threads + [chaos, sampler]:
            t.start()
        progress_at = now() + 60
        while any(t.is_alive() for t in threads):
            time.sleep(1)
            if now() >= progress_at:
                progress_at += 60
                with self.lock:
                    ok = sum(n for (op, o), n in self.counts.items() if o in ("ok", "ran"))
                    errs = sum(n for (op, o), n in self.counts.items() if o not in ("ok", "ran"))
                s = self.samples[-1] if self.samples else (0, 0, 0, 0)
                print("soak: %5.0f s  %d calls ok, %d classified errors, %d failures, RSS %d KiB, fds %d, "
                      "handle high-water %d" % (now() - start, ok, errs, len(self.failures), s[1], s[2], s[3]),
                      flush=True)
        self.stop.set()
        for t in threads + [chaos, sampler]:
            t.join(120)
            if t.is_alive():
                self.fail("hang", "%s did not finish (last call: %s)" % (t.name, self.calls_in_flight))
        self.pool_stats = self.v.pool_stats(self.pool)
        self.check_secret_free("pool stats", json.dumps(self.pool_stats))
        if self.pool_stats["in_use"] != 0:
            self.fail("pool", "connections still borrowed after every worker stopped: %r" % self.pool_stats)
        self.v.pool_close(self.pool)
        return self.judge(now() - start)

    def judge(self, elapsed):
        s = self.samples
        growth = {}
        if len(s) >= 8:
            q = max(2, len(s) // 4)
            warm = s[1:1 + q]  # skip the very first sample (warm-up)
            last = s[-q:]
            first_rss, last_rss = max(x[1] for x in warm), max(x[1] for x in last)
            first_fd, last_fd = max(x[2] for x in warm), max(x[2] for x in last)
            first_h, last_h = max(x[3] for x in warm), max(x[3] for x in last)
            growth = {"rss_kib_first_quarter": first_rss, "rss_kib_last_quarter": last_rss,
                      "fds_first_quarter": first_fd, "fds_last_quarter": last_fd,
                      "handle_high_water_first_quarter": first_h, "handle_high_water_last_quarter": last_h}
            # Margins: allocator noise and OpenSSL/libmariadb caches, not a per-call leak
            # (one leaked connection per second would add hundreds of MiB over a run).
            if last_rss > first_rss * 1.10 + 16 * 1024:
                self.fail("leak", "RSS grew from %d to %d KiB" % (first_rss, last_rss))
            if last_fd > first_fd + 8:
                self.fail("leak", "open descriptors grew from %d to %d" % (first_fd, last_fd))
            if last_h > max(first_h, 4 * self.args.threads) + 8:
                self.fail("leak", "handle table grew from %d to %d slots" % (first_h, last_h))
        else:
            self.fail("soak", "too short to judge leak growth (%d samples; run >= 60 s)" % len(s))
        by_op = collections.defaultdict(dict)
        for (op, outcome), n in sorted(self.counts.items()):
            by_op[op][outcome] = n
        summary = {"duration_s": round(elapsed, 1), "threads": self.args.threads, "operations": by_op,
                   "total_calls": sum(self.counts.values()), "chaos": dict(self.chaos_log),
                   "growth": growth, "pool": getattr(self, "pool_stats", None), "failures": self.failures,
                   "error_examples": self.examples, "samples": s}
        text = json.dumps(summary, indent=1, ensure_ascii=False)
        self.check_secret_free("summary", text)
        with open(os.path.join(self.out, "summary.json"), "w") as f:
            f.write(text)
        print(json.dumps({k: summary[k] for k in ("duration_s", "threads", "total_calls", "operations", "chaos", "growth",
                                                  "pool", "error_examples")},
                         indent=1, ensure_ascii=False))
        if self.failures:
            print("soak: FAILED (%d):" % len(self.failures))
            for f in self.failures:
                print("  " + f)
            return 1
        print("soak: OK — no crash, no unclassified failure, no secret in any output, no leak growth")
        return 0

    def cleanup(self):
        for name in ("soakfrozen", "soakkilled"):
            pid = self.server_pid(name)
            if pid:
                try:
                    os.kill(pid, signal.SIGCONT)
                except OSError:
                    pass
            subprocess.run(["bash", TESTBED, "stop", self.bed, name], capture_output=True, timeout=120)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--bed", required=True)
    ap.add_argument("--library", required=True)
    ap.add_argument("--out", required=True)
    ap.add_argument("--duration", type=float, default=1800)
    ap.add_argument("--threads", type=int, default=8)
    args = ap.parse_args()
    soak = Soak(args)
    try:
        return soak.run()
    finally:
        soak.cleanup()


if __name__ == "__main__":
    sys.exit(main())
