#!/usr/bin/env python3
"""The C ABI, said the same way everywhere.

Functions, six ways: symbols exported by libverrou.so (nm -D), include/verrou.h, capi/verrou.def,
capi/verrou.map, bindings/python/verrou.py and bindings/windev/verrou.wl must name exactly the
same functions, and the library must export nothing else.

Constants, three ways: the VERROU_E_* error codes, the VERROU_MISMATCH / MATCH /
MATCH_REHASH verdicts, the VERROU_LOGIN_* verdicts and buffer size and VERROU_POOL_MAX_SIZE of include/verrou.h, the
CONSTANTE block of bindings/windev/verrou.wl and ERROR_CODES / MISMATCH / MATCH / MATCH_REHASH /
LOGIN_* / POOL_* of bindings/python/verrou.py must agree name for name and value for value (no name
missing, none extra, none defined twice)."""
import argparse
import importlib.util
import os
import re
import subprocess
import sys


def read(path):
    with open(path, encoding="utf-8") as f:
        return f.read()


def exported(library):
    out = subprocess.run(["nm", "-D", "--defined-only", library], check=True, capture_output=True, text=True).stdout
    names, others = set(), []
    for line in out.splitlines():
        parts = line.split()
        if len(parts) < 3:
            continue
        kind, name = parts[1], parts[2].split("@")[0]
        if kind == "A":  # the version node itself (VERROU_1)
            continue
        if name.startswith("verrou_") and kind == "T":
            names.add(name)
        else:
            others.append("%s %s" % (kind, name))
    return names, others


def strip_c_comments(text):
    return re.sub(r"/\*.*?\*/", " ", text, flags=re.S)


def header_constants(text):
    """[(name, value)] of verrou.h's VERROU_E_* and verdict #defines, in file order."""
    text = strip_c_comments(text)
    pairs = [("VERROU_E_" + n, int(v)) for n, v in
             re.findall(r"^\s*#\s*define\s+VERROU_E_(\w+)\s+\(?\s*(-?\d+)\s*\)?\s*$", text, re.M)]
    pairs += [("VERROU_" + n, int(v)) for n, v in
              re.findall(r"^\s*#\s*define\s+VERROU_(MISMATCH|MATCH|MATCH_REHASH|LOGIN_\w+|POOL_\w+)\s+\(?\s*(-?\d+)\s*\)?",
                         text, re.M)]
    return pairs


def wl_constants(text):
    """[(name, value)] of every VERROU_* constant in verrou.wl's CONSTANTE ... FIN blocks."""
    pairs = []
    for block in re.findall(r"^\s*CONSTANTE\s*$(.*?)^\s*FIN\s*$", text, re.M | re.S):
        for line in block.splitlines():
            line = line.split("//", 1)[0].strip()
            if not line:
                continue
            m = re.match(r"^(VERROU_\w+)\s*=\s*(-?\d+)$", line)
            if m:
                pairs.append((m.group(1), int(m.group(2))))
            elif line.startswith("VERROU_"):
                pairs.append((line.split("=", 1)[0].strip(), None))  # unreadable value: reported as differing
    return pairs


def python_constants(path):
    """[(name, value)] from the Python binding: the ERROR_CODES literal as written (so a key
    written twice is caught) checked against the imported module's values."""
    text = read(path)
    literal = text.split("ERROR_CODES = {", 1)[1].split("\n}", 1)[0]
    pairs = [("VERROU_E_" + n, int(v)) for n, v in re.findall(r'"(\w+)"\s*:\s*(-?\d+)', literal)]
    spec = importlib.util.spec_from_file_location("verrou_binding_under_check", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)  # defines constants only; the library is loaded by Verrou()
    imported = {"VERROU_E_" + n: v for n, v in module.ERROR_CODES.items()}
    if imported != dict(pairs):
        pairs.append(("ERROR_CODES (imported) differs from its literal", None))
    for n in ("MISMATCH", "MATCH", "MATCH_REHASH"):
        pairs.append(("VERROU_" + n, getattr(module, n, None)))
    for n in sorted(a for a in vars(module) if a.startswith(("LOGIN_", "POOL_"))):
        pairs.append(("VERROU_" + n, getattr(module, n)))
    return pairs


