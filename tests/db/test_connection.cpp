// Connection::open against the test bed's real servers: the good path and one test per
// negative case of the bed. Each asserts the layer, the code, the key words of the message,
// and that no secret leaks into it.
#include <doctest/doctest.h>

#include <atomic>
#include <cstdlib>
#include <thread>

#include "bed_profile.hpp"
#include "tls/x509.hpp"
#include "verrou/connection.hpp"

using namespace verrou;
using verrou::test::bed_profile;
using verrou::test::free_of_secrets;

namespace {

/// Opens `p` expecting a failure; returns the error (fails the test if it connects).
Error expect_refusal(const Profile& p) {
    try {
        Connection c = Connection::open(p);
        FAIL("connected although a refusal was expected (TLS " << c.info().tls_version << ")");
    } catch (const Error& e) {
        CHECK_MESSAGE(free_of_secrets(e.what()), "secret in message: ", e.what());
        return e;
    }
    return Error(Code::Internal, "unreachable");
}

bool has(const Error& e, const std::string& words) { return std::string(e.what()).find(words) != std::string::npos; }

/// A refusal by the server after the TLS handshake surfaces in one of two forms (TLS 1.3: the
/// server's own error, or a connection lost right after the handshake); each has its own layer.
void check_server_refusal_layer(const Error& e) {
    if (e.code() == Code::AuthDenied) CHECK(e.layer() == Layer::Auth);
    else CHECK(e.layer() == Layer::Certificate);
}

}  // namespace

TEST_CASE("connection: app_user over mTLS gets TLSv1.3 and app_user@%") {
    Connection c = Connection::open(bed_profile());
    const ConnectionInfo& info = c.info();
    CHECK(info.tls_version == "TLSv1.3");
    CHECK(info.current_user == "app_user@%");
    CHECK_FALSE(info.cipher.empty());
    CHECK(info.ssl_mode == "VERIFY_IDENTITY");
    REQUIRE(info.client_certificate.has_value());
    CHECK(info.client_certificate->subject == "/CN=app_user-dev");
    // The server's own view of the session agrees.
    ResultSet r = c.query("SHOW SESSION STATUS LIKE 'Ssl_version'");
    REQUIRE(r.rows.size() == 1);
    CHECK(r.rows[0][1].value() == "TLSv1.3");
}

TEST_CASE("connection: the server certificate is reported, and warned about inside the window") {
    const std::string server_crt = verrou::test::Testbed::get().pki("dev/server.crt");
    const CertificateInfo expected = inspect_certificate(server_crt);  // what the bed's strict server serves
    Profile p = bed_profile();
    {
        Connection c = Connection::open(p);
        const ConnectionInfo& info = c.info();
        REQUIRE(info.server_certificate.has_value());
        CHECK(info.server_certificate->subject == "/CN=localhost");
        CHECK(info.server_certificate->sha256_fingerprint == expected.sha256_fingerprint);
        CHECK(info.server_certificate->not_after == expected.not_after);
        CHECK(info.server_certificate->days_left == expected.days_left);
        CHECK(info.server_certificate->subject_alt_names == expected.subject_alt_names);
        for (const Warning& w : info.warnings) CHECK(w.code.rfind("server_cert", 0) != 0);
        // The server's own status agrees on the date.
        ResultSet r = c.query("SHOW SESSION STATUS LIKE 'Ssl_server_not_after'");
        REQUIRE(r.rows.size() == 1);
        CHECK_FALSE(r.rows[0][1].value_or("").empty());
    }
    // The bed's server certificate has about a year left: a window wider than that warns.
    p.tls.expiry_warning_days = static_cast<int>(expected.days_left) + 1;
    Connection c = Connection::open(p);
    bool warned = false;
    for (const Warning& w : c.info().warnings) {
        if (w.code != "server_cert_expiring") continue;
        warned = true;
        CHECK(w.message.find("/CN=localhost") != std::string::npos);
        CHECK(w.message.find("expires on " + expected.not_after) != std::string::npos);
    }
    CHECK(warned);
}

