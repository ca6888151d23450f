"""Every JSON document the C ABI writes has exactly the keys include/verrou.h documents in its
@json lines, both ways: no emitted key undocumented, no documented key missing, no emitted
object without a documented shape, no documented shape never emitted. Each call runs against
the test bed (python3 test_capi_json_shapes.py --header FILE checks another copy of the header:
that is how the guard is shown to fail)."""
import ctypes
import json
import os
import re
import sys
import time
import unittest

from verrou_test_support import LibTestCase, bed_profile, read, verrou

HEADER = os.environ.get("VERROU_H") or os.path.join(os.path.dirname(__file__), "..", "..", "include", "verrou.h")

_JSON_LINE = re.compile(r"@json\s+([A-Za-z_][\w.\[\]]*)\s*(\{[^}]*\}|=\s*\w+)")


def documented_shapes(header_path: str) -> dict:
    """{"verrou_doctor": {...}, "verrou_doctor.steps[]": {...}, ...}: every path of every
    function with its documented keys, shared shapes expanded."""
    text = read(header_path)
    # Comment continuation: drop the leading " * " of each line so a block may span lines.
    text = re.sub(r"\n\s*\*(?!/)", "\n", text)
    keys, refs = {}, {}
    for path, body in _JSON_LINE.findall(text):
        if body.startswith("{"):
            names = [k.strip() for k in body[1:-1].split(",") if k.strip()]
            if path in keys or len(set(names)) != len(names):
                raise AssertionError("@json %s: documented twice or with a key twice" % path)
            keys[path] = set(names)
        else:
            refs[path] = body[1:].strip()

    def expand(path, shape, seen=()):
        if shape in seen:
            raise AssertionError("@json shape %s refers to itself" % shape)
        if shape not in keys:
            raise AssertionError("@json %s = %s: no such shape" % (path, shape))
        out = {path: keys[shape]}
        prefix = shape + "."
        for p, k in keys.items():
            if p.startswith(prefix):
                out[path + p[len(shape):]] = k
        for p, s in refs.items():
            if p.startswith(prefix):
                out.update(expand(path + p[len(shape):], s, seen + (shape,)))
        return out

    shapes = {}
    for p, k in keys.items():
        if p.startswith("verrou_"):
            shapes[p] = k
    for p, s in refs.items():
        if p.startswith("verrou_"):
            shapes.update(expand(p, s))
    return shapes


def emitted_shapes(path: str, value, out: dict) -> dict:
    """{path: [key sets seen]} for every object in `value` (arrays: "path[]")."""
    if isinstance(value, dict):
        out.setdefault(path, []).append(set(value))
        for k, v in value.items():
            emitted_shapes(path + "." + k, v, out)
    elif isinstance(value, list):
        for v in value:
            emitted_shapes(path + "[]", v, out)
    return out


def compare(documented: dict, emitted: dict) -> list:
    """Differences between documented and emitted shapes, as readable lines (empty: equal)."""
    problems = []
    functions = {p.split(".")[0] for p in emitted}
    for path, seen in sorted(emitted.items()):
        if path not in documented:
            problems.append("%s: an object is emitted here but verrou.h documents no @json for it" % path)
            continue
        for keys in seen:
            if keys - documented[path]:
                problems.append("%s: emitted but not documented: %s" % (path, sorted(keys - documented[path])))
            if documented[path] - keys:
                problems.append("%s: documented but not emitted: %s" % (path, sorted(documented[path] - keys)))
    for path in sorted(documented):
        if path.split(".")[0] in functions and path not in emitted:
            problems.append("%s: documented but never emitted by the calls of this test" % path)
    return problems


