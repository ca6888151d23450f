// From profile files to live connections: the same profile in INI and JSON, relative paths,
// Docker-secret passwords, the environment guard between environments of one file.
#include <doctest/doctest.h>

#include <cstdlib>
#include <fstream>

#include "bed_profile.hpp"
#include "verrou/connection.hpp"

using namespace verrou;
using verrou::test::Testbed;

namespace {

/// Writes `text` to DIR/name and returns the path. Profiles live in the bed's folder so that
/// relative paths such as pki/dev/ca.crt resolve against it.
std::string write_profile(const std::string& name, const std::string& text) {
    const std::string path = Testbed::get().dir() + "/" + name;
    std::ofstream(path, std::ios::binary | std::ios::trunc) << text;
    return path;
}

std::string ini_profile() {
    const auto& bed = Testbed::get();
    return "default_environment = dev\n"
           "[defaults]\n"
           "host = 127.0.0.1\n"
           "port = " + std::to_string(bed.port("strict")) + "\n"
           "user = app_user\n"
           "database = appdb\n"
           "ssl_crl = pki/dev/crl.pem\n"
           "password_secret = app_user_password   ; looked up in $VERROU_SECRETS_DIR\n"
           "[env.dev]\n"
           "ssl_ca = pki/dev/ca.crt\n"
           "ssl_cert = pki/dev/app_user.crt\n"
           "ssl_key = pki/dev/app_user.key\n"
           "[env.prod]\n"
           "; a dev certificate configured for prod by mistake\n"
           "ssl_ca = pki/dev/ca.crt\n"
           "ssl_cert = pki/dev/app_user.crt\n"
           "ssl_key = pki/dev/app_user.key\n";
}

std::string json_profile() {
    const auto& bed = Testbed::get();
    return "{\n"
           "  \"default_environment\": \"dev\",\n"
           "  \"defaults\": {\"host\": \"127.0.0.1\", \"port\": " + std::to_string(bed.port("strict")) + ",\n"
           "    \"user\": \"app_user\", \"database\": \"appdb\", \"ssl_crl\": \"pki/dev/crl.pem\",\n"
           "    \"password_secret\": \"app_user_password\"},\n"
           "  \"environments\": {\n"
           "    \"dev\": {\"ssl_ca\": \"pki/dev/ca.crt\", \"ssl_cert\": \"pki/dev/app_user.crt\", \"ssl_key\": \"pki/dev/app_user.key\"},\n"
           "    \"prod\": {\"ssl_ca\": \"pki/dev/ca.crt\", \"ssl_cert\": \"pki/dev/app_user.crt\", \"ssl_key\": \"pki/dev/app_user.key\"}\n"
           "  }\n"
           "}\n";
}

struct SecretsDir {
    SecretsDir() { ::setenv("VERROU_SECRETS_DIR", (Testbed::get().dir() + "/secrets").c_str(), 1); }
    ~SecretsDir() { ::unsetenv("VERROU_SECRETS_DIR"); }
};

}  // namespace

TEST_CASE("profile connect: the INI and JSON forms of one profile connect identically") {
    SecretsDir secrets;
    const Profile from_ini = load_profile(write_profile("bed-profile.ini", ini_profile()));
    const Profile from_json = load_profile(write_profile("bed-profile.json", json_profile()));
    CHECK(from_ini.environment == "dev");
    CHECK(from_ini.tls.ca == Testbed::get().pki("dev/ca.crt"));  // relative to the profile's folder

    // Same resolved settings, apart from the file they came from.
    Profile ini_copy = from_ini, json_copy = from_json;
    ini_copy.source_file = json_copy.source_file = "";
    CHECK(profile_to_json(ini_copy) == profile_to_json(json_copy));

    Connection a = Connection::open(from_ini);
    Connection b = Connection::open(from_json);
    CHECK(a.info().current_user == "app_user@%");
    CHECK(b.info().current_user == "app_user@%");
    CHECK(a.info().tls_version == "TLSv1.3");
    CHECK(b.info().tls_version == a.info().tls_version);
    CHECK(a.query("SELECT name FROM customers WHERE id = ?", {std::int64_t{1}}).rows[0][0].value() == "Alice Martin");
}

TEST_CASE("profile connect: a dev certificate is refused for the prod environment") {
    SecretsDir secrets;
    for (const auto& path : {write_profile("bed-guard.ini", ini_profile()), write_profile("bed-guard.json", json_profile())}) {
        CAPTURE(path);
        const Profile prod = load_profile(path, "prod");
        CHECK(prod.tls.expected_cert_cn == "app_user-prod");
        try {
            Connection c = Connection::open(prod);
            FAIL("a dev certificate connected as prod");
        } catch (const Error& e) {
            CHECK(e.code() == Code::CertEnvironmentGuard);
            CHECK(std::string(e.what()).find("app_user-dev") != std::string::npos);
            CHECK(verrou::test::free_of_secrets(e.what()));
        }
    }
}

