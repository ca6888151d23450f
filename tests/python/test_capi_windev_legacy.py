"""verrou_verify_windev_legacy through the C ABI: the old WinDev table (salt column + Base64
PBKDF2(password + pepper) column), with the PRF, iterations, length and pepper taken from the
profile's hashing.windev_legacy section. Records come from Python's hashlib (independent
oracle). No server needed."""
import base64
import ctypes
import hashlib
import json
import unittest

from verrou_test_support import LibTestCase, hasher_profile, hashing_section, verrou

E = verrou.ERROR_CODES

OLD_PEPPER = "Ancien-Poivre-2009"   # the old application's pepper: shorter than 32 bytes
OTHER_PEPPER = "Autre-Poivre-2009"


def record(digest: str, password: str, pepper: str, salt: str, iterations: int, length: int) -> str:
    """What the old application stored: Base64(PBKDF2-HMAC-digest(password + pepper, salt))."""
    raw = hashlib.pbkdf2_hmac(digest, (password + pepper).encode("utf-8"), salt.encode("utf-8"), iterations, length)
    return base64.b64encode(raw).decode("ascii")


class TestWindevLegacy(LibTestCase):
    def setUp(self):
        super().setUp()
        pepper_file = self.tmp.write("legacy_pepper", OLD_PEPPER + "\n")
        new_pepper = self.tmp.write("pepper_k1", "0123456789abcdef" * 4 + "\n")

        def env(legacy):
            hashing = hashing_section(new_pepper)
            hashing["windev_legacy"] = legacy
            return {"hashing": hashing}

        self.path = self.tmp.write("legacy.json", json.dumps({
            "default_environment": "sha256",
            "environments": {
                "sha256": env({"prf": "sha256", "iterations": 2000, "pepper": {"file": pepper_file}}),
                "sha512": env({"prf": "sha512", "iterations": 1500, "output_bytes": 48,
                               "pepper": {"file": pepper_file}}),
                "sha3": env({"prf": "sha3-256", "iterations": 1000, "pepper": {"file": pepper_file}}),
                "nopepper": env({"prf": "sha256", "iterations": 1000}),
            }}))
        self.h = self.v.hasher_open(self.path, "sha256")
        self.rec = record("sha256", "Motdepasse1", OLD_PEPPER, "sel-ligne-17", 2000, 32)

    def tearDown(self):
        self.v.hasher_close(self.h)
        super().tearDown()

    def assertClean(self, *secrets):
        """The last error message of this thread names no secret."""
        message = self.v.last_error_message()
        for s in secrets:
            self.assertNotIn(s, message)

    def test_match_is_rehash(self):
        r = self.raw.verrou_verify_windev_legacy(self.h, b"Motdepasse1", b"sel-ligne-17", self.rec.encode())
        self.assertEqual(r, 2)
        self.assertEqual(r, verrou.MATCH_REHASH)
        self.assertEqual(self.raw.verrou_last_error_code(), 0)
        self.assertEqual(self.v.last_error_message(), "")
        self.assertEqual(self.v.verify_windev_legacy(self.h, "Motdepasse1", "sel-ligne-17", self.rec),
                         verrou.MATCH_REHASH)

    def test_mismatch(self):
        self.assertEqual(self.v.verify_windev_legacy(self.h, "Motdepasse2", "sel-ligne-17", self.rec), verrou.MISMATCH)
        self.assertEqual(self.v.verify_windev_legacy(self.h, "Motdepasse1", "sel-ligne-18", self.rec), verrou.MISMATCH)
        self.assertEqual(self.v.verify_windev_legacy(self.h, "Motdepasse1", "", self.rec), verrou.MISMATCH)
        other = record("sha256", "Motdepasse1", OTHER_PEPPER, "sel-ligne-17", 2000, 32)
        self.assertEqual(self.v.verify_windev_legacy(self.h, "Motdepasse1", "sel-ligne-17", other), verrou.MISMATCH)
        fewer = record("sha256", "Motdepasse1", OLD_PEPPER, "sel-ligne-17", 1999, 32)
        self.assertEqual(self.v.verify_windev_legacy(self.h, "Motdepasse1", "sel-ligne-17", fewer), verrou.MISMATCH)
        self.assertEqual(self.raw.verrou_last_error_code(), 0)

    def test_each_prf_and_no_pepper(self):
        cases = [("sha512", "sha512", OLD_PEPPER, 1500, 48), ("sha3", "sha3_256", OLD_PEPPER, 1000, 32),
                 ("nopepper", "sha256", "", 1000, 32)]
        for env, digest, pepper, n, length in cases:
            with self.subTest(env=env):
                h = self.v.hasher_open(self.path, env)
                try:
                    for pw in ("Motdepasse1", "mot de passe été ☃ 日本"):
                        rec = record(digest, pw, pepper, "SelÀccentué", n, length)
                        self.assertEqual(self.v.verify_windev_legacy(h, pw, "SelÀccentué", rec), verrou.MATCH_REHASH)
                        self.assertEqual(self.v.verify_windev_legacy(h, pw + "!", "SelÀccentué", rec), verrou.MISMATCH)
                    # A record of another PRF never matches.
                    wrong = record("sha256" if digest != "sha256" else "sha512", "x1", pepper, "s", n, length)
                    self.assertEqual(self.v.verify_windev_legacy(h, "x1", "s", wrong), verrou.MISMATCH)
                finally:
                    self.v.hasher_close(h)

    def test_wrapped_and_unpadded_base64(self):
        wrapped = self.rec[:20] + "\r\n" + self.rec[20:]
        self.assertEqual(self.v.verify_windev_legacy(self.h, "Motdepasse1", "sel-ligne-17", wrapped), verrou.MATCH_REHASH)
        self.assertEqual(self.v.verify_windev_legacy(self.h, "Motdepasse1", "sel-ligne-17", self.rec.rstrip("=")),
                         verrou.MATCH_REHASH)

    def test_migration_flow(self):
        """Legacy match → store verrou_hash's result → the next login is a plain MATCH."""
        self.assertEqual(self.v.verify_windev_legacy(self.h, "Motdepasse1", "sel-ligne-17", self.rec), verrou.MATCH_REHASH)
        stored = self.v.hash(self.h, "Motdepasse1")
        self.assertTrue(stored.startswith("$argon2id$"))
        self.assertEqual(self.v.verify(self.h, "Motdepasse1", stored), verrou.MATCH)

    def test_no_windev_legacy_section(self):
        h = self.v.hasher_open(hasher_profile(self.tmp), "dev")
        try:
            r = self.raw.verrou_verify_windev_legacy(h, b"Motdepasse1", b"sel-ligne-17", self.rec.encode())
            self.assertRawError("HASH_POLICY", r)
            self.assertIn("windev_legacy", self.v.last_error_message())
            self.assertClean("Motdepasse1", "sel-ligne-17", self.rec)
            e = self.assertVerrouError("HASH_POLICY", self.v.verify_windev_legacy, h, "Motdepasse1", "s", self.rec)
            self.assertNotIn("Motdepasse1", e.message)
        finally:
            self.v.hasher_close(h)

    def test_null_arguments(self):
        args = [b"Motdepasse1", b"sel-ligne-17", self.rec.encode()]
        for i, what in enumerate(("password", "salt", "stored Base64 hash")):
            with self.subTest(null=what):
                a = list(args)
                a[i] = None
                r = self.raw.verrou_verify_windev_legacy(self.h, *a)
                self.assertRawError("INVALID_ARGUMENT", r)
                message = self.v.last_error_message()
                self.assertIn(what, message)
                self.assertIn("NULL", message)
                self.assertClean("Motdepasse1", OLD_PEPPER)

    def test_handles(self):
        h = self.v.hasher_open(self.path, "sha256")
        self.v.hasher_close(h)
        for bad in (h, 0, -1, 123456789):
            with self.subTest(handle=bad):
                r = self.raw.verrou_verify_windev_legacy(bad, b"Motdepasse1", b"sel-ligne-17", self.rec.encode())
                self.assertRawError("INVALID_HANDLE", r)
                self.assertClean("Motdepasse1", OLD_PEPPER)
        # A profile handle is not a hasher.
        p = self.v.profile_open(hasher_profile(self.tmp), "dev")
        try:
            r = self.raw.verrou_verify_windev_legacy(p, b"Motdepasse1", b"sel-ligne-17", self.rec.encode())
            self.assertRawError("INVALID_HANDLE", r)
        finally:
            self.v.profile_close(p)

    def test_bad_input_without_secrets_in_messages(self):
        pw = "Sup3r-S3cret-Legacy"
        cases = [
            ("HASH_MALFORMED", pw, "sel", "not*base64"),
            ("HASH_MALFORMED", pw, "sel", base64.b64encode(b"\0" * 64).decode()),  # 64 bytes, profile says 32
            ("HASH_MALFORMED", pw, "sel", "A" * 5000),
            ("HASH_PARAMETER_OUT_OF_RANGE", pw, "s" * 1025, self.rec),
            ("TOO_LARGE", pw, "s" * (64 * 1024 + 1), self.rec),
            ("PASSWORD_EMPTY", "", "sel", self.rec),
            ("PASSWORD_TOO_LONG", "p" * 4097, "sel", self.rec),
        ]
        for name, password, salt, stored in cases:
            with self.subTest(name=name, salt_len=len(salt)):
                e = self.assertVerrouError(name, self.v.verify_windev_legacy, self.h, password, salt, stored)
                self.assertNotIn(OLD_PEPPER, e.message)
                if password:
                    self.assertNotIn(password[:16], e.message)
                self.assertNotIn(self.rec, e.message)
        r = self.raw.verrou_verify_windev_legacy(self.h, b"Sup3r-\xff-Legacy", b"sel", self.rec.encode())
        self.assertRawError("INVALID_UTF8", r)
        self.assertClean("Sup3r", OLD_PEPPER)
        r = self.raw.verrou_verify_windev_legacy(self.h, b"pw", b"sel\xc3", self.rec.encode())
        self.assertRawError("INVALID_UTF8", r)

    def test_huge_password_is_refused_without_crash(self):
        huge = ctypes.create_string_buffer(b"A" * (1024 * 1024))
        r = self.raw.verrou_verify_windev_legacy(self.h, ctypes.cast(huge, ctypes.c_char_p), b"sel", self.rec.encode())
        self.assertRawError("PASSWORD_TOO_LONG", r)
        self.assertClean("AAAA")