TEST_CASE("connection: expired client certificate is refused locally") {
    Error e = expect_refusal(bed_profile("strict", "dev/expired"));
    CHECK(e.layer() == Layer::Certificate);
    CHECK(e.code() == Code::CertExpired);
    CHECK(has(e, "expired"));
    const std::string crt = verrou::test::Testbed::get().pki("dev/expired.crt");
    CHECK(has(e, "client certificate " + crt));
    CHECK(has(e, "expired on " + inspect_certificate(crt).not_after));
    CHECK(has(e, "days ago"));
}

TEST_CASE("connection: not-yet-valid client certificate is refused locally") {
    Error e = expect_refusal(bed_profile("strict", "dev/notyetvalid"));
    CHECK(e.layer() == Layer::Certificate);
    CHECK(e.code() == Code::CertNotYetValid);
    const std::string crt = verrou::test::Testbed::get().pki("dev/notyetvalid.crt");
    CHECK(has(e, "client certificate " + crt));
    CHECK(has(e, "is not valid before " + inspect_certificate(crt).not_before));
    CHECK_FALSE(has(e, "clock"));  // 30 days ahead: a real date problem, not clock skew
}

TEST_CASE("connection: foreign-CA client certificate is refused locally") {
    Error e = expect_refusal(bed_profile("strict", "foreign/app_user"));
    CHECK(e.layer() == Layer::Certificate);
    CHECK(e.code() == Code::CertUntrusted);
    const auto& bed = verrou::test::Testbed::get();
    CHECK(has(e, "client certificate " + bed.pki("foreign/app_user.crt")));
    CHECK(has(e, "issued by '/CN=verrou test CA foreign'"));
    CHECK(has(e, "does not chain to the CA of ssl_ca " + bed.pki("dev/ca.crt")));
    CHECK(has(e, "'/CN=verrou test CA dev'"));
}

TEST_CASE("connection: a prod certificate from the dev CA trips the environment guard") {
    Error e = expect_refusal(bed_profile("strict", "dev/crossenv"));
    CHECK(e.layer() == Layer::Certificate);
    CHECK(e.code() == Code::CertEnvironmentGuard);
    CHECK(has(e, "app_user-prod"));
    CHECK(has(e, "app_user-dev"));
}

TEST_CASE("connection: without the guard the server itself refuses the wrong subject") {
    Profile p = bed_profile("strict", "dev/crossenv");
    p.tls.expected_cert_cn.clear();
    Error e = expect_refusal(p);
    // MariaDB answers 1045 for a SUBJECT mismatch; under load TLS 1.3 can surface it as a lost
    // connection after the handshake instead. Both are the server refusing the identity.
    CHECK((e.code() == Code::AuthDenied || e.code() == Code::CertRejectedByServer));
    check_server_refusal_layer(e);
    CHECK(has(e, "Likely causes"));
    CHECK(has(e, "/CN=app_user-prod"));  // the subject presented, in both forms
    CHECK(has(e, "SUBJECT/ISSUER"));
}

TEST_CASE("connection: revoked client certificate is refused locally with the CRL") {
    Error e = expect_refusal(bed_profile("strict", "dev/revoked"));
    CHECK(e.layer() == Layer::Certificate);
    CHECK(e.code() == Code::CertRevoked);
    const auto& bed = verrou::test::Testbed::get();
    CHECK(has(e, "client certificate " + bed.pki("dev/revoked.crt")));
    CHECK(has(e, "(serial " + inspect_certificate(bed.pki("dev/revoked.crt")).serial_hex + ")"));
    CHECK(has(e, "was revoked on "));
    CHECK(has(e, "keyCompromise"));  // the reason the bed's CA recorded
    CHECK(has(e, "according to ssl_crl " + bed.pki("dev/crl.pem")));
}

TEST_CASE("connection: revoked client certificate is refused by the server without a local CRL") {
    Profile p = bed_profile("strict", "dev/revoked");
    p.tls.crl.clear();
    Error e = expect_refusal(p);
    CHECK((e.code() == Code::CertRejectedByServer || e.code() == Code::AuthDenied));
    CHECK(e.layer() != Layer::Network);
    check_server_refusal_layer(e);
    CHECK(has(e, "Likely causes"));
    CHECK(has(e, "/CN=app_user-dev"));
    CHECK(has(e, "127.0.0.1:" + std::to_string(p.port)));
    // Either "the server says the certificate is revoked (alert: certificate revoked)" or a
    // connection closed after the handshake: both name revocation among the likely causes.
    if (e.code() == Code::CertRejectedByServer) CHECK(has(e, "revoked"));
}

