"""8 threads hammer hash / verify / query with interleaved errors; each thread must see its
own last error and its own kept query result."""
import ctypes
import threading
import unittest

from verrou_test_support import LibTestCase, bed_profile, verrou

E = verrou.ERROR_CODES
THREADS = 8
ROUNDS = 6


class TestThreads(LibTestCase):
    def test_hammer(self):
        path = bed_profile(self.tmp)
        h = self.v.hasher_open(path)
        p = self.v.profile_open(path)
        shared_c = self.v.connect(p)  # one connection used by all threads: serialized, not racy
        stored = self.v.hash(h, "shared password")
        failures = []
        start = threading.Barrier(THREADS)

        def worker(i):
            raw = self.raw
            try:
                c = self.v.connect(p)
                start.wait()
                for r in range(ROUNDS):
                    pw = "pw-%d-%d-é" % (i, r)
                    mine = self.v.hash(h, pw)
                    assert self.v.verify(h, pw, mine) == verrou.MATCH
                    assert self.v.verify(h, "shared password", stored) == verrou.MATCH
                    assert self.v.verify(h, pw, stored) == verrou.MISMATCH
                    # An error specific to this thread, then check nobody else's leaked in.
                    bogus = 1000 + i
                    assert raw.verrou_hasher_close(bogus) == E["INVALID_HANDLE"]
                    msg = self.v.last_error_message()
                    assert ("invalid handle %d:" % bogus) in msg, msg
                    assert raw.verrou_last_error_code() == E["INVALID_HANDLE"]
                    # A thread-specific too-small query, then its retry.
                    sql = ("SELECT %d AS t, %d AS r, REPEAT('y', %d) AS pad" % (i, r, 50 + i)).encode()
                    small = ctypes.create_string_buffer(8)
                    assert raw.verrou_query(c, sql, None, small, 8) == E["BUFFER_TOO_SMALL"]
                    need = raw.verrou_last_required_size()
                    big = ctypes.create_string_buffer(need)
                    assert raw.verrou_query(c, sql, None, big, need) == need - 1
                    assert big.value.startswith(b'{"columns":["t","r","pad"],"rows":[[%d,%d,' % (i, r)), big.value
                    assert raw.verrou_last_error_code() == 0
                    got = self.v.query(shared_c, "SELECT ? AS x", [i * 100 + r])["rows"][0][0]
                    assert got == i * 100 + r, got
                    try:
                        self.v.query_json(c, "SELECT * FROM no_such_table_%d" % i)
                        raise AssertionError("expected an SQL error")
                    except verrou.VerrouError as e:
                        assert e.name == "QUERY_ERROR" and ("no_such_table_%d" % i) in e.message, e
                self.v.disconnect(c)
            except BaseException as e:  # noqa: BLE001 - reported to the main thread
                failures.append("thread %d: %r" % (i, e))

        threads = [threading.Thread(target=worker, args=(i,)) for i in range(THREADS)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(300)
        self.assertEqual(failures, [])
        self.v.disconnect(shared_c)
        self.v.profile_close(p)
        self.v.hasher_close(h)

    def test_close_while_in_use(self):
        """Disconnecting a connection another thread is using: that thread finishes or gets
        INVALID_HANDLE; nothing crashes."""
        p = self.v.profile_open(bed_profile(self.tmp))
        for _ in range(3):
            c = self.v.connect(p)
            results = []

            def use():
                for _ in range(20):
                    try:
                        self.v.query_json(c, "SELECT SLEEP(0.01)")
                        results.append("ok")
                    except verrou.VerrouError as e:
                        results.append(e.name)

            t = threading.Thread(target=use)
            t.start()
            self.v.disconnect(c)
            t.join(60)
            self.assertTrue(set(results) <= {"ok", "INVALID_HANDLE"}, results)
        self.v.profile_close(p)


if __name__ == "__main__":
    unittest.main()