class TestShapes(LibTestCase):
    """Calls every JSON-writing function of the C ABI in states where each documented object
    is present (not null), and compares."""

    def emit_all(self) -> dict:
        emitted = {}
        add = lambda name, doc: emitted_shapes(name, doc, emitted)
        # An inline password: the profile and the connection then carry a warning each.
        cfg = json.loads(read(bed_profile(self.tmp)))
        dev = cfg["environments"]["dev"]
        dev["password"] = read(dev.pop("password_file")).strip()
        suffix = "%d_%d" % (os.getpid(), int(time.time() * 1000) % 10000000)
        users, guard = "shape_users_" + suffix, "shape_guard_" + suffix
        dev["login"] = {"users_table": users, "guard_table": guard}
        path = self.tmp.write("shapes.json", json.dumps(cfg))

        p = self.v.profile_open(path)
        h = self.v.hasher_open(path)
        c = self.v.connect(p)
        try:
            add("verrou_profile_describe", self.v.profile_describe(p))
            add("verrou_native_options", self.v.native_options(p))
            add("verrou_cert_check", self.v.cert_check(p))
            add("verrou_connection_info", self.v.connection_info(c))
            pool = self.v.pool_open(p, 1)
            try:
                with self.v.pooled(pool) as pc:
                    add("verrou_connection_info", self.v.connection_info(pc))  # a pooled one: the same shape
                # last_error is a string once a connect failed; null is enough for the key check.
                add("verrou_pool_stats", self.v.pool_stats(pool))
            finally:
                self.v.pool_close(pool)
            add("verrou_query", json.loads(self.v.query_json(c, "SELECT 1 AS one, 'a' AS two")))
            self.v.execute(c, "CREATE TABLE `%s` (`login` VARCHAR(100) PRIMARY KEY, `password_hash` VARCHAR(255) NULL)"
                           % users)
            self.v.execute(c, "CREATE TABLE `%s` (`scope` ENUM('account','source') NOT NULL, `name` VARCHAR(255) "
                              "NOT NULL, `failures` INT UNSIGNED NOT NULL DEFAULT 0, `last_failure_at` DATETIME(6) "
                              "NULL, `window_start` DATETIME(6) NULL, `updated_at` DATETIME(6) NOT NULL, "
                              "PRIMARY KEY (`scope`, `name`))" % guard)
            self.v.execute(c, "INSERT INTO `%s` VALUES (?, ?)" % users, ["zoé", self.v.hash(h, "mot de passe")])
            # The C function's own text (the binding adds "code" to its dict).
            buf = ctypes.create_string_buffer(verrou.LOGIN_JSON_SIZE)
            self.assertEqual(self.raw.verrou_login(c, h, "zoé".encode(), b"mot de passe", b"ws-shapes", buf,
                                                   verrou.LOGIN_JSON_SIZE), 1)
            add("verrou_login", json.loads(buf.value.decode("utf-8")))
        finally:
            self.v.execute(c, "DROP TABLE IF EXISTS `%s`, `%s`" % (users, guard))
            self.v.disconnect(c)
            self.v.hasher_close(h)
            self.v.profile_close(p)
        doctor = self.v.doctor(bed_profile(self.tmp))
        self.assertEqual(doctor["status"], "OK", doctor)  # every step ran: server and session present
        add("verrou_doctor", doctor)
        # A host list (the bed's server and a port nobody listens on): the hosts step, one entry
        # reached and one not.
        listed = bed_profile(self.tmp, extra={"host": ["127.0.0.1:%d" % dev["port"], "127.0.0.1:1"]})
        doctor = self.v.doctor(listed)
        self.assertEqual([(h["reached"], h["usable"]) for h in doctor["hosts"]], [(True, True), (False, False)], doctor)
        add("verrou_doctor", doctor)
        return emitted

    def test_emitted_keys_are_the_documented_ones(self):
        documented = documented_shapes(HEADER)
        emitted = self.emit_all()
        self.assertEqual(sorted({p.split(".")[0] for p in documented}), sorted({p.split(".")[0] for p in emitted}),
                         "every function with @json lines is called here, and only those")
        self.assertEqual(compare(documented, emitted), [])

    def test_the_comparison_sees_a_drift_both_ways(self):
        documented = {"f": {"a", "b"}, "f.b": {"x"}}
        self.assertEqual(compare(documented, {"f": [{"a", "b"}], "f.b": [{"x"}]}), [])
        self.assertTrue(compare(documented, {"f": [{"a", "b", "c"}], "f.b": [{"x"}]}))  # undocumented key
        self.assertTrue(compare(documented, {"f": [{"a"}]}))                              # missing key, shape
        self.assertTrue(compare(documented, {"f": [{"a", "b"}], "f.b": [{"x"}], "f.b.y": [set()]}))


if __name__ == "__main__":
    if len(sys.argv) > 2 and sys.argv[1] == "--header":
        os.environ["VERROU_H"] = HEADER = sys.argv.pop(2)
        sys.argv.pop(1)
    unittest.main()