def check_constants(sources):
    """Prints one line per source; True when all agree with verrou.h."""
    reference = dict(sources["include/verrou.h"])
    ok = len(reference) > 3
    for where, pairs in sources.items():
        problems = []
        seen, values = {}, {}
        for name, value in pairs:
            if name in seen:
                problems.append("defined twice: %s" % name)
            seen[name] = value
            if value is not None and value in values and name.startswith("VERROU_E_"):
                problems.append("same value %d for %s and %s" % (value, values[value], name))
            values.setdefault(value, name)
        for name in sorted(set(reference) - set(seen), key=lambda n: reference[n]):
            problems.append("missing: %s = %d" % (name, reference[name]))
        for name in sorted(set(seen) - set(reference)):
            problems.append("not in verrou.h: %s" % name)
        for name in sorted(set(seen) & set(reference)):
            if seen[name] != reference[name]:
                problems.append("differs: %s = %s (verrou.h: %d)" % (name, seen[name], reference[name]))
        print("%-28s %2d constants  %s" % (where, len(seen), "ok" if not problems else "MISMATCH"))
        for p in problems:
            print("    " + p)
        ok = ok and not problems
    return ok


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--repo", required=True)
    ap.add_argument("--library", required=True)
    a = ap.parse_args()
    r = a.repo
    sources = {}
    sources["nm -D libverrou.so"], others = exported(a.library)
    sources["include/verrou.h"] = set(re.findall(
        r"VERROU_API\s+(?:VERROU_NODISCARD\s+)?verrou_int\s+VERROU_CALL\s+(verrou_\w+)\s*\(", read(os.path.join(r, "include/verrou.h"))))
    def_text = read(os.path.join(r, "capi/verrou.def")).split("EXPORTS", 1)[1]
    sources["capi/verrou.def"] = set(re.findall(r"^\s*(verrou_\w+)\s*$", def_text, re.M))
    map_text = read(os.path.join(r, "capi/verrou.map"))
    glob = map_text.split("global:", 1)[1].split("local:", 1)[0]
    sources["capi/verrou.map"] = set(re.findall(r"(verrou_\w+)\s*;", glob))
    py = read(os.path.join(r, "bindings/python/verrou.py"))
    block = py.split("FUNCTIONS = {", 1)[1].split("\n}", 1)[0]
    sources["bindings/python/verrou.py"] = set(re.findall(r'"(verrou_\w+)"\s*:', block))
    wl_path = os.path.join(r, "bindings/windev/verrou.wl")
    if os.path.exists(wl_path):
        sources["bindings/windev/verrou.wl"] = set(re.findall(r'API\(\s*"verrou"\s*,\s*"(verrou_\w+)"', read(wl_path)))
    else:
        print("FAIL: %s is missing" % wl_path)
        sources["bindings/windev/verrou.wl"] = set()

    reference = sources["include/verrou.h"]
    ok = bool(reference)
    for where, names in sources.items():
        missing, extra = sorted(reference - names), sorted(names - reference)
        status = "ok" if not missing and not extra else "MISMATCH"
        print("%-28s %2d functions  %s" % (where, len(names), status))
        for n in missing:
            print("    missing: " + n)
        for n in extra:
            print("    not in verrou.h: " + n)
        ok = ok and status == "ok"

    constants = {"include/verrou.h": header_constants(read(os.path.join(r, "include/verrou.h"))),
                 "bindings/windev/verrou.wl": wl_constants(read(wl_path)) if os.path.exists(wl_path) else [],
                 "bindings/python/verrou.py": python_constants(os.path.join(r, "bindings/python/verrou.py"))}
    ok = check_constants(constants) and ok

    if others:
        ok = False
        print("libverrou.so exports symbols outside the ABI:")
        for o in others[:50]:
            print("    " + o)
    print("consistent" if ok else "INCONSISTENT")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
