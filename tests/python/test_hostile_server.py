"""The STARTTLS probe against hostile fake MariaDB servers (audit findings 1-3).

A FakeServer speaks just enough of MariaDB's protocol to misbehave:
  greet_then_close  greeting with CLIENT_SSL, then close: the ClientHello hits a dead socket
                    (EPIPE). The process must survive (no SIGPIPE) with a clean error.
  drip_greeting     announces a 60000-byte greeting, then drips it: the probe must give up at
                    connect_timeout (one deadline for the whole exchange), not per read.
  drip_handshake    a real greeting, reads the SSLRequest, then drips a TLS record: same, in the
                    TLS handshake.
  hostile_error     a pre-TLS error packet whose text carries ESC sequences and a fake line.
  hostile_version   a greeting without TLS whose version string does the same (and has
                    invalid UTF-8).

`verrou doctor` (VERROU_CLI) runs as a subprocess with SIGPIPE at its default disposition, as
in a shell or a service: it must exit 2 (CRITICAL), never die by a signal. Connection::open
(probe mode VERIFY_CA) is driven through the C ABI (VERROU_LIBRARY), in a child python that
restores SIGPIPE's default too (python itself ignores SIGPIPE).

Every fake server binds 127.0.0.1 on a free port, serves a bounded number of connections and
stops by itself; every subprocess has a timeout. Needs the test bed (its PKI and secrets make
the profile valid up to the TLS step).
"""
import json
import os
import signal
import socket
import struct
import subprocess
import sys
import textwrap
import threading
import time
import unittest

from verrou_test_support import HERE, REPO, LibTestCase, TempDir, bed_dir, bed_profile, lib

CLI = os.environ.get("VERROU_CLI", "")

CLIENT_LONG_PASSWORD = 0x00000001
CLIENT_CONNECT_WITH_DB = 0x00000008
CLIENT_PROTOCOL_41 = 0x00000200
CLIENT_SSL = 0x00000800
CLIENT_SECURE_CONNECTION = 0x00008000
CLIENT_PLUGIN_AUTH = 0x00080000
BASE_CAPS = (CLIENT_LONG_PASSWORD | CLIENT_CONNECT_WITH_DB | CLIENT_PROTOCOL_41 |
             CLIENT_SECURE_CONNECTION | CLIENT_PLUGIN_AUTH)

CONNECT_TIMEOUT = 2   # the profile's connect_timeout in the drip tests
MARGIN = 3.0          # process start, profile and certificate checks, scheduling under ctest -j

ESC = "\x1b"
INJECTED = "FAKE: [OK] tls: all good"
HOSTILE_TEXT = (b"Too many connections\x1b[2J\x1b[H\x1b]0;owned\x07\r\n" + INJECTED.encode() +
                b"\n\x1b[31mred\x1b[0m\x9b31m\xc2\x9b32m" + b"A" * 600)
HOSTILE_VERSION = (b"10.11.6-MariaDB\x1b[1A\x1b[2K\r\n" + INJECTED.encode() + b"\n\xc3\xa9t\xc3\xa9 \xff\xfe\xc3")


def packet(seq: int, payload: bytes) -> bytes:
    return struct.pack("<I", len(payload))[:3] + bytes([seq]) + payload


def greeting(version: bytes, caps: int) -> bytes:
    payload = (b"\x0a" + version + b"\x00" + struct.pack("<I", 42) + b"abcdefgh" + b"\x00" +
               struct.pack("<H", caps & 0xFFFF) + b"\x2d" + struct.pack("<H", 2) +
               struct.pack("<H", caps >> 16) + bytes([21]) + b"\x00" * 10 + b"ijklmnopqrst\x00" +
               b"mysql_native_password\x00")
    return packet(0, payload)


