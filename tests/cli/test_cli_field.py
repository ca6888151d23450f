#!/usr/bin/env python3
"""`verrou field` and `verrou keys` driven as a user would (subprocess), and the key-rotation
day end to end on the test bed's database: 10 000 rows encrypted under key A, key B made
current, `rewrap-table` killed half-way (SIGKILL while it waits on a row lock another session
holds), run again: every row decrypts, all under B, none lost.

  VERROU_CLI=build/tools/verrou/verrou python3 tests/cli/test_cli_field.py -v Offline
  VERROU_CLI=... VERROU_LIBRARY=build/capi/libverrou.so VERROU_TESTBED=... python3 tests/cli/test_cli_field.py -v Rotation
"""
import base64
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(os.path.dirname(os.path.dirname(HERE)), "bindings", "python"))
import verrou  # noqa: E402

CLI = os.environ.get("VERROU_CLI", "verrou")
BED = os.environ.get("VERROU_TESTBED", "")


def run(*args, stdin=None, env=None, raw=False):
    full_env = dict(os.environ)
    full_env.pop("VERROU_ENV", None)
    full_env.update(env or {})
    p = subprocess.run([CLI, *args], input=stdin, capture_output=True, timeout=300, env=full_env,
                       stdin=None if stdin is not None else subprocess.DEVNULL)
    if raw:
        return p.returncode, p.stdout, p.stderr.decode()
    return p.returncode, p.stdout.decode(), p.stderr.decode()


class KeysMixin:
    def new_key(self, name):
        path = os.path.join(self.tmp, name)
        rc, out, err = run("keys", "new", "--out", path)
        self.assertEqual(rc, 0, err)
        with open(path) as f:
            text = f.read()
        self.assertNotIn(text.strip(), out + err, "a key is never printed")
        return path

    def encryption_section(self, current, keys, index_key=None):
        section = {"current_key": current, "keys": {k: {"file": p} for k, p in keys.items()}}
        if index_key:
            section.update({"current_index_key": "idx1", "index_keys": {"idx1": {"file": index_key}}})
        return section


