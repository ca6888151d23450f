/* demo.c — verrou from C the way WinDev uses it: load the DLL by path at run time
 * (dlopen ≈ ChargeDLL), look every function up by name (dlsym ≈ API()), grow buffers on
 * VERROU_E_BUFFER_TOO_SMALL, and explain every failure with the last error.
 *
 *   demo_c /path/libverrou.so profiles.json dev
 *
 * Connects as the profile's user over mTLS, prints the TLS version, cipher and
 * CURRENT_USER(), runs a parameterized query, hashes a password and verifies it. */
#include <dlfcn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define VERROU_NO_DLLIMPORT
#include "verrou.h"

typedef verrou_int (*fn_void)(void);
typedef verrou_int (*fn_buf)(char *, verrou_int);
typedef verrou_int (*fn_h)(verrou_int);
typedef verrou_int (*fn_h_buf)(verrou_int, char *, verrou_int);
typedef verrou_int (*fn_s_s)(const char *, const char *);
typedef verrou_int (*fn_h_s_s_buf)(verrou_int, const char *, const char *, char *, verrou_int);
typedef verrou_int (*fn_h_s_buf)(verrou_int, const char *, char *, verrou_int);
typedef verrou_int (*fn_h_s_s)(verrou_int, const char *, const char *);

static struct {
    fn_buf version, last_error_message;
    fn_void last_error_code, last_required_size;
    fn_s_s profile_open, hasher_open;
    fn_h profile_close, connect, disconnect, hasher_close;
    fn_h_buf connection_info;
    fn_h_s_s_buf query;
    fn_h_s_buf hash;
    fn_h_s_s verify;
} v;

static void *lib;

/* dlsym returns an object pointer; copying its bytes is the portable way to a function pointer. */
static void resolve(void *slot, const char *name) {
    void *p = dlsym(lib, name);
    if (p == NULL) {
        fprintf(stderr, "demo_c: %s not found in the library: %s\n", name, dlerror());
        exit(2);
    }
    memcpy(slot, &p, sizeof p);
}

/* Prints the last error of this thread and exits. */
static void die(const char *what, verrou_int rc) {
    char msg[1024];
    if (v.last_error_message(msg, (verrou_int)sizeof msg) < 0) strcpy(msg, "(message too long)");
    fprintf(stderr, "demo_c: %s failed: code %ld (last error %ld): %s\n", what, (long)rc,
            (long)v.last_error_code(), msg);
    exit(1);
}

/* The buffer rule: try, and on BUFFER_TOO_SMALL retry once with the size the library asks
 * for. `call` writes into (buf, size). Returns a malloc'ed string. */
struct out_call {
    verrou_int h;
    const char *a, *b;
    int kind; /* 0 version, 1 h_buf, 2 query, 3 hash */
    fn_h_buf h_buf;
};

static verrou_int run(const struct out_call *c, char *buf, verrou_int size) {
    switch (c->kind) {
        case 0: return v.version(buf, size);
        case 1: return c->h_buf(c->h, buf, size);
        case 2: return v.query(c->h, c->a, c->b, buf, size);
        default: return v.hash(c->h, c->a, buf, size);
    }
}

static char *output(const char *what, const struct out_call *c) {
    verrou_int size = 64, rc;
    char *buf = malloc((size_t)size);
    if (buf == NULL) exit(3);
    rc = run(c, buf, size);
    if (rc == VERROU_E_BUFFER_TOO_SMALL) {
        size = v.last_required_size();
        free(buf);
        buf = malloc((size_t)size);
        if (buf == NULL) exit(3);
        rc = run(c, buf, size); /* verrou_query serves its kept result: no second execution */
    }
    if (rc < 0) die(what, rc);
    return buf;
}

/* Naive lookup of "key": "string" in the library's JSON, enough for a demo. */
static void print_field(const char *json, const char *key) {
    char pattern[64];
    const char *p, *end;
    snprintf(pattern, sizeof pattern, "\"%s\": \"", key);
    p = strstr(json, pattern);
    if (p == NULL) { printf("  %-13s ?\n", key); return; }
    p += strlen(pattern);
    end = strchr(p, '"');
    printf("  %-13s %.*s\n", key, (int)(end ? end - p : 0), p);
}

int main(int argc, char **argv) {
    struct out_call c;
    verrou_int profile, cnx, hasher, verdict;
    char *text;
    const char *password = "correct horse battery staple";

    if (argc != 4) {
        fprintf(stderr, "usage: %s LIBVERROU PROFILE ENVIRONMENT\n", argv[0]);
        return 2;
    }
    lib = dlopen(argv[1], RTLD_NOW | RTLD_LOCAL);
    if (lib == NULL) {
        fprintf(stderr, "demo_c: cannot load %s: %s\n", argv[1], dlerror());
        return 2;
    }
    resolve(&v.version, "verrou_version");
    resolve(&v.last_error_code, "verrou_last_error_code");
    resolve(&v.last_error_message, "verrou_last_error_message");
    resolve(&v.last_required_size, "verrou_last_required_size");
    resolve(&v.profile_open, "verrou_profile_open");
    resolve(&v.profile_close, "verrou_profile_close");
    resolve(&v.connect, "verrou_connect");
    resolve(&v.disconnect, "verrou_disconnect");
    resolve(&v.connection_info, "verrou_connection_info");
    resolve(&v.query, "verrou_query");
    resolve(&v.hasher_open, "verrou_hasher_open");
    resolve(&v.hasher_close, "verrou_hasher_close");
    resolve(&v.hash, "verrou_hash");
    resolve(&v.verify, "verrou_verify");

    memset(&c, 0, sizeof c);
    text = output("verrou_version", &c);
    printf("libverrou %s (%s)\n", text, argv[1]);
    free(text);

    profile = v.profile_open(argv[2], argv[3]);
    if (profile < 0) die("verrou_profile_open", profile);
    cnx = v.connect(profile);
    if (cnx < 0) die("verrou_connect", cnx);

    c.kind = 1; c.h = cnx; c.h_buf = v.connection_info;
    text = output("verrou_connection_info", &c);
    printf("connected over mutual TLS:\n");
    print_field(text, "tls_version");
    print_field(text, "cipher");
    print_field(text, "current_user");
    print_field(text, "subject");
    free(text);

    c.kind = 2; c.a = "SELECT id, name, email FROM appdb.customers WHERE id >= ? AND name <> ? ORDER BY id";
    c.b = "[2, \"' OR 1=1 --\"]"; /* bound, never spliced */
    text = output("verrou_query", &c);
    printf("parameterized query (id >= 2):\n  %s\n", text);
    free(text);

    hasher = v.hasher_open(argv[2], argv[3]);
    if (hasher < 0) die("verrou_hasher_open", hasher);
    c.kind = 3; c.h = hasher; c.a = password;
    text = output("verrou_hash", &c);
    printf("hash:           %s\n", text);
    verdict = v.verify(hasher, password, text);
    if (verdict < 0) die("verrou_verify", verdict);
    printf("verify right:   %ld (1 = match)\n", (long)verdict);
    if (verdict != 1) { fprintf(stderr, "demo: the right password did not match\n"); return 1; }
    verdict = v.verify(hasher, "Correct horse battery staple", text);
    if (verdict < 0) die("verrou_verify", verdict);
    printf("verify wrong:   %ld (0 = mismatch)\n", (long)verdict);
    if (verdict != 0) { fprintf(stderr, "demo: a wrong password was not refused\n"); return 1; }
    free(text);

    v.hasher_close(hasher);
    v.disconnect(cnx);
    v.profile_close(profile);
    dlclose(lib);
    return 0;
}
