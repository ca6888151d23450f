// tls/policy: parsed once by load_profile, applied the same way by the probe and the connection;
// handshake failures read from OpenSSL's reason codes, produced here by real in-memory
// handshakes between two OpenSSL endpoints (no network, no canned error).
#include <doctest/doctest.h>

#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>

#include <memory>

#include "test_profile_support.hpp"
#include "tls/policy.hpp"
#include "tls/x509.hpp"
#include "verrou/profile.hpp"

using namespace verrou;
using profile_test::contains;
using profile_test::error_of;
using profile_test::TempDir;

namespace {

const std::string kMinimal = "[env.dev]\nhost = h\nuser = u\nssl_ca = /ca\nssl_cert = /c\nssl_key = /k\n";

// A throwaway server identity (P-256 key, self-signed): the server side of a handshake needs one.
struct ServerIdentity {
    tls::EvpPkeyPtr key{EVP_EC_gen("P-256")};
    tls::X509Ptr cert{X509_new()};
    ServerIdentity() {
        REQUIRE(key);
        REQUIRE(cert);
        X509_set_version(cert.get(), 2);
        ASN1_INTEGER_set(X509_get_serialNumber(cert.get()), 1);
        X509_gmtime_adj(X509_getm_notBefore(cert.get()), -60);
        X509_gmtime_adj(X509_getm_notAfter(cert.get()), 3600);
        X509_NAME* name = X509_get_subject_name(cert.get());
        X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC, reinterpret_cast<const unsigned char*>("policy-test"), -1,
                                   -1, 0);
        X509_set_issuer_name(cert.get(), name);
        X509_set_pubkey(cert.get(), key.get());
        REQUIRE(X509_sign(cert.get(), key.get(), EVP_sha256()) > 0);
    }
};

struct HandshakeOutcome {
    bool ok = false;
    std::vector<unsigned long> client_errors;  // the client's OpenSSL error codes when it failed
    std::string client_error_text;
};

// Client and server over a BIO pair, stepped until both finish or one fails.
HandshakeOutcome handshake(SSL_CTX* client_ctx, SSL_CTX* server_ctx) {
    ERR_clear_error();
    tls::SslPtr client(SSL_new(client_ctx));
    tls::SslPtr server(SSL_new(server_ctx));
    REQUIRE(client);
    REQUIRE(server);
    BIO* client_bio = nullptr;
    BIO* server_bio = nullptr;
    REQUIRE(BIO_new_bio_pair(&client_bio, 0, &server_bio, 0) == 1);
    SSL_set_bio(client.get(), client_bio, client_bio);
    SSL_set_bio(server.get(), server_bio, server_bio);
    SSL_set_connect_state(client.get());
    SSL_set_accept_state(server.get());
    HandshakeOutcome out;
    bool client_done = false;
    bool server_done = false;
    for (int round = 0; round < 50 && !(client_done && server_done); ++round) {
        if (!client_done) {
            const int rc = SSL_do_handshake(client.get());
            if (rc == 1) {
                client_done = true;
            } else if (SSL_get_error(client.get(), rc) != SSL_ERROR_WANT_READ) {
                const tls::OpenSslErrors e = tls::take_openssl_errors();
                out.client_errors = e.codes;
                out.client_error_text = e.last_text;
                return out;
            }
        }
        if (!server_done) {
            const int rc = SSL_do_handshake(server.get());
            if (rc == 1) {
                server_done = true;
            } else if (SSL_get_error(server.get(), rc) != SSL_ERROR_WANT_READ) {
                ERR_clear_error();  // the server's own view; the client reads the alert next round
                server_done = true;
            }
        }
    }
    out.ok = client_done && SSL_is_init_finished(client.get());
    return out;
}

tls::SslCtxPtr server_ctx(const ServerIdentity& id, int max_version, const char* suites) {
    tls::SslCtxPtr ctx(SSL_CTX_new(TLS_server_method()));
    REQUIRE(ctx);
    REQUIRE(SSL_CTX_use_certificate(ctx.get(), id.cert.get()) == 1);
    REQUIRE(SSL_CTX_use_PrivateKey(ctx.get(), id.key.get()) == 1);
    SSL_CTX_set_max_proto_version(ctx.get(), max_version);
    if (suites) REQUIRE(SSL_CTX_set_ciphersuites(ctx.get(), suites) == 1);
    return ctx;
}

tls::SslCtxPtr client_ctx(const tls::Policy& policy, int min_version) {
    tls::SslCtxPtr ctx(SSL_CTX_new(TLS_client_method()));
    REQUIRE(ctx);
    policy.apply_to_probe(ctx.get());
    SSL_CTX_set_min_proto_version(ctx.get(), min_version);
    SSL_CTX_set_verify(ctx.get(), SSL_VERIFY_NONE, nullptr);
    return ctx;
}

}  // namespace

