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
