#include "tls/probe.hpp"

// Windows socket headers first: <wincrypt.h> defines X509_NAME & co. as macros, which
// OpenSSL's headers undo only when they come after it.
#include "net/socket.hpp"

#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>

#include <array>
#include <cstring>

#ifndef _WIN32
#include <arpa/inet.h>
#endif

#include "tls/x509.hpp"
#include "verrou/secret.hpp"

namespace verrou::tls {
namespace {

// MariaDB / MySQL client-server protocol constants (capability flags of the greeting).
constexpr std::uint32_t CLIENT_LONG_PASSWORD = 0x00000001;
constexpr std::uint32_t CLIENT_PROTOCOL_41 = 0x00000200;
constexpr std::uint32_t CLIENT_SSL = 0x00000800;
constexpr std::uint32_t CLIENT_SECURE_CONNECTION = 0x00008000;
constexpr std::uint32_t CLIENT_PLUGIN_AUTH = 0x00080000;
constexpr std::size_t MAX_GREETING = 64 * 1024;

bool is_ip_literal(const std::string& host) {
    unsigned char buf[16];
    return inet_pton(AF_INET, host.c_str(), buf) == 1 || inet_pton(AF_INET6, host.c_str(), buf) == 1;
}

struct Greeting {
    std::string server_version;
    std::uint32_t capabilities = 0;
};

Greeting read_greeting(net::TcpSocket& sock) {
    std::array<unsigned char, 4> header{};
    sock.read_exact(header.data(), header.size());
    const std::size_t len = header[0] | (header[1] << 8) | (header[2] << 16);
    if (len == 0 || len > MAX_GREETING) {
        throw Error(Code::TlsHandshake, "the service at " + sock.peer_address() +
                    " does not speak the MariaDB protocol (greeting of " + std::to_string(len) + " bytes)");
    }
    std::string payload(len, '\0');
    sock.read_exact(reinterpret_cast<unsigned char*>(payload.data()), len);
    const auto byte = [&](std::size_t i) { return static_cast<unsigned char>(payload[i]); };
    if (byte(0) == 0xFF) {
        // An error packet instead of a greeting: too many connections, host blocked, ...
        const std::string text = len > 3 ? payload.substr(3) : std::string();
        throw Error(Code::ServerError, "the server at " + sock.peer_address() + " refused the connection: " + text);
    }
    if (byte(0) != 10) {
        throw Error(Code::TlsHandshake, "the service at " + sock.peer_address() +
                    " does not speak the MariaDB protocol (protocol version " + std::to_string(byte(0)) + ")");
    }
    Greeting g;
    const auto nul = payload.find('\0', 1);
    if (nul == std::string::npos || nul + 1 + 4 + 8 + 1 + 2 > len) {
        throw Error(Code::TlsHandshake, "malformed MariaDB greeting from " + sock.peer_address());
    }
    g.server_version = payload.substr(1, nul - 1);
    std::size_t pos = nul + 1 + 4 + 8 + 1;
    g.capabilities = byte(pos) | (static_cast<std::uint32_t>(byte(pos + 1)) << 8);
    pos += 2;
    if (pos + 1 + 2 + 2 <= len) {
        g.capabilities |= (static_cast<std::uint32_t>(byte(pos + 3)) << 16) |
                          (static_cast<std::uint32_t>(byte(pos + 4)) << 24);
    }
    return g;
}

void send_ssl_request(net::TcpSocket& sock) {
    std::array<unsigned char, 4 + 32> packet{};
    packet[0] = 32;  // payload length (3 bytes LE)
    packet[3] = 1;   // sequence id: the answer to the greeting
    const std::uint32_t caps = CLIENT_LONG_PASSWORD | CLIENT_PROTOCOL_41 | CLIENT_SSL |
                               CLIENT_SECURE_CONNECTION | CLIENT_PLUGIN_AUTH;
    for (int i = 0; i < 4; ++i) packet[4 + i] = static_cast<unsigned char>(caps >> (8 * i));
    const std::uint32_t max_packet = 16 * 1024 * 1024;
    for (int i = 0; i < 4; ++i) packet[8 + i] = static_cast<unsigned char>(max_packet >> (8 * i));
    packet[12] = 45;  // utf8mb4_general_ci; the rest is the reserved filler (zeros)
    sock.write_all(packet.data(), packet.size());
}

std::string days_phrase(long long days) {
    if (days >= 0) return "in " + std::to_string(days) + " days";
    return std::to_string(-days) + " days ago";
}

/// Turns OpenSSL's verification verdict into verrou's code and a support-friendly message.
void classify_verify_failure(long result, const ProbeOptions& opt, ProbeResult& r) {
    const CertificateInfo* leaf = r.server_chain.empty() ? nullptr : &r.server_chain.front();
    const std::string who = leaf ? "server certificate " + leaf->subject : std::string("server certificate");
    r.verify_error = X509_verify_cert_error_string(result);
    switch (result) {
        case X509_V_ERR_CERT_HAS_EXPIRED:
            r.failure = Code::TlsServerCertExpired;
            r.message = who + " expired on " + (leaf ? leaf->not_after : std::string("?")) +
                        (leaf ? " (" + days_phrase(leaf->days_left) + ")" : std::string()) +
                        "; the server's administrator must renew it";
            return;
        case X509_V_ERR_CERT_NOT_YET_VALID:
            r.failure = Code::TlsServerCertExpired;
            r.message = who + " is not valid before " + (leaf ? leaf->not_before : std::string("?")) +
                        "; check this machine's clock and the server's";
            return;
        case X509_V_ERR_HOSTNAME_MISMATCH:
        case X509_V_ERR_IP_ADDRESS_MISMATCH: {
            std::string names;
            if (leaf) {
                for (const auto& san : leaf->subject_alt_names) names += (names.empty() ? "" : ", ") + san;
                if (names.empty()) names = "CN=" + leaf->common_name;
            }
            r.failure = Code::TlsNameMismatch;
            r.message = who + " is for " + names + ", not for '" + opt.host +
                        "': connect with a host name the certificate lists, or reissue it with that name";
            return;
        }
        case X509_V_ERR_CERT_REVOKED:
            r.failure = Code::TlsUntrustedServer;
            r.message = who + " is revoked by the CRL " + opt.crl_file;
            return;
        default:
            r.failure = Code::TlsUntrustedServer;
            r.message = who + " (issuer " + (leaf ? leaf->issuer : std::string("?")) +
                        ") is not trusted by the profile's CA " + opt.ca_file + ": " + r.verify_error;
            return;
    }
}

}  // namespace

ProbeOptions probe_options_for(const Profile& profile) {
    ProbeOptions o;
    o.host = profile.host;
    o.port = profile.port;
    o.timeout_seconds = profile.connect_timeout_seconds;
    o.ca_file = profile.tls.ca;
    o.crl_file = profile.tls.crl;
    o.mode = profile.tls.mode;
    o.min_version = profile.tls.min_version;
    o.server_fingerprint = profile.tls.server_fingerprint;
    return o;
}

ProbeResult probe_server(const ProbeOptions& opt) {
    ProbeResult r;
    try {
        auto sock = net::TcpSocket::connect(opt.host, opt.port, opt.timeout_seconds);
        r.tcp_connected = true;
        r.peer_address = sock.peer_address();

        const Greeting greeting = read_greeting(sock);
        r.server_version = greeting.server_version;
        r.tls_offered = (greeting.capabilities & CLIENT_SSL) != 0;
        if (!r.tls_offered) {
            r.failure = Code::TlsNotOffered;
            r.message = "the server at " + r.peer_address + " (" + r.server_version +
                        ") does not offer TLS; verrou never connects in plaintext. Enable TLS on the "
                        "server (ssl_cert, ssl_key, ssl_ca; require_secure_transport=ON)";
            return r;
        }
        send_ssl_request(sock);

        SslCtxPtr ctx(SSL_CTX_new(TLS_client_method()));
        if (!ctx) throw Error(Code::Crypto, "SSL_CTX_new failed: " + last_openssl_error());
        // Accept TLS 1.2 in the probe so that a too-old server is reported as such instead of
        // as a bare handshake failure; the profile's minimum is checked below.
        SSL_CTX_set_min_proto_version(ctx.get(), TLS1_2_VERSION);
        SSL_CTX_set_verify(ctx.get(), SSL_VERIFY_NONE, nullptr);  // verdict read after the handshake
        if (SSL_CTX_load_verify_locations(ctx.get(), opt.ca_file.c_str(), nullptr) != 1) {
            r.failure = Code::CertParse;
            r.message = "cannot load the CA file " + opt.ca_file + ": " + last_openssl_error();
            return r;
        }
        if (!opt.crl_file.empty()) {
            X509_STORE* store = SSL_CTX_get_cert_store(ctx.get());
            if (X509_STORE_load_file(store, opt.crl_file.c_str()) == 1) {
                X509_STORE_set_flags(store, X509_V_FLAG_CRL_CHECK);
            } else {
                ERR_clear_error();
            }
        }
        SslPtr ssl(SSL_new(ctx.get()));
        if (!ssl) throw Error(Code::Crypto, "SSL_new failed: " + last_openssl_error());
        SSL_set_fd(ssl.get(), static_cast<int>(sock.native()));
        const bool ip = is_ip_literal(opt.host);
        if (!ip) SSL_set_tlsext_host_name(ssl.get(), opt.host.c_str());
        if (opt.mode == SslMode::VerifyIdentity) {
            X509_VERIFY_PARAM* param = SSL_get0_param(ssl.get());
            if (ip) {
                X509_VERIFY_PARAM_set1_ip_asc(param, opt.host.c_str());
            } else {
                X509_VERIFY_PARAM_set_hostflags(param, X509_CHECK_FLAG_NO_PARTIAL_WILDCARDS);
                SSL_set1_host(ssl.get(), opt.host.c_str());
            }
        }
        ERR_clear_error();
        if (SSL_connect(ssl.get()) != 1) {
            const std::string why = last_openssl_error();
            r.failure = Code::TlsHandshake;
            r.message = "TLS handshake with " + r.peer_address + " failed: " + (why.empty() ? "connection closed" : why);
            if (why.find("protocol version") != std::string::npos ||
                why.find("unsupported protocol") != std::string::npos) {
                r.failure = Code::TlsVersionTooLow;
                r.message = "the server at " + r.peer_address + " offers no TLS version verrou accepts (" + why + ")";
            }
            return r;
        }
        r.handshake_done = true;
        r.tls_version = SSL_get_version(ssl.get());
        r.cipher = SSL_CIPHER_get_name(SSL_get_current_cipher(ssl.get()));
        if (STACK_OF(X509)* chain = SSL_get_peer_cert_chain(ssl.get())) {
            for (int i = 0; i < sk_X509_num(chain); ++i) r.server_chain.push_back(describe(sk_X509_value(chain, i)));
        }
        X509Ptr leaf(SSL_get1_peer_certificate(ssl.get()));
        if (!leaf) {
            r.failure = Code::TlsUntrustedServer;
            r.message = "the server at " + r.peer_address + " presented no certificate";
            return r;
        }
        r.leaf_sha1 = fingerprint_sha1(leaf.get());
        if (r.server_chain.empty()) r.server_chain.push_back(describe(leaf.get()));

        const long verdict = SSL_get_verify_result(ssl.get());
        if (opt.mode != SslMode::Required && verdict != X509_V_OK) {
            classify_verify_failure(verdict, opt, r);
        } else if (!opt.server_fingerprint.empty() &&
                   !constant_time_equal(fingerprint_sha256(leaf.get()), opt.server_fingerprint)) {
            r.failure = Code::TlsServerPinMismatch;
            r.message = "server certificate " + r.server_chain.front().subject + " has SHA-256 fingerprint " +
                        r.server_chain.front().sha256_fingerprint + ", but the profile pins " +
                        opt.server_fingerprint + " (server_fingerprint)";
        } else if (SSL_version(ssl.get()) < static_cast<int>(opt.min_version)) {
            r.failure = Code::TlsVersionTooLow;
            r.message = "the server at " + r.peer_address + " negotiated " + r.tls_version +
                        ", below the profile's minimum " + std::string(tls_version_name(opt.min_version)) +
                        " (tls_version); upgrade the server's TLS configuration";
        }
        SSL_shutdown(ssl.get());
    } catch (const Error& e) {
        r.failure = e.code();
        r.message = e.what();
    }
    return r;
}

}  // namespace verrou::tls
