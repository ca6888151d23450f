"""verrou_pool_open / acquire / release / stats / close against the test bed, through the
binding like WinDev's API(): reuse and reset, exhaustion, misuse of handles, close with
connections in use, a killed and restarted server (on a private server: the bed's shared ones
are never touched), and 8 threads sharing one pool (label "threads": the TSan build runs it)."""
import os
import subprocess
import threading
import time
import unittest

from verrou_test_support import LibTestCase, bed_dir, bed_profile, verrou

E = verrou.ERROR_CODES
TESTBED_SH = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "testbed", "testbed.sh")


class PrivateServer:
    """A strict mariadbd of its own (testbed.sh serve): the test may kill and restart it."""

    def __init__(self, name: str):
        bed = bed_dir()
        self.name = name
        pki = os.path.join(bed, "pki", "dev")
        out = self.run("serve", os.path.join(pki, "ca.crt"), os.path.join(pki, "server.crt"),
                       os.path.join(pki, "server.key"))
        self.port = int(out.strip().splitlines()[-1])

    def run(self, op: str, *args: str) -> str:
        # The sanitizer builds preload their runtime into python (tests/python/CMakeLists.txt):
        # mariadbd must not inherit it (under TSan it cannot map its buffer pool).
        env = {k: v for k, v in os.environ.items() if k not in ("LD_PRELOAD", "TSAN_OPTIONS", "ASAN_OPTIONS")}
        r = subprocess.run(["bash", TESTBED_SH, op, bed_dir(), self.name, *args], env=env,
                           stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, timeout=300)
        if r.returncode != 0:
            raise RuntimeError("testbed.sh %s %s failed (exit %d):\n%s" % (op, self.name, r.returncode, r.stdout[-3000:]))
        return r.stdout

    def stop(self):
        self.run("stop")


class PoolCase(LibTestCase):
    def open_pool(self, max_size=0, **pool_keys):
        path = bed_profile(self.tmp, extra={"pool": pool_keys} if pool_keys else None)
        p = self.v.profile_open(path)
        try:
            return self.v.pool_open(p, max_size)
        finally:
            self.v.profile_close(p)  # the pool keeps what it needs