class FakeServer:
    """A misbehaving MariaDB server on 127.0.0.1, on a free port. Serves at most
    `max_connections` connections (each in its own thread) and stops by itself after
    `lifetime` seconds, or when closed (context manager)."""

    def __init__(self, mode: str, max_connections: int = 6, lifetime: float = 40.0):
        self.handler = getattr(self, "_" + mode)
        self.max_connections = max_connections
        self.deadline = time.monotonic() + lifetime
        self.stop = threading.Event()
        self.accepted = 0
        self.workers = []
        self.listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.listener.bind(("127.0.0.1", 0))
        self.listener.listen(8)
        self.listener.settimeout(0.1)
        self.port = self.listener.getsockname()[1]
        self.thread = threading.Thread(target=self._accept_loop, daemon=True)
        self.thread.start()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def close(self):
        self.stop.set()
        self.thread.join(5)
        for t in self.workers:
            t.join(5)

    def _alive(self) -> bool:
        return not self.stop.is_set() and time.monotonic() < self.deadline

    def _accept_loop(self):
        try:
            while self._alive() and self.accepted < self.max_connections:
                try:
                    conn, _ = self.listener.accept()
                except socket.timeout:
                    continue
                self.accepted += 1
                t = threading.Thread(target=self._serve, args=(conn,), daemon=True)
                t.start()
                self.workers.append(t)
        finally:
            self.listener.close()

    def _serve(self, conn: socket.socket):
        with conn:
            conn.settimeout(5)
            try:
                self.handler(conn)
            except OSError:
                pass  # the client went away: expected of a client that gives up

    def _drip(self, conn: socket.socket, data: bytes):
        for i in range(len(data)):
            if not self._alive():
                return
            conn.sendall(data[i:i + 1])
            self.stop.wait(0.5)

    def _recv_exactly(self, conn: socket.socket, n: int) -> bytes:
        got = b""
        while len(got) < n:
            chunk = conn.recv(n - len(got))
            if not chunk:
                break
            got += chunk
        return got

    # ---- modes ----
    def _greet_then_close(self, conn):
        conn.sendall(greeting(b"10.11.6-MariaDB-fake", BASE_CAPS | CLIENT_SSL))

    def _drip_greeting(self, conn):
        conn.sendall(struct.pack("<I", 60000)[:3] + b"\x00")
        self._drip(conn, b"\x0a" + b"9" * 59999)

    def _drip_handshake(self, conn):
        conn.sendall(greeting(b"10.11.6-MariaDB-fake", BASE_CAPS | CLIENT_SSL))
        if len(self._recv_exactly(conn, 36)) < 36:
            return
        # A TLS handshake record header announcing 16000 bytes of ServerHello, byte by byte.
        self._drip(conn, b"\x16\x03\x03\x3e\x80\x02" + b"\x00" * 15994)

    def _hostile_error(self, conn):
        conn.sendall(packet(0, b"\xff" + struct.pack("<H", 1040) + HOSTILE_TEXT))

    def _hostile_version(self, conn):
        conn.sendall(greeting(HOSTILE_VERSION, BASE_CAPS))


def require_cli():
    if not CLI or not os.path.exists(CLI):
        raise unittest.SkipTest("VERROU_CLI not set (the `verrou` binary)")


def run_doctor(profile: str, *extra: str):
    """`verrou doctor` with SIGPIPE at its default disposition (subprocess restores it)."""
    env = dict(os.environ)
    env.pop("VERROU_ENV", None)
    start = time.monotonic()
    p = subprocess.run([CLI, "doctor", "--profile", profile, "--env", "dev", *extra],
                       capture_output=True, timeout=60, env=env, stdin=subprocess.DEVNULL,
                       restore_signals=True)
    return p.returncode, p.stdout, p.stderr, time.monotonic() - start


def describe_exit(rc: int) -> str:
    if rc < 0:
        return "killed by signal %s" % signal.Signals(-rc).name
    return "exit code %d" % rc


class HostileServerBase(unittest.TestCase):
    def setUp(self):
        bed_dir()  # skips without the bed
        self.tmp = TempDir()

    def tearDown(self):
        self.tmp.cleanup()

    def profile(self, port: int, **extra) -> str:
        settings = {"port": port, "connect_timeout": CONNECT_TIMEOUT}
        settings.update(extra)
        return bed_profile(self.tmp, extra=settings)

    def doctor_json(self, server: FakeServer, profile: str):
        rc, out, err, elapsed = run_doctor(profile, "--json")
        self.assertEqual(rc, 2, "doctor must report CRITICAL, got %s\nstdout: %r\nstderr: %r" % (
            describe_exit(rc), out[-2000:], err[-2000:]))
        report = json.loads(out.decode("utf-8"))
        self.assertEqual(report["stopped_at"], "tls", json.dumps(report, indent=1))
        tls = [s for s in report["steps"] if s["step"] == "tls"][0]
        return tls, elapsed