TEST_CASE("tls policy: load_profile parses it once and the profile keeps it") {
    TempDir dir;
    Profile p = load_profile(dir.write("p.ini", kMinimal + "tls_version = TLSv1.2\n"
                                                           "ssl_cipher = TLS_AES_256_GCM_SHA384:ECDHE-ECDSA-AES256-GCM-SHA384\n"),
                             "dev");
    REQUIRE(p.tls.policy);
    CHECK(p.tls.policy->matches(p.tls));
    CHECK(p.tls.policy->min_version() == TlsVersion::Tls12);
    CHECK(p.tls.policy->ciphers().tls13 == std::vector<std::string>{"TLS_AES_256_GCM_SHA384"});
    CHECK(p.tls.policy->ciphers().tls12 == std::vector<std::string>{"ECDHE-ECDSA-AES256-GCM-SHA384"});
    CHECK(tls::policy_of(p.tls) == p.tls.policy);  // the very object: not parsed again

    // Edited in code after loading: parsed again, and checked again.
    p.tls.cipher = "TLS_CHACHA20_POLY1305_SHA256";
    const auto again = tls::policy_of(p.tls);
    CHECK(again != p.tls.policy);
    CHECK(again->ciphers().all == std::vector<std::string>{"TLS_CHACHA20_POLY1305_SHA256"});
    p.tls.cipher = "TLS_AES_256_GCM_SHA384:HIGH";
    const Error e = error_of([&] { tls::policy_of(p.tls); });
    CHECK(e.code() == Code::ConfigInvalidValue);
    CHECK(contains(e.what(), "ssl_cipher of the profile"));
    CHECK(contains(e.what(), "'HIGH'"));
    p.tls.cipher = "TLS_AES_256_GCM_SHA384:ECDHE-ECDSA-AES256-GCM-SHA384";
    p.tls.min_version = TlsVersion::Tls13;  // the minimum moved: the TLS 1.2 name is now refused
    CHECK(error_of([&] { tls::policy_of(p.tls); }).code() == Code::ConfigInvalidValue);

    // No ssl_cipher: a policy all the same (the minimum), OpenSSL's ciphers.
    const Profile plain = load_profile(dir.write("q.ini", kMinimal), "dev");
    REQUIRE(plain.tls.policy);
    CHECK(plain.tls.policy->ciphers().empty());
    CHECK(plain.tls.policy->min_version() == TlsVersion::Tls13);
}

TEST_CASE("tls policy: what libmariadb is given") {
    const auto lm = [](TlsVersion min, const char* cipher, std::string_view probed = {}) {
        return tls::parse_policy(min, cipher)->for_libmariadb(probed);
    };
    CHECK(std::string(lm(TlsVersion::Tls13, "").versions) == "TLSv1.3");
    CHECK(lm(TlsVersion::Tls13, "").cipher.empty());
    CHECK(std::string(lm(TlsVersion::Tls12, "").versions) == "TLSv1.2,TLSv1.3");
    CHECK(std::string(lm(TlsVersion::Tls12, "ECDHE-ECDSA-AES256-GCM-SHA384").versions) == "TLSv1.2");
    CHECK(lm(TlsVersion::Tls12, "ECDHE-ECDSA-AES256-GCM-SHA384").cipher == "ECDHE-ECDSA-AES256-GCM-SHA384");
    CHECK(std::string(lm(TlsVersion::Tls12, "TLS_AES_128_GCM_SHA256").versions) == "TLSv1.3");
    // Both kinds: one half only, the one of the version the probe negotiated.
    const char* mixed = "TLS_AES_128_GCM_SHA256:ECDHE-ECDSA-AES256-GCM-SHA384";
    CHECK(tls::parse_policy(TlsVersion::Tls12, mixed)->needs_probed_version());
    CHECK_FALSE(tls::parse_policy(TlsVersion::Tls12, "TLS_AES_128_GCM_SHA256")->needs_probed_version());
    CHECK(std::string(lm(TlsVersion::Tls12, mixed, "TLSv1.3").versions) == "TLSv1.3");
    CHECK(lm(TlsVersion::Tls12, mixed, "TLSv1.3").cipher == "TLS_AES_128_GCM_SHA256");
    CHECK(std::string(lm(TlsVersion::Tls12, mixed, "TLSv1.2").versions) == "TLSv1.2");
    CHECK(lm(TlsVersion::Tls12, mixed, "TLSv1.2").cipher == "ECDHE-ECDSA-AES256-GCM-SHA384");
}

