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
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "verrou/certificate.hpp"
#include "verrou/error.hpp"
#include "verrou/profile.hpp"

namespace verrou::tls {

class Policy;  // tls/policy.hpp (not included here: it brings OpenSSL's headers, which on Windows
               // must come after the socket headers, see probe.cpp)

struct ProbeOptions {
    std::string host;
    std::uint16_t port = 3306;
    int timeout_seconds = 10;             // for the whole exchange, not per read (NETWORK_TIMEOUT)
    std::string ca_file;
    std::string crl_file;                 // also checks the server certificate against it
    SslMode mode = SslMode::VerifyIdentity;
    std::string server_fingerprint;       // SHA-256 pin (upper hex), or ""
    std::shared_ptr<const Policy> policy; // minimum version and ssl_cipher; null: TLS 1.3 minimum,
                                          // OpenSSL's default ciphers
    std::optional<Error> policy_error;    // the profile's policy did not parse: the probe reports it
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
    std::vector<std::string> verified_chain_der;  // DER, leaf first up to the profile's CA, when
                                                  // verification passed (OCSP names the issuer)
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

/// What the probe takes from the server's first packet.
struct Greeting {
    std::string server_version;  // sanitised (sanitize_server_text)
    std::uint32_t capabilities = 0;
};

/// Parses the payload (without its 4-byte header) of the server's first packet, which is
/// untrusted: a greeting (protocol 10), or an error packet (SERVER_ERROR with the server's
/// sanitised text); anything else is TLS_HANDSHAKE naming `peer`. Separate from the socket
/// so it can be fuzzed (tests/fuzz/fuzz_probe_greeting.cpp).
Greeting parse_greeting(std::string_view payload, const std::string& peer);

/// Never throws for network or TLS problems: they end up in `failure`/`message`. The policy
/// is applied as Policy::apply_to_probe says, and the negotiated session judged by
/// Policy::refuse_session, as Connection::open judges its own.
ProbeResult probe_server(const ProbeOptions& options);

/// Probe options from a profile's connection and TLS settings, with `policy` when the caller
/// already holds it (else the profile's, parsed again only when it no longer matches).
ProbeOptions probe_options_for(const Profile& profile, std::shared_ptr<const Policy> policy = nullptr);

}  // namespace verrou::tls
