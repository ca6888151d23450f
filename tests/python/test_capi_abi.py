"""The ABI's own rules, without a server: codes, last error, buffers, handles, UTF-8."""
import ctypes
import os
import re
import unittest

from verrou_test_support import REPO, LibTestCase, hasher_profile, read, verrou

E = verrou.ERROR_CODES


class TestErrorTable(LibTestCase):
    def test_header_codes_match_core_names(self):
        header = read(os.path.join(REPO, "include", "verrou.h"))
        defines = {n: int(v) for n, v in re.findall(r"#define VERROU_E_(\w+)\s+\((-\d+)\)", header)}
        self.assertEqual(defines, verrou.ERROR_CODES, "verrou.h and verrou.py disagree")
        for name, code in defines.items():
            self.assertEqual(self.v.error_name(code), name)
        # Every code the core knows is declared in the header.
        for code in range(-1099, 0):  # every layer's block, ENCRYPTION (-1000 .. -1099) included
            name = self.v.error_name(code)
            if name != "UNKNOWN":
                self.assertEqual(defines.get(name), code, "core code %d (%s) missing from verrou.h" % (code, name))

    def test_error_name_out_of_range(self):
        for code in (0, 1, -1100, -99999, 2**31, -(2**31), 2**62):
            self.assertIn(self.v.error_name(code), ("OK", "UNKNOWN"))

    def test_docs_errors_md_mentions_every_code(self):
        doc = read(os.path.join(REPO, "docs", "errors.md"))
        for name in verrou.ERROR_CODES:
            self.assertIn(name, doc)


class TestLastError(LibTestCase):
    def test_success_clears_and_failure_sets(self):
        self.assertVerrouError("INVALID_HANDLE", self.v.profile_close, 7)
        self.assertEqual(self.raw.verrou_last_error_code(), E["INVALID_HANDLE"])
        self.assertIn("invalid handle 7", self.v.last_error_message())
        # Reading the error does not change it.
        self.assertEqual(self.raw.verrou_last_error_code(), E["INVALID_HANDLE"])
        self.assertIn("invalid handle 7", self.v.last_error_message())
        self.v.version()
        self.assertEqual(self.raw.verrou_last_error_code(), 0)
        self.assertEqual(self.v.last_error_message(), "")

    def test_message_buffer_too_small_keeps_error(self):
        self.raw.verrou_profile_close(7)
        msg = "invalid handle 7: never opened"
        self.assertEqual(self.raw.verrou_last_error_message(None, 0), E["BUFFER_TOO_SMALL"])
        self.assertEqual(self.raw.verrou_last_required_size(), len(msg) + 1)
        buf = ctypes.create_string_buffer(b"XXXX", 4)
        self.assertEqual(self.raw.verrou_last_error_message(buf, 4), E["BUFFER_TOO_SMALL"])
        self.assertEqual(buf.raw[0], 0)
        self.assertEqual(self.raw.verrou_last_error_code(), E["INVALID_HANDLE"])
        buf = ctypes.create_string_buffer(len(msg) + 1)
        self.assertEqual(self.raw.verrou_last_error_message(buf, len(msg) + 1), len(msg))
        self.assertEqual(buf.value.decode(), msg)
        self.assertEqual(self.raw.verrou_last_error_message(buf, -1), E["INVALID_ARGUMENT"])


