"""verrou_doctor / verrou_cert_check through the C ABI, against the test bed."""
import ctypes
import json
import unittest

from verrou_test_support import LibTestCase, bed_profile, bed_secrets, verrou

E = verrou.ERROR_CODES


class TestDoctor(LibTestCase):
    def test_good_profile_all_steps_ok(self):
        path = bed_profile(self.tmp)
        report = self.v.doctor(path, "dev")
        self.assertEqual(report["status"], "OK")
        self.assertEqual(report["exit_code"], 0)
        self.assertEqual([s["step"] for s in report["steps"]],
                         ["profile", "secrets", "certificates", "dns", "tcp", "tls", "revocation", "auth"])
        self.assertEqual(report["session"]["current_user"], "app_user@%")
        self.assertEqual(report["session"]["ssl_version"], "TLSv1.3")
        text = json.dumps(report)
        for secret in bed_secrets():
            self.assertNotIn(secret, text)

    def test_broken_layer_is_a_report_not_an_error(self):
        path = bed_profile(self.tmp, cert="dev/expired")
        report = self.v.doctor(path, "dev")
        self.assertEqual(report["exit_code"], 2)
        self.assertEqual(report["stopped_at"], "certificates")
        self.assertEqual(self.v.last_error_code(), 0)

    def test_small_buffer_retry_serves_the_same_report(self):
        path = bed_profile(self.tmp).encode()
        raw = self.v.raw
        self.assertEqual(raw.verrou_doctor(path, b"dev", None, 0), E["BUFFER_TOO_SMALL"])
        need = raw.verrou_last_required_size()
        self.assertGreater(need, 100)
        buf = ctypes.create_string_buffer(need)
        n = raw.verrou_doctor(path, b"dev", buf, need)
        self.assertEqual(n, need - 1)
        self.assertEqual(json.loads(buf.value.decode())["exit_code"], 0)

    def test_null_path(self):
        self.assertEqual(self.v.raw.verrou_doctor(None, None, None, 0), E["INVALID_ARGUMENT"])


class TestCertCheck(LibTestCase):
    def test_ok_warning_critical(self):
        cases = [("app_user", 0, "OK"), ("expiring", 1, "WARNING"), ("expired", 2, "FAILED")]
        for name, code, status in cases:
            with self.subTest(name=name):
                path = bed_profile(self.tmp, cert="dev/" + name)
                p = self.v.profile_open(path, "dev")
                try:
                    r = self.v.cert_check(p)
                    self.assertEqual(r["exit_code"], code)
                    self.assertEqual(r["status"], status)
                    self.assertEqual(r["environment"], "dev")
                finally:
                    self.v.profile_close(p)

    def test_stale_handle(self):
        p = self.v.profile_open(bed_profile(self.tmp), "dev")
        self.v.profile_close(p)
        self.assertEqual(self.v.raw.verrou_cert_check(p, None, 0), E["INVALID_HANDLE"])


if __name__ == "__main__":
    unittest.main()