class TestWindevLegacyEncoding(LibTestCase):
    """hashing.windev_legacy.password_encoding: the bytes an ANSI WinDev project (cp1252) or a
    Unicode one hashing its strings as stored (UTF-16LE) fed to PBKDF2, for password and salt;
    records made by hashlib on exactly those bytes (the pepper is bytes, used as stored)."""
    PASSWORDS = ("Fr\u00e9d\u00e9ric-\u00e9t\u00e9", "\u0152uvre\u20ac2009", "\u00c0\u00c9\u00ce\u00d5\u00dc \u00e7a")
    SALT = "sel-\u00e9-17"
    PY = {"utf8": "utf-8", "ansi": "cp1252", "unicode": "utf-16-le"}

    def setUp(self):
        super().setUp()
        pepper = self.tmp.write("legacy_pepper", OLD_PEPPER + "\n")
        new_pepper = self.tmp.write("pepper_k1", "0123456789abcdef" * 4 + "\n")
        envs = {}
        for env, value in (("utf8", None), ("ansi", "cp1252"), ("unicode", "utf-16le"), ("bad", "latin9")):
            legacy = {"prf": "sha256", "iterations": 1000, "pepper": {"file": pepper}}
            if value:
                legacy["password_encoding"] = value
            hashing = hashing_section(new_pepper)
            hashing["windev_legacy"] = legacy
            envs[env] = {"hashing": hashing}
        self.path = self.tmp.write("encodings.json", json.dumps({"default_environment": "utf8", "environments": envs}))

    def rec(self, password: str, salt: str, encoding: str) -> bytes:
        raw = hashlib.pbkdf2_hmac("sha256", password.encode(encoding) + OLD_PEPPER.encode("utf-8"),
                                  salt.encode(encoding), 1000, 32)
        return base64.b64encode(raw)

    def verify(self, env: str, password: str, salt: str, stored: bytes) -> int:
        h = self.v.hasher_open(self.path, env)
        try:
            return self.raw.verrou_verify_windev_legacy(h, password.encode("utf-8"), salt.encode("utf-8"), stored)
        finally:
            self.v.hasher_close(h)

    def test_each_encoding_matches_the_bytes_it_names_and_no_other(self):
        for env, encoding in self.PY.items():
            for password in self.PASSWORDS:
                for made_with in self.PY.values():
                    got = self.verify(env, password, self.SALT, self.rec(password, self.SALT, made_with))
                    self.assertEqual(got, verrou.MATCH_REHASH if made_with == encoding else verrou.MISMATCH,
                                     (env, made_with, password))

    def test_ascii_records_are_the_same_in_utf8_and_cp1252(self):
        stored = self.rec("Motdepasse1", "sel-17", "ascii")
        self.assertEqual(self.verify("utf8", "Motdepasse1", "sel-17", stored), verrou.MATCH_REHASH)
        self.assertEqual(self.verify("ansi", "Motdepasse1", "sel-17", stored), verrou.MATCH_REHASH)
        self.assertEqual(self.verify("unicode", "Motdepasse1", "sel-17", stored), verrou.MISMATCH)

    def test_cp1252_never_guesses_a_character_it_cannot_spell(self):
        # An ANSI application would have stored "??" for these: no best-fit, never a match.
        stored = self.rec("??", self.SALT, "cp1252")
        self.assertEqual(self.verify("ansi", "\u65e5\u672c", self.SALT, stored), verrou.MISMATCH)
        # A salt column cp1252 cannot spell is a malformed record, said without its value.
        h = self.v.hasher_open(self.path, "ansi")
        try:
            r = self.raw.verrou_verify_windev_legacy(h, b"pw", "sel-\u65e5".encode(), self.rec("pw", "sel", "cp1252"))
            self.assertEqual(r, E["HASH_MALFORMED"])
            message = self.v.last_error_message()  # before hasher_close, which clears it
        finally:
            self.v.hasher_close(h)
        self.assertIn("cp1252", message)
        self.assertNotIn("\u65e5", message)

    def test_unknown_encoding_names_the_key_and_the_choices(self):
        h = self.raw.verrou_hasher_open(self.path.encode(), b"bad")
        self.assertEqual(h, E["CONFIG_INVALID_VALUE"])
        message = self.v.last_error_message()
        for word in ("password_encoding", "latin9", "utf-8", "cp1252", "utf-16le"):
            self.assertIn(word, message)


if __name__ == "__main__":
    unittest.main()