TEST_CASE("connection: key that does not match the certificate") {
    Profile p = bed_profile();
    p.tls.key = verrou::test::Testbed::get().pki("dev/mismatch.key");
    Error e = expect_refusal(p);
    CHECK(e.layer() == Layer::Certificate);
    CHECK(e.code() == Code::CertKeyMismatch);
    CHECK(has(e, "key " + p.tls.key + " (ssl_key)"));
    CHECK(has(e, "does not belong to certificate " + p.tls.cert + " (ssl_cert"));
    CHECK(has(e, "'/CN=app_user-dev'"));
}

TEST_CASE("connection: encrypted key without passphrase is refused, never prompted") {
    Error e = expect_refusal(bed_profile("strict", "dev/encrypted"));
    CHECK(e.layer() == Layer::Certificate);
    CHECK(e.code() == Code::CertKeyEncrypted);
    CHECK(has(e, "key " + verrou::test::Testbed::get().pki("dev/encrypted.key") + " is encrypted"));
    CHECK(has(e, "ssl_key_passphrase_file"));
    CHECK(has(e, "never prompts for a passphrase"));
}

TEST_CASE("connection: encrypted key with its passphrase file connects") {
    Profile p = bed_profile("strict", "dev/encrypted");
    p.tls.key_passphrase.kind = SecretRef::Kind::File;
    p.tls.key_passphrase.target = verrou::test::Testbed::get().pki("dev/encrypted.pass");
    Connection c = Connection::open(p);
    CHECK(c.info().current_user == "app_user@%");
}

TEST_CASE("connection: a TLS 1.2-only server is refused under the TLS 1.3 minimum") {
    Error e = expect_refusal(bed_profile("tls12"));
    CHECK(e.layer() == Layer::Tls);
    CHECK(e.code() == Code::TlsVersionTooLow);
    CHECK(has(e, "TLSv1.2"));
    CHECK(has(e, "below the profile's minimum TLSv1.3"));
}

TEST_CASE("connection: a TLS 1.2 minimum accepts the TLS 1.2 server") {
    Profile p = bed_profile("tls12");
    p.tls.min_version = TlsVersion::Tls12;
    Connection c = Connection::open(p);
    CHECK(c.info().tls_version == "TLSv1.2");
}

TEST_CASE("connection: a plaintext server is refused in every ssl_mode") {
    for (SslMode mode : {SslMode::VerifyIdentity, SslMode::VerifyCa, SslMode::Required}) {
        CAPTURE(ssl_mode_name(mode));
        Profile p = bed_profile("plain");
        p.tls.mode = mode;
        p.tls.allow_unverified_server = mode == SslMode::Required;
        Error e = expect_refusal(p);
        CHECK(e.layer() == Layer::Tls);
        CHECK(e.code() == Code::TlsNotOffered);
        CHECK(has(e, "plaintext"));
        CHECK(has(e, "does not offer TLS"));
    }
}

TEST_CASE("connection: wrong server name is refused under VERIFY_IDENTITY, accepted under VERIFY_CA") {
    Error e = expect_refusal(bed_profile("wrongname"));
    CHECK(e.layer() == Layer::Tls);
    CHECK(e.code() == Code::TlsNameMismatch);
    CHECK(has(e, "db.elsewhere.invalid"));
    CHECK(has(e, "not for '127.0.0.1'"));

    Profile p = bed_profile("wrongname");
    p.tls.mode = SslMode::VerifyCa;
    Connection c = Connection::open(p);
    CHECK(c.info().tls_version == "TLSv1.3");
    CHECK(c.info().current_user == "app_user@%");
}

