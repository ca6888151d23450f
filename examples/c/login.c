/* login.c — a login screen's logic in C over the flat ABI, loaded like WinDev does it
 * (dlopen ≈ ChargeDLL, dlsym ≈ API()). One call per attempt: verrou_login() reads the user's
 * row, asks the guard shared through MariaDB, verifies, writes what changes; the application
 * only turns the verdict into a message. Never say "unknown user": an unknown user name is
 * VERROU_LOGIN_DENIED, like a wrong password.
 *
 *   demo_login_c /path/libverrou.so profiles.json dev
 *
 * Expects (examples/run-demo.sh prepares it) the profile's users table with the user
 * "amelie" / "motdepasse-demo", the guard table (verrou login init), and
 * max_failures_per_account = 3 with a backoff of 30 s. Exits non-zero on any unexpected verdict. */
#include <dlfcn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define VERROU_NO_DLLIMPORT
#include "verrou.h"

typedef verrou_int (*fn_s_s)(const char *, const char *);
typedef verrou_int (*fn_h)(verrou_int);
typedef verrou_int (*fn_buf)(char *, verrou_int);
typedef verrou_int (*fn_login)(verrou_int, verrou_int, const char *, const char *, const char *, char *, verrou_int);

static fn_s_s profile_open, hasher_open;
static fn_h connect_, disconnect_, profile_close, hasher_close;
static fn_buf last_error_message;
static fn_login login;

static void *resolve(void *lib, const char *name) {
    void *p = dlsym(lib, name);
    if (p == NULL) {
        fprintf(stderr, "demo_login_c: %s not found: %s\n", name, dlerror());
        exit(2);
    }
    return p;
}
#define RESOLVE(var, name) do { void *p_ = resolve(lib, name); memcpy(&(var), &p_, sizeof p_); } while (0)

static void die(const char *what, verrou_int rc) {
    char msg[1024];
    if (last_error_message(msg, (verrou_int)sizeof msg) < 0) strcpy(msg, "(message too long)");
    fprintf(stderr, "demo_login_c: %s failed (%ld): %s\n", what, (long)rc, msg);
    exit(1);
}

/* What the login screen shows for each verdict. retry_after is parsed from the JSON. */
static void show(verrou_int verdict, const char *json) {
    long wait = -1;
    const char *p = strstr(json, "\"retry_after_seconds\":");
    if (p != NULL && sscanf(p + strlen("\"retry_after_seconds\":"), "%ld", &wait) != 1) wait = -1;
    switch (verdict) {
        case VERROU_LOGIN_GRANTED:
        case VERROU_LOGIN_GRANTED_REHASHED: /* the new hash is already stored: nothing to do */
            printf("  -> Welcome!\n");
            break;
        case VERROU_LOGIN_DENIED:
            printf("  -> Wrong user name or password.\n");
            break;
        case VERROU_LOGIN_THROTTLED:
            printf("  -> Too many attempts. Try again in %ld second(s).\n", wait);
            break;
        case VERROU_LOGIN_LOCKED:
            if (wait >= 0) printf("  -> This account is locked. Try again in %ld minute(s).\n", (wait + 59) / 60);
            else printf("  -> This account is locked. Contact your administrator.\n");
            break;
        default: break;
    }
}

int main(int argc, char **argv) {
    static const struct {
        const char *user, *password;
        verrou_int expected;
    } attempts[] = {
        {"amelie", "pas le bon", VERROU_LOGIN_DENIED},
        {"nobody", "motdepasse-demo", VERROU_LOGIN_DENIED}, /* unknown user: same answer */
        {"amelie", "motdepasse-demo", VERROU_LOGIN_GRANTED}, /* success resets amelie's failures */
        {"amelie", "1", VERROU_LOGIN_DENIED},
        {"amelie", "2", VERROU_LOGIN_DENIED},
        {"amelie", "3", VERROU_LOGIN_DENIED},
        {"amelie", "motdepasse-demo", VERROU_LOGIN_THROTTLED}, /* not even looked at */
    };
    void *lib;
    verrou_int prof, cnx, hasher;
    size_t i;
    int unexpected = 0;
    if (argc != 4) {
        fprintf(stderr, "usage: demo_login_c LIBVERROU PROFILE ENVIRONMENT\n");
        return 2;
    }
    lib = dlopen(argv[1], RTLD_NOW | RTLD_LOCAL);
    if (lib == NULL) {
        fprintf(stderr, "demo_login_c: %s\n", dlerror());
        return 2;
    }
    RESOLVE(profile_open, "verrou_profile_open");
    RESOLVE(hasher_open, "verrou_hasher_open");
    RESOLVE(connect_, "verrou_connect");
    RESOLVE(disconnect_, "verrou_disconnect");
    RESOLVE(profile_close, "verrou_profile_close");
    RESOLVE(hasher_close, "verrou_hasher_close");
    RESOLVE(last_error_message, "verrou_last_error_message");
    RESOLVE(login, "verrou_login");

    if ((prof = profile_open(argv[2], argv[3])) < 0) die("verrou_profile_open", prof);
    if ((cnx = connect_(prof)) < 0) die("verrou_connect", cnx);
    if ((hasher = hasher_open(argv[2], argv[3])) < 0) die("verrou_hasher_open", hasher);

    for (i = 0; i < sizeof attempts / sizeof attempts[0]; ++i) {
        char json[VERROU_LOGIN_JSON_SIZE];
        /* source: what identifies the client; a WinDev client would pass NetNomMachine(). */
        verrou_int verdict = login(cnx, hasher, attempts[i].user, attempts[i].password, "poste-42", json,
                                   (verrou_int)sizeof json);
        if (verdict < 0) die("verrou_login", verdict);
        printf("login %-7s %s\n", attempts[i].user, json);
        show(verdict, json);
        if (verdict != attempts[i].expected) {
            fprintf(stderr, "demo_login_c: attempt %zu: verdict %ld, expected %ld\n", i + 1, (long)verdict,
                    (long)attempts[i].expected);
            unexpected = 1;
        }
    }
    hasher_close(hasher);
    disconnect_(cnx);
    profile_close(prof);
    dlclose(lib);
    return unexpected;
}