class Offline(KeysMixin, unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.mkdtemp(prefix="verrou-cli-field-")
        self.key_a = self.new_key("a.key")
        self.key_b = self.new_key("b.key")
        self.index = self.new_key("idx.key")
        self.profile_a = self.write("a.json", "kA", {"kA": self.key_a, "kB": self.key_b})
        self.profile_b = self.write("b.json", "kB", {"kA": self.key_a, "kB": self.key_b})

    def tearDown(self):
        shutil.rmtree(self.tmp, ignore_errors=True)

    def write(self, name, current, keys):
        path = os.path.join(self.tmp, name)
        with open(path, "w") as f:
            json.dump({"default_environment": "dev", "defaults": {"encryption": self.encryption_section(
                current, keys, self.index)}, "environments": {"dev": {}}}, f)
        return path

    def field(self, action, profile, context, stdin, *extra):
        return run("field", action, "--profile", profile, "--context", context, *extra, stdin=stdin.encode())

    def test_keys_new(self):
        mode = os.stat(self.key_a).st_mode & 0o777
        self.assertEqual(mode, 0o600)
        with open(self.key_a) as f:
            text = f.read()
        self.assertEqual(len(base64.b64decode(text.strip(), validate=True)), 32)
        self.assertTrue(text.endswith("\n"))
        rc, _, err = run("keys", "new", "--out", self.key_a)
        self.assertEqual(rc, 3)
        self.assertIn("already exists", err)
        with open(self.key_a) as f:
            self.assertEqual(f.read(), text, "an existing key is never overwritten")
        self.assertEqual(run("keys", "new")[0], 3)
        self.assertEqual(run("keys", "--help")[0], 0)

    def test_encrypt_decrypt_rewrap_index(self):
        rc, ct, err = self.field("encrypt", self.profile_a, "customers.iban#42", "FR76 3000 6000 été\n")
        self.assertEqual(rc, 0, err)
        ct = ct.strip()
        self.assertTrue(ct.startswith("verrou:v1:kA:"), ct)
        rc, out, err = self.field("decrypt", self.profile_b, "customers.iban#42", ct + "\n")
        self.assertEqual((rc, out), (0, "FR76 3000 6000 été\n"), err)
        rc, out, err = self.field("decrypt", self.profile_a, "customers.iban#43", ct)
        self.assertEqual(rc, 2)
        self.assertIn("ENCRYPTION_AUTH_FAILED", err)
        self.assertNotIn("FR76", out + err)
        rc, new, err = self.field("rewrap", self.profile_b, "customers.iban#42", ct)
        self.assertEqual(rc, 0, err)
        self.assertTrue(new.startswith("verrou:v1:kB:"), new)
        self.assertNotIn("FR76", new + err)
        self.assertEqual(self.field("decrypt", self.profile_a, "customers.iban#42", new)[1], "FR76 3000 6000 été\n")
        rc, i1, _ = self.field("index", self.profile_a, "customers.iban", "FR76")
        rc2, i2, _ = self.field("index", self.profile_b, "customers.iban", "FR76\n")
        self.assertEqual((rc, rc2), (0, 0))
        self.assertEqual(i1, i2)
        self.assertTrue(i1.startswith("vbi1:idx1:"))

    def test_raw_keeps_bytes(self):
        rc, ct, err = self.field("encrypt", self.profile_a, "c", "two lines\n\n", "--raw")
        self.assertEqual(rc, 0, err)
        rc, out, err = self.field("decrypt", self.profile_a, "c", ct.strip(), "--raw")
        self.assertEqual((rc, out), (0, "two lines\n\n"), err)

    def test_refusals(self):
        self.assertEqual(self.field("encrypt", self.profile_a, "c", "x" * (1024 * 1024 + 1), "--raw")[0], 2)
        self.assertEqual(self.field("decrypt", self.profile_a, "c", "FR76")[0], 2)
        self.assertEqual(run("field", "encrypt", "--profile", self.profile_a, "FR76")[0], 3)  # value on the command line
        self.assertEqual(run("field", "encrypt", "--profile", self.profile_a)[0], 3)  # no context
        self.assertEqual(run("field", "shred", "--profile", self.profile_a, "--context", "c")[0], 3)
        self.assertEqual(run("field", "--help")[0], 0)
        rc, _, err = self.field("encrypt", os.path.join(self.tmp, "missing.json"), "c", "v")
        self.assertEqual(rc, 3)


@unittest.skipUnless(BED and os.environ.get("VERROU_LIBRARY"), "needs VERROU_TESTBED and VERROU_LIBRARY")
class Rotation(KeysMixin, unittest.TestCase):
    ROWS = 10000
    TABLE = "field_rotation"

    def setUp(self):
        self.tmp = tempfile.mkdtemp(prefix="verrou-cli-rotation-")
        self.env = {}
        with open(os.path.join(BED, "testbed.env")) as f:
            for line in f:
                if "=" in line:
                    k, v = line.rstrip("\n").split("=", 1)
                    self.env[k] = v
        self.lib = verrou.Verrou(os.environ["VERROU_LIBRARY"])
        self.key_a = self.new_key("a.key")
        self.key_b = self.new_key("b.key")

    def tearDown(self):
        shutil.rmtree(self.tmp, ignore_errors=True)

    def profile(self, name, current, keys):
        pki = os.path.join(BED, "pki")
        dev = {"host": "127.0.0.1", "port": int(self.env["PORT_STRICT"]), "user": "app_user", "database": "appdb",
               "password_file": os.path.join(BED, "secrets", "app_user_password"),
               "ssl_ca": os.path.join(pki, "dev", "ca.crt"), "ssl_cert": os.path.join(pki, "dev", "app_user.crt"),
               "ssl_key": os.path.join(pki, "dev", "app_user.key"), "ssl_crl": os.path.join(pki, "dev", "crl.pem"),
               "encryption": self.encryption_section(current, keys)}
        path = os.path.join(self.tmp, name)
        with open(path, "w") as f:
            json.dump({"default_environment": "dev", "environments": {"dev": dev}}, f)
        return path

    @staticmethod
    def plaintext(i):
        return "FR76 %010d ligne n°%d" % (i * 7919 % 10000000000, i)

    @staticmethod
    def context(i):
        return "field_rotation.secret#%d" % i

    def count(self, cnx, where):
        return int(self.lib.query(cnx, "SELECT COUNT(*) FROM %s WHERE %s" % (self.TABLE, where))["rows"][0][0])

    def test_rotation_with_a_kill_half_way(self):
        v = self.lib
        profile_a = self.profile("a.json", "kA", {"kA": self.key_a})
        profile_b = self.profile("b.json", "kB", {"kA": self.key_a, "kB": self.key_b})
        prof = v.profile_open(profile_a, "dev")
        cnx = v.connect(prof)
        enc_a = v.encryptor_open(profile_a, "dev")
        v.execute(cnx, "DROP TABLE IF EXISTS %s" % self.TABLE)
        v.execute(cnx, "CREATE TABLE %s (id INT PRIMARY KEY, secret TEXT NULL) ENGINE=InnoDB" % self.TABLE)
        holder = holder_prof = None
        try:
            # 1. 10 000 rows under key A (rows 17 and 4242 NULL: skipped, never failed).
            for start in range(1, self.ROWS + 1, 500):
                ids = range(start, min(start + 500, self.ROWS + 1))
                params = []
                for i in ids:
                    params += [i, None if i in (17, 4242) else v.encrypt(enc_a, self.plaintext(i), self.context(i))]
                v.execute(cnx, "INSERT INTO %s VALUES %s" % (self.TABLE, ",".join(["(?, ?)"] * len(ids))), params)
            self.assertEqual(self.count(cnx, "secret LIKE 'verrou:v1:kA:%'"), self.ROWS - 2)

            # 2. Key B becomes current; another session holds row 5001 locked, so the run
            # commits batches 1..5000 and then waits: it is killed there, mid-batch.
            holder_prof = v.profile_open(profile_a, "dev")
            holder = v.connect(holder_prof)
            v.begin(holder)
            v.query(holder, "SELECT id FROM %s WHERE id = 5001 FOR UPDATE" % self.TABLE)
            args = ["field", "rewrap-table", "--profile", profile_b, "--table", self.TABLE, "--column", "secret",
                    "--id-column", "id", "--context-template", "field_rotation.secret#{id}", "--batch-size", "100"]
            proc = subprocess.Popen([CLI, *args], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                    stdin=subprocess.DEVNULL)
            deadline = time.monotonic() + 120
            done = 0
            while time.monotonic() < deadline and proc.poll() is None:
                done = self.count(cnx, "secret LIKE 'verrou:v1:kB:%'")
                if done >= 4998:  # rows 1..5000 minus the NULL rows 17 and 4242
                    break
                time.sleep(0.05)
            if proc.poll() is not None:
                out, err = proc.communicate()
                self.fail("rewrap-table ended (%s) instead of waiting on the locked row: %s %s"
                          % (proc.returncode, out.decode(), err.decode()))
            time.sleep(0.3)  # it is now inside batch 5001..5100, blocked on row 5001
            proc.send_signal(signal.SIGKILL)
            proc.communicate(timeout=30)
            self.assertEqual(proc.returncode, -signal.SIGKILL)
            v.rollback(holder)
            # The killed batch was rolled back by the server: exactly the committed batches are done.
            self.assertEqual(self.count(cnx, "secret LIKE 'verrou:v1:kB:%'"), 4998)
            self.assertEqual(self.count(cnx, "secret LIKE 'verrou:v1:kA:%'"), self.ROWS - 5000)

            # 3. Run again: it finishes the rest, skipping what is done.
            rc, out, err = run(*args, "--json")
            self.assertEqual(rc, 0, err)
            summary = json.loads(out)
            self.assertEqual(summary["rows"], self.ROWS)
            self.assertEqual(summary["rewrapped"], self.ROWS - 5000)
            self.assertEqual(summary["skipped"], 4998 + 2)
            self.assertEqual(summary["failed"], 0)

            # 4. Every row decrypts to its value, all under B, none lost.
            enc_b = v.encryptor_open(profile_b, "dev")
            rows = v.query(cnx, "SELECT id, secret FROM %s ORDER BY id" % self.TABLE)["rows"]
            self.assertEqual(len(rows), self.ROWS)
            for row_id, secret in rows:
                if row_id in (17, 4242):
                    self.assertIsNone(secret)
                    continue
                self.assertTrue(secret.startswith("verrou:v1:kB:"), row_id)
                self.assertEqual(v.decrypt(enc_b, secret, self.context(row_id)), self.plaintext(row_id))
            v.encryptor_close(enc_b)

            # 5. A third run has nothing left to do; a row that does not decrypt is reported.
            v.execute(cnx, "UPDATE %s SET secret = ? WHERE id = 9" % self.TABLE,
                      [v.encrypt(enc_a, "moved", self.context(10))])  # a value copied from another row
            rc, out, err = run(*args)
            self.assertEqual(rc, 2, out + err)
            self.assertIn("0 rewrapped", out)
            self.assertIn("1 failed", out)
            self.assertIn("row id=9: [ENCRYPTION_AUTH_FAILED]", err)
            self.assertNotIn("moved", out + err)
        finally:
            if holder:
                v.disconnect(holder)  # ends its transaction (row and metadata locks) before the DROP
                v.profile_close(holder_prof)
            v.execute(cnx, "DROP TABLE IF EXISTS %s" % self.TABLE)
            v.encryptor_close(enc_a)
            v.disconnect(cnx)
            v.profile_close(prof)


if __name__ == "__main__":
    unittest.main()