class TestNoSigpipe(HostileServerBase):
    """Finding 1: a server that greets (CLIENT_SSL) then closes must not kill the process."""

    def test_doctor_survives_greet_then_close(self):
        require_cli()
        for attempt in range(3):  # the race (RST before the ClientHello) is tried several times
            with self.subTest(attempt=attempt), FakeServer("greet_then_close") as server:
                tls, _ = self.doctor_json(server, self.profile(server.port))
                self.assertIn(tls["code_name"].split("_")[0], ("NETWORK", "TLS"), tls)
                self.assertIn("127.0.0.1:%d" % server.port, tls["message"])

    def test_connection_open_survives_greet_then_close(self):
        # Connection::open probes first under VERIFY_CA. A child python with SIGPIPE restored
        # to its default stands for a customer's service that never touched SIGPIPE.
        child = textwrap.dedent("""
            import signal, sys
            signal.signal(signal.SIGPIPE, signal.SIG_DFL)
            sys.path.insert(0, sys.argv[1])
            import verrou
            lib = verrou.Verrou(None)
            p = lib.profile_open(sys.argv[2], "dev")
            for _ in range(3):
                try:
                    lib.connect(p)
                    print("CONNECTED")
                except verrou.VerrouError as e:
                    print(e.name)
            sys.stdout.flush()
        """)
        with FakeServer("greet_then_close") as server:
            profile = self.profile(server.port, ssl_mode="VERIFY_CA")
            p = subprocess.run([sys.executable, "-c", child, os.path.join(REPO, "bindings", "python"), profile],
                               capture_output=True, text=True, timeout=60, cwd=HERE)
        self.assertEqual(p.returncode, 0, "%s\nstdout: %s\nstderr: %s" % (describe_exit(p.returncode),
                                                                         p.stdout, p.stderr[-3000:]))
        names = p.stdout.split()
        self.assertEqual(len(names), 3, p.stdout)
        for name in names:
            self.assertIn(name.split("_")[0], ("NETWORK", "TLS"), p.stdout)


class TestDeadline(HostileServerBase):
    """Finding 2: one deadline (connect_timeout) for connect + greeting + SSLRequest + handshake."""

    def check_doctor(self, mode: str, phase: str):
        require_cli()
        with FakeServer(mode) as server:
            tls, elapsed = self.doctor_json(server, self.profile(server.port))
        self.assertEqual(tls["code_name"], "NETWORK_TIMEOUT", tls)
        self.assertLess(elapsed, CONNECT_TIMEOUT + MARGIN, tls)
        self.assertIn("127.0.0.1:%d" % server.port, tls["message"])
        self.assertIn(phase, tls["message"])
        self.assertIn("%d s" % CONNECT_TIMEOUT, tls["message"])

    def test_doctor_drip_greeting(self):
        self.check_doctor("drip_greeting", "greeting")

    def test_doctor_drip_handshake(self):
        self.check_doctor("drip_handshake", "TLS handshake")


class TestDeadlineConnect(HostileServerBase, LibTestCase):
    """Finding 2 through Connection::open (C ABI, probe mode VERIFY_CA)."""

    def setUp(self):
        HostileServerBase.setUp(self)
        self.v = lib()

    def test_connect_drip(self):
        for mode in ("drip_greeting", "drip_handshake"):
            with self.subTest(mode=mode), FakeServer(mode) as server:
                p = self.v.profile_open(self.profile(server.port, ssl_mode="VERIFY_CA"), "dev")
                try:
                    start = time.monotonic()
                    e = self.assertVerrouError("NETWORK_TIMEOUT", self.v.connect, p)
                    elapsed = time.monotonic() - start
                finally:
                    self.v.profile_close(p)
                self.assertLess(elapsed, CONNECT_TIMEOUT + MARGIN, e.message)
                self.assertGreater(elapsed, CONNECT_TIMEOUT - 0.5, e.message)
                self.assertIn("127.0.0.1:%d" % server.port, e.message)


class TestHostileText(HostileServerBase):
    """Finding 3: server text is sanitised before it reaches a message (and the doctor's output)."""

    def check_output(self, mode: str, expected_code: str, expected_text: str):
        require_cli()
        with FakeServer(mode) as server:
            profile = self.profile(server.port)
            rc, out, err, _ = run_doctor(profile)
            tls, _ = self.doctor_json(server, profile)
        self.assertEqual(rc, 2, describe_exit(rc))
        self.assertEqual(tls["code_name"], expected_code, tls)
        text = out.decode("utf-8")  # strict: the output stays valid UTF-8
        self.assertIn(expected_text, text)
        for bad in (ESC, "\r", "\x07", "\u009b"):
            self.assertNotIn(bad, text)
        for line in text.splitlines():
            self.assertFalse(line.lstrip().startswith("FAKE:"), "injected line in the output:\n" + text)
        self.assertNotIn("A" * 300, text, "server text must be capped")
        # The JSON report carries the same sanitised strings.
        for field in (tls["message"], *tls["details"]):
            self.assertNotIn(ESC, field)
            self.assertNotIn("\n", field)
            self.assertLess(len(field.encode()), 1200, field)
        return text, tls

    def test_error_packet_text(self):
        text, tls = self.check_output("hostile_error", "SERVER_ERROR", "Too many connections")
        self.assertIn("\u2026", tls["message"])  # the cap shows

    def test_version_string(self):
        text, tls = self.check_output("hostile_version", "TLS_NOT_OFFERED", "10.11.6-MariaDB")
        self.assertIn("\u00e9t\u00e9", text)  # valid UTF-8 is kept


if __name__ == "__main__":
    unittest.main()