TEST_CASE("connection: an expired server certificate is refused") {
    Error e = expect_refusal(bed_profile("expiredsrv"));
    CHECK(e.layer() == Layer::Tls);
    CHECK(e.code() == Code::TlsServerCertExpired);
    CHECK(has(e, "expired"));
    const CertificateInfo srv = inspect_certificate(verrou::test::Testbed::get().pki("dev/server-expired.crt"));
    CHECK(has(e, "server certificate " + srv.subject));
    CHECK(has(e, "expired on " + srv.not_after));
    CHECK(has(e, "days ago"));
    CHECK(has(e, "renew"));
}

TEST_CASE("connection: server fingerprint pin (SHA-256) right and wrong") {
    const std::string fp =
        verrou::test::Testbed::get().pki("dev/server.crt");
    Profile p = bed_profile();
    p.tls.server_fingerprint = inspect_certificate(fp).sha256_fingerprint;
    Connection c = Connection::open(p);
    CHECK(c.info().tls_version == "TLSv1.3");

    p.tls.server_fingerprint = std::string(64, 'A');
    Error e = expect_refusal(p);
    CHECK(e.layer() == Layer::Tls);
    CHECK(e.code() == Code::TlsServerPinMismatch);
    CHECK(has(e, "server certificate /CN=localhost"));
    CHECK(has(e, "SHA-256 fingerprint " + inspect_certificate(fp).sha256_fingerprint));  // what the server has
    CHECK(has(e, "the profile pins " + std::string(64, 'A')));                           // what was expected
    CHECK(has(e, "server_fingerprint"));
}

TEST_CASE("connection: ssl_cipher is checked again by open, before the network") {
    // A Profile built in code never went through load_profile's check.
    Profile p = bed_profile();
    p.tls.cipher = "TLS_AES_256_GCM_SHA384:HIGH";
    Error e = expect_refusal(p);
    CHECK(e.layer() == Layer::Config);
    CHECK(e.code() == Code::ConfigInvalidValue);
    CHECK(has(e, "ssl_cipher"));
    CHECK(has(e, "'HIGH'"));
    CHECK(has(e, "not a cipher name"));

    p.tls.cipher = "ECDHE-ECDSA-AES256-GCM-SHA384";  // TLS 1.2 cipher, TLS 1.3 minimum
    e = expect_refusal(p);
    CHECK(e.layer() == Layer::Config);
    CHECK(e.code() == Code::ConfigInvalidValue);
    CHECK(has(e, "'ECDHE-ECDSA-AES256-GCM-SHA384' is a TLS 1.2 cipher"));

    p.tls.cipher = "TLS_CHACHA20_POLY1305_SHA256";
    Connection c = Connection::open(p);
    CHECK(c.info().cipher == "TLS_CHACHA20_POLY1305_SHA256");
}

TEST_CASE("connection: missing certificate file") {
    Profile p = bed_profile();
    p.tls.cert = "/nonexistent/verrou/client.crt";
    Error e = expect_refusal(p);
    CHECK(e.layer() == Layer::Certificate);
    CHECK(e.code() == Code::CertFileMissing);
    CHECK(has(e, "/nonexistent/verrou/client.crt"));
    CHECK(has(e, "ssl_cert"));
    CHECK(has(e, "does not exist"));
}

TEST_CASE("connection: nothing listening is a NETWORK refusal") {
    Profile p = bed_profile();
    // A port the bed does not use: bind, read the port, close — nothing listens there now.
    p.port = 1;  // privileged and unused on the test machine
    Error e = expect_refusal(p);
    CHECK(e.layer() == Layer::Network);
    CHECK(e.code() == Code::NetworkRefused);
    CHECK(has(e, "127.0.0.1:1"));
    CHECK(has(e, "nothing listens on that port"));
}

TEST_CASE("connection: wrong password is AUTH with likely causes, without the password") {
    const std::string dir = verrou::test::Testbed::get().dir();
    Profile p = bed_profile();
    p.password.kind = SecretRef::Kind::Env;
    p.password.target = "VERROU_TEST_WRONG_PASSWORD";
    ::setenv("VERROU_TEST_WRONG_PASSWORD", "definitely-not-the-password-42", 1);
    Error e = expect_refusal(p);
    CHECK(e.layer() == Layer::Auth);
    CHECK(e.code() == Code::AuthDenied);
    CHECK(has(e, "VERROU_TEST_WRONG_PASSWORD"));
    CHECK_FALSE(has(e, "definitely-not-the-password-42"));
}

