"""verrou_hasher_* / hash / verify / needs_rehash through the C ABI (own pepper, no server)."""
import ctypes
import json
import unittest

from verrou_test_support import LibTestCase, hasher_profile, read, verrou

E = verrou.ERROR_CODES


class TestHashing(LibTestCase):
    def setUp(self):
        super().setUp()
        self.path = hasher_profile(self.tmp)
        self.h = self.v.hasher_open(self.path, "dev")

    def tearDown(self):
        self.v.hasher_close(self.h)
        super().tearDown()

    def test_hash_verify_roundtrip(self):
        for pw in ("correct horse", "mot de passe été ☃ 日本", "x" * 4096):
            stored = self.v.hash(self.h, pw)
            self.assertTrue(stored.startswith("$argon2id$"), stored)
            self.assertNotIn(pw, stored)
            self.assertEqual(self.v.verify(self.h, pw, stored), verrou.MATCH)
            self.assertEqual(self.v.verify(self.h, pw[:-1] + "!", stored), verrou.MISMATCH)
            self.assertFalse(self.v.needs_rehash(self.h, stored))
        self.assertNotEqual(self.v.hash(self.h, "same"), self.v.hash(self.h, "same"), "fresh salt")

    def test_rehash_verdict(self):
        weak = json.loads(read(self.path))
        weak["defaults"]["hashing"]["argon2_iterations"] = 1
        weak["defaults"]["hashing"]["argon2_memory_kib"] = 19456
        weak_path = self.tmp.write("weak.json", json.dumps(weak))
        hw = self.v.hasher_open(weak_path)
        old = self.v.hash(hw, "pw")
        self.v.hasher_close(hw)
        self.assertTrue(self.v.needs_rehash(self.h, old) or self.v.verify(self.h, "pw", old) == verrou.MATCH_REHASH)

    def test_hash_buffers(self):
        n = len(self.v.hash(self.h, "pw"))
        buf = ctypes.create_string_buffer(b"\xAA" * (n + 2), n + 2)
        self.assertEqual(self.raw.verrou_hash(self.h, b"pw", None, 0), E["BUFFER_TOO_SMALL"])
        self.assertEqual(self.raw.verrou_last_required_size(), n + 1)
        self.assertEqual(self.raw.verrou_hash(self.h, b"pw", buf, 1), E["BUFFER_TOO_SMALL"])
        self.assertEqual(buf.raw[:2], b"\0\xAA")
        self.assertEqual(self.raw.verrou_hash(self.h, b"pw", buf, n), E["BUFFER_TOO_SMALL"])
        self.assertEqual(self.raw.verrou_hash(self.h, b"pw", buf, n + 1), n)  # exactly fitting
        self.assertEqual(self.v.verify(self.h, "pw", buf.value.decode()), verrou.MATCH)
        self.assertEqual(self.raw.verrou_hash(self.h, b"pw", buf, -5), E["INVALID_ARGUMENT"])

    def test_huge_password_is_refused_without_crash(self):
        huge = b"A" * (1024 * 1024)
        e = self.assertVerrouError("PASSWORD_TOO_LONG", self.v.hash, self.h, huge)
        self.assertNotIn("AAAA", e.message)
        self.assertVerrouError("PASSWORD_TOO_LONG", self.v.verify, self.h, huge, "$argon2id$v=19$m=19456,t=2,p=1$AAAA$AAAA")
        self.assertVerrouError("PASSWORD_TOO_LONG", self.v.hash, self.h, "x" * 4097)
        self.assertVerrouError("TOO_LARGE", self.v.needs_rehash, self.h, huge)

    def test_empty_password(self):
        self.assertVerrouError("PASSWORD_EMPTY", self.v.hash, self.h, "")

    def test_malformed_stored(self):
        for stored in ("", "not a hash", "$argon2id$v=19$m=99999999999,t=1,p=1$c2FsdHNhbHQ$aGFzaGhhc2g",
                       "$unknown$x", "$argon2id$" + "A" * 60000):
            with self.assertRaises(verrou.VerrouError) as cm:
                self.v.verify(self.h, "pw", stored)
            self.assertLess(cm.exception.code, 0)
            self.assertTrue(cm.exception.name.startswith("HASH_") or cm.exception.name == "INVALID_ARGUMENT",
                            cm.exception)
            with self.assertRaises(verrou.VerrouError):
                self.v.needs_rehash(self.h, stored)

    def test_secret_never_in_messages(self):
        pw = "Sup3r-S3cret-Value"
        for stored in ("garbage", "$argon2id$v=19$m=1,t=1,p=1$" + pw):
            try:
                self.v.verify(self.h, pw, stored)
            except verrou.VerrouError as e:
                self.assertNotIn(pw, e.message.replace("$argon2id$v=19$m=1,t=1,p=1$" + pw, ""))

    def test_missing_pepper_file(self):
        cfg = json.loads(read(self.path))
        cfg["defaults"]["hashing"]["peppers"]["k1"]["file"] = self.tmp.path + "/absent"
        bad = self.tmp.write("nopepper.json", json.dumps(cfg))
        e = self.assertVerrouError("SECRET_NOT_FOUND", self.v.hasher_open, bad)
        self.assertIn("absent", e.message)


if __name__ == "__main__":
    unittest.main()
