/* verrou.h — the flat C ABI of verrou (libverrou.so / verrou.dll).
 *
 * One header, C89-compatible declarations, includable from C and C++. It is the contract
 * WinDev (ChargeDLL / API()), Python (ctypes) and C programs bind to; docs/capi.md explains
 * it in full. The rules, in short:
 *
 *  - Every function returns a verrou_int (intptr_t: WinDev's "entier système"). A plain int
 *    would come back as 4294967293 instead of -3 through a 64-bit API() call.
 *    >= 0 is success (a handle, a length, a verdict); < 0 is one of the VERROU_E_* codes
 *    below, the same numbers as verrou::Code in the C++ core (docs/errors.md).
 *  - Handles are small positive integers (slot index + generation), never pointers. A closed,
 *    stale, unknown or wrong-kind handle gives VERROU_E_INVALID_HANDLE, never a crash.
 *  - Strings in and out are UTF-8 and NUL-terminated; input is validated (VERROU_E_INVALID_UTF8).
 *  - Output goes to (char *buf, verrou_int size). On success the return value is the length
 *    written, without the NUL. When buf is NULL or size is too small the call returns
 *    VERROU_E_BUFFER_TOO_SMALL, writes nothing but an empty string (buf[0] = 0, when buf is
 *    not NULL and size >= 1), and verrou_last_required_size() gives the size to allocate,
 *    NUL included. Calling again with that size succeeds. verrou_query() keeps the rendered
 *    result for an immediate retry, so the statement is not run twice.
 *  - Every failure sets a per-thread last error (code + message, never a secret);
 *    every success clears it. verrou_last_error_*() and verrou_last_required_size() read it
 *    without changing it.
 *  - Nothing is ever to be freed by the caller except handles, through verrou_*_close() /
 *    verrou_disconnect().
 *  - All functions are thread-safe. A connection is meant to be used by one thread at a
 *    time; concurrent calls on the same connection are serialized, not undefined.
 */
#ifndef VERROU_H
#define VERROU_H

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* ---- calling convention and visibility ------------------------------------------------- */
#if defined(_WIN32)
#  if defined(_M_IX86) || defined(__i386__)
     /* 32-bit Windows: __stdcall, exported undecorated through verrou.def (WinDev API()). */
#    define VERROU_CALL __stdcall
#  else
#    define VERROU_CALL
#  endif
#  if defined(VERROU_BUILDING_DLL)
#    define VERROU_API __declspec(dllexport)
#  elif defined(VERROU_NO_DLLIMPORT)   /* loading with LoadLibrary/GetProcAddress only */
#    define VERROU_API
#  else
#    define VERROU_API __declspec(dllimport)
#  endif
#else
#  define VERROU_CALL
#  define VERROU_API __attribute__((visibility("default")))
#endif

#if defined(__GNUC__) || defined(__clang__)
#  define VERROU_NODISCARD __attribute__((warn_unused_result))
#else
#  define VERROU_NODISCARD
#endif

/** The integer of the ABI: pointer-sized and signed (intptr_t), for results, handles, sizes. */
typedef intptr_t verrou_int;

/** Version of the ABI described by this header (functions are only ever added). */
#define VERROU_ABI_VERSION 1

/* ---- verdicts of verrou_verify() ---------------------------------------------------------- */
#define VERROU_MISMATCH     0
#define VERROU_MATCH        1
#define VERROU_MATCH_REHASH 2   /* right password; store a new verrou_hash() of it */

/* ---- error codes: same values as verrou::Code (checked at compile time in capi_common.cpp).
 * Blocks of 100 per layer: usage, config, secret, certificate, network, TLS, auth, server,
 * password, internal. Never renumbered; only appended. */
#define VERROU_E_INVALID_ARGUMENT             (-1)
#define VERROU_E_BUFFER_TOO_SMALL             (-2)
#define VERROU_E_INVALID_HANDLE               (-3)
#define VERROU_E_INVALID_UTF8                 (-4)
#define VERROU_E_TOO_LARGE                    (-5)

#define VERROU_E_CONFIG_UNREADABLE            (-100)
#define VERROU_E_CONFIG_SYNTAX                (-101)
#define VERROU_E_CONFIG_UNKNOWN_KEY           (-102)
#define VERROU_E_CONFIG_WRONG_TYPE            (-103)
#define VERROU_E_CONFIG_MISSING_KEY           (-104)
#define VERROU_E_CONFIG_DUPLICATE             (-105)
#define VERROU_E_CONFIG_UNKNOWN_ENVIRONMENT   (-106)
#define VERROU_E_CONFIG_INVALID_VALUE         (-107)
#define VERROU_E_CONFIG_UNSAFE                (-108)

#define VERROU_E_SECRET_NOT_FOUND             (-200)
#define VERROU_E_SECRET_UNREADABLE            (-201)
#define VERROU_E_SECRET_EMPTY                 (-202)
#define VERROU_E_SECRET_TOO_SHORT             (-203)
#define VERROU_E_SECRET_ENV_MISSING           (-204)

