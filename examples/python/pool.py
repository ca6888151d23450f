#!/usr/bin/env python3
"""pool.py — one pool for a whole application, shared by worker threads, through the ctypes
binding (the same calls a WinDev application makes with API()).

    python3 examples/python/pool.py /path/libverrou.so profiles.json dev

Each worker borrows a connection, runs its statements, and gives it back; the pool hands out
healthy connections (a connection lost while idle is replaced unseen) and resets each session
on release. Exits non-zero unless every step is right.
"""
import os
import sys
import threading

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "bindings", "python"))
from verrou import Verrou, VerrouError  # noqa: E402


def main(argv):
    if len(argv) != 4:
        print("usage: pool.py LIBVERROU PROFILE ENVIRONMENT", file=sys.stderr)
        return 2
    v = Verrou(argv[1])
    try:
        prof = v.profile_open(argv[2], argv[3])
        pool = v.pool_open(prof, 3)       # at most 3 connections (0: the profile's pool.max_size)
        v.profile_close(prof)             # the pool keeps what it needs
        totals, failures = [], []

        def worker(n):
            try:
                for i in range(5):
                    with v.pooled(pool) as cnx:   # pool_acquire ... pool_release
                        r = v.query(cnx, "SELECT COUNT(*) FROM customers WHERE id > ?", [i % 2])
                        totals.append(r["rows"][0][0])
            except VerrouError as e:
                failures.append("worker %d: %s" % (n, e))

        workers = [threading.Thread(target=worker, args=(n,)) for n in range(6)]
        for t in workers:
            t.start()
        for t in workers:
            t.join()
        stats = v.pool_stats(pool)
        print("6 workers x 5 statements through a pool of 3:")
        print("  " + ", ".join("%s=%s" % (k, stats[k]) for k in ("created", "acquired", "waits", "in_use", "idle")))
        v.pool_close(pool)
        ok = not failures and len(totals) == 30 and stats["created"] <= 3 and stats["acquired"] == 30
        for f in failures:
            print(f)
        print("pool example: " + ("OK" if ok else "FAILED"))
        return 0 if ok else 1
    except VerrouError as e:
        print("verrou error: %s" % e, file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main(sys.argv))