TEST_CASE("profile connect: VERROU_ENV picks the environment, an unknown one lists the known") {
    SecretsDir secrets;
    const std::string path = write_profile("bed-env.ini", ini_profile());
    ::setenv("VERROU_ENV", "prod", 1);
    CHECK(load_profile(path).environment == "prod");
    ::setenv("VERROU_ENV", "staging", 1);
    try {
        (void)load_profile(path);
        FAIL("unknown environment accepted");
    } catch (const Error& e) {
        CHECK(e.code() == Code::ConfigUnknownEnvironment);
        CHECK(std::string(e.what()).find("dev") != std::string::npos);
        CHECK(std::string(e.what()).find("prod") != std::string::npos);
    }
    ::unsetenv("VERROU_ENV");
}

TEST_CASE("profile connect: a missing Docker secret stops before the network") {
    ::setenv("VERROU_SECRETS_DIR", "/nonexistent/verrou-secrets", 1);
    const Profile p = load_profile(write_profile("bed-nosecret.json", json_profile()));
    try {
        Connection c = Connection::open(p);
        FAIL("connected without its password secret");
    } catch (const Error& e) {
        CHECK(e.layer() == Layer::Secret);
        CHECK(std::string(e.what()).find("app_user_password") != std::string::npos);
    }
    ::unsetenv("VERROU_SECRETS_DIR");
}

// ---- ssl_cipher: checked at load, applied by libmariadb and the probe, checked after connect ----

namespace {

/// The bed profile (INI) for `server` with extra lines in [env.dev].
std::string cipher_profile(const std::string& server, const std::string& extra) {
    const auto& bed = Testbed::get();
    return "[env.dev]\n"
           "host = 127.0.0.1\n"
           "port = " + std::to_string(bed.port(server)) + "\n"
           "user = app_user\n"
           "database = appdb\n"
           "password_secret = app_user_password\n"
           "ssl_ca = pki/dev/ca.crt\n"
           "ssl_cert = pki/dev/app_user.crt\n"
           "ssl_key = pki/dev/app_user.key\n"
           "ssl_crl = pki/dev/crl.pem\n" + extra;
}

Error load_error(const std::string& name, const std::string& text) {
    try {
        (void)load_profile(write_profile(name, text), "dev");
    } catch (const Error& e) {
        return e;
    }
    FAIL("the profile loaded although it should not");
    return Error(Code::Internal, "unreachable");
}

Error open_error(const Profile& p) {
    try {
        Connection c = Connection::open(p);
        FAIL("connected with " << c.info().tls_version << " " << c.info().cipher << " although a refusal was expected");
    } catch (const Error& e) {
        CHECK_MESSAGE(verrou::test::free_of_secrets(e.what()), "secret in message: ", e.what());
        return e;
    }
    return Error(Code::Internal, "unreachable");
}

bool has(const Error& e, const std::string& words) { return std::string(e.what()).find(words) != std::string::npos; }

}  // namespace

TEST_CASE("profile connect: ssl_cipher = TLS_AES_128_GCM_SHA256 is the cipher the session uses") {
    SecretsDir secrets;
    for (SslMode mode : {SslMode::VerifyIdentity, SslMode::VerifyCa}) {  // libmariadb alone / probe first
        CAPTURE(ssl_mode_name(mode));
        const std::string mode_line = std::string("ssl_mode = ") + std::string(ssl_mode_name(mode)) + "\n";
        const Profile p = load_profile(write_profile("bed-cipher.ini",
                                                     cipher_profile("strict", mode_line + "ssl_cipher = TLS_AES_128_GCM_SHA256\n")),
                                       "dev");
        CHECK(p.tls.cipher == "TLS_AES_128_GCM_SHA256");
        Connection c = Connection::open(p);
        CHECK(c.info().tls_version == "TLSv1.3");
        CHECK(c.info().cipher == "TLS_AES_128_GCM_SHA256");
        // The server's own view of the session agrees.
        ResultSet r = c.query("SHOW SESSION STATUS LIKE 'Ssl_cipher'");
        REQUIRE(r.rows.size() == 1);
        CHECK(r.rows[0][1].value() == "TLS_AES_128_GCM_SHA256");
    }
}