#define VERROU_E_CERT_FILE_MISSING            (-300)
#define VERROU_E_CERT_UNREADABLE              (-301)
#define VERROU_E_CERT_PARSE                   (-302)
#define VERROU_E_CERT_EXPIRED                 (-303)
#define VERROU_E_CERT_NOT_YET_VALID           (-304)
#define VERROU_E_CERT_UNTRUSTED               (-305)
#define VERROU_E_CERT_KEY_MISMATCH            (-306)
#define VERROU_E_CERT_KEY_ENCRYPTED           (-307)
#define VERROU_E_CERT_KEY_PASSPHRASE          (-308)
#define VERROU_E_CERT_REVOKED                 (-309)
#define VERROU_E_CERT_ENVIRONMENT_GUARD       (-310)
#define VERROU_E_CERT_PIN_MISMATCH            (-311)
#define VERROU_E_CERT_PERMISSIONS             (-312)
#define VERROU_E_CERT_CRL                     (-313)
#define VERROU_E_CERT_REJECTED_BY_SERVER      (-314)

#define VERROU_E_NETWORK_DNS                  (-400)
#define VERROU_E_NETWORK_REFUSED              (-401)
#define VERROU_E_NETWORK_TIMEOUT              (-402)
#define VERROU_E_NETWORK_UNREACHABLE          (-403)
#define VERROU_E_NETWORK_LOST                 (-404)

#define VERROU_E_TLS_HANDSHAKE                (-500)
#define VERROU_E_TLS_UNTRUSTED_SERVER         (-501)
#define VERROU_E_TLS_NAME_MISMATCH            (-502)
#define VERROU_E_TLS_VERSION_TOO_LOW          (-503)
#define VERROU_E_TLS_NOT_OFFERED              (-504)
#define VERROU_E_TLS_SERVER_CERT_EXPIRED      (-505)
#define VERROU_E_TLS_SERVER_PIN_MISMATCH      (-506)

#define VERROU_E_AUTH_DENIED                  (-600)
#define VERROU_E_AUTH_CERTIFICATE_REQUIRED    (-601)

#define VERROU_E_SERVER_ERROR                 (-700)
#define VERROU_E_QUERY_ERROR                  (-701)
#define VERROU_E_QUERY_PARAMETER              (-702)
#define VERROU_E_SERVER_GONE                  (-703)
#define VERROU_E_TRANSACTION_STATE            (-704)

#define VERROU_E_PASSWORD_TOO_LONG            (-800)
#define VERROU_E_PASSWORD_EMPTY               (-801)
#define VERROU_E_HASH_MALFORMED               (-802)
#define VERROU_E_HASH_UNKNOWN_ALGORITHM       (-803)
#define VERROU_E_HASH_UNKNOWN_KEY_ID          (-804)
#define VERROU_E_HASH_PARAMETER_OUT_OF_RANGE  (-805)
#define VERROU_E_HASH_POLICY                  (-806)

#define VERROU_E_INTERNAL                     (-900)
#define VERROU_E_OUT_OF_MEMORY                (-901)
#define VERROU_E_CRYPTO                       (-902)

/* ---- library, errors, buffers (capi_common.cpp) --------------------------------------- */

/** Writes the library version ("0.1.0"); returns its length. */
VERROU_API verrou_int VERROU_CALL verrou_version(char *buf, verrou_int size);

/** Code of the last failure on this thread; 0 after a success. Does not change the state. */
VERROU_API verrou_int VERROU_CALL verrou_last_error_code(void);

/** Message of the last failure on this thread ("" after a success). Does not change the last
 * error, even when it returns VERROU_E_BUFFER_TOO_SMALL (then see verrou_last_required_size). */
VERROU_API verrou_int VERROU_CALL verrou_last_error_message(char *buf, verrou_int size);

/** Size (NUL included) needed by the last call on this thread that returned
 * VERROU_E_BUFFER_TOO_SMALL (successful calls leave it alone, so reading the error message
 * in between does not lose it); 0 if none did yet. */
VERROU_API verrou_int VERROU_CALL verrou_last_required_size(void);

/** Symbolic name of an error code ("CERT_EXPIRED"; "UNKNOWN" outside the table). */
VERROU_API verrou_int VERROU_CALL verrou_error_name(verrou_int code, char *buf, verrou_int size);

/* ---- profiles (capi_profile.cpp) -------------------------------------------------------- */

/** Loads one environment of a profile file (INI or JSON). environment NULL or "" means
 * $VERROU_ENV, then the file's default_environment. No network traffic. Returns a handle. */
VERROU_API VERROU_NODISCARD verrou_int VERROU_CALL verrou_profile_open(const char *path, const char *environment);
VERROU_API verrou_int VERROU_CALL verrou_profile_close(verrou_int profile);

/** JSON: {"profile": resolved settings (secrets shown as references), "certificates":
 * {"ok": bool, "findings": [...], "ca": {...}, "client": {...}}}. */
VERROU_API verrou_int VERROU_CALL verrou_profile_describe(verrou_int profile, char *buf, verrou_int size);

/* ---- connections (capi_connection.cpp) -------------------------------------------------- */

