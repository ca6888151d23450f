#!/usr/bin/env python3
"""Tests of the `verrou` command-line tool, driven as a user would (subprocess).

Asserts exit codes (Nagios: 0 OK, 1 WARNING, 2 CRITICAL, 3 UNKNOWN) and that no secret of
the test bed (passwords, pepper, key passphrase) ever reaches stdout or stderr.

  VERROU_CLI=build/tools/verrou/verrou python3 tests/cli/test_cli.py -v Offline
  VERROU_CLI=... VERROU_TESTBED=/tmp/bed python3 tests/cli/test_cli.py -v Bed   (needs the bed)
"""
import hashlib
import json
import os
import shutil
import socket
import subprocess
import tempfile
import time
import unittest

CLI = os.environ.get("VERROU_CLI", "verrou")
BED = os.environ.get("VERROU_TESTBED", "")


def run(*args, stdin=None, env=None):
    full_env = dict(os.environ)
    full_env.pop("VERROU_ENV", None)
    if env:
        full_env.update(env)
    p = subprocess.run([CLI, *args], input=stdin, capture_output=True, text=True, timeout=120,
                       env=full_env, stdin=None if stdin is not None else subprocess.DEVNULL)
    return p.returncode, p.stdout, p.stderr


class Offline(unittest.TestCase):
    """No server needed."""

    def setUp(self):
        self.tmp = tempfile.mkdtemp(prefix="verrou-cli-")

    def tearDown(self):
        shutil.rmtree(self.tmp, ignore_errors=True)

    def test_help_on_every_subcommand(self):
        for cmd in ["doctor", "profile", "cert", "hash", "verify", "pki", "backup", "login"]:
            with self.subTest(cmd=cmd):
                rc, out, _ = run(cmd, "--help")
                self.assertEqual(rc, 0)
                self.assertIn("usage: verrou " + cmd, out)
        rc, out, _ = run("--help")
        self.assertEqual(rc, 0)
        self.assertIn("doctor", out)

    def test_usage_errors_are_unknown(self):
        self.assertEqual(run()[0], 3)
        self.assertEqual(run("frobnicate")[0], 3)
        self.assertEqual(run("doctor")[0], 3)                      # --profile missing
        self.assertEqual(run("doctor", "--profile", "x", "--bogus")[0], 3)
        self.assertEqual(run("cert", "inspect")[0], 3)

    def test_password_on_command_line_is_refused(self):
        for cmd in ["hash", "verify"]:
            rc, _, err = run(cmd, "--profile", "x", "--password", "hunter2")
            self.assertEqual(rc, 3)
            self.assertIn("never go on the command line", err)
            self.assertNotIn("hunter2", err)

    def test_no_tty_no_password_source(self):
        path = os.path.join(self.tmp, "h.ini")
        with open(path, "w") as f:
            f.write("[env.dev]\n")
        # setsid: no controlling terminal, so no prompt is possible.
        p = subprocess.run(["setsid", CLI, "hash", "--profile", path, "--env", "dev"], capture_output=True,
                           text=True, stdin=subprocess.DEVNULL)
        self.assertEqual(p.returncode, 3)
        self.assertIn("--password-stdin", p.stderr)

    def test_doctor_missing_profile_is_unknown(self):
        rc, out, _ = run("doctor", "--profile", os.path.join(self.tmp, "none.json"))
        self.assertEqual(rc, 3)
        self.assertIn("[FAILED]", out)
        self.assertIn("SKIPPED", out)
        rc, out, _ = run("doctor", "--json", "--profile", os.path.join(self.tmp, "none.json"))
        self.assertEqual(rc, 3)
        j = json.loads(out)
        self.assertEqual(j["exit_code"], 3)
        self.assertEqual(j["stopped_at"], "profile")
        self.assertEqual(j["steps"][0]["code_name"], "CONFIG_UNREADABLE")

    def test_cert_inspect_unreadable(self):
        rc, _, err = run("cert", "inspect", os.path.join(self.tmp, "none.crt"))
        self.assertEqual(rc, 3)
        self.assertIn("CERT_FILE_MISSING", err)

    def test_hash_verify_without_bed(self):
        # A profile used only for hashing needs no connection keys.
        path = os.path.join(self.tmp, "h.ini")
        with open(path, "w") as f:
            f.write("[env.dev]\nhashing.algorithm = pbkdf2-sha256\nhashing.pbkdf2_sha256_iterations = 600000\n")
        rc, out, _ = run("hash", "--profile", path, "--env", "dev", "--password-stdin", stdin="s3cret-pw\n")
        self.assertEqual(rc, 0)
        stored = out.strip()
        self.assertTrue(stored.startswith("$pbkdf2-sha256$"))
        self.assertEqual(run("verify", "--profile", path, "--env", "dev", "--password-stdin", stored,
                             stdin="s3cret-pw\n")[0], 0)
        self.assertEqual(run("verify", "--profile", path, "--env", "dev", "--password-stdin", stored,
                             stdin="wrong\n")[0], 2)
        self.assertEqual(run("verify", "--profile", path, "--env", "dev", "--password-stdin", "$garbage$",
                             stdin="s3cret-pw\n")[0], 2)
        # Policy moved to argon2id: the old hash still matches but asks for a rehash.
        with open(path, "w") as f:
            f.write("[env.dev]\nhashing.algorithm = argon2id\n")
        pwfile = os.path.join(self.tmp, "pw")
        with open(pwfile, "w") as f:
            f.write("s3cret-pw\n")
        rc, out, err = run("verify", "--profile", path, "--env", "dev", "--password-file", pwfile, stored)
        self.assertEqual(rc, 1, out + err)
        self.assertNotIn("s3cret-pw", out + err)

    def test_backup_check(self):
        d = os.path.join(self.tmp, "backups")
        os.mkdir(d)
        self.assertEqual(run("backup", "check", d)[0], 2)                       # none
        old = os.path.join(d, "mariadb_2026-01-01.sql.gz.gpg")
        with open(old, "w") as f:
            f.write("old\n")
        subprocess.run(["touch", "-d", "3 days ago", old], check=True)
        rc, out, _ = run("backup", "check", d)
        self.assertEqual(rc, 1)
        self.assertTrue(out.startswith("BACKUP WARNING"))
        self.assertEqual(run("backup", "check", d, "--max-age", "4d")[0], 0)
        new = os.path.join(d, "mariadb_2026-01-04.sql.gz.gpg")
        with open(new, "w") as f:
            f.write("new\n")
        subprocess.run(["touch", "-d", "2 hours ago", new], check=True)
        self.assertEqual(run("backup", "check", d, "--max-age", "30h")[0], 0)
        self.assertEqual(run("backup", "check", d, "--max-age", "1h")[0], 1)
        self.assertEqual(run("backup", "check", d, "--pattern", "*.tar")[0], 2)
        # Checksums with the real sha256sum.
        self.assertEqual(run("backup", "check", d, "--verify-checksums")[0], 2)  # sidecar missing
        subprocess.run("sha256sum mariadb_2026-01-04.sql.gz.gpg > mariadb_2026-01-04.sql.gz.gpg.sha256",
                       shell=True, cwd=d, check=True)
        rc, out, _ = run("backup", "check", d, "--verify-checksums", "--json")
        self.assertEqual(rc, 0, out)
        j = json.loads(out)
        self.assertEqual(j["checksum"], "ok")
        self.assertEqual(j["matching_files"], 2)
        self.assertTrue(j["newest"]["path"].endswith("mariadb_2026-01-04.sql.gz.gpg"))
        with open(new, "a") as f:
            f.write("tampered\n")
        rc, out, _ = run("backup", "check", d, "--verify-checksums", "--json")
        self.assertEqual(rc, 2)
        self.assertEqual(json.loads(out)["checksum"], "mismatch")
        self.assertEqual(run("backup", "check", os.path.join(self.tmp, "nope"))[0], 3)
        self.assertEqual(run("backup", "check", d, "--max-age", "soon")[0], 3)

    def test_pki(self):
        d = os.path.join(self.tmp, "pki")
        rc, out, err = run("pki", "init-ca", "--env", "prod", "--dir", d)
        self.assertEqual(rc, 0, err)
        self.assertIn("/CN=verrou prod CA", out)
        rc, _, err = run("pki", "issue-server", "--env", "prod", "--dir", d, "--host", "db.prod.local",
                         "--ip", "127.0.0.1")
        self.assertEqual(rc, 0, err)
        rc, out, err = run("pki", "issue-client", "--env", "prod", "--dir", d, "--user", "app_user", "--days", "365")
        self.assertEqual(rc, 0, err)
        self.assertIn("/CN=app_user-prod", out)
        ca = os.path.join(d, "prod", "ca.crt")
        client = os.path.join(d, "prod", "issued", "app_user-prod.crt")
        server = os.path.join(d, "prod", "issued", "db.prod.local.crt")
        self.assertEqual(os.stat(os.path.join(d, "prod", "issued", "app_user-prod.key")).st_mode & 0o777, 0o600)
        for cert in (client, server):
            self.assertEqual(subprocess.run(["openssl", "verify", "-CAfile", ca, cert], capture_output=True).returncode, 0)
        # Refuses to overwrite: CRITICAL.
        self.assertEqual(run("pki", "issue-client", "--env", "prod", "--dir", d, "--user", "app_user")[0], 2)
        self.assertEqual(run("pki", "revoke", "--env", "prod", "--dir", d, "--cert", client)[0], 0)
        crl = os.path.join(d, "prod", "crl.pem")
        p = subprocess.run(["openssl", "verify", "-crl_check", "-CAfile", ca, "-CRLfile", crl, client],
                           capture_output=True, text=True)
        self.assertNotEqual(p.returncode, 0)
        self.assertIn("revoked", p.stdout + p.stderr)
        self.assertEqual(run("pki", "revoke", "--env", "prod", "--dir", d)[0], 3)   # neither --serial nor --cert
        # cert inspect on what pki issued.
        rc, out, _ = run("cert", "inspect", server)
        self.assertEqual(rc, 0)
        self.assertIn("DNS:db.prod.local, IP:127.0.0.1", out)


