#include "tls/probe.hpp"

// Windows socket headers first: <wincrypt.h> defines X509_NAME & co. as macros, which
// OpenSSL's headers undo only when they come after it.
#include "net/socket.hpp"

#include <openssl/bio.h>
#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/objects.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <cstring>

#ifndef _WIN32
#include <arpa/inet.h>
#endif

#include "platform/utf8.hpp"
#include "tls/policy.hpp"
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

// ---- sanitising what the server says ---------------------------------------------------

/// Code points that would let server text steer a terminal or fake a line: C0 and DEL, C1
/// (U+0080..U+009F: U+009B is an 8-bit CSI for some terminals), the Arabic letter mark, LRM/RLM,
/// the line and paragraph separators, the bidi embeddings/overrides and isolates, the BOM.
bool is_control(std::uint32_t cp) {
    return cp < 0x20 || (cp >= 0x7F && cp <= 0x9F) || cp == 0x061C || cp == 0x200E || cp == 0x200F ||
           (cp >= 0x2028 && cp <= 0x202E) || (cp >= 0x2066 && cp <= 0x2069) || cp == 0xFEFF;
}

std::string hex_escape(const char* prefix, std::uint32_t value, int digits) {
    static constexpr char kHex[] = "0123456789ABCDEF";
    std::string out(prefix);
    for (int shift = 4 * (digits - 1); shift >= 0; shift -= 4) out.push_back(kHex[(value >> shift) & 0xF]);
    return out;
}

/// The server's certificate, seen before anyone verified it: its names are server text too.
/// (Subject and issuer come escaped from X509_NAME_oneline; sanitising them again changes
/// nothing but the length of an absurd one.)
CertificateInfo sanitized(CertificateInfo c) {
    c.subject = sanitize_server_text(c.subject, 1024);
    c.issuer = sanitize_server_text(c.issuer, 1024);
    c.common_name = sanitize_server_text(c.common_name, 256);
    for (auto& name : c.subject_alt_names) name = sanitize_server_text(name, 256);
    return c;
}

// ---- OpenSSL over TcpSocket ------------------------------------------------------------
//
// OpenSSL talks to the server through this BIO rather than the socket BIO of SSL_set_fd:
//  * SIGPIPE. The socket BIO writes with write(), without MSG_NOSIGNAL: once the server has
//    closed (say, a greeting then close), the ClientHello write raises SIGPIPE, whose default
//    action kills the whole process — a customer's service, or `verrou doctor`. A library must
//    not change the process's signal disposition. Blocking SIGPIPE in the calling thread around
//    each SSL call, then draining it with sigtimedwait, works but is fragile: it must wrap every
//    SSL call that may write, and could swallow a SIGPIPE that was the application's own.
//    Writing through TcpSocket::write_some (send with MSG_NOSIGNAL; SO_NOSIGPIPE where that is
//    the way; no SIGPIPE on Windows) turns EPIPE into an ordinary error, per call, touching no
//    process or thread state.
//  * One deadline. TcpSocket polls against the deadline of the whole exchange (the profile's
//    connect_timeout) in every read and write, so the handshake shares it with the greeting: a
//    server dripping its ServerHello byte by byte cannot hold the probe past it.
// The BIO never throws (OpenSSL is C): it returns -1 and the socket keeps the reason, which
// probe_server reads after SSL_connect fails.

net::TcpSocket* socket_of(BIO* b) { return static_cast<net::TcpSocket*>(BIO_get_data(b)); }

int socket_bio_write(BIO* b, const char* data, int len) {
    BIO_clear_retry_flags(b);  // blocking semantics: no "retry later", the deadline is inside
    net::TcpSocket* sock = socket_of(b);
    if (sock == nullptr || data == nullptr || len <= 0) return 0;
    const long n = sock->write_some(reinterpret_cast<const unsigned char*>(data), static_cast<std::size_t>(len));
    return n > 0 ? static_cast<int>(n) : -1;
}

int socket_bio_read(BIO* b, char* out, int len) {
    BIO_clear_retry_flags(b);
    net::TcpSocket* sock = socket_of(b);
    if (sock == nullptr || out == nullptr || len <= 0) return 0;
    const long n = sock->read_some(reinterpret_cast<unsigned char*>(out), static_cast<std::size_t>(len));
    return n >= 0 ? static_cast<int>(n) : -1;  // 0: end of stream
}

