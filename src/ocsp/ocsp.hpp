// Internal: revocation by OCSP (RFC 6960), the one home of it (docs/ocsp.md).
//
//   check()          one certificate: request (with a nonce), HTTP/1.0 POST to the responder
//                    within one deadline (ocsp_timeout_ms), response verified with OpenSSL's
//                    OCSP API — signature chaining to the profile's CA, directly or through a
//                    delegated responder with the OCSP-signing EKU; the certificate ID; the nonce
//                    when the responder echoes it; thisUpdate/nextUpdate with kClockToleranceSeconds
//                    of tolerance. Good answers are cached per certificate and responder
//                    (thread-safe), at most ocsp_cache_seconds and never past nextUpdate.
//   check_server()   the server's certificate, BEFORE authentication: a pre-connect probe
//                    (tls/probe) fetches and verifies the server's chain, the OCSP check runs on
//                    its leaf, and the caller pins that leaf (SHA-1, libmariadb's
//                    MARIADB_OPT_TLS_PEER_FP) for the real connection, so a different certificate
//                    at connect time fails the TLS handshake before the login packet. A warm
//                    cache (same host, same certificate, good answer still valid) skips the probe.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>

#include "verrou/certificate.hpp"
#include "verrou/error.hpp"
#include "verrou/profile.hpp"

typedef struct x509_st X509;
typedef struct x509_store_st X509_STORE;

namespace verrou::tls {
class Policy;
}

namespace verrou::ocsp {

/// How far thisUpdate may be in the future and nextUpdate in the past (clock skew between this
/// machine and the responder), in seconds.
inline constexpr long kClockToleranceSeconds = 300;

/// A good, verified answer.
struct Answer {
    std::string responder;    // the URL asked
    std::string this_update;  // ISO 8601 UTC
    std::string next_update;  // "" when the responder gave none
    bool from_cache = false;
};

struct Query {
    X509* cert = nullptr;
    X509* issuer = nullptr;
    X509_STORE* trust = nullptr;  // the profile's CA bundle
    std::string url;              // responder_for()
    int timeout_ms = 2000;
    int cache_seconds = 3600;
    std::string label;            // "server certificate", "client certificate"
};

/// ocsp_url when set, else the first OCSP URL of the certificate's Authority Information
/// Access, else "".
std::string responder_for(X509* cert, const std::string& ocsp_url);

/// A good answer, or throws: CERT_REVOKED (date and reason), CERT_OCSP_INVALID (bad signature,
/// stale, another certificate, nonce mismatch, status unknown), CERT_OCSP_UNAVAILABLE (no
/// responder, unreachable, timed out, HTTP or OCSP error). Messages name the certificate
/// (subject, serial), the responder and the cause.
Answer check(const Query& query);

/// The certificate's words for messages: "server certificate 'CN=db' (serial 1000)".
std::string describe_certificate(X509* cert, const std::string& label);

/// Whether `mode` lets a failed check (anything but CERT_REVOKED) pass with a warning.
bool tolerates_no_answer(OcspMode mode, Code code);

/// What Connection::open needs from the server check.
struct ServerVerdict {
    std::string pinned_sha1;       // pin the real connection to this certificate; "" = no pin
    bool pin_from_cache = false;   // the pin comes from an earlier probe (a mismatch at connect
                                   // time then calls for forget_server and a fresh check)
    std::string probed_tls_version;  // when a probe ran now
    std::optional<Warning> warning;  // ocsp_unavailable (soft)
};

/// The server certificate check for `profile` (ocsp not Off). Throws what the probe found
/// (soft/hard), CERT_REVOKED, and in hard mode CERT_OCSP_UNAVAILABLE / CERT_OCSP_INVALID.
ServerVerdict check_server(const Profile& profile, const std::shared_ptr<const tls::Policy>& policy);

/// The revocation status of a client certificate (the doctor, `verrou cert check`): a finding
/// "ocsp" — OK with the responder and the answer's validity window; FAILED for CERT_REVOKED, and
/// under ocsp = hard for no valid answer; else WARNING. nullopt when ocsp is off, or absent and
/// neither the certificate nor ocsp_url names a responder. Never throws for the certificate,
/// the CA or the network.
std::optional<CheckFinding> check_client(const Profile& profile, const std::string& cert_path,
                                         const std::string& label = "client certificate");

/// What one certificate's responder said, for reports (the doctor's revocation step): the
/// verified good answer, or the code and message check() would throw. Never throws.
struct Outcome {
    std::string certificate;      // describe_certificate()
    std::string responder;        // the URL asked ("" when none is named)
    std::optional<Answer> answer; // set when good
    Code code = Code::Ok;         // CERT_REVOKED, CERT_OCSP_UNAVAILABLE, CERT_OCSP_INVALID, …
    std::string message;          // why there is no good answer; "" when good
};

/// Asks about `cert` (issued by `issuer`; null: the certificate of the profile's CA bundle that
/// issued it, if any) as `profile` says:
/// nullopt when ocsp is off, or absent and neither the certificate nor ocsp_url names a
/// responder. Good answers come from and go to the cache like check()'s.
std::optional<Outcome> ask(const Profile& profile, X509* cert, X509* issuer, const std::string& label);

/// Drops what check_server remembers about the profile's server (its certificate changed).
void forget_server(const Profile& profile);

/// Empties both caches (tests, and `verrou cert check` which wants a live answer).
void clear_caches();

}  // namespace verrou::ocsp