/** Validates the profile's certificates locally, then opens a verified mTLS session. */
VERROU_API VERROU_NODISCARD verrou_int VERROU_CALL verrou_connect(verrou_int profile);
VERROU_API verrou_int VERROU_CALL verrou_disconnect(verrou_int connection);

/** JSON: host, port, user, current_user, server_version, tls_version, cipher, ssl_mode,
 * client_certificate {subject, issuer, not_after, days_left, sha256_fingerprint}, warnings. */
VERROU_API verrou_int VERROU_CALL verrou_connection_info(verrou_int connection, char *buf, verrou_int size);

/** params_json: NULL, "" or a JSON array of null / numbers / booleans / strings, bound to the
 * statement's ? placeholders (never spliced into the SQL). Returns the affected row count,
 * capped at INT_MAX. */
VERROU_API verrou_int VERROU_CALL verrou_execute(verrou_int connection, const char *sql, const char *params_json);

/** Writes {"columns":["id","name",...],"rows":[[1,"Zoé",null],...]}: SQL NULL is null,
 * numeric columns are JSON numbers (exact decimal text), others strings. On
 * VERROU_E_BUFFER_TOO_SMALL the rendered result is kept: an immediate retry on the same
 * thread with the same connection, sql and params_json returns it without running the
 * statement again (any other verrou call on the thread in between drops it). */
VERROU_API verrou_int VERROU_CALL verrou_query(verrou_int connection, const char *sql, const char *params_json,
                                               char *buf, verrou_int size);

VERROU_API verrou_int VERROU_CALL verrou_begin(verrou_int connection);
VERROU_API verrou_int VERROU_CALL verrou_commit(verrou_int connection);
VERROU_API verrou_int VERROU_CALL verrou_rollback(verrou_int connection);

/* ---- password hashing (capi_password.cpp) ----------------------------------------------- */

/** Builds a hasher from a profile file's hashing section (policy + peppers). */
VERROU_API VERROU_NODISCARD verrou_int VERROU_CALL verrou_hasher_open(const char *path, const char *environment);
VERROU_API verrou_int VERROU_CALL verrou_hasher_close(verrou_int hasher);

/** Writes the self-describing hash string (PHC format); returns its length. A fresh salt
 * each call: a too-small buffer means the retry computes another (equally long) hash. */
VERROU_API verrou_int VERROU_CALL verrou_hash(verrou_int hasher, const char *password, char *buf, verrou_int size);

/** VERROU_MATCH (1), VERROU_MATCH_REHASH (2), VERROU_MISMATCH (0), or < 0. */
VERROU_API VERROU_NODISCARD verrou_int VERROU_CALL verrou_verify(verrou_int hasher, const char *password, const char *stored);

/** 1 when the stored hash is below the hasher's policy (or another pepper), 0 if not, < 0 error. */
VERROU_API VERROU_NODISCARD verrou_int VERROU_CALL verrou_needs_rehash(verrou_int hasher, const char *stored);

/** A record of the old WinDev application: salt (the salt column as stored) and stored_base64
 * (the Base64 of PBKDF2(PRF, password + pepper, salt, iterations, output_bytes)). PRF,
 * iterations, output length and pepper come from the profile's hashing.windev_legacy section,
 * never from the caller. VERROU_MATCH_REHASH (2: right password, store verrou_hash()'s result
 * instead), VERROU_MISMATCH (0), or < 0: VERROU_E_HASH_POLICY when the profile has no
 * windev_legacy section, VERROU_E_HASH_MALFORMED for a bad Base64 column. */
VERROU_API VERROU_NODISCARD verrou_int VERROU_CALL verrou_verify_windev_legacy(verrou_int hasher, const char *password,
                                                                               const char *salt,
                                                                               const char *stored_base64);

/* ---- diagnosis and monitoring (capi_doctor.cpp) ----------------------------------------- */

/** Walks the layers of one profile environment (profile, secrets, certificates, DNS, TCP, TLS,
 * SQL authentication), stopping at the first failure; writes the JSON report of
 * docs/doctor.md and returns its length. The verdict is in the JSON: "status" (worst step:
 * OK / WARNING / FAILED) and "exit_code" (Nagios: 0 OK, 1 WARNING, 2 CRITICAL, 3 UNKNOWN). A problem of the profile,
 * network or server is a step of the report, not an error of this call. When the buffer is too
 * small, an immediate retry with the same arguments gets the same report without re-running. */
VERROU_API verrou_int VERROU_CALL verrou_doctor(const char *path, const char *environment, char *buf, verrou_int size);

/** Local certificate check of an open profile for monitoring: JSON {"status" (OK / WARNING /
 * FAILED), "exit_code" (Nagios: 0 OK, 1 inside expiry_warning_days or another warning,
 * 2 expired or invalid), "environment", "certificates"};
 * returns its length. No network traffic. */
VERROU_API verrou_int VERROU_CALL verrou_cert_check(verrou_int profile, char *buf, verrou_int size);

/* Later additions keep this shape: verrou_int result, UTF-8 strings, (buf, size) outputs,
 * handles from the same table. */

#ifdef __cplusplus
}
#endif

#endif /* VERROU_H */