TEST_CASE("profile connect: an unknown ssl_cipher name fails at load with the key and the name") {
    SecretsDir secrets;
    const Error e = load_error("bed-cipher-unknown.ini",
                               cipher_profile("strict", "ssl_cipher = TLS_AES_256_GCM_SHA384:TLS_AES_128_GCM_SHA265\n"));
    INFO(std::string(e.what()));
    CHECK(e.layer() == Layer::Config);
    CHECK(e.code() == Code::ConfigInvalidValue);
    CHECK(has(e, "bed-cipher-unknown.ini:11"));
    CHECK(has(e, "'ssl_cipher'"));
    CHECK(has(e, "'TLS_AES_128_GCM_SHA265'"));
    CHECK(has(e, "did you mean 'TLS_AES_128_GCM_SHA256'"));
}

TEST_CASE("profile connect: a TLS 1.2 ssl_cipher under the TLSv1.3 minimum fails at load") {
    SecretsDir secrets;
    const Error e = load_error("bed-cipher-tls12.ini",
                               cipher_profile("strict", "tls_version = TLSv1.3\nssl_cipher = ECDHE-ECDSA-AES128-GCM-SHA256\n"));
    INFO(std::string(e.what()));
    CHECK(e.layer() == Layer::Config);
    CHECK(e.code() == Code::ConfigInvalidValue);
    CHECK(has(e, "bed-cipher-tls12.ini:12"));
    CHECK(has(e, "'ssl_cipher'"));
    CHECK(has(e, "'ECDHE-ECDSA-AES128-GCM-SHA256' is a TLS 1.2 cipher"));
    CHECK(has(e, "TLSv1.3"));
    CHECK(has(e, "never be used"));
}

TEST_CASE("profile connect: an ssl_cipher list the strict server does not offer is refused") {
    SecretsDir secrets;
    // The strict server keeps OpenSSL's default TLS 1.3 suites, which do not include the CCM ones.
    for (SslMode mode : {SslMode::VerifyIdentity, SslMode::VerifyCa}) {
        CAPTURE(ssl_mode_name(mode));
        const std::string mode_line = std::string("ssl_mode = ") + std::string(ssl_mode_name(mode)) + "\n";
        const Profile p = load_profile(write_profile("bed-cipher-disjoint.ini",
                                                     cipher_profile("strict", mode_line + "ssl_cipher = TLS_AES_128_CCM_SHA256\n")),
                                       "dev");
        const Error e = open_error(p);
        INFO(std::string(e.what()));
        CHECK(e.layer() == Layer::Tls);
        CHECK(e.code() == Code::TlsHandshake);
        CHECK(has(e, "TLS_AES_128_CCM_SHA256"));
        CHECK(has(e, "ssl_cipher"));
    }
}

TEST_CASE("profile connect: TLS 1.2 ciphers against the TLS 1.2 server, and a mixed list") {
    SecretsDir secrets;
    const Profile p12 = load_profile(write_profile("bed-cipher-12.ini",
        cipher_profile("tls12", "tls_version = TLSv1.2\nssl_cipher = ECDHE-ECDSA-AES128-GCM-SHA256\n")), "dev");
    Connection a = Connection::open(p12);
    CHECK(a.info().tls_version == "TLSv1.2");
    CHECK(a.info().cipher == "ECDHE-ECDSA-AES128-GCM-SHA256");

    // Both kinds in one list: each server gets the half of its protocol version.
    const std::string mixed = "tls_version = TLSv1.2\nssl_cipher = TLS_AES_256_GCM_SHA384:ECDHE-ECDSA-AES256-GCM-SHA384\n";
    Connection b = Connection::open(load_profile(write_profile("bed-cipher-mixed12.ini", cipher_profile("tls12", mixed)), "dev"));
    CHECK(b.info().tls_version == "TLSv1.2");
    CHECK(b.info().cipher == "ECDHE-ECDSA-AES256-GCM-SHA384");
    Connection c = Connection::open(load_profile(write_profile("bed-cipher-mixed13.ini", cipher_profile("strict", mixed)), "dev"));
    CHECK(c.info().tls_version == "TLSv1.3");
    CHECK(c.info().cipher == "TLS_AES_256_GCM_SHA384");

    // Only TLS 1.3 suites under a TLS 1.2 minimum: a TLS 1.2-only server cannot satisfy them.
    const Profile only13 = load_profile(write_profile("bed-cipher-only13.ini",
        cipher_profile("tls12", "tls_version = TLSv1.2\nssl_cipher = TLS_AES_128_GCM_SHA256\n")), "dev");
    const Error e = open_error(only13);
    INFO(std::string(e.what()));
    CHECK(e.layer() == Layer::Tls);
    CHECK(has(e, "TLS_AES_128_GCM_SHA256"));
}
