#!/usr/bin/env python3
"""demo.py — verrou from Python through the ctypes binding (library loaded by path).

    python3 examples/python/demo.py /path/libverrou.so profiles.json dev
"""
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "bindings", "python"))
from verrou import Verrou, VerrouError  # noqa: E402


def main(argv):
    if len(argv) != 4:
        print("usage: demo.py LIBVERROU PROFILE ENVIRONMENT", file=sys.stderr)
        return 2
    v = Verrou(argv[1])
    try:
        prof = v.profile_open(argv[2], argv[3])
        cnx = v.connect(prof)
        info = v.connection_info(cnx)
        print("connected over mutual TLS: %s, %s, as %s" % (info["tls_version"], info["cipher"], info["current_user"]))
        for row in v.query(cnx, "SELECT id, name FROM appdb.customers WHERE id >= ? ORDER BY id", [2])["rows"]:
            print("  %s  %s" % tuple(row))
        hasher = v.hasher_open(argv[2], argv[3])
        stored = v.hash(hasher, "correct horse battery staple")
        print("hash:", stored)
        right = v.verify(hasher, "correct horse battery staple", stored)
        wrong = v.verify(hasher, "wrong", stored)
        print("verify right:", right)
        print("verify wrong:", wrong)
        if (right, wrong) != (1, 0):
            print("demo.py: unexpected verdicts", file=sys.stderr)
            return 1
        v.hasher_close(hasher)
        v.disconnect(cnx)
        v.profile_close(prof)
    except VerrouError as e:
        print("demo.py: %s (%d): %s" % (e.name, e.code, e.message), file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