TEST_CASE("connection: missing password secret is a SECRET error") {
    Profile p = bed_profile();
    p.password.kind = SecretRef::Kind::File;
    p.password.target = "/nonexistent/verrou/app_pw";
    Error e = expect_refusal(p);
    CHECK(e.layer() == Layer::Secret);
    CHECK(e.code() == Code::SecretNotFound);
    CHECK(has(e, "password of user 'app_user'"));
    CHECK(has(e, "/nonexistent/verrou/app_pw"));
}

TEST_CASE("connection: parameterized queries, NULLs, execute, transactions, SQL errors") {
    Connection c = Connection::open(bed_profile());
    ResultSet r = c.query("SELECT id, name, email, balance FROM customers WHERE id <= ? ORDER BY id", {std::int64_t{3}});
    REQUIRE(r.columns.size() == 4);
    CHECK(r.columns[0].name == "id");
    CHECK(r.columns[0].numeric);
    CHECK_FALSE(r.columns[1].numeric);
    REQUIRE(r.rows.size() == 3);
    CHECK(r.rows[1][1].value() == "Bob Durand");
    CHECK_FALSE(r.rows[1][2].has_value());          // email NULL
    CHECK(r.rows[2][1].value() == "Chloé Lefèvre");  // UTF-8 round trip
    CHECK_FALSE(r.rows[2][3].has_value());          // balance NULL

    // A value that would be an injection if spliced is just a string when bound.
    ResultSet none = c.query("SELECT id FROM customers WHERE name = ?", {std::string("x' OR '1'='1")});
    CHECK(none.rows.empty());

    c.execute("CREATE TEMPORARY TABLE t (id INT PRIMARY KEY, label VARCHAR(2000) NULL, score DOUBLE NULL)");
    CHECK(c.execute("INSERT INTO t VALUES (?, ?, ?), (?, ?, ?)",
                    {std::int64_t{1}, std::string("un"), 1.5, std::int64_t{2}, nullptr, nullptr}) == 2);
    const std::string long_label(1500, 'x');  // longer than the first fetch buffer
    CHECK(c.execute("UPDATE t SET label = ? WHERE id = ?", {long_label, std::int64_t{2}}) == 1);
    ResultSet t = c.query("SELECT label, score FROM t ORDER BY id");
    REQUIRE(t.rows.size() == 2);
    CHECK(t.rows[0][1].value() == "1.5");
    CHECK(t.rows[1][0].value() == long_label);

    c.begin();
    CHECK(c.in_transaction());
    c.execute("DELETE FROM t");
    c.rollback();
    CHECK(c.query("SELECT COUNT(*) FROM t").rows[0][0].value() == "2");
    c.begin();
    c.execute("DELETE FROM t WHERE id = ?", {std::int64_t{1}});
    c.commit();
    CHECK(c.query("SELECT COUNT(*) FROM t").rows[0][0].value() == "1");
    CHECK_THROWS_AS(c.commit(), Error);

    try {
        c.query("SELECT * FROM no_such_table");
        FAIL("expected an SQL error");
    } catch (const Error& e) {
        CHECK(e.code() == Code::QueryError);
        CHECK(has(e, "42S02"));
    }
    try {
        c.query("SELECT ? + ?", {std::int64_t{1}});
        FAIL("expected a parameter count error");
    } catch (const Error& e) {
        CHECK(e.code() == Code::QueryParameter);
    }
}

TEST_CASE("connection: distinct connections in distinct threads") {
    std::atomic<int> ok{0};
    std::vector<std::thread> threads;
    for (int t = 0; t < 4; ++t) {
        threads.emplace_back([&, t] {
            try {
                Connection c = Connection::open(bed_profile());
                for (int i = 0; i < 20; ++i) {
                    auto r = c.query("SELECT ? * 2", {std::int64_t{t * 100 + i}});
                    if (r.rows.at(0).at(0).value() != std::to_string((t * 100 + i) * 2)) return;
                }
                ok++;
            } catch (...) {
            }
        });
    }
    for (auto& th : threads) th.join();
    CHECK(ok.load() == 4);
}