class TestBuffers(LibTestCase):
    def test_version(self):
        self.assertRegex(self.v.version(), r"^\d+\.\d+\.\d+")

    def test_null_and_small_buffers(self):
        version = self.v.version().encode()
        n = len(version)
        self.assertRawError("BUFFER_TOO_SMALL", self.raw.verrou_version(None, 0))
        self.assertEqual(self.raw.verrou_last_required_size(), n + 1)
        self.assertRawError("BUFFER_TOO_SMALL", self.raw.verrou_version(None, 100))  # NULL with a size
        for size in (1, n):  # size 1 and one byte short: empty string, nothing partial
            buf = ctypes.create_string_buffer(b"\xAA" * (n + 4), n + 4)
            self.assertRawError("BUFFER_TOO_SMALL", self.raw.verrou_version(buf, size))
            self.assertEqual(buf.raw[0], 0)
            self.assertEqual(buf.raw[1:n + 4], b"\xAA" * (n + 3), "nothing written past buf[0]")
            self.assertEqual(self.raw.verrou_last_required_size(), n + 1)
        buf = ctypes.create_string_buffer(b"\xAA" * (n + 4), n + 4)
        self.assertRawError("BUFFER_TOO_SMALL", self.raw.verrou_version(buf, 0))
        self.assertEqual(buf.raw[0], 0xAA, "size 0: not a single byte written")
        exact = ctypes.create_string_buffer(b"\xAA" * (n + 4), n + 4)
        self.assertEqual(self.raw.verrou_version(exact, n + 1), n)  # exactly fitting
        self.assertEqual(exact.raw[:n + 1], version + b"\0")
        self.assertEqual(exact.raw[n + 1], 0xAA)
        self.assertEqual(self.raw.verrou_last_error_code(), 0)
        self.assertEqual(self.raw.verrou_last_required_size(), n + 1)

    def test_negative_size(self):
        buf = ctypes.create_string_buffer(16)
        self.assertRawError("INVALID_ARGUMENT", self.raw.verrou_version(buf, -1))
        self.assertRawError("INVALID_ARGUMENT", self.raw.verrou_version(buf, -(2**40)))

    def test_binding_grows_from_one_byte(self):
        small = verrou.Verrou(self.v.path, initial_buffer=1)
        self.assertEqual(small.version(), self.v.version())
        self.assertEqual(small.error_name(-303), "CERT_EXPIRED")


class TestHandles(LibTestCase):
    def test_invalid_values(self):
        for h in (0, -1, -3, 1, 65535, 2**31 - 1, 2**31, 2**40, -(2**62)):
            for fn in (self.raw.verrou_profile_close, self.raw.verrou_connect, self.raw.verrou_disconnect,
                       self.raw.verrou_hasher_close, self.raw.verrou_begin, self.raw.verrou_commit,
                       self.raw.verrou_rollback):
                self.assertRawError("INVALID_HANDLE", fn(h))
            buf = ctypes.create_string_buffer(64)
            self.assertRawError("INVALID_HANDLE", self.raw.verrou_profile_describe(h, buf, 64))
            self.assertRawError("INVALID_HANDLE", self.raw.verrou_connection_info(h, buf, 64))
            self.assertRawError("INVALID_HANDLE", self.raw.verrou_query(h, b"SELECT 1", None, buf, 64))
            self.assertRawError("INVALID_HANDLE", self.raw.verrou_execute(h, b"SELECT 1", None))
            self.assertRawError("INVALID_HANDLE", self.raw.verrou_hash(h, b"pw", buf, 64))
            self.assertRawError("INVALID_HANDLE", self.raw.verrou_verify(h, b"pw", b"$x"))
            self.assertRawError("INVALID_HANDLE", self.raw.verrou_needs_rehash(h, b"$x"))

    def test_closed_stale_and_foreign_kind(self):
        path = hasher_profile(self.tmp)
        h = self.v.hasher_open(path)
        self.assertGreater(h, 0)
        self.assertLess(h, 2**31)
        self.v.hasher_close(h)
        e = self.assertVerrouError("INVALID_HANDLE", self.v.hash, h, "pw")
        self.assertIn("closed", e.message)
        self.assertVerrouError("INVALID_HANDLE", self.v.hasher_close, h)  # double close
        # The slot comes back with a new generation: the old number stays dead.
        handles = [self.v.hasher_open(path) for _ in range(4)]
        self.assertNotIn(h, handles)
        self.assertVerrouError("INVALID_HANDLE", self.v.hash, h, "pw")
        p = self.v.profile_open(path)
        e = self.assertVerrouError("INVALID_HANDLE", self.v.hash, p, "pw")  # profile used as hasher
        self.assertIn("profile handle, not a hasher", e.message)
        e = self.assertVerrouError("INVALID_HANDLE", self.v.profile_describe, handles[0])
        self.assertIn("hasher handle, not a profile", e.message)
        self.assertVerrouError("INVALID_HANDLE", self.v.connect, handles[0])
        self.assertVerrouError("INVALID_HANDLE", self.v.disconnect, p)
        self.assertVerrouError("INVALID_HANDLE", self.v.hasher_close, p)
        self.v.profile_close(p)
        for x in handles:
            self.v.hasher_close(x)

    def test_many_handles(self):
        path = hasher_profile(self.tmp)
        p = [self.v.profile_open(path) for _ in range(300)]
        self.assertEqual(len(set(p)), 300)
        for x in p:
            self.assertEqual(self.v.profile_close(x), 0)


