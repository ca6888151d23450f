/* planted_leak.c — proves the memcheck judge can fail: one definite leak and one read past
 * the end of a heap block, in a file judge.py is told to treat as verrou's (CTest runs it
 * with VERROU_MEMCHECK_OURS_FILES naming this file and expects memcheck.sh to fail). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int main(void) {
    char *lost = malloc(64);
    char *small = malloc(8);
    if (lost == NULL || small == NULL) return 2;
    memset(lost, 'x', 64);
    memset(small, 'y', 8);
    volatile char past_end = small[8];
    printf("%c%c\n", lost[0], past_end);
    lost = NULL;
    free(small);
    return 0;
}
