"""verrou_native_options / verrou_native_password: WinDev's native MySQL/MariaDB access
configured from a profile, after the same local validation as verrou_connect (test bed PKI)."""
import ctypes
import json
import os
import unittest

from verrou_test_support import LibTestCase, bed_dir, bed_env, bed_profile, bed_secrets, read, verrou


class TestNativeOptions(LibTestCase):
    def test_values_are_the_profiles_and_the_checks_passed(self):
        p = self.v.profile_open(bed_profile(self.tmp))
        try:
            o = self.v.native_options(p)
            raw = self.v._out(self.raw.verrou_native_options, p)
        finally:
            self.v.profile_close(p)
        bed = bed_dir()
        self.assertEqual(o["server"], "127.0.0.1")
        self.assertEqual(o["port"], int(bed_env()["PORT_STRICT"]))
        self.assertEqual(o["user"], "app_user")
        self.assertEqual(o["database"], "appdb")
        self.assertEqual(o["ssl_ca"], os.path.join(bed, "pki", "dev", "ca.crt"))
        self.assertEqual(o["ssl_cert"], os.path.join(bed, "pki", "dev", "app_user.crt"))
        self.assertEqual(o["ssl_key"], os.path.join(bed, "pki", "dev", "app_user.key"))
        self.assertEqual(o["ssl_mode"], "VERIFY_IDENTITY")
        self.assertEqual(o["tls_min_version"], "TLSv1.3")
        self.assertTrue(o["password_configured"])
        self.assertTrue(o["password_reference"].startswith("file"), o["password_reference"])
        checks = {c["check"]: c for c in o["checks"]}
        self.assertEqual(checks["environment_guard"]["status"], "OK")
        self.assertTrue(all(c["status"] != "FAILED" for c in o["checks"]))
        for secret in bed_secrets():
            self.assertNotIn(secret, raw)

    def test_the_same_refusal_as_a_connect(self):
        for cert, code in (("dev/expired", "CERT_EXPIRED"),):
            p = self.v.profile_open(bed_profile(self.tmp, cert=cert))
            try:
                e_native = self.assertVerrouError(code, self.v.native_options, p)
                e_connect = self.assertVerrouError(code, self.v.connect, p)
                self.assertEqual(e_native.code, e_connect.code)
                # Before any output: the size question gets the refusal, not a size.
                self.assertRawError(code, self.raw.verrou_native_options(p, None, 0))
            finally:
                self.v.profile_close(p)


class TestNativePassword(LibTestCase):
    def setUp(self):
        super().setUp()
        self.p = self.v.profile_open(bed_profile(self.tmp))
        self.expected = read(os.path.join(bed_dir(), "secrets", "app_user_password")).strip().encode()

    def tearDown(self):
        self.v.profile_close(self.p)
        super().tearDown()

    def test_password_into_the_callers_buffer(self):
        pw = self.v.native_password(self.p)
        self.assertIsInstance(pw, bytearray)
        self.assertEqual(bytes(pw), self.expected)
        pw[:] = bytes(len(pw))

    def test_too_small_gets_only_the_size(self):
        n = len(self.expected)
        buf = ctypes.create_string_buffer(b"\xAA" * (n + 1), n + 1)
        self.assertRawError("BUFFER_TOO_SMALL", self.raw.verrou_native_password(self.p, buf, n))
        self.assertEqual(self.raw.verrou_last_required_size(), n + 1)
        self.assertEqual(buf.raw[0], 0)
        self.assertNotIn(self.expected[:4], buf.raw)
        self.assertEqual(self.raw.verrou_native_password(self.p, buf, n + 1), n)
        self.assertEqual(buf.raw[:n + 1], self.expected + b"\0")
        self.assertNotIn(self.expected.decode(), self.v.last_error_message())

    def test_certificate_only_account_has_no_password(self):
        cfg = json.loads(read(bed_profile(self.tmp)))
        del cfg["environments"]["dev"]["password_file"]
        nopw = self.tmp.write("nopw.json", json.dumps(cfg))
        p = self.v.profile_open(nopw)
        try:
            self.assertRawError("CONFIG_MISSING_KEY", self.raw.verrou_native_password(p, None, 0))
            self.assertFalse(self.v.native_options(p)["password_configured"])
        finally:
            self.v.profile_close(p)


if __name__ == "__main__":
    unittest.main()
