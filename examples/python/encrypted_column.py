#!/usr/bin/env python3
"""encrypted_column.py — an encrypted IBAN column plus its blind index, in the test bed's
database, through the ctypes binding: store, find a row by its IBAN, decrypt, rotate.

    python3 examples/python/encrypted_column.py /path/libverrou.so profiles.json dev

The profile's environment has a connection and an `encryption` section (docs/encryption.md).
A DBA's SELECT, a dump or a backup shows only ciphertexts and index tokens.
"""
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "bindings", "python"))
from verrou import Verrou, VerrouError  # noqa: E402

CUSTOMERS = [(1, "Alice Martin", "FR7630006000011234567890189"),
             (2, "Bob Durand", "DE89370400440532013000"),
             (3, "Chloé Lefèvre", "FR1420041010050500013M02606")]


def main(argv):
    if len(argv) != 4:
        print("usage: encrypted_column.py LIBVERROU PROFILE ENVIRONMENT", file=sys.stderr)
        return 2
    v = Verrou(argv[1])
    try:
        prof = v.profile_open(argv[2], argv[3])
        cnx = v.connect(prof)
        enc = v.encryptor_open(argv[2], argv[3])
        v.execute(cnx, "DROP TABLE IF EXISTS appdb.example_accounts")
        v.execute(cnx, "CREATE TABLE appdb.example_accounts (id INT PRIMARY KEY, name VARCHAR(100), "
                       "iban_enc TEXT NOT NULL, iban_bi VARCHAR(64) NOT NULL, INDEX (iban_bi))")
        for cid, name, iban in CUSTOMERS:
            # The context binds the ciphertext to its row and column; the blind index uses the
            # column alone, so equal IBANs give equal tokens in every row.
            v.execute(cnx, "INSERT INTO appdb.example_accounts VALUES (?, ?, ?, ?)",
                      [cid, name, v.encrypt(enc, iban, "example_accounts.iban#%d" % cid),
                       v.blind_index(enc, iban, "example_accounts.iban")])

        raw = v.query(cnx, "SELECT id, iban_enc, iban_bi FROM appdb.example_accounts ORDER BY id")["rows"]
        print("what the database holds:")
        for cid, stored, token in raw:
            print("  %d  %s...  %s" % (cid, stored[:40], token))
            if "FR76" in stored or "DE89" in stored:
                print("encrypted_column.py: plaintext in the table", file=sys.stderr)
                return 1

        wanted = "DE89370400440532013000"
        rows = v.query(cnx, "SELECT id, name, iban_enc FROM appdb.example_accounts WHERE iban_bi = ?",
                       [v.blind_index(enc, wanted, "example_accounts.iban")])["rows"]
        if len(rows) != 1:
            print("encrypted_column.py: blind index search found %d rows" % len(rows), file=sys.stderr)
            return 1
        cid, name, stored = rows[0]
        iban = v.decrypt(enc, stored, "example_accounts.iban#%d" % cid)
        print("found by IBAN: id %d, %s, %s" % (cid, name, iban))
        if (cid, iban) != (2, wanted):
            print("encrypted_column.py: wrong row or value", file=sys.stderr)
            return 1

        # A ciphertext copied into another row does not decrypt there.
        try:
            v.decrypt(enc, stored, "example_accounts.iban#1")
            print("encrypted_column.py: a moved ciphertext decrypted", file=sys.stderr)
            return 1
        except VerrouError as e:
            print("moved to row 1: refused (%s)" % e.name)

        print("needs rewrap under the current key:", v.needs_rewrap(enc, stored))
        v.execute(cnx, "DROP TABLE appdb.example_accounts")
        v.encryptor_close(enc)
        v.disconnect(cnx)
        v.profile_close(prof)
    except VerrouError as e:
        print("encrypted_column.py: %s (%d): %s" % (e.name, e.code, e.message), file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
