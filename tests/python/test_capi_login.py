"""verrou_login / verrou_login_unlock through the C ABI (ctypes, like WinDev's API()), against
the bed's strict server: verdicts and their JSON, the buffer checked before the attempt,
refused inputs, unlock, and 8 threads on 8 connections sharing one account's budget."""
import ctypes
import os
import threading
import time

from verrou_test_support import LibTestCase, bed_profile, verrou

E = verrou.ERROR_CODES


class TestLogin(LibTestCase):
    def setUp(self):
        super().setUp()
        suffix = "%d_%d" % (os.getpid(), int(time.time() * 1000) % 10000000)
        self.users, self.guard = "py_users_" + suffix, "py_guard_" + suffix
        login = {"users_table": self.users, "guard_table": self.guard, "max_failures_per_account": 3,
                 "backoff_initial_seconds": 600, "backoff_max_seconds": 600, "lockout_after": 0,
                 "max_failures_per_source": 0}
        self.path = bed_profile(self.tmp, extra={"login": login})
        self.h = self.v.hasher_open(self.path)
        self.p = self.v.profile_open(self.path)
        self.c = self.v.connect(self.p)
        self.v.execute(self.c, "CREATE TABLE `%s` (`login` VARCHAR(100) PRIMARY KEY, `password_hash` VARCHAR(255) NULL)"
                       % self.users)
        self.v.execute(self.c, "INSERT INTO `%s` VALUES (?, ?)" % self.users,
                       ["zoé", self.v.hash(self.h, "bon mot de passe")])

    def tearDown(self):
        self.v.execute(self.c, "DROP TABLE IF EXISTS `%s`, `%s`" % (self.users, self.guard))
        self.v.disconnect(self.c)
        self.v.profile_close(self.p)
        self.v.hasher_close(self.h)
        super().tearDown()

    def test_missing_guard_table_then_verdicts_and_unlock(self):
        e = self.assertVerrouError("LOGIN_TABLE_MISSING", self.v.login, self.c, self.h, "zoé", "x", "ws-1")
        self.assertIn("verrou login init", e.message)
        self.v.execute(self.c, "CREATE TABLE `%s` (`scope` ENUM('account','source') NOT NULL, `name` VARCHAR(255) NOT NULL,"
                       " `failures` INT UNSIGNED NOT NULL DEFAULT 0, `last_failure_at` DATETIME(6) NULL,"
                       " `window_start` DATETIME(6) NULL, `updated_at` DATETIME(6) NOT NULL,"
                       " PRIMARY KEY (`scope`, `name`))" % self.guard)
        r = self.v.login(self.c, self.h, "zoé", "bon mot de passe", "ws-1")
        self.assertEqual(r, {"verdict": "granted", "retry_after_seconds": None, "code": verrou.LOGIN_GRANTED})
        for _ in range(3):
            r = self.v.login(self.c, self.h, "zoé", "mauvais", "ws-1")
            self.assertEqual(r["code"], verrou.LOGIN_DENIED)
        # An unknown user gets the same answer as a wrong password.
        self.assertEqual(self.v.login(self.c, self.h, "personne", "bon mot de passe", "ws-1")["verdict"], "denied")
        r = self.v.login(self.c, self.h, "zoé", "bon mot de passe", "ws-1")
        self.assertEqual(r["code"], verrou.LOGIN_THROTTLED)
        self.assertGreater(r["retry_after_seconds"], 590)
        self.assertTrue(self.v.login_unlock(self.c, "zoé"))
        self.assertFalse(self.v.login_unlock(self.c, "zoé"))
        self.assertEqual(self.v.login(self.c, self.h, "zoé", "bon mot de passe", "ws-1")["code"], verrou.LOGIN_GRANTED)

        # The buffer is checked before anything runs: no attempt is counted.
        small = ctypes.create_string_buffer(16)
        for buf, size in ((small, 16), (None, 0), (small, -1)):
            res = self.raw.verrou_login(self.c, self.h, "zoé".encode(), b"mauvais", b"ws-1", buf, size)
            self.assertRawError("INVALID_ARGUMENT" if size < 0 else "BUFFER_TOO_SMALL", res)
        self.assertEqual(self.raw.verrou_last_required_size(), verrou.LOGIN_JSON_SIZE)
        buf = ctypes.create_string_buffer(verrou.LOGIN_JSON_SIZE)
        res = self.raw.verrou_login(self.c, self.h, "zoé".encode(), b"mauvais", b"ws-1", buf, verrou.LOGIN_JSON_SIZE)
        self.assertEqual(res, verrou.LOGIN_DENIED)
        self.assertEqual(buf.value, b'{"verdict":"denied","retry_after_seconds":null}')
        rows = self.v.query(self.c, "SELECT `failures` FROM `%s` WHERE `scope` = 'account' AND `name` = 'zoé'" % self.guard)
        self.assertEqual(rows["rows"], [[1]])  # only the last call was counted

        # Refused inputs, before any SQL, with the right code.
        self.assertRawError("TOO_LARGE", self.raw.verrou_login(self.c, self.h, b"a" * (1 << 20), b"x", b"ws", buf,
                                                               verrou.LOGIN_JSON_SIZE))
        self.assertRawError("INVALID_UTF8", self.raw.verrou_login(self.c, self.h, b"z\xffe", b"x", b"ws", buf,
                                                                  verrou.LOGIN_JSON_SIZE))
        self.assertRawError("INVALID_ARGUMENT", self.raw.verrou_login(self.c, self.h, b"zoe", b"x", None, buf,
                                                                      verrou.LOGIN_JSON_SIZE))
        self.assertRawError("INVALID_ARGUMENT", self.raw.verrou_login(self.c, self.h, b"", b"x", b"ws", buf,
                                                                      verrou.LOGIN_JSON_SIZE))
        self.assertRawError("INVALID_HANDLE", self.raw.verrou_login(self.h, self.c, b"zoe", b"x", b"ws", buf,
                                                                    verrou.LOGIN_JSON_SIZE))
        self.assertRawError("INVALID_HANDLE", self.raw.verrou_login_unlock(self.h, b"zoe"))
        self.assertNotIn("mauvais", self.v.last_error_message())

    def test_eight_threads_share_one_budget(self):
        self.v.execute(self.c, "CREATE TABLE `%s` (`scope` ENUM('account','source') NOT NULL, `name` VARCHAR(255) NOT NULL,"
                       " `failures` INT UNSIGNED NOT NULL DEFAULT 0, `last_failure_at` DATETIME(6) NULL,"
                       " `window_start` DATETIME(6) NULL, `updated_at` DATETIME(6) NOT NULL,"
                       " PRIMARY KEY (`scope`, `name`))" % self.guard)
        verdicts, errors = [], []
        lock = threading.Lock()
        start = threading.Barrier(8)

        def worker():
            try:
                c = self.v.connect(self.p)
                start.wait()
                for _ in range(6):
                    r = self.v.login(c, self.h, "zoé", "mauvais", "ws-%d" % threading.get_ident())
                    with lock:
                        verdicts.append(r["verdict"])
                self.v.disconnect(c)
            except Exception as e:  # reported below
                with lock:
                    errors.append(repr(e))

        threads = [threading.Thread(target=worker) for _ in range(8)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        self.assertEqual(errors, [])
        self.assertEqual(verdicts.count("denied"), 3)
        self.assertEqual(verdicts.count("throttled"), 45)
