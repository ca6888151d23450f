"""verrou_connect / info / execute / query / transactions against the test bed."""
import ctypes
import json
import unittest

from verrou_test_support import LibTestCase, bed_profile, bed_secrets, verrou

E = verrou.ERROR_CODES


class BedCase(LibTestCase):
    def setUp(self):
        super().setUp()
        self.p = self.v.profile_open(bed_profile(self.tmp))
        self.c = self.v.connect(self.p)

    def tearDown(self):
        try:
            self.v.disconnect(self.c)
        except verrou.VerrouError:
            pass  # the test closed it itself
        self.v.profile_close(self.p)
        super().tearDown()


class TestConnection(BedCase):
    def test_info(self):
        info = self.v.connection_info(self.c)
        self.assertEqual(info["tls_version"], "TLSv1.3")
        self.assertTrue(info["cipher"])
        self.assertEqual(info["current_user"], "app_user@%")
        self.assertEqual(info["client_certificate"]["subject"], "/CN=app_user-dev")
        self.assertGreater(info["client_certificate"]["days_left"], 300)
        self.assertEqual(info["server_certificate"]["subject"], "/CN=localhost")
        self.assertEqual(info["server_certificate"]["subject_alt_names"], ["DNS:localhost", "IP:127.0.0.1"])
        self.assertGreater(info["server_certificate"]["days_left"], 300)
        self.assertIsInstance(info["warnings"], list)

    def test_describe(self):
        d = self.v.profile_describe(self.p)
        self.assertEqual(d["profile"]["environment"], "dev")
        self.assertTrue(d["profile"]["password"].startswith("file:"))
        self.assertTrue(d["certificates"]["ok"])
        self.assertTrue(any(f["check"] == "validity" for f in d["certificates"]["findings"]))
        text = json.dumps(d) + json.dumps(self.v.connection_info(self.c))
        for secret in bed_secrets():
            self.assertNotIn(secret, text)

    def test_query_rows_types_and_null(self):
        r = self.v.query(self.c, "SELECT id, name, email, balance FROM customers ORDER BY id")
        self.assertEqual(r["columns"], ["id", "name", "email", "balance"])
        self.assertEqual(len(r["rows"]), 3)
        self.assertEqual(r["rows"][0][0], 1)
        self.assertIn(None, r["rows"][1] + r["rows"][2])
        self.assertTrue(any("é" in row[1] for row in r["rows"]))
        d = self.v.query(self.c, "SELECT CAST(12.50 AS DECIMAL(10,2)) AS m, -7 AS i, 'x\"\\\\\n\t' AS s",
                         exact_decimals=True)
        import decimal
        self.assertEqual(d["rows"][0], [decimal.Decimal("12.50"), -7, 'x"\\\n\t'])

    def test_params_are_bound_never_spliced(self):
        r = self.v.query(self.c, "SELECT ? AS a, ? AS b, ? AS c, ? AS d, ? AS e",
                         [None, 42, 2.5, True, "' OR 1=1 -- é"])
        self.assertEqual(r["rows"][0][0], None)
        self.assertEqual(r["rows"][0][4], "' OR 1=1 -- é")
        r = self.v.query(self.c, "SELECT COUNT(*) FROM customers WHERE name = ?", ["x' OR '1'='1"])
        self.assertEqual(r["rows"][0][0], 0)
        self.assertEqual(self.v.query(self.c, "SELECT ?", "[9223372036854775807]")["rows"][0][0], 9223372036854775807)

    def test_bad_params(self):
        for bad in ("{", "[1,", "{\"a\":1}", "1", "[[1]]", "[{\"a\":1}]", "[" * 100000,
                    "[18446744073709551615]"):
            with self.assertRaises(verrou.VerrouError) as cm:
                self.v.query_json(self.c, "SELECT ?", bad)
            self.assertIn(cm.exception.name, ("INVALID_ARGUMENT", "QUERY_PARAMETER"), bad[:20])
        self.assertVerrouError("INVALID_UTF8", self.v.query_json, self.c, "SELECT ?", b'["\xff"]')
        self.assertVerrouError("INVALID_UTF8", self.v.query_json, self.c, b"SELECT '\xe9'")
        self.assertRawError("INVALID_ARGUMENT", self.raw.verrou_execute(self.c, None, None))
        with self.assertRaises(verrou.VerrouError) as cm:
            self.v.query_json(self.c, "SELECT ?, ?", [1])  # count mismatch
        self.assertLess(cm.exception.code, 0)
        self.assertEqual(self.v.query(self.c, "SELECT 1", "")["rows"], [[1]])

    def test_integer_params_beyond_int64_are_refused_whatever_their_sign(self):
        # JSON numbers without fraction or exponent are integers: outside int64 they are
        # QUERY_PARAMETER, never bound as a rounded DOUBLE (the JSON parser keeps them as one).
        for bad, index in (("[-9223372036854775809]", 1), ("[9223372036854775808]", 1),
                           ("[18446744073709551615]", 1), ("[18446744073709551616]", 1),
                           ("[1, -99999999999999999999999999]", 2), ("[1, 123456789012345678901234567890]", 2)):
            sql = "SELECT " + ", ".join(["?"] * (bad.count(",") + 1))
            e = self.assertVerrouError("QUERY_PARAMETER", self.v.query_json, self.c, sql, bad)
            self.assertIn("parameter %d is an integer outside the signed 64-bit range" % index, e.message, bad)
        # The bounds themselves are integers, bound exactly.
        r = self.v.query(self.c, "SELECT ?, ?", "[-9223372036854775808, 9223372036854775807]")
        self.assertEqual(r["rows"][0], [-9223372036854775808, 9223372036854775807])
        # With a fraction or an exponent, even beyond int64, a number stays a double.
        r = self.v.query(self.c, "SELECT ?, ?, ?, ?", "[-9223372036854775809.0, 1e19, 18446744073709551616E0, 2.5]")
        self.assertEqual(r["rows"][0], [-9223372036854775809.0, 1e19, 18446744073709551616.0, 2.5])
        for value in r["rows"][0]:
            self.assertIsInstance(value, float)

    def test_sql_error_then_connection_still_usable(self):
        e = self.assertVerrouError("QUERY_ERROR", self.v.query_json, self.c, "SELEC nonsense")
        self.assertIn("SQL", e.message.upper())
        self.assertEqual(self.v.query(self.c, "SELECT 2")["rows"], [[2]])

    def test_execute_and_transactions(self):
        self.assertEqual(self.v.execute(self.c, "CREATE TEMPORARY TABLE t (id INT, v VARCHAR(20))"), 0)
        self.assertEqual(self.v.execute(self.c, "INSERT INTO t VALUES (?, ?), (?, ?)", [1, "a", 2, None]), 2)
        self.v.begin(self.c)
        self.assertTrue(self.v.connection_info(self.c)["in_transaction"])
        self.v.execute(self.c, "UPDATE t SET v = ? WHERE id = ?", ["z", 1])
        self.v.rollback(self.c)
        self.assertEqual(self.v.query(self.c, "SELECT v FROM t WHERE id = 1")["rows"], [["a"]])
        self.v.begin(self.c)
        self.assertEqual(self.v.execute(self.c, "DELETE FROM t"), 2)
        self.v.commit(self.c)
        self.assertEqual(self.v.query(self.c, "SELECT COUNT(*) FROM t")["rows"], [[0]])
        with self.assertRaises(verrou.VerrouError) as cm:
            self.v.commit(self.c)  # no transaction open
        self.assertEqual(cm.exception.name, "TRANSACTION_STATE")

    def test_query_retry_does_not_rerun(self):
        # Each execution bumps a session variable: a re-run would be visible as n = 2.
        sql = b"SELECT (@n := COALESCE(@n, 0) + 1) AS n, REPEAT('x', 300) AS pad"
        small = ctypes.create_string_buffer(16)
        self.assertRawError("BUFFER_TOO_SMALL", self.raw.verrou_query(self.c, sql, None, small, 16))
        self.assertEqual(small.raw[0], 0)
        need = self.raw.verrou_last_required_size()
        self.assertGreater(need, 300)
        self.v.last_error_message()  # reading the error in between is allowed
        self.assertRawError("BUFFER_TOO_SMALL", self.raw.verrou_query(self.c, sql, None, None, 0))  # still kept
        self.assertEqual(self.raw.verrou_last_required_size(), need)
        big = ctypes.create_string_buffer(need)
        self.assertEqual(self.raw.verrou_query(self.c, sql, None, big, need), need - 1)
        self.assertEqual(json.loads(big.value)["rows"][0][0], 1)
        # Delivered: the next identical call runs the statement again.
        self.assertEqual(self.raw.verrou_query(self.c, sql, None, big, need), need - 1)
        self.assertEqual(json.loads(big.value)["rows"][0][0], 2)
        # Not an immediate retry: another verrou call in between drops the kept result.
        self.assertRawError("BUFFER_TOO_SMALL", self.raw.verrou_query(self.c, sql, None, small, 16))
        self.v.version()
        self.assertEqual(json.loads(self.v.query_json(self.c, sql))["rows"][0][0], 4)
        # Same text on another connection is not a retry either.
        self.assertRawError("BUFFER_TOO_SMALL", self.raw.verrou_query(self.c, sql, None, small, 16))
        c2 = self.v.connect(self.p)
        try:
            self.assertEqual(json.loads(self.v.query_json(c2, sql))["rows"][0][0], 1)
        finally:
            self.v.disconnect(c2)
        # The binding's growth loop returns exactly one execution's result.
        tiny = verrou.Verrou(self.v.path, initial_buffer=1)
        self.assertEqual(json.loads(tiny.query_json(self.c, sql))["rows"][0][0], 6)

    def test_retry_with_other_sql_runs_it(self):
        small = ctypes.create_string_buffer(4)
        self.raw.verrou_query(self.c, b"SELECT 'aaaaaaaaaa'", None, small, 4)
        self.assertEqual(self.v.query(self.c, "SELECT 'b'")["rows"], [["b"]])

    def test_closed_connection_and_foreign_kinds(self):
        self.v.disconnect(self.c)
        self.assertVerrouError("INVALID_HANDLE", self.v.query_json, self.c, "SELECT 1")
        self.assertVerrouError("INVALID_HANDLE", self.v.execute, self.c, "SELECT 1")
        self.assertVerrouError("INVALID_HANDLE", self.v.connection_info, self.c)
        self.assertVerrouError("INVALID_HANDLE", self.v.disconnect, self.c)
        c = self.v.connect(self.p)
        e = self.assertVerrouError("INVALID_HANDLE", self.v.hash, c, "pw")  # connection as hasher
        self.assertIn("connection handle, not a hasher", e.message)
        self.assertVerrouError("INVALID_HANDLE", self.v.verify, c, "pw", "$argon2id$")
        self.assertVerrouError("INVALID_HANDLE", self.v.connect, c)
        self.assertVerrouError("INVALID_HANDLE", self.v.profile_close, c)
        self.assertVerrouError("INVALID_HANDLE", self.v.query_json, self.p, "SELECT 1")
        self.c = c

    def test_profile_closed_before_connection(self):
        p = self.v.profile_open(bed_profile(self.tmp))
        c = self.v.connect(p)
        self.v.profile_close(p)
        self.assertEqual(self.v.query(c, "SELECT 3")["rows"], [[3]])
        self.assertEqual(self.v.connection_info(c)["user"], "app_user")
        self.v.disconnect(c)

    def test_query_buffer_edges(self):
        text = self.v.query_json(self.c, "SELECT 1 AS one")
        n = len(text.encode())
        buf = ctypes.create_string_buffer(b"\xAA" * (n + 2), n + 2)
        self.assertEqual(self.raw.verrou_query(self.c, b"SELECT 1 AS one", None, buf, n + 1), n)
        self.assertEqual(buf.raw[:n + 2], text.encode() + b"\0\xAA")
        self.assertRawError("BUFFER_TOO_SMALL", self.raw.verrou_query(self.c, b"SELECT 1 AS one", None, buf, 1))
        self.assertEqual(buf.raw[0], 0)
        self.assertRawError("INVALID_ARGUMENT", self.raw.verrou_query(self.c, b"SELECT 1", None, buf, -1))


class TestRefusals(LibTestCase):
    def refused(self, name, **kw):
        p = self.v.profile_open(bed_profile(self.tmp, **kw))
        try:
            e = self.assertVerrouError(name, self.v.connect, p)
            for secret in bed_secrets():
                self.assertNotIn(secret, e.message)
            return e
        finally:
            self.v.profile_close(p)

    def test_plaintext_server(self):
        self.refused("TLS_NOT_OFFERED", server="plain")

    def test_tls12_server(self):
        self.refused("TLS_VERSION_TOO_LOW", server="tls12")

    def test_wrong_name(self):
        self.refused("TLS_NAME_MISMATCH", server="wrongname")

    def test_expired_client_certificate(self):
        self.refused("CERT_EXPIRED", cert="dev/expired")

    def test_wrong_password_file(self):
        extra = {"password_file": self.tmp.write("wrongpw", "not-the-password")}
        self.refused("AUTH_DENIED", extra=extra)


if __name__ == "__main__":
    unittest.main()
