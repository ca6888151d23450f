// verrou doctor against the test bed: one case per layer, each breaking exactly that layer
// through a real profile file (JSON, docs/profiles.md) and asserting the step that fails,
// its status and its cause; plus the good profile (all OK, exit 0), rollover and clock skew.
#include <doctest/doctest.h>

#include <nlohmann/json.hpp>

#include <filesystem>
#include <functional>
#include <fstream>
#include <string>

#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include "db/bed_profile.hpp"
#include "testbed.hpp"
#include "verrou/doctor.hpp"

using nlohmann::json;
using verrou::Code;
using verrou::DoctorReport;
using verrou::DoctorStatus;
using verrou::NagiosCode;
using verrou::test::Testbed;

namespace {

bool contains(const std::string& haystack, const std::string& needle) {
    return haystack.find(needle) != std::string::npos;
}

/// A temp folder holding one profile file; removed at the end of the test case.
struct ProfileDir {
    std::filesystem::path dir;
    ProfileDir() {
        std::string tmpl = (std::filesystem::temp_directory_path() / "verrou-doctor-XXXXXX").string();
        REQUIRE(::mkdtemp(tmpl.data()) != nullptr);
        dir = tmpl;
    }
    ~ProfileDir() {
        std::error_code ec;
        std::filesystem::remove_all(dir, ec);
    }
    std::string path(const std::string& name) const { return (dir / name).string(); }

    /// The good dev profile for `server`; `edit` changes the environment's object.
    std::string write(const std::string& server, const std::function<void(json&)>& edit = {}) const {
        const auto& bed = Testbed::get();
        json env = {{"host", "127.0.0.1"},
                    {"port", bed.port(server)},
                    {"user", "app_user"},
                    {"database", "appdb"},
                    {"connect_timeout", 5},
                    {"password_file", bed.dir() + "/secrets/app_user_password"},
                    {"ssl_ca", bed.pki("dev/ca.crt")},
                    {"ssl_cert", bed.pki("dev/app_user.crt")},
                    {"ssl_key", bed.pki("dev/app_user.key")},
                    {"ssl_crl", bed.pki("dev/crl.pem")}};
        if (edit) edit(env);
        const json doc = {{"default_environment", "dev"}, {"environments", {{"dev", env}}}};
        const std::string file = path("profiles.json");
        std::ofstream(file) << doc.dump(2);
        return file;
    }
};

void use_cert(json& env, const std::string& name) {
    env["ssl_cert"] = Testbed::get().pki(name + ".crt");
    env["ssl_key"] = Testbed::get().pki(name + ".key");
}

/// Asserts that `failed` is the FAILED step with `code`, that every earlier step is OK or
/// WARNING and every later one SKIPPED, and that no secret leaked into either rendering.
// `also`: a second acceptable code, for server-side refusals that TLS 1.3 may surface either
// as the server's error or as a connection lost after the handshake (docs/connection.md).
void expect_stop(const DoctorReport& r, const std::string& failed, Code code, Code also = Code::Ok) {
    INFO(verrou::doctor_report_to_text(r));
    bool after = false;
    for (const auto& s : r.steps) {
        if (s.name == failed) {
            CHECK(s.status == DoctorStatus::Failed);
            CHECK((s.code == code || (also != Code::Ok && s.code == also)));
            CHECK_FALSE(s.message.empty());
            after = true;
        } else if (after) {
            CHECK(s.status == DoctorStatus::Skipped);
        } else {
            CHECK((s.status == DoctorStatus::Ok || s.status == DoctorStatus::Warning));
        }
    }
    CHECK(after);
    CHECK(r.stopped_at == failed);
    CHECK(verrou::test::free_of_secrets(verrou::doctor_report_to_text(r)));
    CHECK(verrou::test::free_of_secrets(verrou::doctor_report_to_json(r)));
}

const verrou::DoctorStep& step(const DoctorReport& r, const std::string& name) {
    const auto* s = r.step(name);
    REQUIRE(s != nullptr);
    return *s;
}

int free_port() {
    const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    ::bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a);
    socklen_t len = sizeof a;
    ::getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len);
    ::close(fd);  // nothing listens on it any more
    return ntohs(a.sin_port);
}

}  // namespace

