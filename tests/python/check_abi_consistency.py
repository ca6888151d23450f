#!/usr/bin/env python3
"""The function list of the C ABI, six ways: symbols exported by libverrou.so (nm -D),
capi/verrou.h, capi/verrou.def, capi/verrou.map, bindings/python/verrou.py and
bindings/windev/verrou.wl must name exactly the same functions, and the library must export
nothing else."""
import argparse
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


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--repo", required=True)
    ap.add_argument("--library", required=True)
    a = ap.parse_args()
    r = a.repo
    sources = {}
    sources["nm -D libverrou.so"], others = exported(a.library)
    sources["capi/verrou.h"] = set(re.findall(
        r"VERROU_API\s+(?:VERROU_NODISCARD\s+)?verrou_int\s+VERROU_CALL\s+(verrou_\w+)\s*\(", read(os.path.join(r, "capi/verrou.h"))))
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

    reference = sources["capi/verrou.h"]
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
    if others:
        ok = False
        print("libverrou.so exports symbols outside the ABI:")
        for o in others[:50]:
            print("    " + o)
    print("consistent" if ok else "INCONSISTENT")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
