// Internal: the STARTTLS probe. Speaks MariaDB's protocol up to the SSLRequest, then runs the
// TLS handshake itself with OpenSSL (as `openssl s_client -starttls mysql` does), without a
// client certificate and without sending any credential. It shows the server's chain, the
// negotiated version and cipher, and says precisely why verification fails.
//
// Used (a) before a libmariadb connection in the modes libmariadb cannot enforce by itself
// (VERIFY_CA, REQUIRED, SHA-256 server pin) — the real session is then pinned to the very
// certificate the probe verified — and (b) to diagnose a failed connection (doctor, errors).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "verrou/certificate.hpp"
#include "verrou/error.hpp"
#include "verrou/profile.hpp"

namespace verrou::tls {

struct ProbeOptions {
    std::string host;
    std::uint16_t port = 3306;
    int timeout_seconds = 10;
    std::string ca_file;
    std::string crl_file;                 // also checks the server certificate against it
    SslMode mode = SslMode::VerifyIdentity;
    TlsVersion min_version = TlsVersion::Tls13;
    std::string server_fingerprint;       // SHA-256 pin (upper hex), or ""
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

/// Never throws for network or TLS problems: they end up in `failure`/`message`.
ProbeResult probe_server(const ProbeOptions& options);

/// Probe options from a profile's connection and TLS settings.
ProbeOptions probe_options_for(const Profile& profile);

}  // namespace verrou::tls
