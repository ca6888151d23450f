#!/usr/bin/env python3
"""login.py — a login screen's logic through the ctypes binding: one call per attempt, the
application only turns the verdict into a message (never "unknown user").

    python3 examples/python/login.py /path/libverrou.so profiles.json dev

Same expectations as examples/c/login.c (examples/run-demo.sh prepares the tables).
"""
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "bindings", "python"))
from verrou import Verrou, VerrouError  # noqa: E402


def message(result):
    verdict, wait = result["verdict"], result["retry_after_seconds"]
    if verdict in ("granted", "granted_rehashed"):  # a rehash is already stored
        return "Welcome!"
    if verdict == "denied":
        return "Wrong user name or password."
    if verdict == "throttled":
        return "Too many attempts. Try again in %d second(s)." % wait
    if wait is not None:
        return "This account is locked. Try again in %d minute(s)." % ((wait + 59) // 60)
    return "This account is locked. Contact your administrator."


def main(argv):
    if len(argv) != 4:
        print("usage: login.py LIBVERROU PROFILE ENVIRONMENT", file=sys.stderr)
        return 2
    attempts = [("amelie", "pas le bon", "denied"), ("nobody", "motdepasse-demo", "denied"),
                ("amelie", "motdepasse-demo", "granted"), ("amelie", "1", "denied"), ("amelie", "2", "denied"),
                ("amelie", "3", "denied"), ("amelie", "motdepasse-demo", "throttled")]
    v = Verrou(argv[1])
    try:
        prof = v.profile_open(argv[2], argv[3])
        cnx = v.connect(prof)
        hasher = v.hasher_open(argv[2], argv[3])
        # A web front would pass the client's IP address; a desktop client its machine name.
        source = "poste-42"
        unexpected = 0
        for user, password, expected in attempts:
            r = v.login(cnx, hasher, user, password, source)
            print("login %-7s %s\n  -> %s" % (user, {k: r[k] for k in ("verdict", "retry_after_seconds")}, message(r)))
            unexpected |= r["verdict"] != expected
        v.hasher_close(hasher)
        v.disconnect(cnx)
        v.profile_close(prof)
        return 1 if unexpected else 0
    except VerrouError as e:
        print("login.py: %s (%d): %s" % (e.name, e.code, e.message), file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main(sys.argv))