TEST_CASE("doctor: good profile → every step OK, session over TLS 1.3, exit 0") {
    ProfileDir d;
    const DoctorReport r = verrou::run_doctor(d.write("strict"));
    INFO(verrou::doctor_report_to_text(r));
    for (const auto& s : r.steps) CHECK_MESSAGE(s.status == DoctorStatus::Ok, s.name);
    CHECK(r.exit_code() == NagiosCode::Ok);
    CHECK(r.stopped_at.empty());
    CHECK(r.environment == "dev");
    REQUIRE(r.session);
    CHECK(r.session->current_user == "app_user@%");
    CHECK(r.session->ssl_version == "TLSv1.3");
    CHECK_FALSE(r.session->using_next_certificate);
    REQUIRE(r.server);
    CHECK(r.server->tls_version == "TLSv1.3");
    REQUIRE_FALSE(r.server->chain.empty());
    CHECK(r.server->chain[0].common_name == "localhost");
    CHECK(contains(step(r, "tls").message, "verified for '127.0.0.1'"));
    CHECK(contains(step(r, "certificates").message, "current (ssl_cert)"));
    CHECK(verrou::test::free_of_secrets(verrou::doctor_report_to_text(r)));

    // The JSON form: every documented top-level field, steps in order.
    const json j = json::parse(verrou::doctor_report_to_json(r));
    CHECK(j["schema"] == 1);
    CHECK(j["status"] == "OK");
    CHECK(j["exit_code"] == 0);
    CHECK(j["stopped_at"].is_null());
    REQUIRE(j["steps"].size() == 8);
    const char* names[] = {"profile", "secrets", "certificates", "dns", "tcp", "tls", "revocation", "auth"};
    for (std::size_t i = 0; i < 8; ++i) {
        CHECK(j["steps"][i]["step"] == names[i]);
        CHECK(j["steps"][i]["status"] == "OK");
        CHECK(j["steps"][i]["code_name"] == "OK");
    }
    CHECK(j["certificates"]["ok"] == true);
    CHECK(j["server"]["chain"][0]["subject_alt_names"].size() == 2);
    CHECK(j["session"]["current_user"] == "app_user@%");
    CHECK(j["session"]["ssl_version"] == "TLSv1.3");
    CHECK(verrou::test::free_of_secrets(j.dump()));
}

TEST_CASE("doctor: a Profile value (no file) goes through the same steps") {
    const DoctorReport r = verrou::run_doctor(verrou::test::bed_profile("strict"));
    CHECK(r.exit_code() == NagiosCode::Ok);
}

TEST_CASE("doctor 1/profile: missing file → UNKNOWN (3), everything else skipped") {
    ProfileDir d;
    const DoctorReport r = verrou::run_doctor(d.path("nope.json"));
    expect_stop(r, "profile", Code::ConfigUnreadable);
    CHECK(r.exit_code() == NagiosCode::Unknown);
    CHECK(contains(step(r, "tls").message, "stopped at profile"));
}

TEST_CASE("doctor 1/profile: unknown environment → UNKNOWN, missing key → CRITICAL") {
    ProfileDir d;
    const std::string file = d.write("strict");
    const DoctorReport r = verrou::run_doctor(file, "prdo");
    expect_stop(r, "profile", Code::ConfigUnknownEnvironment);
    CHECK(r.exit_code() == NagiosCode::Unknown);

    const DoctorReport r2 = verrou::run_doctor(d.write("strict", [](json& e) { e.erase("user"); }));
    expect_stop(r2, "profile", Code::ConfigMissingKey);
    CHECK(r2.exit_code() == NagiosCode::Critical);
}

TEST_CASE("doctor 1/profile: an inline password works but is a WARNING (exit 1), never shown") {
    ProfileDir d;
    const std::string pw = verrou::test::app_password();
    const DoctorReport r = verrou::run_doctor(d.write("strict", [&](json& e) {
        e.erase("password_file");
        e["password"] = pw;
    }));
    INFO(verrou::doctor_report_to_text(r));
    CHECK(step(r, "profile").status == DoctorStatus::Warning);
    CHECK(step(r, "auth").status == DoctorStatus::Ok);
    CHECK(r.exit_code() == NagiosCode::Warning);
    CHECK(verrou::test::free_of_secrets(verrou::doctor_report_to_text(r)));
    CHECK(verrou::test::free_of_secrets(verrou::doctor_report_to_json(r)));
}

TEST_CASE("doctor 2/secrets: password file missing, env var unset") {
    ProfileDir d;
    DoctorReport r = verrou::run_doctor(d.write("strict", [&](json& e) { e["password_file"] = d.path("missing_pw"); }));
    expect_stop(r, "secrets", Code::SecretNotFound);
    CHECK(contains(step(r, "secrets").message, d.path("missing_pw")));
    CHECK(r.exit_code() == NagiosCode::Critical);

    ::unsetenv("VERROU_DOCTOR_TEST_PW");
    r = verrou::run_doctor(d.write("strict", [](json& e) {
        e.erase("password_file");
        e["password_env"] = "VERROU_DOCTOR_TEST_PW";
    }));
    expect_stop(r, "secrets", Code::SecretEnvMissing);
    CHECK(contains(step(r, "secrets").message, "VERROU_DOCTOR_TEST_PW"));
}

