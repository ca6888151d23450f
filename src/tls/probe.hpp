// Internal: the STARTTLS probe. Speaks MariaDB's protocol up to the SSLRequest, then runs the
// TLS handshake itself with OpenSSL (as `openssl s_client -starttls mysql` does), without a
// client certificate and without sending any credential. It shows the server's chain, the
// negotiated version and cipher, and says precisely why verification fails.
//
// Used (a) before a libmariadb connection in the modes libmariadb cannot enforce by itself
// (VERIFY_CA, REQUIRED, SHA-256 server pin) — the real session is then pinned to the very
// certificate the probe verified — and (b) to diagnose a failed connection (doctor, errors).
//
// The server is not trusted while the probe talks to it: the whole exchange (connect, greeting,
// SSLRequest, handshake) has one deadline, a server closing at any point is an error and never
// a SIGPIPE, and what the server says is sanitised before it enters a message.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "verrou/certificate.hpp"
#include "verrou/error.hpp"
#include "verrou/profile.hpp"

namespace verrou::tls {

// ---- ssl_cipher: the profile's list of allowed ciphers, checked against this OpenSSL ----

/// A checked ssl_cipher list: exact OpenSSL names, in the profile's order, without duplicates.
struct CipherList {
    std::vector<std::string> tls13;  // TLS 1.3 suites (TLS_AES_256_GCM_SHA384, ...)
    std::vector<std::string> tls12;  // TLS 1.2 cipher names (ECDHE-ECDSA-AES256-GCM-SHA384, ...)
    std::vector<std::string> all;    // both, in the profile's order

    bool empty() const noexcept { return all.empty(); }
    bool allows(std::string_view negotiated) const;
    /// ':'-joined: all(), or only one half (libmariadb can restrict only one, see connection.cpp).
    static std::string join(const std::vector<std::string>& names);
};

struct CipherListCheck {
    CipherList list;
    Code failure = Code::Ok;  // CONFIG_INVALID_VALUE, or CONFIG_UNSAFE for NULL / anonymous ciphers
    std::string bad_name;     // the offending entry
    bool unknown = false;     // OpenSSL does not know bad_name: a "did you mean" helps
    std::string problem;      // plain words, naming bad_name; no location (the caller adds it)
    bool ok() const noexcept { return failure == Code::Ok; }
};

/// Checks `text`, a ':'-separated list of cipher names (spaces around names ignored), name by
/// name against this build of OpenSSL on a scratch SSL_CTX: a TLS 1.3 suite must be accepted by
/// SSL_CTX_set_ciphersuites, a TLS 1.2 name by SSL_CTX_set_cipher_list as exactly that one
/// cipher (so cipher-string keywords such as HIGH or !aNULL are refused, and an unknown name is
/// never silently dropped). Under a TLS 1.3 minimum a TLS 1.2 name could never be used: refused.
CipherListCheck check_cipher_list(std::string_view text, TlsVersion min_version);

/// Every cipher name this OpenSSL knows (TLS 1.3 suites and TLS 1.2 names), for suggestions.
const std::vector<std::string>& known_cipher_names();

struct ProbeOptions {
    std::string host;
    std::uint16_t port = 3306;
    int timeout_seconds = 10;             // for the whole exchange, not per read (NETWORK_TIMEOUT)
    std::string ca_file;
    std::string crl_file;                 // also checks the server certificate against it
    SslMode mode = SslMode::VerifyIdentity;
    TlsVersion min_version = TlsVersion::Tls13;
    std::string server_fingerprint;       // SHA-256 pin (upper hex), or ""
    std::string cipher;                   // ssl_cipher list (checked by check_cipher_list), or ""
};

struct ProbeResult {
    // How far the probe got, in order. `failure` says where and why it stopped (Ok = all good).
    bool tcp_connected = false;
    bool tls_offered = false;             // the greeting advertised CLIENT_SSL
    bool handshake_done = false;
    std::string peer_address;             // "127.0.0.1:3306"
    std::string server_version;           // from the greeting, e.g. "10.11.19-MariaDB-0+deb12u1"
    std::string tls_version;              // negotiated, "TLSv1.3"
    std::string cipher;
    std::vector<CertificateInfo> server_chain;  // leaf first
    std::string leaf_sha1;                // for libmariadb's MARIADB_OPT_TLS_PEER_FP
    std::string verify_error;             // OpenSSL's verification text when it failed
    Code failure = Code::Ok;
    std::string message;                  // plain words for the failure ("" when Ok)

    bool ok() const noexcept { return failure == Code::Ok; }
};

/// Text the server chose (its pre-TLS error message, its version string, names in the
/// certificate it presents before anyone verified it), made safe for a message, a log line or
/// a terminal: tab, CR and LF become spaces; other control characters (C0, DEL, C1 such as the
/// 8-bit CSI U+009B) become "\xHH" / "\u00HH", and so do the invisible characters that
/// reorder or split lines (bidi overrides and isolates, U+2028/U+2029, BOM); bytes that are not
/// valid UTF-8 become "\xHH". The result is valid UTF-8 of at most `max_bytes` bytes plus "…"
/// when cut (never inside a character or an escape). ProbeResult's server-provided strings
/// (server_version, the chain's names, message) have been through it.
std::string sanitize_server_text(std::string_view text, std::size_t max_bytes = 200);

/// Never throws for network or TLS problems: they end up in `failure`/`message`. With a
/// `cipher` list the probe offers only those ciphers (TLS 1.3 suites; TLS 1.2 names, or the
/// default TLS 1.2 list when it names none, so that a TLS 1.2 server is still described) and
/// refuses a negotiated cipher outside the list, as Connection::open does.
ProbeResult probe_server(const ProbeOptions& options);

/// Probe options from a profile's connection and TLS settings.
ProbeOptions probe_options_for(const Profile& profile);

}  // namespace verrou::tls