class TestInputs(LibTestCase):
    def test_null_arguments(self):
        self.assertRawError("INVALID_ARGUMENT", self.raw.verrou_profile_open(None, None))
        self.assertRawError("INVALID_ARGUMENT", self.raw.verrou_hasher_open(None, b"dev"))
        self.assertRawError("INVALID_ARGUMENT", self.raw.verrou_profile_open(b"", None))
        h = self.v.hasher_open(hasher_profile(self.tmp))
        buf = ctypes.create_string_buffer(256)
        self.assertRawError("INVALID_ARGUMENT", self.raw.verrou_hash(h, None, buf, 256))
        self.assertRawError("INVALID_ARGUMENT", self.raw.verrou_verify(h, None, b"$x"))
        self.assertRawError("INVALID_ARGUMENT", self.raw.verrou_verify(h, b"pw", None))
        self.assertRawError("INVALID_ARGUMENT", self.raw.verrou_needs_rehash(h, None))
        self.v.hasher_close(h)

    def test_invalid_utf8(self):
        for bad in (b"\xff", b"caf\xe9", b"\xc0\xaf", b"\xed\xa0\x80", b"\xf4\x90\x80\x80", b"abc\xe2\x82"):
            self.assertRawError("INVALID_UTF8", self.raw.verrou_profile_open(bad, None))
            self.assertRawError("INVALID_UTF8", self.raw.verrou_profile_open(b"/x.json", bad))
        h = self.v.hasher_open(hasher_profile(self.tmp))
        e = self.assertVerrouError("INVALID_UTF8", self.v.hash, h, b"mot de passe \xe9t\xe9")
        self.assertNotIn("passe", e.message)
        self.assertVerrouError("INVALID_UTF8", self.v.verify, h, b"\xff", "$argon2id$")
        self.assertVerrouError("INVALID_UTF8", self.v.needs_rehash, h, b"$argon2id$\xff")
        self.v.hasher_close(h)

    def test_valid_utf8_paths(self):
        e = self.assertVerrouError("CONFIG_UNREADABLE", self.v.profile_open, "/nonexistent/profils-été-日本.json")
        self.assertIn("profils-été-日本", e.message)

    def test_hostile_paths(self):
        for path in ("/dev/zero", "/", "/proc/self/mem"):
            with self.assertRaises(verrou.VerrouError) as cm:
                self.v.profile_open(path)
            self.assertEqual(cm.exception.name, "CONFIG_UNREADABLE", cm.exception)
            with self.assertRaises(verrou.VerrouError):
                self.v.hasher_open(path)

    def test_unknown_environment(self):
        e = self.assertVerrouError("CONFIG_UNKNOWN_ENVIRONMENT", self.v.profile_open, hasher_profile(self.tmp), "prdo")
        self.assertIn("dev", e.message)


if __name__ == "__main__":
    unittest.main()