int socket_bio_puts(BIO* b, const char* text) {
    return socket_bio_write(b, text, text ? static_cast<int>(std::strlen(text)) : 0);
}

long socket_bio_ctrl(BIO*, int cmd, long, void*) {
    return cmd == BIO_CTRL_FLUSH ? 1 : 0;  // nothing buffered here; nothing else to answer
}

int socket_bio_create(BIO* b) {
    BIO_set_init(b, 1);
    return 1;
}

int socket_bio_destroy(BIO* b) {
    BIO_set_data(b, nullptr);  // the socket belongs to probe_server, which closes it
    return 1;
}

/// Created once, kept for the life of the process (OpenSSL's own methods are static too).
const BIO_METHOD* socket_bio_method() {
    static BIO_METHOD* const method = [] {
        BIO_METHOD* m = BIO_meth_new(BIO_get_new_index() | BIO_TYPE_SOURCE_SINK, "verrou TcpSocket");
        if (m != nullptr &&
            (BIO_meth_set_write(m, socket_bio_write) != 1 || BIO_meth_set_read(m, socket_bio_read) != 1 ||
             BIO_meth_set_puts(m, socket_bio_puts) != 1 || BIO_meth_set_ctrl(m, socket_bio_ctrl) != 1 ||
             BIO_meth_set_create(m, socket_bio_create) != 1 || BIO_meth_set_destroy(m, socket_bio_destroy) != 1)) {
            BIO_meth_free(m);
            m = nullptr;
        }
        return m;
    }();
    return method;
}

// ---- the MariaDB side ------------------------------------------------------------------

bool is_ip_literal(const std::string& host) {
    unsigned char buf[16];
    return inet_pton(AF_INET, host.c_str(), buf) == 1 || inet_pton(AF_INET6, host.c_str(), buf) == 1;
}

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
    return parse_greeting(payload, sock.peer_address());
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

std::string sanitize_server_text(std::string_view text, std::size_t max_bytes) {
    std::string out;
    out.reserve(std::min(text.size(), max_bytes) + 3);
    std::size_t i = 0;
    while (i < text.size()) {
        char32_t cp = 0;
        std::size_t len = platform::decode_utf8(text.substr(i), cp);
        std::string escaped;
        if (len == 0) {
            escaped = hex_escape("\\x", static_cast<unsigned char>(text[i]), 2);
            len = 1;
        } else if (cp == '\t' || cp == '\n' || cp == '\r') {
            escaped = " ";
        } else if (cp < 0x80 && is_control(cp)) {
            escaped = hex_escape("\\x", cp, 2);
        } else if (is_control(cp)) {
            escaped = hex_escape("\\u", cp, 4);
        }
        const std::string_view piece = escaped.empty() ? text.substr(i, len) : std::string_view(escaped);
        if (out.size() + piece.size() > max_bytes) {
            out += "\xE2\x80\xA6";  // U+2026 "…": there was more
            break;
        }
        out += piece;
        i += len;
    }
    return out;
}

Greeting parse_greeting(std::string_view payload, const std::string& peer) {
    const std::size_t len = payload.size();
    const auto byte = [&](std::size_t i) { return static_cast<unsigned char>(payload[i]); };
    if (len == 0) throw Error(Code::TlsHandshake, "malformed MariaDB greeting from " + peer + " (empty packet)");
    if (byte(0) == 0xFF) {
        // An error packet instead of a greeting: too many connections, host blocked, ...
        const std::string text = len > 3 ? sanitize_server_text(payload.substr(3)) : std::string();
        throw Error(Code::ServerError, "the server at " + peer + " refused the connection: " + text);
    }
    if (byte(0) != 10) {
        throw Error(Code::TlsHandshake, "the service at " + peer +
                    " does not speak the MariaDB protocol (protocol version " + std::to_string(byte(0)) + ")");
    }
    Greeting g;
    const auto nul = payload.find('\0', 1);
    if (nul == std::string_view::npos || nul + 1 + 4 + 8 + 1 + 2 > len) {
        throw Error(Code::TlsHandshake, "malformed MariaDB greeting from " + peer);
    }
    g.server_version = sanitize_server_text(payload.substr(1, nul - 1));
    std::size_t pos = nul + 1 + 4 + 8 + 1;
    g.capabilities = byte(pos) | (static_cast<std::uint32_t>(byte(pos + 1)) << 8);
    pos += 2;
    if (pos + 1 + 2 + 2 <= len) {
        g.capabilities |= (static_cast<std::uint32_t>(byte(pos + 3)) << 16) |
                          (static_cast<std::uint32_t>(byte(pos + 4)) << 24);
    }
    return g;
}

