/* consumer_c PROFILE — links the installed verrou shared library (C ABI, include "verrou.h"):
 * version, then hash and verify through a hasher handle. Exit 0 only if every step is right. */
#include "verrou.h"

#include <stdio.h>
#include <string.h>

int main(int argc, char **argv) {
    char version[32], stored[512];
    verrou_int h, n, right, wrong;
    if (argc != 2) {
        fprintf(stderr, "usage: consumer_c PROFILE\n");
        return 2;
    }
    n = verrou_version(version, (verrou_int)sizeof version);
    if (n <= 0) return 1;
    h = verrou_hasher_open(argv[1], "dev");
    if (h <= 0) {
        fprintf(stderr, "consumer_c: verrou_hasher_open failed: %ld\n", (long)h);
        return 1;
    }
    n = verrou_hash(h, "mot de passe \xc3\xa9t\xc3\xa9", stored, (verrou_int)sizeof stored);
    right = verrou_verify(h, "mot de passe \xc3\xa9t\xc3\xa9", stored);
    wrong = verrou_verify(h, "mot de passe ete", stored);
    verrou_hasher_close(h);
    printf("consumer_c: verrou %s, hash %.10s..., verdicts %ld %ld\n", version, stored, (long)right, (long)wrong);
    return n > 0 && right == VERROU_MATCH && wrong == VERROU_MISMATCH ? 0 : 1;
}
