"""Shared helpers of the C ABI tests: the library (VERROU_LIBRARY), the test bed
(VERROU_TESTBED) and throwaway profile files pointing at it."""
import json
import os
import sys
import tempfile
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, os.path.join(REPO, "bindings", "python"))

import verrou  # noqa: E402

_lib = None


def lib() -> verrou.Verrou:
    global _lib
    if _lib is None:
        _lib = verrou.Verrou(os.environ.get("VERROU_LIBRARY"))
    return _lib


def bed_dir() -> str:
    d = os.environ.get("VERROU_TESTBED")
    if not d or not os.path.exists(os.path.join(d, "testbed.env")):
        raise unittest.SkipTest("test bed not running (VERROU_TESTBED)")
    return d


def bed_env() -> dict:
    values = {}
    with open(os.path.join(bed_dir(), "testbed.env")) as f:
        for line in f:
            if "=" in line:
                k, v = line.rstrip("\n").split("=", 1)
                values[k] = v
    return values


def read(path: str) -> str:
    with open(path) as f:
        return f.read()


class TempDir:
    def __init__(self):
        self._tmp = tempfile.TemporaryDirectory(prefix="verrou-capi-")
        self.path = self._tmp.name

    def write(self, name: str, text: str, mode: int = 0o600) -> str:
        p = os.path.join(self.path, name)
        with open(p, "w") as f:
            f.write(text)
        os.chmod(p, mode)
        return p

    def cleanup(self):
        self._tmp.cleanup()


def hashing_section(pepper_file: str) -> dict:
    # The OWASP minimum for Argon2id, so the threaded tests stay quick.
    return {"algorithm": "argon2id", "argon2_memory_kib": 19456, "argon2_iterations": 2,
            "current_pepper": "k1", "peppers": {"k1": {"file": pepper_file}}}


def hasher_profile(tmp: TempDir) -> str:
    """A profile with only a hashing section and a pepper of our own (no test bed needed)."""
    pepper = tmp.write("pepper_k1", "0123456789abcdef" * 4 + "\n")
    return tmp.write("hasher.json", json.dumps({
        "default_environment": "dev",
        "defaults": {"host": "127.0.0.1", "user": "app_user", "ssl_ca": pepper, "ssl_cert": pepper, "ssl_key": pepper,
                     "password_file": pepper, "hashing": hashing_section(pepper)},
        "environments": {"dev": {}}}))


def bed_profile(tmp: TempDir, server: str = "strict", cert: str = "dev/app_user", extra: dict = None) -> str:
    """JSON profile for app_user on the bed's `server` with client certificate `cert`."""
    bed = bed_dir()
    env = bed_env()
    dev = {"host": "127.0.0.1", "port": int(env["PORT_" + server.upper()]), "user": "app_user",
           "database": "appdb", "password_file": os.path.join(bed, "secrets", "app_user_password"),
           "ssl_ca": os.path.join(bed, "pki", "dev", "ca.crt"),
           "ssl_cert": os.path.join(bed, "pki", cert + ".crt"),
           "ssl_key": os.path.join(bed, "pki", cert + ".key"),
           "ssl_crl": os.path.join(bed, "pki", "dev", "crl.pem"),
           "hashing": hashing_section(os.path.join(bed, "secrets", "pepper_k1"))}
    if os.environ.get("VERROU_TEST_CONNECT_TIMEOUT"):  # valgrind (tests/memcheck): slow handshakes
        dev["connect_timeout"] = dev["read_timeout"] = int(os.environ["VERROU_TEST_CONNECT_TIMEOUT"])
    dev.update(extra or {})
    return tmp.write("bed-%s.json" % server, json.dumps(
        {"default_environment": "dev", "environments": {"dev": dev}}))


def bed_secrets() -> list:
    bed = bed_dir()
    out = []
    for name in ("app_user_password", "backup_user_password", "plain_user_password", "pepper_k1"):
        p = os.path.join(bed, "secrets", name)
        if os.path.exists(p):
            s = read(p).strip()
            if s:
                out.append(s)
    return out


class LibTestCase(unittest.TestCase):
    """Gives self.v (the binding) and self.raw, and checks the error state helpers."""

    def setUp(self):
        self.v = lib()
        self.raw = self.v.raw
        self.tmp = TempDir()

    def tearDown(self):
        self.tmp.cleanup()

    def assertVerrouError(self, name, fn, *args, **kwargs) -> verrou.VerrouError:
        with self.assertRaises(verrou.VerrouError) as cm:
            fn(*args, **kwargs)
        self.assertEqual(cm.exception.name, name, str(cm.exception))
        self.assertEqual(cm.exception.code, verrou.ERROR_CODES[name])
        self.assertTrue(cm.exception.message, "every failure must explain itself")
        return cm.exception

    def assertRawError(self, name, result):
        self.assertEqual(result, verrou.ERROR_CODES[name], "expected %s, got %r (%s)" % (
            name, result, self.v.last_error_message()))
        self.assertEqual(self.raw.verrou_last_error_code(), result)