TEST_CASE("doctor 2/secrets: a pepper shorter than 32 bytes stops at secrets") {
    ProfileDir d;
    std::ofstream(d.path("pepper")) << "short";
    const DoctorReport r = verrou::run_doctor(d.write("strict", [&](json& e) {
        e["hashing"] = {{"current_pepper", "k1"}, {"peppers", {{"k1", {{"file", d.path("pepper")}}}}}};
    }));
    expect_stop(r, "secrets", Code::SecretTooShort);
}

TEST_CASE("doctor 3/certificates: expired client certificate") {
    ProfileDir d;
    const DoctorReport r = verrou::run_doctor(d.write("strict", [](json& e) { use_cert(e, "dev/expired"); }));
    expect_stop(r, "certificates", Code::CertExpired);
    CHECK(contains(step(r, "certificates").message, "expired on"));
    CHECK_FALSE(step(r, "certificates").hint.empty());
    CHECK(r.exit_code() == NagiosCode::Critical);
}

TEST_CASE("doctor 3/certificates: client certificate from a foreign CA") {
    ProfileDir d;
    const DoctorReport r = verrou::run_doctor(d.write("strict", [](json& e) { use_cert(e, "foreign/app_user"); }));
    expect_stop(r, "certificates", Code::CertUntrusted);
}

TEST_CASE("doctor 3/certificates: wrong CN (prod identity from the dev CA) → environment guard") {
    ProfileDir d;
    const DoctorReport r = verrou::run_doctor(d.write("strict", [](json& e) { use_cert(e, "dev/crossenv"); }));
    expect_stop(r, "certificates", Code::CertEnvironmentGuard);
    CHECK(contains(step(r, "certificates").message, "app_user-prod"));
}

TEST_CASE("doctor 3/certificates: revoked certificate is on the CRL") {
    ProfileDir d;
    const DoctorReport r = verrou::run_doctor(d.write("strict", [](json& e) { use_cert(e, "dev/revoked"); }));
    expect_stop(r, "certificates", Code::CertRevoked);
}

TEST_CASE("doctor 3/certificates: not yet valid by a few hours → probable clock problem") {
    ProfileDir d;
    const DoctorReport r = verrou::run_doctor(d.write("strict", [](json& e) { use_cert(e, "dev/skewed"); }));
    expect_stop(r, "certificates", Code::CertNotYetValid);
    CHECK(contains(step(r, "certificates").message, "clock"));
    CHECK(contains(step(r, "certificates").hint, "clock"));
}

TEST_CASE("doctor 3/certificates: expiring within expiry_warning_days → WARNING, exit 1, connection still OK") {
    ProfileDir d;
    const DoctorReport r = verrou::run_doctor(d.write("strict", [](json& e) { use_cert(e, "dev/expiring"); }));
    INFO(verrou::doctor_report_to_text(r));
    CHECK(step(r, "certificates").status == DoctorStatus::Warning);
    CHECK(step(r, "certificates").code == Code::CertExpired);
    CHECK(contains(step(r, "certificates").message, "warning window"));
    CHECK(step(r, "auth").status == DoctorStatus::Ok);
    CHECK(r.exit_code() == NagiosCode::Warning);

    // With a smaller window the same certificate is fine.
    const DoctorReport r2 = verrou::run_doctor(d.write("strict", [](json& e) {
        use_cert(e, "dev/expiring");
        e["expiry_warning_days"] = 5;
    }));
    CHECK(step(r2, "certificates").status == DoctorStatus::Ok);
}

TEST_CASE("doctor 3/certificates: rollover — current expiring + next → connects with next, says so") {
    ProfileDir d;
    const DoctorReport r = verrou::run_doctor(d.write("strict", [](json& e) {
        use_cert(e, "dev/expiring");
        e["ssl_cert_next"] = Testbed::get().pki("dev/next.crt");
        e["ssl_key_next"] = Testbed::get().pki("dev/next.key");
    }));
    INFO(verrou::doctor_report_to_text(r));
    REQUIRE(r.certificates);
    CHECK(r.certificates->using_next_certificate);
    CHECK(r.certificates->cert_path == Testbed::get().pki("dev/next.crt"));
    const auto& certs = step(r, "certificates");
    CHECK(contains(certs.message + "\n" + verrou::doctor_report_to_text(r), "next"));
    CHECK(step(r, "auth").status == DoctorStatus::Ok);
    REQUIRE(r.session);
    CHECK(r.session->using_next_certificate);
    REQUIRE(r.session->client_certificate);
    CHECK(r.session->client_certificate->path == Testbed::get().pki("dev/next.crt"));
    CHECK(contains(step(r, "auth").message, "next certificate"));
    const json j = json::parse(verrou::doctor_report_to_json(r));
    CHECK(j["certificates"]["using_next_certificate"] == true);
    CHECK(j["session"]["using_next_certificate"] == true);
}

