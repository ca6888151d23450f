"""Field encryption through the C ABI, checked against an independent oracle: Python's
`cryptography` (AESGCM) and `hmac` implement docs/encryption.md's construction here from its
text alone. verrou's ciphertexts decrypt with AESGCM and the documented AAD; AESGCM's
ciphertexts decrypt with verrou; blind indexes equal hmac's. No server needed."""
import base64
import ctypes
import hashlib
import hmac
import json
import os
import unittest

from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from verrou_test_support import LibTestCase, verrou

E = verrou.ERROR_CODES
KEY_A = bytes(range(32))
KEY_B = bytes(range(100, 132))
INDEX_KEY = hashlib.sha256(b"index key of the tests").digest()


def b64(data: bytes) -> str:
    """Standard Base64 without padding (the documented B64)."""
    return base64.b64encode(data).decode().rstrip("=")


def unb64(text: str) -> bytes:
    return base64.b64decode(text + "=" * (-len(text) % 4), validate=True)


def oracle_encrypt(key: bytes, key_id: str, plaintext: bytes, context: bytes) -> str:
    header = "verrou:v1:%s:" % key_id
    nonce = os.urandom(12)
    sealed = AESGCM(key).encrypt(nonce, plaintext, header.encode() + context)  # ciphertext ‖ tag
    return header + b64(nonce + sealed)


def oracle_decrypt(key: bytes, ciphertext: str, context: bytes) -> bytes:
    prefix, version, key_id, body = ciphertext.split(":")
    assert (prefix, version) == ("verrou", "v1")
    blob = unb64(body)
    header = "verrou:v1:%s:" % key_id
    return AESGCM(key).decrypt(blob[:12], blob[12:], header.encode() + context)


def oracle_blind_index(key: bytes, key_id: str, value: bytes, context: bytes) -> str:
    mac = hmac.new(key, context + b"\x00" + value, hashlib.sha256).digest()
    return "vbi1:%s:%s" % (key_id, b64(mac[:16]))


class EncryptionCase(LibTestCase):
    def profile(self, current="kA", extra_keys=None, name="enc.json"):
        keys = {"kA": {"file": self.tmp.write("kA.key", base64.b64encode(KEY_A).decode() + "\n")},
                "kB": {"env": "VERROU_TEST_KEY_B"}}
        keys.update(extra_keys or {})
        os.environ["VERROU_TEST_KEY_B"] = base64.b64encode(KEY_B).decode()
        return self.tmp.write(name, json.dumps({
            "default_environment": "dev",
            "defaults": {"encryption": {
                "current_key": current, "keys": keys, "current_index_key": "idx1",
                "index_keys": {"idx1": {"file": self.tmp.write("idx.key", base64.b64encode(INDEX_KEY).decode())}}}},
            "environments": {"dev": {}}}))

    def setUp(self):
        super().setUp()
        self.enc = self.v.encryptor_open(self.profile(), None)

    def tearDown(self):
        self.v.encryptor_close(self.enc)
        super().tearDown()


class TestOracle(EncryptionCase):
    VALUES = ["FR7630006000011234567890189", "", "Zoé Ünïcode ☃ 日本", "x" * 4096, "y" * (1024 * 1024)]

    def test_verrou_encrypts_oracle_decrypts(self):
        for value in self.VALUES:
            ctx = "customers.iban#42"
            ct = self.v.encrypt(self.enc, value, ctx)
            self.assertTrue(ct.startswith("verrou:v1:kA:"), ct[:40])
            self.assertNotIn("=", ct, "Base64 without padding")
            blob = unb64(ct.split(":")[3])
            self.assertEqual(len(blob), 12 + len(value.encode()) + 16)
            self.assertEqual(oracle_decrypt(KEY_A, ct, ctx.encode()), value.encode())
            with self.assertRaises(Exception):  # the AAD binds the context
                oracle_decrypt(KEY_A, ct, b"customers.iban#43")

    def test_oracle_encrypts_verrou_decrypts(self):
        for value in self.VALUES:
            for key, key_id in ((KEY_A, "kA"), (KEY_B, "kB")):
                ct = oracle_encrypt(key, key_id, value.encode(), "t.c#1".encode())
                self.assertEqual(self.v.decrypt(self.enc, ct, "t.c#1"), value)

    def test_rewrap_is_readable_by_the_oracle(self):
        old = oracle_encrypt(KEY_B, "kB", b"IBAN FR76", b"t.c#9")
        self.assertTrue(self.v.needs_rewrap(self.enc, old))
        new = self.v.rewrap(self.enc, old, "t.c#9")
        self.assertTrue(new.startswith("verrou:v1:kA:"))
        self.assertFalse(self.v.needs_rewrap(self.enc, new))
        self.assertEqual(oracle_decrypt(KEY_A, new, b"t.c#9"), b"IBAN FR76")

    def test_blind_index_equals_hmac(self):
        for value in self.VALUES[:4]:
            for ctx in ("customers.iban", "t.c", "é"):
                self.assertEqual(self.v.blind_index(self.enc, value, ctx),
                                 oracle_blind_index(INDEX_KEY, "idx1", value.encode(), ctx.encode()))