@unittest.skipUnless(BED and os.path.exists(os.path.join(BED, "testbed.env")), "test bed not running")
class Bed(unittest.TestCase):
    """Against the test bed's servers and PKI (CTest fixture `testbed`)."""

    @classmethod
    def setUpClass(cls):
        cls.env = {}
        with open(os.path.join(BED, "testbed.env")) as f:
            for line in f:
                if "=" in line:
                    k, v = line.rstrip("\n").split("=", 1)
                    cls.env[k] = v
        cls.secrets = []
        for name in ["app_user_password", "backup_user_password", "plain_user_password", "pepper_k1"]:
            with open(os.path.join(BED, "secrets", name)) as f:
                cls.secrets.append(f.read().strip())
        with open(os.path.join(BED, "pki", "dev", "encrypted.pass")) as f:
            cls.secrets.append(f.read().strip())

    def setUp(self):
        self.tmp = tempfile.mkdtemp(prefix="verrou-cli-bed-")

    def tearDown(self):
        shutil.rmtree(self.tmp, ignore_errors=True)

    def pki(self, rel):
        return os.path.join(BED, "pki", rel)

    def profile(self, server="strict", cert="dev/app_user", **extra):
        env = {
            "host": "127.0.0.1", "port": int(self.env["PORT_" + server.upper()]), "user": "app_user",
            "database": "appdb", "connect_timeout": 5,
            "password_file": os.path.join(BED, "secrets", "app_user_password"),
            "ssl_ca": self.pki("dev/ca.crt"), "ssl_cert": self.pki(cert + ".crt"),
            "ssl_key": self.pki(cert + ".key"), "ssl_crl": self.pki("dev/crl.pem"),
            "hashing": {"current_pepper": "k1",
                        "peppers": {"k1": {"file": os.path.join(BED, "secrets", "pepper_k1")}}},
        }
        for k, v in extra.items():
            if v is None:
                env.pop(k, None)
            else:
                env[k] = v
        path = os.path.join(self.tmp, "profiles.json")
        with open(path, "w") as f:
            json.dump({"default_environment": "dev", "environments": {"dev": env}}, f)
        return path

    def run_clean(self, *args, stdin=None):
        """Runs the CLI and asserts no bed secret appears in its output."""
        rc, out, err = run(*args, stdin=stdin)
        for s in self.secrets:
            self.assertNotIn(s, out, "secret leaked to stdout")
            self.assertNotIn(s, err, "secret leaked to stderr")
        return rc, out, err

    def test_doctor_good_profile(self):
        rc, out, err = self.run_clean("doctor", "--profile", self.profile())
        self.assertEqual(rc, 0, out + err)
        self.assertEqual(out.count("[OK]"), 8)
        self.assertIn("app_user@%", out)
        self.assertIn("Result: OK", out)
        rc, out, _ = self.run_clean("doctor", "--json", "--profile", self.profile(), "--env", "dev")
        self.assertEqual(rc, 0)
        j = json.loads(out)
        self.assertEqual([s["status"] for s in j["steps"]], ["OK"] * 8)
        self.assertEqual(j["session"]["ssl_version"], "TLSv1.3")

    def test_doctor_exit_codes(self):
        self.assertEqual(self.run_clean("doctor", "--profile", self.profile(cert="dev/expiring"))[0], 1)
        self.assertEqual(self.run_clean("doctor", "--profile", self.profile(cert="dev/expired"))[0], 2)
        self.assertEqual(self.run_clean("doctor", "--profile", self.profile(server="plain"))[0], 2)
        self.assertEqual(self.run_clean("doctor", "--profile", self.profile(), "--env", "nope")[0], 3)
        wrong = os.path.join(self.tmp, "wrong")
        with open(wrong, "w") as f:
            f.write("not-the-password\n")
        rc, out, _ = self.run_clean("doctor", "--profile", self.profile(password_file=wrong))
        self.assertEqual(rc, 2)
        self.assertIn("ACCESS", out.upper())
        self.assertIn("stopped at auth", out)

    def test_doctor_inline_password_never_printed(self):
        rc, out, err = self.run_clean("doctor", "--json", "--profile",
                                      self.profile(password_file=None, password=self.secrets[0]))
        self.assertEqual(rc, 1, out + err)

    def test_doctor_rollover_says_next(self):
        rc, out, err = self.run_clean("doctor", "--profile", self.profile(
            cert="dev/expiring", ssl_cert_next=self.pki("dev/next.crt"), ssl_key_next=self.pki("dev/next.key")))
        self.assertIn(rc, (0, 1), out + err)
        self.assertIn("next certificate", out)

    def test_profile_check_show_windev(self):
        path = self.profile()
        rc, out, _ = self.run_clean("profile", "check", "--profile", path)
        self.assertEqual(rc, 0)
        self.assertIn("valid", out)
        self.assertEqual(self.run_clean("profile", "check", "--profile", self.profile(cert="dev/expired"))[0], 2)
        self.assertEqual(self.run_clean("profile", "check", "--profile", os.path.join(self.tmp, "x.ini"))[0], 3)

        rc, out, _ = self.run_clean("profile", "show", "--profile", path)
        self.assertEqual(rc, 0)
        shown = json.loads(out)
        self.assertIn("app_user_password", json.dumps(shown))   # the reference, not the value

        inline = self.profile(password_file=None, password=self.secrets[0])
        rc, out, _ = self.run_clean("profile", "show", "--profile", inline)
        self.assertEqual(rc, 0)
        rc, out, _ = self.run_clean("profile", "windev", "--profile", inline)
        self.assertEqual(rc, 0)

        path = self.profile()  # the same file name: rewrite the file-password profile
        rc, out, _ = self.run_clean("profile", "windev", "--profile", path, "--var", "cnx")
        self.assertEqual(rc, 0)
        for opt in ["SERVER", "PORT", "USER", "DATABASE", "SSL_CA", "SSL_CERT", "SSL_KEY", "SSL_MODE"]:
            self.assertIn('cnx..Option["%s"] = "' % opt, out)
        self.assertIn('cnx..Option["SSL_CA"] = "%s"' % self.pki("dev/ca.crt"), out)
        self.assertIn("// Password: read it at run time from file", out)

    def test_cert_inspect(self):
        rc, out, _ = self.run_clean("cert", "inspect", self.pki("dev/server.crt"))
        self.assertEqual(rc, 0)
        self.assertIn("subject:     /CN=localhost", out)
        self.assertIn("DNS:localhost, IP:127.0.0.1", out)
        der = subprocess.run(["openssl", "x509", "-in", self.pki("dev/server.crt"), "-outform", "DER"],
                             capture_output=True, check=True).stdout
        self.assertIn(hashlib.sha256(der).hexdigest().upper(), out)

    def test_cert_check_nagios(self):
        self.assertEqual(self.run_clean("cert", "check", "--profile", self.profile())[0], 0)
        rc, out, _ = self.run_clean("cert", "check", "--profile", self.profile(cert="dev/expiring"))
        self.assertEqual(rc, 1)
        self.assertTrue(out.startswith("CERT WARNING"))
        self.assertIn("client_days_left=", out)
        rc, out, _ = self.run_clean("cert", "check", "--profile", self.profile(cert="dev/expired"))
        self.assertEqual(rc, 2)
        self.assertTrue(out.startswith("CERT CRITICAL"))
        self.assertEqual(self.run_clean("cert", "check", "--profile", self.profile(cert="dev/notyetvalid"))[0], 2)
        self.assertEqual(self.run_clean("cert", "check", "--profile", self.profile(cert="foreign/app_user"))[0], 2)
        rc, out, _ = self.run_clean("cert", "check", "--profile", self.profile(
            cert="dev/expiring", ssl_cert_next=self.pki("dev/next.crt"), ssl_key_next=self.pki("dev/next.key")))
        self.assertIn("certificate used: next", out)
        self.assertEqual(self.run_clean("cert", "check", "--profile", os.path.join(self.tmp, "none"))[0], 3)

    def test_hash_verify_with_pepper(self):
        path = self.profile()
        rc, out, err = self.run_clean("hash", "--profile", path, "--password-stdin", stdin="correct horse\n")
        self.assertEqual(rc, 0, err)
        stored = out.strip()
        self.assertIn("keyid=", stored)
        self.assertEqual(self.run_clean("verify", "--profile", path, "--password-stdin", stored,
                                        stdin="correct horse\n")[0], 0)
        self.assertEqual(self.run_clean("verify", "--profile", path, "--password-stdin", stored,
                                        stdin="wrong horse\n")[0], 2)
        # The bed's own password through --password-file: never echoed.
        rc, out, err = self.run_clean("hash", "--profile", path, "--password-file",
                                      os.path.join(BED, "secrets", "app_user_password"))
        self.assertEqual(rc, 0, err)

    def root_sql(self, sql):
        """Runs SQL as the bed's root over the strict server's socket (stock client)."""
        subprocess.run(["mariadb", "--no-defaults", "--socket=" + self.env["SOCKET_STRICT"], "-uroot", "-e", sql],
                       check=True, capture_output=True, timeout=60)

    def test_login_init_status_unlock_purge(self):
        suffix = "%d_%d" % (os.getpid(), int(time.time() * 1000) % 1000000)
        users, guard = "cli_users_" + suffix, "cli_guard_" + suffix
        self.root_sql("CREATE TABLE appdb.%s (login VARCHAR(100) PRIMARY KEY, password_hash VARCHAR(255) NULL)" % users)
        try:
            login = {"users_table": users, "guard_table": guard, "max_failures_per_account": 2,
                     "lockout_after": 2, "lockout_seconds": 0}
            prof = self.profile(login=login)
            rc, out, _ = self.run_clean("login", "init", "--profile", prof, "--print-ddl")
            self.assertEqual(rc, 0)
            self.assertIn("CREATE TABLE IF NOT EXISTS `%s`" % guard, out)
            rc, out, err = self.run_clean("login", "status", "--profile", prof, "zoe")
            self.assertEqual(rc, 2, out + err)
            self.assertIn("LOGIN_TABLE_MISSING", err)
            self.assertIn("verrou login init", err)
            rc, out, err = self.run_clean("login", "init", "--profile", prof)
            self.assertEqual(rc, 0, out + err)
            self.assertEqual(self.run_clean("login", "init", "--profile", prof)[0], 0)  # idempotent
            rc, out, _ = self.run_clean("login", "status", "--profile", prof, "zoe")
            self.assertEqual(rc, 0)
            self.assertIn("no failure recorded", out)
            # Two failures lock zoe for good (lockout_seconds = 0): written as login() would.
            self.root_sql("INSERT INTO appdb.%s VALUES ('account', 'zoe', 2, UTC_TIMESTAMP(6), NULL, UTC_TIMESTAMP(6)),"
                          " ('source', 'ws-7', 1, NULL, UTC_TIMESTAMP(6), UTC_TIMESTAMP(6))" % guard)
            rc, out, _ = self.run_clean("login", "status", "--profile", prof, "zoe", "--source", "ws-7")
            self.assertEqual(rc, 2, out)
            self.assertIn("locked until an administrator unlocks it", out)
            self.assertIn("source ws-7: 1 failure(s) in the window, free", out)
            rc, out, _ = self.run_clean("login", "status", "--json", "--profile", prof, "zoe")
            self.assertEqual(json.loads(out)[0]["state"], "locked")
            rc, out, _ = self.run_clean("login", "unlock", "--profile", prof, "zoe")
            self.assertEqual(rc, 0)
            self.assertIn("unlocked: zoe", out)
            self.assertEqual(self.run_clean("login", "status", "--profile", prof, "zoe")[0], 0)
            rc, out, _ = self.run_clean("login", "purge", "--profile", prof, "--older-than", "3600")
            self.assertEqual(rc, 0)
            self.assertIn("0 row(s) purged", out)
            self.assertEqual(self.run_clean("login", "purge", "--profile", prof, "--older-than", "soon")[0], 3)
            self.assertEqual(self.run_clean("login", "unlock", "--profile", prof)[0], 3)
            # A users table without the configured hash column is named.
            prof = self.profile(login=dict(login, hash_column="pwd"))
            rc, _, err = self.run_clean("login", "init", "--profile", prof)
            self.assertEqual(rc, 2)
            self.assertIn("column `pwd`: missing (login.hash_column)", err)
        finally:
            self.root_sql("DROP TABLE IF EXISTS appdb.%s, appdb.%s" % (users, guard))

    def test_pki_material_against_a_real_server(self):
        """What `verrou pki` issues works in production shape: a mariadbd serving verrou's
        server certificate, an account requiring verrou's client subject and issuer, a verified
        mTLS session through `verrou doctor`; after `revoke` the CRL stops the client locally."""
        d = os.path.join(self.tmp, "pki")
        for args in (["init-ca"], ["issue-server", "--host", "localhost", "--ip", "127.0.0.1"],
                     ["issue-client", "--user", "app_user", "--days", "30"]):
            rc, _, err = self.run_clean("pki", *args, "--env", "recette", "--dir", d)
            self.assertEqual(rc, 0, err)
        env_dir = os.path.join(d, "recette")
        issued = os.path.join(env_dir, "issued")
        sql = os.path.join(self.tmp, "require.sql")
        with open(sql, "w") as f:
            f.write("ALTER USER 'app_user'@'%' REQUIRE SUBJECT '/CN=app_user-recette' "
                    "AND ISSUER '/CN=verrou recette CA';\n")
        testbed = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "testbed", "testbed.sh")
        p = subprocess.run(["bash", testbed, "serve", BED, "pkirecette", os.path.join(env_dir, "ca.crt"),
                            os.path.join(issued, "localhost.crt"), os.path.join(issued, "localhost.key"), sql],
                           capture_output=True, text=True, timeout=120)
        self.assertEqual(p.returncode, 0, p.stdout + p.stderr)
        port = int(p.stdout.strip().splitlines()[-1])
        try:
            profile = os.path.join(self.tmp, "recette.json")
            env = {"host": "127.0.0.1", "port": port, "user": "app_user", "database": "appdb",
                   "connect_timeout": 5, "password_file": os.path.join(BED, "secrets", "app_user_password"),
                   "ssl_ca": os.path.join(env_dir, "ca.crt"), "ssl_crl": os.path.join(env_dir, "crl.pem"),
                   "ssl_cert": os.path.join(issued, "app_user-recette.crt"),
                   "ssl_key": os.path.join(issued, "app_user-recette.key")}
            with open(profile, "w") as f:
                json.dump({"environments": {"recette": env}}, f)
            rc, out, err = self.run_clean("doctor", "--json", "--profile", profile, "--env", "recette")
            j = json.loads(out)
            # 30 days left is inside the default 30-day warning window: WARNING, every step run.
            self.assertIn(rc, (0, 1), out + err)
            self.assertEqual([s["status"] for s in j["steps"]][-1], "OK", out)
            self.assertEqual(j["session"]["current_user"], "app_user@%")
            self.assertEqual(j["session"]["ssl_version"], "TLSv1.3")
            # The bed's dev certificate is not what this server's account requires.
            env_dev = dict(env, ssl_cert=self.pki("dev/app_user.crt"), ssl_key=self.pki("dev/app_user.key"),
                           expected_cert_cn="app_user-dev")
            with open(profile, "w") as f:
                json.dump({"environments": {"recette": env_dev}}, f)
            rc, out, _ = self.run_clean("doctor", "--json", "--profile", profile, "--env", "recette")
            self.assertEqual(rc, 2, out)
            # Revoked through verrou pki: refused before the network, naming the CRL.
            with open(profile, "w") as f:
                json.dump({"environments": {"recette": env}}, f)
            rc, _, err = self.run_clean("pki", "revoke", "--env", "recette", "--dir", d,
                                        "--cert", env["ssl_cert"])
            self.assertEqual(rc, 0, err)
            rc, out, _ = self.run_clean("doctor", "--json", "--profile", profile, "--env", "recette")
            j = json.loads(out)
            self.assertEqual(rc, 2, out)
            self.assertEqual(j["stopped_at"], "certificates")
            self.assertIn("revoked", out.lower())
        finally:
            subprocess.run(["bash", testbed, "stop", BED, "pkirecette"], capture_output=True, timeout=120)

    def start_openssl_responder(self, env_dir):
        """The stock `openssl ocsp` serving verrou pki's index.txt, signed by the delegated
        responder certificate. It binds every interface (its -port takes no address) on a port the
        kernel picks; only 127.0.0.1 is ever asked. Returns (process, url)."""
        issued = os.path.join(env_dir, "issued")
        proc = subprocess.Popen(
            ["openssl", "ocsp", "-index", os.path.join(env_dir, "index.txt"), "-CA", os.path.join(env_dir, "ca.crt"),
             "-rsigner", os.path.join(issued, "ocsp-responder.crt"), "-rkey", os.path.join(issued, "ocsp-responder.key"),
             "-port", "0", "-nmin", "5"],
            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, text=True)
        line = proc.stdout.readline()  # "ACCEPT [::]:PORT PID=N"
        port = line.split("]:")[1].split()[0] if "]:" in line else ""
        if not port.isdigit():
            proc.kill()
            self.fail("openssl ocsp did not start: " + line)
        return proc, "http://127.0.0.1:%s/" % port

    @staticmethod
    def next_second():
        """openssl ocsp notices a new index.txt by its mtime, ctime, inode and device; a file
        replaced within the second it last loaded may reuse the freed inode and look the same
        (a flake seen once). Changes wait for the next second."""
        time.sleep(1.1)

    def nudge(self, url, env_dir, cert):
        """openssl ocsp re-reads index.txt before it waits for its next connection: the first
        answer after a change may still be the old one. One request of our own consumes it."""
        subprocess.run(["openssl", "ocsp", "-url", url, "-issuer", os.path.join(env_dir, "ca.crt"), "-cert", cert,
                        "-no_nonce", "-noverify"], capture_output=True, timeout=30)

    def test_pki_ocsp_with_the_stock_openssl_responder(self):
        """verrou pki as an OCSP-capable CA: certificates naming the responder (AIA), its delegated
        certificate, index.txt served by `openssl ocsp`; `verrou pki revoke` makes the server's
        and the client's certificates revoked for every client at once, without copying a CRL."""
        d = os.path.join(self.tmp, "pki")
        env_dir = os.path.join(d, "recette")
        issued = os.path.join(env_dir, "issued")
        for args in (["init-ca"], ["issue-ocsp-responder"]):
            rc, _, err = self.run_clean("pki", *args, "--env", "recette", "--dir", d)
            self.assertEqual(rc, 0, err)
        responder, url = self.start_openssl_responder(env_dir)
        testbed = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "testbed", "testbed.sh")
        try:
            self.next_second()
            for args in (["issue-server", "--host", "localhost", "--ip", "127.0.0.1", "--ocsp-url", url],
                         ["issue-client", "--user", "app_user", "--days", "90", "--ocsp-url", url]):
                rc, _, err = self.run_clean("pki", *args, "--env", "recette", "--dir", d)
                self.assertEqual(rc, 0, err)
            self.assertEqual(run("pki", "crl", "--env", "recette", "--dir", d, "--ocsp-url", url)[0], 3)
            self.nudge(url, env_dir, os.path.join(issued, "localhost.crt"))
            sql = os.path.join(self.tmp, "require.sql")
            with open(sql, "w") as f:
                f.write("ALTER USER 'app_user'@'%' REQUIRE SUBJECT '/CN=app_user-recette' "
                        "AND ISSUER '/CN=verrou recette CA';\n")
            p = subprocess.run(["bash", testbed, "serve", BED, "ocsprecette", os.path.join(env_dir, "ca.crt"),
                                os.path.join(issued, "localhost.crt"), os.path.join(issued, "localhost.key"), sql],
                               capture_output=True, text=True, timeout=120)
            self.assertEqual(p.returncode, 0, p.stdout + p.stderr)
            port = int(p.stdout.strip().splitlines()[-1])
            profile = os.path.join(self.tmp, "recette.json")
            client_cert = os.path.join(issued, "app_user-recette.crt")
            server_cert = os.path.join(issued, "localhost.crt")

            def write(**extra):
                env = {"host": "127.0.0.1", "port": port, "user": "app_user", "database": "appdb",
                       "connect_timeout": 5, "password_file": os.path.join(BED, "secrets", "app_user_password"),
                       "ssl_ca": os.path.join(env_dir, "ca.crt"), "ssl_cert": client_cert,
                       "ssl_key": os.path.join(issued, "app_user-recette.key")}
                env.update(extra)
                with open(profile, "w") as f:
                    json.dump({"environments": {"recette": env}}, f)

            # No `ocsp` key: soft, because the certificates name a responder. Both are good.
            write()
            rc, out, err = self.run_clean("cert", "check", "--profile", profile, "--env", "recette")
            self.assertEqual(rc, 0, out + err)
            self.assertIn(url, out)
            write(ocsp="hard")
            rc, out, err = self.run_clean("doctor", "--json", "--profile", profile, "--env", "recette")
            self.assertEqual(rc, 0, out + err)
            self.assertEqual(json.loads(out)["session"]["ssl_version"], "TLSv1.3")

            # The workstation's certificate revoked: cert check and the doctor say so before any
            # server is asked.
            self.next_second()
            rc, _, err = self.run_clean("pki", "revoke", "--env", "recette", "--dir", d, "--cert", client_cert)
            self.assertEqual(rc, 0, err)
            self.nudge(url, env_dir, client_cert)
            rc, out, _ = self.run_clean("cert", "check", "--profile", profile, "--env", "recette")
            self.assertEqual(rc, 2, out)
            self.assertIn("revoked", out.lower())
            rc, out, _ = self.run_clean("doctor", "--json", "--profile", profile, "--env", "recette")
            j = json.loads(out)
            self.assertEqual(rc, 2, out)
            self.assertEqual(j["stopped_at"], "certificates")
            self.assertIn("CERT_REVOKED", out)

            # A fresh client certificate, then the server's certificate revoked: refused before
            # the login, by OCSP alone (the profile names no CRL).
            os.rename(client_cert, client_cert + ".revoked")
            os.rename(os.path.join(issued, "app_user-recette.key"), os.path.join(issued, "app_user-recette.key.old"))
            self.next_second()
            rc, _, err = self.run_clean("pki", "issue-client", "--env", "recette", "--dir", d, "--user", "app_user",
                                        "--days", "90", "--ocsp-url", url)
            self.assertEqual(rc, 0, err)
            self.nudge(url, env_dir, client_cert)
            rc, out, err = self.run_clean("doctor", "--json", "--profile", profile, "--env", "recette")
            self.assertEqual(rc, 0, out + err)
            self.next_second()
            rc, _, err = self.run_clean("pki", "revoke", "--env", "recette", "--dir", d, "--cert", server_cert)
            self.assertEqual(rc, 0, err)
            self.nudge(url, env_dir, server_cert)
            for mode in ("soft", "hard"):
                with self.subTest(ocsp=mode):
                    write(ocsp=mode)
                    rc, out, _ = self.run_clean("doctor", "--json", "--profile", profile, "--env", "recette")
                    self.assertEqual(rc, 2, out)
                    self.assertIn("CERT_REVOKED", out)
                    j = json.loads(out)
                    self.assertEqual(j["stopped_at"], "revocation")
                    self.assertEqual([(e["certificate"], e["source"], e["answer"]) for e in j["revocation"]],
                                     [("server", "ocsp", "revoked"), ("client", "ocsp", "good")])
                    self.assertNotIn("session", {k for k, v in j.items() if v})
        finally:
            responder.kill()
            responder.wait()
            responder.stdout.close()
            subprocess.run(["bash", testbed, "stop", BED, "ocsprecette"], capture_output=True, timeout=120)


if __name__ == "__main__":
    unittest.main()