ProbeOptions probe_options_for(const Profile& profile, std::shared_ptr<const Policy> policy) {
    ProbeOptions o;
    o.host = profile.host;
    o.port = profile.port;
    o.timeout_seconds = profile.connect_timeout_seconds;
    o.ca_file = profile.tls.ca;
    o.crl_file = profile.tls.crl;
    o.mode = profile.tls.mode;
    o.server_fingerprint = profile.tls.server_fingerprint;
    try {
        o.policy = policy ? std::move(policy) : policy_of(profile.tls);
    } catch (const Error& e) {
        o.policy_error = e;  // a Profile built in code with a bad ssl_cipher: the probe says so
    }
    return o;
}

namespace {

/// The probe's SSL_CTX: the policy, verification left to after the handshake (its verdict is
/// read then and explained), the profile's CA and CRL. nullptr + `r.failure` when the CA fails.
SslCtxPtr probe_context(const ProbeOptions& opt, const Policy& policy, ProbeResult& r) {
    SslCtxPtr ctx(SSL_CTX_new(TLS_client_method()));
    if (!ctx) throw Error(Code::Crypto, "SSL_CTX_new failed: " + last_openssl_error());
    policy.apply_to_probe(ctx.get());
    SSL_CTX_set_verify(ctx.get(), SSL_VERIFY_NONE, nullptr);  // verdict read after the handshake
    if (SSL_CTX_load_verify_locations(ctx.get(), opt.ca_file.c_str(), nullptr) != 1) {
        r.failure = Code::CertParse;
        r.message = "cannot load the CA file " + opt.ca_file + ": " + last_openssl_error();
        return nullptr;
    }
    if (!opt.crl_file.empty()) {
        X509_STORE* store = SSL_CTX_get_cert_store(ctx.get());
        if (X509_STORE_load_file(store, opt.crl_file.c_str()) == 1) {
            X509_STORE_set_flags(store, X509_V_FLAG_CRL_CHECK);
        } else {
            ERR_clear_error();
        }
    }
    return ctx;
}

/// An SSL over `sock` (through the SIGPIPE-free, deadline-bound BIO), with SNI and, under
/// VERIFY_IDENTITY, the host name or IP address the certificate must carry.
SslPtr probe_ssl(SSL_CTX* ctx, net::TcpSocket& sock, const ProbeOptions& opt) {
    SslPtr ssl(SSL_new(ctx));
    if (!ssl) throw Error(Code::Crypto, "SSL_new failed: " + last_openssl_error());
    const BIO_METHOD* method = socket_bio_method();
    BIO* bio = method ? BIO_new(method) : nullptr;
    if (bio == nullptr) throw Error(Code::Crypto, "cannot create the socket BIO: " + last_openssl_error());
    BIO_set_data(bio, &sock);          // the caller keeps `sock` alive longer than `ssl`
    SSL_set_bio(ssl.get(), bio, bio);  // `ssl` owns the BIO from here on
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
    return ssl;
}

/// SSL_connect failed: a timeout is the socket's, anything else is explained by the policy
/// from OpenSSL's reason codes (the socket adds how and when the server hung up).
void explain_handshake_failure(const net::TcpSocket& sock, const Policy& policy, ProbeResult& r) {
    if (sock.failure_code() == Code::NetworkTimeout) throw Error(Code::NetworkTimeout, sock.failure_message());
    const OpenSslErrors errors = take_openssl_errors();
    std::string cause = errors.last_text;
    if (sock.failure_code() != Code::Ok && !sock.failure_message().empty()) {
        cause = sock.failure_message() + (errors.last_text.empty() ? std::string() : " (" + errors.last_text + ")");
    }
    const Error e = policy.explain_handshake_failure(errors.codes, errors.last_text, cause, r.peer_address);
    r.failure = e.code();
    r.message = e.what();
}

/// After the handshake: the chain, then the verdicts in order — verification, the SHA-256 pin,
/// the policy's judgement of the negotiated version and cipher.
void judge_peer(SSL* ssl, const ProbeOptions& opt, const Policy& policy, ProbeResult& r) {
    r.handshake_done = true;
    r.tls_version = SSL_get_version(ssl);
    r.cipher = SSL_CIPHER_get_name(SSL_get_current_cipher(ssl));
    if (STACK_OF(X509)* chain = SSL_get_peer_cert_chain(ssl)) {
        for (int i = 0; i < sk_X509_num(chain); ++i) r.server_chain.push_back(sanitized(describe(sk_X509_value(chain, i))));
    }
    X509Ptr leaf(SSL_get1_peer_certificate(ssl));
    if (!leaf) {
        r.failure = Code::TlsUntrustedServer;
        r.message = "the server at " + r.peer_address + " presented no certificate";
        return;
    }
    r.leaf_sha1 = fingerprint_sha1(leaf.get());
    if (r.server_chain.empty()) r.server_chain.push_back(sanitized(describe(leaf.get())));

    const long verdict = SSL_get_verify_result(ssl);
    if (verdict == X509_V_OK && opt.mode != SslMode::Required) {
        if (STACK_OF(X509)* verified = SSL_get0_verified_chain(ssl)) {
            for (int i = 0; i < sk_X509_num(verified); ++i) {
                unsigned char* der = nullptr;
                const int len = i2d_X509(sk_X509_value(verified, i), &der);
                if (len <= 0) break;
                r.verified_chain_der.emplace_back(reinterpret_cast<const char*>(der), static_cast<std::size_t>(len));
                OPENSSL_free(der);
            }
        }
    }
    if (opt.mode != SslMode::Required && verdict != X509_V_OK) {
        classify_verify_failure(verdict, opt, r);
    } else if (!opt.server_fingerprint.empty() &&
               !constant_time_equal(fingerprint_sha256(leaf.get()), opt.server_fingerprint)) {
        r.failure = Code::TlsServerPinMismatch;
        r.message = "server certificate " + r.server_chain.front().subject + " has SHA-256 fingerprint " +
                    r.server_chain.front().sha256_fingerprint + ", but the profile pins " + opt.server_fingerprint +
                    " (server_fingerprint)";
    } else if (auto refusal = policy.refuse_session(SSL_version(ssl), r.tls_version, r.cipher, r.peer_address)) {
        r.failure = refusal->code();
        r.message = refusal->what();
    }
}

}  // namespace