class TestRefusals(EncryptionCase):
    def test_tampering_each_part(self):
        ctx = "customers.iban#42"
        ct = self.v.encrypt(self.enc, "FR7630006000011234567890189", ctx)
        head, body = ct.rsplit(":", 1)
        blob = unb64(body)
        for i in (0, 11, 12, len(blob) - 17, len(blob) - 16, len(blob) - 1):  # nonce, ciphertext, tag
            flipped = bytearray(blob)
            flipped[i] ^= 0x80
            e = self.assertVerrouError("ENCRYPTION_AUTH_FAILED", self.v.decrypt, self.enc, head + ":" + b64(bytes(flipped)), ctx)
            self.assertNotIn("FR76", e.message)
        self.assertVerrouError("ENCRYPTION_AUTH_FAILED", self.v.decrypt, self.enc, ct.replace(":kA:", ":kB:"), ctx)
        self.assertVerrouError("ENCRYPTION_AUTH_FAILED", self.v.decrypt, self.enc, ct, "customers.iban#43")
        self.assertVerrouError("ENCRYPTION_UNKNOWN_KEY_ID", self.v.decrypt, self.enc, ct.replace(":kA:", ":k2019:"), ctx)
        self.assertVerrouError("ENCRYPTION_MALFORMED", self.v.decrypt, self.enc, ct[:25], ctx)
        self.assertVerrouError("ENCRYPTION_MALFORMED", self.v.decrypt, self.enc, head + ":" + b64(blob[:27]), ctx)
        self.assertVerrouError("ENCRYPTION_AUTH_FAILED", self.v.decrypt, self.enc, head + ":" + b64(blob[:-1]), ctx)
        self.assertVerrouError("ENCRYPTION_UNSUPPORTED_VERSION", self.v.decrypt, self.enc, ct.replace(":v1:", ":v9:"), ctx)
        self.assertVerrouError("ENCRYPTION_MALFORMED", self.v.needs_rewrap, self.enc, "FR76")

    def test_sizes_and_contexts(self):
        self.assertEqual(self.v.decrypt(self.enc, self.v.encrypt(self.enc, "", "c"), "c"), "")
        self.assertVerrouError("ENCRYPTION_TOO_LARGE", self.v.encrypt, self.enc, "y" * (1024 * 1024 + 1), "c")
        self.assertVerrouError("ENCRYPTION_TOO_LARGE", self.v.blind_index, self.enc, "y" * (1024 * 1024 + 1), "c")
        self.assertVerrouError("ENCRYPTION_CONTEXT_INVALID", self.v.encrypt, self.enc, "v", "")
        self.assertVerrouError("ENCRYPTION_CONTEXT_INVALID", self.v.encrypt, self.enc, "v", "c" * 1025)
        self.assertVerrouError("INVALID_UTF8", self.v.encrypt, self.enc, b"\xff", "c")
        self.assertVerrouError("INVALID_ARGUMENT", self.v.encrypt, self.enc, None, "c")

    def test_binary_plaintext_is_refused_on_the_way_out(self):
        ct = oracle_encrypt(KEY_A, "kA", b"\x00\xffbinary", b"c")
        self.assertVerrouError("INVALID_UTF8", self.v.decrypt, self.enc, ct, "c")

    def test_buffers_are_sized_before_any_work(self):
        ct = self.v.encrypt(self.enc, "FR76", "c")
        for fn, args, expected in ((self.raw.verrou_encrypt, (b"FR76", b"c"), len(ct)),
                                   (self.raw.verrou_decrypt, (ct.encode(), b"c"), 4),
                                   (self.raw.verrou_rewrap, (ct.encode(), b"c"), len(ct)),
                                   (self.raw.verrou_blind_index, (b"FR76", b"c"), len("vbi1:idx1:") + 22)):
            self.assertRawError("BUFFER_TOO_SMALL", fn(self.enc, *args, None, 0))
            self.assertEqual(self.raw.verrou_last_required_size(), expected + 1)
            buf = ctypes.create_string_buffer(b"\xAA" * (expected + 2), expected + 2)
            self.assertRawError("BUFFER_TOO_SMALL", fn(self.enc, *args, buf, expected))
            self.assertEqual(buf.raw[:2], b"\0\xAA")
            self.assertEqual(fn(self.enc, *args, buf, expected + 1), expected)
        # A wrong context is reported as such once the buffer is large enough.
        buf = ctypes.create_string_buffer(64)
        self.assertRawError("ENCRYPTION_AUTH_FAILED", self.raw.verrou_decrypt(self.enc, ct.encode(), b"d", buf, 64))
        self.assertEqual(buf.raw[:1], b"\0")

    def test_handles(self):
        self.assertRawError("INVALID_HANDLE", self.raw.verrou_needs_rewrap(12345, b"x"))
        h = self.v.hasher_open(self.tmp.write("h.json", json.dumps({
            "defaults": {"hashing": {"algorithm": "argon2id"}}, "environments": {"dev": {}}})), "dev")
        self.assertRawError("INVALID_HANDLE", self.raw.verrou_needs_rewrap(h, b"x"))
        self.v.hasher_close(h)
        enc = self.v.encryptor_open(self.profile(name="other.json"), "dev")
        self.v.encryptor_close(enc)
        self.assertRawError("INVALID_HANDLE", self.raw.verrou_encrypt(enc, b"v", b"c", None, 0))

    def test_open_errors_name_the_key(self):
        bad = self.tmp.write("short.key", base64.b64encode(b"k" * 16).decode())
        path = self.profile(extra_keys={"kShort": {"file": bad}}, name="bad.json")
        e = self.assertVerrouError("ENCRYPTION_KEY_INVALID", self.v.encryptor_open, path, "dev")
        self.assertIn("kShort", e.message)
        self.assertIn("16 bytes", e.message)
        self.assertNotIn(base64.b64encode(b"k" * 16).decode(), e.message)
        path = self.profile(extra_keys={"kBad": {"file": self.tmp.write("bad.key", "not-a-key!")}}, name="bad2.json")
        e = self.assertVerrouError("ENCRYPTION_KEY_INVALID", self.v.encryptor_open, path, "dev")
        self.assertIn("kBad", e.message)
        self.assertNotIn("not-a-key", e.message)


if __name__ == "__main__":
    unittest.main()