TEST_CASE("tls policy: the negotiated session judged by one rule") {
    const auto policy = tls::parse_policy(TlsVersion::Tls13, "TLS_AES_256_GCM_SHA384");
    CHECK_FALSE(policy->refuse_session(TLS1_3_VERSION, "TLSv1.3", "TLS_AES_256_GCM_SHA384", "db:3306"));

    const auto low = policy->refuse_session(TLS1_2_VERSION, "TLSv1.2", "ECDHE-ECDSA-AES256-GCM-SHA384", "db:3306");
    REQUIRE(low);
    CHECK(low->code() == Code::TlsVersionTooLow);
    CHECK(contains(low->what(), "the server at db:3306 negotiated TLSv1.2, below the profile's minimum TLSv1.3"));

    const auto other = policy->refuse_session(TLS1_3_VERSION, "TLSv1.3", "TLS_AES_128_GCM_SHA256", "db:3306");
    REQUIRE(other);
    CHECK(other->code() == Code::TlsHandshake);
    CHECK(contains(other->what(), "with the cipher TLS_AES_128_GCM_SHA256, which the profile does not allow "
                                  "(ssl_cipher: TLS_AES_256_GCM_SHA384)"));

    // libmariadb's protocol ids map onto OpenSSL's numbers (TLS 1.1 is below any minimum).
    CHECK(tls::openssl_version_of_mariadb_protocol(4) == TLS1_3_VERSION);
    CHECK(tls::openssl_version_of_mariadb_protocol(3) == TLS1_2_VERSION);
    CHECK(tls::openssl_version_of_mariadb_protocol(2) == TLS1_1_VERSION);
    CHECK(policy->refuse_session(tls::openssl_version_of_mariadb_protocol(2), "TLSv1.1", "x", "db:3306")->code() ==
          Code::TlsVersionTooLow);
}

TEST_CASE("tls policy: a real handshake with no common version is TLS_VERSION_TOO_LOW, read from the reason code") {
    const ServerIdentity id;
    const auto policy = tls::parse_policy(TlsVersion::Tls13, "");
    auto server = server_ctx(id, TLS1_2_VERSION, nullptr);      // an old server
    auto client = client_ctx(*policy, TLS1_3_VERSION);          // a client that will not go below 1.3
    const HandshakeOutcome h = handshake(client.get(), server.get());
    REQUIRE_FALSE(h.ok);
    CHECK(tls::handshake_cause(h.client_errors) == tls::HandshakeCause::ProtocolVersion);
    const Error e = policy->explain_handshake_failure(h.client_errors, h.client_error_text, h.client_error_text, "db:3306");
    CHECK(e.code() == Code::TlsVersionTooLow);
    CHECK(contains(e.what(), "the server at db:3306 offers no TLS version verrou accepts"));
}

TEST_CASE("tls policy: a real handshake with no common cipher names the profile's list") {
    const ServerIdentity id;
    const auto policy = tls::parse_policy(TlsVersion::Tls13, "TLS_CHACHA20_POLY1305_SHA256");
    auto server = server_ctx(id, TLS1_3_VERSION, "TLS_AES_128_GCM_SHA256");
    auto client = client_ctx(*policy, TLS1_3_VERSION);
    const HandshakeOutcome h = handshake(client.get(), server.get());
    REQUIRE_FALSE(h.ok);
    CHECK(tls::handshake_cause(h.client_errors) == tls::HandshakeCause::NoCommonCipher);
    const Error e = policy->explain_handshake_failure(h.client_errors, h.client_error_text, h.client_error_text, "db:3306");
    CHECK(e.code() == Code::TlsHandshake);
    CHECK(contains(e.what(), "the profile allows only the ciphers TLS_CHACHA20_POLY1305_SHA256 (ssl_cipher)"));

    // Without a cipher list the same failure is a plain handshake failure (nothing to blame).
    const auto open = tls::parse_policy(TlsVersion::Tls13, "");
    const Error plain = open->explain_handshake_failure(h.client_errors, h.client_error_text, "", "db:3306");
    CHECK(plain.code() == Code::TlsHandshake);
    CHECK(contains(plain.what(), "TLS handshake with db:3306 failed: connection closed"));

    // The same pair with a common suite succeeds: the failures above are the policy's doing.
    auto server_ok = server_ctx(id, TLS1_3_VERSION, "TLS_CHACHA20_POLY1305_SHA256:TLS_AES_128_GCM_SHA256");
    CHECK(handshake(client.get(), server_ok.get()).ok);
}

TEST_CASE("tls policy: reason codes of other libraries or other reasons explain nothing") {
    CHECK(tls::handshake_cause({}) == tls::HandshakeCause::Other);
    CHECK(tls::handshake_cause({ERR_PACK(ERR_LIB_X509, 0, SSL_R_NO_SHARED_CIPHER)}) == tls::HandshakeCause::Other);
    CHECK(tls::handshake_cause({ERR_PACK(ERR_LIB_SSL, 0, SSL_R_CERTIFICATE_VERIFY_FAILED)}) == tls::HandshakeCause::Other);
    CHECK(tls::handshake_cause({ERR_PACK(ERR_LIB_SSL, 0, SSL_R_CERTIFICATE_VERIFY_FAILED),
                                ERR_PACK(ERR_LIB_SSL, 0, SSL_R_UNSUPPORTED_PROTOCOL)}) ==
          tls::HandshakeCause::ProtocolVersion);
}