ProbeResult probe_server(const ProbeOptions& opt) {
    ProbeResult r;
    try {
        if (opt.policy_error) throw *opt.policy_error;
        const std::shared_ptr<const Policy> policy =
            opt.policy ? opt.policy : std::make_shared<const Policy>(TlsVersion::Tls13, CipherList{});
        auto sock = net::TcpSocket::connect(opt.host, opt.port, opt.timeout_seconds);
        r.tcp_connected = true;
        r.peer_address = sock.peer_address();

        sock.set_phase("while waiting for the MariaDB greeting");
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
        sock.set_phase("while sending the SSLRequest");
        send_ssl_request(sock);

        SslCtxPtr ctx = probe_context(opt, *policy, r);
        if (!ctx) return r;
        SslPtr ssl = probe_ssl(ctx.get(), sock, opt);
        sock.set_phase("in the TLS handshake");
        ERR_clear_error();
        if (SSL_connect(ssl.get()) != 1) {
            explain_handshake_failure(sock, *policy, r);
            return r;
        }
        judge_peer(ssl.get(), opt, *policy, r);
        sock.set_phase("while closing TLS");
        SSL_shutdown(ssl.get());  // best effort: its failure (or the deadline) changes no verdict
    } catch (const Error& e) {
        r.failure = e.code();
        r.message = e.what();
    }
    return r;
}

}  // namespace verrou::tls