class TestPool(PoolCase):
    def test_acquire_query_release_and_stats(self):
        pool = self.open_pool(max_size=3, min_idle=1)
        try:
            s = self.v.pool_stats(pool)
            self.assertEqual((s["size"], s["idle"], s["in_use"], s["created"]), (1, 1, 0, 1), s)
            self.assertIsNone(s["last_error"])
            c = self.v.pool_acquire(pool)
            r = self.v.query(c, "SELECT name FROM customers WHERE id = ?", [1])
            self.assertEqual(len(r["rows"]), 1)
            self.assertEqual(self.v.connection_info(c)["tls_version"], "TLSv1.3")
            s = self.v.pool_stats(pool)
            self.assertEqual((s["in_use"], s["idle"], s["acquired"]), (1, 0, 1), s)
            self.v.pool_release(c)
            self.assertVerrouError("INVALID_HANDLE", self.v.query, c, "SELECT 1")  # handle gone
            s = self.v.pool_stats(pool)
            self.assertEqual((s["in_use"], s["idle"], s["created"]), (0, 1, 1), s)
            # The same connection again: nothing new opened.
            with self.v.pooled(pool) as c2:
                self.v.query(c2, "SELECT 1")
            self.assertEqual(self.v.pool_stats(pool)["created"], 1)
        finally:
            self.v.pool_close(pool)

    def test_release_resets_the_session(self):
        pool = self.open_pool(max_size=1)
        table = "pool_reset_%d" % os.getpid()
        try:
            with self.v.pooled(pool) as c:
                self.v.execute(c, "CREATE TABLE IF NOT EXISTS `%s` (id INT PRIMARY KEY)" % table)
            with self.v.pooled(pool) as c:
                self.v.execute(c, "SET @verrou_pool_var = 42")
                self.v.execute(c, "CREATE TEMPORARY TABLE pool_tmp (x INT)")
                self.v.begin(c)
                self.v.execute(c, "INSERT INTO `%s` VALUES (1)" % table)
                first_id = self.v.query(c, "SELECT CONNECTION_ID()")["rows"][0][0]
            # Released inside a transaction: rolled back; variable and temporary table gone.
            with self.v.pooled(pool) as c:
                self.assertEqual(self.v.query(c, "SELECT CONNECTION_ID()")["rows"][0][0], first_id)  # same session
                self.assertEqual(self.v.query(c, "SELECT @verrou_pool_var")["rows"], [[None]])
                self.assertVerrouError("QUERY_ERROR", self.v.query, c, "SELECT * FROM pool_tmp")
                self.assertEqual(self.v.query(c, "SELECT COUNT(*) FROM `%s`" % table)["rows"], [[0]])
                self.assertFalse(self.v.connection_info(c)["in_transaction"])
        finally:
            with self.v.pooled(pool) as c:
                self.v.execute(c, "DROP TABLE IF EXISTS `%s`" % table)
            self.v.pool_close(pool)

    def test_exhaustion_is_a_pool_timeout_within_its_deadline(self):
        pool = self.open_pool(max_size=1, acquire_timeout_ms=300)
        try:
            held = self.v.pool_acquire(pool)
            t0 = time.monotonic()
            e = self.assertVerrouError("POOL_TIMEOUT", self.v.pool_acquire, pool)  # the profile's 300 ms
            waited = time.monotonic() - t0
            self.assertGreaterEqual(waited, 0.29)
            self.assertLess(waited, 5.0)  # bounded (generous: a loaded machine)
            self.assertIn("1 of 1 in use", e.message)
            self.assertVerrouError("POOL_TIMEOUT", self.v.pool_acquire, pool, 0)  # 0: do not wait
            s = self.v.pool_stats(pool)
            self.assertEqual((s["timeouts"], s["waits"]), (2, 2), s)
            # Released while another thread waits: that thread gets it.
            got = []
            waiter = threading.Thread(target=lambda: got.append(self.v.pool_acquire(pool, 10000)))
            waiter.start()
            deadline = time.monotonic() + 10
            while self.v.pool_stats(pool)["waiting"] == 0 and time.monotonic() < deadline:
                time.sleep(0.01)
            self.v.pool_release(held)
            waiter.join(20)
            self.assertEqual(len(got), 1)
            self.v.pool_release(got[0])
        finally:
            self.v.pool_close(pool)

    def test_handles_are_checked(self):
        p = self.v.profile_open(bed_profile(self.tmp))
        pool = self.v.pool_open(p, 2)
        c = self.v.connect(p)
        try:
            # A connection of verrou_connect is not given to a pool: refused, still usable.
            self.assertVerrouError("INVALID_HANDLE", self.v.pool_release, c)
            self.assertEqual(self.v.query(c, "SELECT 1")["rows"], [[1]])
            # Kinds are not interchangeable.
            self.assertVerrouError("INVALID_HANDLE", self.v.query, pool, "SELECT 1")
            self.assertVerrouError("INVALID_HANDLE", self.v.pool_acquire, p)
            self.assertVerrouError("INVALID_HANDLE", self.v.pool_stats, c)
            self.assertVerrouError("INVALID_HANDLE", self.v.pool_close, c)
            # Out-of-range arguments.
            self.assertVerrouError("INVALID_ARGUMENT", self.v.pool_open, p, -1)
            self.assertVerrouError("INVALID_ARGUMENT", self.v.pool_open, p, verrou.POOL_MAX_SIZE + 1)
            self.assertVerrouError("INVALID_ARGUMENT", self.v.pool_acquire, pool, -2)
            # verrou_disconnect on a pooled connection gives it back (never lost to the pool).
            pc = self.v.pool_acquire(pool)
            self.assertEqual(self.v.pool_stats(pool)["in_use"], 1)
            self.v.disconnect(pc)
            s = self.v.pool_stats(pool)
            self.assertEqual((s["in_use"], s["idle"]), (0, 1), s)
            self.assertVerrouError("INVALID_HANDLE", self.v.pool_release, pc)  # released once only
        finally:
            self.v.disconnect(c)
            self.v.pool_close(pool)
            self.v.profile_close(p)
        self.assertVerrouError("INVALID_HANDLE", self.v.pool_stats, pool)  # closed
        self.assertVerrouError("INVALID_HANDLE", self.v.pool_close, pool)

    def test_a_wrong_profile_is_said_at_open(self):
        p = self.v.profile_open(bed_profile(self.tmp, server="wrongname", extra={"pool": {"min_idle": 1}}))
        try:
            self.assertVerrouError("TLS_NAME_MISMATCH", self.v.pool_open, p, 0)
        finally:
            self.v.profile_close(p)

    def test_close_with_connections_in_use_and_a_waiter(self):
        pool = self.open_pool(max_size=1)
        c = self.v.pool_acquire(pool)
        results = []

        def wait():
            try:
                results.append(self.v.pool_acquire(pool, 20000))
            except verrou.VerrouError as e:
                results.append(e.name)

        waiter = threading.Thread(target=wait)
        waiter.start()
        deadline = time.monotonic() + 10
        while self.v.pool_stats(pool)["waiting"] == 0 and time.monotonic() < deadline:
            time.sleep(0.01)
        t0 = time.monotonic()
        self.v.pool_close(pool)
        waiter.join(20)
        self.assertEqual(results, ["POOL_CLOSED"])
        self.assertLess(time.monotonic() - t0, 10)  # woken by the close, not by its 20 s timeout
        # The borrowed connection stays usable until released; releasing it closes it.
        self.assertEqual(self.v.query(c, "SELECT 1")["rows"], [[1]])
        self.v.pool_release(c)
        self.assertVerrouError("INVALID_HANDLE", self.v.pool_acquire, pool)