TEST_CASE("doctor 4/dns: unresolvable host") {
    ProfileDir d;
    const DoctorReport r = verrou::run_doctor(d.write("strict", [](json& e) { e["host"] = "db.verrou-doctor.invalid"; }));
    expect_stop(r, "dns", Code::NetworkDns);
    CHECK(contains(step(r, "dns").message, "db.verrou-doctor.invalid"));
}

TEST_CASE("doctor 5/tcp: nothing listening on the port") {
    ProfileDir d;
    const int port = free_port();
    const DoctorReport r = verrou::run_doctor(d.write("strict", [&](json& e) { e["port"] = port; }));
    expect_stop(r, "tcp", Code::NetworkRefused);
    CHECK(contains(step(r, "tcp").hint, std::to_string(port)));
}

TEST_CASE("doctor 6/tls: plaintext server → TLS not offered, nothing sent") {
    ProfileDir d;
    const DoctorReport r = verrou::run_doctor(d.write("plain"));
    expect_stop(r, "tls", Code::TlsNotOffered);
    REQUIRE(r.server);
    CHECK_FALSE(r.server->tls_offered);
    CHECK_FALSE(r.server->server_version.empty());
}

TEST_CASE("doctor 6/tls: TLS 1.2-only server below the TLS 1.3 minimum") {
    ProfileDir d;
    const DoctorReport r = verrou::run_doctor(d.write("tls12"));
    expect_stop(r, "tls", Code::TlsVersionTooLow);
    CHECK(contains(step(r, "tls").hint, "TLSv1.3"));
}

TEST_CASE("doctor 6/tls: wrong server name vs SAN, with the chain shown") {
    ProfileDir d;
    const DoctorReport r = verrou::run_doctor(d.write("wrongname"));
    expect_stop(r, "tls", Code::TlsNameMismatch);
    REQUIRE(r.server);
    REQUIRE_FALSE(r.server->chain.empty());
    const std::string text = verrou::doctor_report_to_text(r);
    CHECK(contains(text, "db.elsewhere.invalid"));
    CHECK(contains(text, "chain[0]"));
}

TEST_CASE("doctor 6/tls: expired server certificate") {
    ProfileDir d;
    const DoctorReport r = verrou::run_doctor(d.write("expiredsrv"));
    expect_stop(r, "tls", Code::TlsServerCertExpired);
}

TEST_CASE("doctor 6/tls: server certificate from a CA the profile does not trust") {
    ProfileDir d;
    // The foreign CA with its own client certificate passes the local checks; the strict
    // server's certificate (dev CA) then does not chain to it.
    const DoctorReport r = verrou::run_doctor(d.write("strict", [](json& e) {
        e["ssl_ca"] = Testbed::get().pki("foreign/ca.crt");
        e.erase("ssl_crl");
        use_cert(e, "foreign/app_user");
    }));
    expect_stop(r, "tls", Code::TlsUntrustedServer);
}

TEST_CASE("doctor 7/auth: wrong password → Access denied with the locally checkable causes") {
    ProfileDir d;
    std::ofstream(d.path("wrong_pw")) << "definitely-not-the-password\n";
    ::chmod(d.path("wrong_pw").c_str(), 0600);
    const DoctorReport r = verrou::run_doctor(d.write("strict", [&](json& e) { e["password_file"] = d.path("wrong_pw"); }));
    expect_stop(r, "auth", Code::AuthDenied);
    const auto& s = step(r, "auth");
    std::string details;
    for (const auto& line : s.details) details += line + "\n";
    CHECK(contains(details, "[OK] client certificate CN 'app_user-dev' vs expected 'app_user-dev'"));
    CHECK(contains(details, "[OK] client certificate issuer /CN=verrou test CA dev"));
    CHECK(contains(details, "password source: file " + d.path("wrong_pw")));
    CHECK_FALSE(contains(verrou::doctor_report_to_json(r), "definitely-not-the-password"));
    CHECK(r.exit_code() == NagiosCode::Critical);
}

TEST_CASE("doctor 7/auth: certificate the account does not require (backup_user's) → denied, CN mismatch shown") {
    ProfileDir d;
    const DoctorReport r = verrou::run_doctor(d.write("strict", [](json& e) {
        use_cert(e, "dev/backup_user");
        e["expected_cert_cn"] = "";  // guard off so the server, not the validator, refuses it
    }));
    expect_stop(r, "auth", Code::AuthDenied, Code::CertRejectedByServer);
    std::string details;
    for (const auto& line : step(r, "auth").details) details += line + "\n";
    CHECK(contains(details, "[MISMATCH] client certificate CN 'backup_user-dev' vs expected 'app_user-dev'"));
}