class TestPoolServerRestart(PoolCase):
    def test_idle_connections_of_a_restarted_server_are_replaced_unseen(self):
        server = PrivateServer("capipool%d" % (os.getpid() % 10000))
        try:
            path = bed_profile(self.tmp, extra={"port": server.port, "pool": {"min_idle": 2, "idle_check_seconds": 0}})
            p = self.v.profile_open(path)
            pool = self.v.pool_open(p, 2)
            self.v.profile_close(p)
            try:
                self.assertEqual(self.v.pool_stats(pool)["idle"], 2)
                server.run("restart")
                for _ in range(2):  # both idle connections are dead: each acquire replaces one
                    a = self.v.pool_acquire(pool)
                    b = self.v.pool_acquire(pool)
                    self.assertEqual(self.v.query(a, "SELECT 1")["rows"], [[1]])
                    self.assertEqual(self.v.query(b, "SELECT 2")["rows"], [[2]])
                    self.v.pool_release(a)
                    self.v.pool_release(b)
                s = self.v.pool_stats(pool)
                self.assertEqual(s["replaced"], 2, s)
                self.assertEqual(s["timeouts"], 0, s)
            finally:
                self.v.pool_close(pool)
        finally:
            server.stop()


class TestPoolThreads(PoolCase):
    def test_eight_threads_share_one_pool(self):
        pool = self.open_pool(max_size=4, acquire_timeout_ms=60000)
        errors, done = [], []

        def worker(n):
            try:
                for i in range(25):
                    c = self.v.pool_acquire(pool)
                    try:
                        r = self.v.query(c, "SELECT ? + ?", [n, i])
                        if r["rows"] != [[n + i]]:
                            errors.append("thread %d: %r" % (n, r))
                    finally:
                        self.v.pool_release(c)
                done.append(n)
            except Exception as e:  # noqa: BLE001 - reported below
                errors.append("thread %d: %r" % (n, e))

        threads = [threading.Thread(target=worker, args=(n,)) for n in range(8)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(600)
        try:
            self.assertEqual(errors, [])
            self.assertEqual(sorted(done), list(range(8)))
            s = self.v.pool_stats(pool)
            self.assertEqual(s["acquired"], 200, s)
            self.assertLessEqual(s["created"], 4, s)
            self.assertEqual((s["in_use"], s["waiting"]), (0, 0), s)
        finally:
            self.v.pool_close(pool)


if __name__ == "__main__":
    unittest.main()
