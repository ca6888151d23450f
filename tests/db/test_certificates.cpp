// Local certificate validation against the test bed's PKI (one case per bed certificate).
// Profiles are built in code, independent of the profile loader. The openssl CLI, which
// also made the PKI, serves as an independent oracle for fingerprints, names and dates.
#include <doctest/doctest.h>

#include <nlohmann/json.hpp>

#include <algorithm>
#include <array>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <memory>
#include <string>

#include <poll.h>
#include <pty.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "testbed.hpp"
#include "verrou/certificate.hpp"
#include "verrou/error.hpp"
#include "verrou/profile.hpp"

using verrou::CheckFinding;
using verrou::CheckStatus;
using verrou::Code;
using verrou::Profile;
using verrou::ValidationReport;

namespace {

std::string pki(const std::string& rel) { return verrou::test::Testbed::get().pki(rel); }

// A dev profile presenting `<name>.crt` / `<name>.key` from the dev CA folder.
Profile dev_profile(const std::string& name = "app_user") {
    Profile p;
    p.environment = "dev";
    p.user = "app_user";
    p.host = "127.0.0.1";
    p.tls.ca = pki("dev/ca.crt");
    p.tls.cert = pki("dev/" + name + ".crt");
    p.tls.key = pki("dev/" + name + ".key");
    p.tls.expected_cert_cn = "app_user-dev";
    return p;
}

verrou::SecretRef file_ref(const std::string& path) {
    verrou::SecretRef ref;
    ref.kind = verrou::SecretRef::Kind::File;
    ref.target = path;
    return ref;
}

bool contains(const std::string& haystack, const std::string& needle) {
    return haystack.find(needle) != std::string::npos;
}

const CheckFinding* find_check(const ValidationReport& r, const std::string& check, CheckStatus status) {
    for (const auto& f : r.findings)
        if (f.check == check && f.status == status) return &f;
    return nullptr;
}

std::size_t count_status(const ValidationReport& r, CheckStatus status) {
    return static_cast<std::size_t>(std::count_if(r.findings.begin(), r.findings.end(),
                                                  [&](const CheckFinding& f) { return f.status == status; }));
}

std::string dump(const ValidationReport& r) {
    std::string out;
    for (const auto& f : r.findings) {
        out += std::string(verrou::check_status_name(f.status)) + " " + f.check + " [" +
               std::string(verrou::code_name(f.code)) + "] " + f.message + "\n";
    }
    return out;
}

// Expects exactly one failure, with `code` on `check`, and returns its message.
std::string expect_single_failure(const ValidationReport& r, Code code, const std::string& check) {
    INFO(dump(r));
    REQUIRE_FALSE(r.ok());
    const CheckFinding* f = r.first_failure();
    REQUIRE(f != nullptr);
    CHECK(f->code == code);
    CHECK(f->check == check);
    CHECK(verrou::layer_of(f->code) == verrou::Layer::Certificate);
    CHECK(count_status(r, CheckStatus::Failed) == 1);  // dependent checks skipped, not piled up
    try {
        r.throw_if_failed();
        FAIL("throw_if_failed did not throw");
    } catch (const verrou::Error& e) {
        CHECK(e.code() == code);
        CHECK(std::string(e.message()) == f->message);
    }
    return f->message;
}

std::string run(const std::string& command) {
    std::unique_ptr<FILE, int (*)(FILE*)> pipe(::popen(command.c_str(), "r"), ::pclose);
    REQUIRE(pipe);
    std::string out;
    std::array<char, 512> buf{};
    while (std::fgets(buf.data(), static_cast<int>(buf.size()), pipe.get())) out += buf.data();
    while (!out.empty() && (out.back() == '\n' || out.back() == '\r')) out.pop_back();
    return out;
}

// "sha256 Fingerprint=AB:CD:..." → "ABCD..."
std::string openssl_field(const std::string& cert, const std::string& args) {
    std::string line = run("openssl x509 -in '" + cert + "' -noout " + args + " 2>/dev/null");
    const auto eq = line.find('=');
    REQUIRE(eq != std::string::npos);
    return line.substr(eq + 1);
}

std::string openssl_sha256(const std::string& cert) {
    std::string fp = openssl_field(cert, "-fingerprint -sha256");
    fp.erase(std::remove(fp.begin(), fp.end(), ':'), fp.end());
    return fp;
}

// openssl's "2027-11-22 07:26:36Z" → ISO 8601 "2027-11-22T07:26:36Z".
std::string openssl_iso_date(const std::string& cert, const std::string& which) {
    std::string d = openssl_field(cert, "-" + which + " -dateopt iso_8601");
    std::replace(d.begin(), d.end(), ' ', 'T');
    return d;
}

std::string read_text(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

// A private temporary directory, removed with its files.
struct TempDir {
    std::string path;
    TempDir() {
        std::string tmpl = "/tmp/verrou-cert-test-XXXXXX";
        REQUIRE(::mkdtemp(tmpl.data()) != nullptr);
        path = tmpl;
    }
    ~TempDir() { std::system(("rm -rf '" + path + "'").c_str()); }
    std::string write(const std::string& name, const std::string& content, mode_t mode = 0600) const {
        const std::string file = path + "/" + name;
        std::ofstream(file, std::ios::binary) << content;
        ::chmod(file.c_str(), mode);
        return file;
    }
};

}  // namespace

TEST_CASE("certificate: good dev certificate passes every check") {
    const Profile p = dev_profile();
    const ValidationReport r = validate_tls_material(p);
    INFO(dump(r));
    CHECK(r.ok());
    CHECK(r.first_failure() == nullptr);
    CHECK(r.warnings().empty());
    CHECK(r.cert_path == p.tls.cert);
    CHECK(r.key_path == p.tls.key);
    CHECK_FALSE(r.using_next_certificate);
    REQUIRE(r.client);
    CHECK(r.client->common_name == "app_user-dev");
    CHECK(r.client->subject == "/CN=app_user-dev");
    CHECK(r.client->issuer == "/CN=verrou test CA dev");
    CHECK_FALSE(r.client->is_ca);
    CHECK(r.client->days_left >= 363);
    REQUIRE(r.ca);
    CHECK(r.ca->is_ca);
    for (const char* check : {"files", "ca", "client_cert", "key", "key_match", "validity", "chain",
                              "environment_guard", "permissions"}) {
        INFO(check);
        CHECK(find_check(r, check, CheckStatus::Ok) != nullptr);
    }
    r.throw_if_failed();  // must not throw
}

TEST_CASE("certificate: inspect_certificate agrees with the openssl CLI") {
    const std::string crt = pki("dev/app_user.crt");
    const verrou::CertificateInfo info = verrou::inspect_certificate(crt);
    CHECK(info.path == crt);
    CHECK(info.sha256_fingerprint == openssl_sha256(crt));
    CHECK(info.serial_hex == openssl_field(crt, "-serial"));
    CHECK(info.subject == openssl_field(crt, "-subject -nameopt compat"));
    CHECK(info.issuer == openssl_field(crt, "-issuer -nameopt compat"));
    CHECK(info.not_after == openssl_iso_date(crt, "enddate"));
    CHECK(info.not_before == openssl_iso_date(crt, "startdate"));
    CHECK(info.seconds_until_valid == 0);

    const auto server = verrou::inspect_certificate(pki("dev/server.crt"));
    CHECK(server.common_name == "localhost");
    CHECK(server.subject_alt_names == std::vector<std::string>{"DNS:localhost", "IP:127.0.0.1"});

    const auto skewed = verrou::inspect_certificate(pki("dev/skewed.crt"));
    CHECK(skewed.seconds_until_valid > 2 * 3600);
    CHECK(skewed.seconds_until_valid <= 3 * 3600);

    CHECK_THROWS_WITH_AS(verrou::inspect_certificate(pki("dev/nope.crt")), doctest::Contains("nope.crt"),
                         verrou::Error);
    try {
        verrou::inspect_certificate(pki("dev/app_user.key"));
        FAIL("a key is not a certificate");
    } catch (const verrou::Error& e) {
        CHECK(e.code() == Code::CertParse);
        CHECK(contains(std::string(e.message()), "swapped"));
    }
    try {
        verrou::inspect_certificate(pki("dev/nope.crt"));
    } catch (const verrou::Error& e) {
        CHECK(e.code() == Code::CertFileMissing);
    }
}

TEST_CASE("certificate: expired client certificate names the date and how long ago") {
    const Profile p = dev_profile("expired");
    const ValidationReport r = validate_tls_material(p);
    const std::string msg = expect_single_failure(r, Code::CertExpired, "validity");
    CHECK(contains(msg, p.tls.cert));
    CHECK(contains(msg, "expired on " + openssl_iso_date(p.tls.cert, "enddate")));
    CHECK(contains(msg, "(10 days ago)"));
    REQUIRE(r.client);
    CHECK(r.client->days_left == -10);
    // Still chains and matches: only the date is wrong.
    CHECK(find_check(r, "chain", CheckStatus::Ok) != nullptr);
    CHECK(find_check(r, "key_match", CheckStatus::Ok) != nullptr);
}

TEST_CASE("certificate: not yet valid certificate (30 days ahead) is not blamed on the clock") {
    const ValidationReport r = validate_tls_material(dev_profile("notyetvalid"));
    const std::string msg = expect_single_failure(r, Code::CertNotYetValid, "validity");
    CHECK(contains(msg, "not valid before " + openssl_iso_date(pki("dev/notyetvalid.crt"), "startdate")));
    CHECK((contains(msg, "in 29 days") || contains(msg, "in 30 days")));
    CHECK_FALSE(contains(msg, "clock"));
}

TEST_CASE("certificate: skewed certificate (3 hours ahead) points at a clock problem") {
    const ValidationReport r = validate_tls_material(dev_profile("skewed"));
    const std::string msg = expect_single_failure(r, Code::CertNotYetValid, "validity");
    CHECK(contains(msg, "clock"));
    CHECK(contains(msg, "hour"));
    CHECK(contains(msg, "less than a day"));
}

TEST_CASE("certificate: expiring certificate is a warning with about 10 days left") {
    const Profile p = dev_profile("expiring");
    const ValidationReport r = validate_tls_material(p);
    INFO(dump(r));
    CHECK(r.ok());
    const CheckFinding* w = find_check(r, "validity", CheckStatus::Warning);
    REQUIRE(w != nullptr);
    CHECK(w->code == Code::CertExpired);
    CHECK(contains(w->message, "expires on " + openssl_iso_date(p.tls.cert, "enddate")));
    CHECK((contains(w->message, "in 9 days") || contains(w->message, "in 10 days")));
    REQUIRE(r.client);
    CHECK((r.client->days_left == 9 || r.client->days_left == 10));
    const auto warnings = r.warnings();
    REQUIRE(warnings.size() == 1);
    CHECK(warnings[0].code == "cert_expiring");
    CHECK(warnings[0].message == w->message);

    Profile quiet = p;
    quiet.tls.expiry_warning_days = 5;  // outside a 5-day window
    CHECK(validate_tls_material(quiet).warnings().empty());
}

TEST_CASE("certificate: foreign CA certificate is untrusted, naming both CAs") {
    Profile p = dev_profile();
    p.tls.cert = pki("foreign/app_user.crt");
    p.tls.key = pki("foreign/app_user.key");
    const ValidationReport r = validate_tls_material(p);
    const std::string msg = expect_single_failure(r, Code::CertUntrusted, "chain");
    CHECK(contains(msg, "issued by '/CN=verrou test CA foreign'"));
    CHECK(contains(msg, "/CN=verrou test CA dev"));
    CHECK(contains(msg, p.tls.cert));
    CHECK(contains(msg, p.tls.ca));
}

TEST_CASE("certificate: cross-environment certificate trips the environment guard") {
    const ValidationReport r = validate_tls_material(dev_profile("crossenv"));
    const std::string msg = expect_single_failure(r, Code::CertEnvironmentGuard, "environment_guard");
    CHECK(contains(msg, "certificate CN 'app_user-prod' but environment 'dev' expects 'app_user-dev'"));
    CHECK(contains(msg, "environment 'prod'"));
    CHECK(find_check(r, "chain", CheckStatus::Ok) != nullptr);  // the dev CA did sign it

    Profile unguarded = dev_profile("crossenv");
    unguarded.tls.expected_cert_cn.clear();
    CHECK(validate_tls_material(unguarded).ok());
}

TEST_CASE("certificate: revoked certificate is found on the CA's CRL") {
    Profile p = dev_profile("revoked");
    p.tls.crl = pki("dev/crl.pem");
    const ValidationReport r = validate_tls_material(p);
    const std::string msg = expect_single_failure(r, Code::CertRevoked, "crl");
    CHECK(contains(msg, "was revoked on 20"));
    CHECK(contains(msg, "keyCompromise"));
    CHECK(contains(msg, openssl_field(p.tls.cert, "-serial")));

    // Without a CRL the revoked certificate cannot be recognised locally.
    p.tls.crl.clear();
    CHECK(validate_tls_material(p).ok());

    // The good certificate is not on the CRL.
    Profile good = dev_profile();
    good.tls.crl = pki("dev/crl.pem");
    const ValidationReport g = validate_tls_material(good);
    INFO(dump(g));
    CHECK(g.ok());
    CHECK(find_check(g, "crl", CheckStatus::Ok) != nullptr);
}

TEST_CASE("certificate: a CRL that does not parse or is not from the CA is CERT_CRL") {
    TempDir tmp;
    Profile p = dev_profile();
    p.tls.crl = tmp.write("garbage.pem", "not a CRL\n", 0644);
    const std::string msg = expect_single_failure(validate_tls_material(p), Code::CertCrl, "crl");
    CHECK(contains(msg, "ssl_crl"));
    CHECK(contains(msg, p.tls.crl));

    // The dev CRL judged against the foreign CA: signed by someone else.
    Profile foreign = dev_profile();
    foreign.tls.ca = pki("foreign/ca.crt");
    foreign.tls.cert = pki("foreign/app_user.crt");
    foreign.tls.key = pki("foreign/app_user.key");
    foreign.tls.crl = pki("dev/crl.pem");
    const std::string msg2 = expect_single_failure(validate_tls_material(foreign), Code::CertCrl, "crl");
    CHECK(contains(msg2, "not signed by the CA"));
}

TEST_CASE("certificate: key that does not belong to the certificate") {
    Profile p = dev_profile();
    p.tls.key = pki("dev/mismatch.key");
    const std::string msg = expect_single_failure(validate_tls_material(p), Code::CertKeyMismatch, "key_match");
    CHECK(contains(msg, p.tls.key));
    CHECK(contains(msg, p.tls.cert));
}

TEST_CASE("certificate: encrypted key without passphrase is refused, never prompted for") {
    const ValidationReport r = validate_tls_material(dev_profile("encrypted"));
    const std::string msg = expect_single_failure(r, Code::CertKeyEncrypted, "passphrase");
    CHECK(contains(msg, pki("dev/encrypted.key")));
    CHECK(contains(msg, "is encrypted"));
    CHECK(contains(msg, "ssl_key_passphrase_file"));
    // Key-dependent checks are skipped, certificate checks still run.
    CHECK(find_check(r, "key_match", CheckStatus::Ok) == nullptr);
    CHECK(find_check(r, "chain", CheckStatus::Ok) != nullptr);
}

TEST_CASE("certificate: encrypted key validation writes no prompt to a terminal") {
    // Give the validation a controlling terminal (a pty) so OpenSSL's default callback, if it
    // were ever used, would print "Enter PEM pass phrase:" there and wait for input.
    const Profile p = dev_profile("encrypted");
    int master = -1;
    const pid_t pid = ::forkpty(&master, nullptr, nullptr, nullptr);
    REQUIRE(pid >= 0);
    if (pid == 0) {
        const ValidationReport r = validate_tls_material(p);
        const CheckFinding* f = r.first_failure();
        ::_exit(f != nullptr && f->code == Code::CertKeyEncrypted ? 0 : 1);
    }
    std::string terminal_output;
    int status = -1;
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
    while (std::chrono::steady_clock::now() < deadline) {
        pollfd pfd{master, POLLIN, 0};
        if (::poll(&pfd, 1, 100) > 0 && (pfd.revents & POLLIN)) {
            char buf[256];
            const ssize_t n = ::read(master, buf, sizeof buf);
            if (n > 0) terminal_output.append(buf, static_cast<std::size_t>(n));
        }
        if (::waitpid(pid, &status, WNOHANG) == pid) break;
        status = -1;
    }
    if (status == -1) {
        ::kill(pid, SIGKILL);
        ::waitpid(pid, &status, 0);
        ::close(master);
        FAIL("validation of an encrypted key hung (waiting for a passphrase?); terminal: " << terminal_output);
    }
    ::close(master);
    CHECK(WIFEXITED(status));
    CHECK(WEXITSTATUS(status) == 0);
    CHECK_FALSE(contains(terminal_output, "pass phrase"));
    CHECK(terminal_output.empty());
}

TEST_CASE("certificate: encrypted key with its passphrase file validates, passphrase never shown") {
    Profile p = dev_profile("encrypted");
    p.tls.key_passphrase = file_ref(pki("dev/encrypted.pass"));
    const ValidationReport r = validate_tls_material(p);
    INFO(dump(r));
    CHECK(r.ok());
    const CheckFinding* f = find_check(r, "passphrase", CheckStatus::Ok);
    REQUIRE(f != nullptr);
    CHECK(contains(f->message, "encrypted.pass"));
    const std::string passphrase = read_text(pki("dev/encrypted.pass"));
    REQUIRE(passphrase.size() >= 16);
    for (const auto& finding : r.findings) CHECK_FALSE(contains(finding.message, passphrase));
    CHECK_FALSE(contains(verrou::validation_report_to_json(r), passphrase));
}

TEST_CASE("certificate: encrypted key with a wrong passphrase is CERT_KEY_PASSPHRASE") {
    TempDir tmp;
    const std::string wrong = "definitely-not-the-passphrase-4711";
    Profile p = dev_profile("encrypted");
    p.tls.key_passphrase = file_ref(tmp.write("wrong.pass", wrong + "\n"));
    const ValidationReport r = validate_tls_material(p);
    const std::string msg = expect_single_failure(r, Code::CertKeyPassphrase, "passphrase");
    CHECK(contains(msg, "wrong.pass"));
    CHECK(contains(msg, pki("dev/encrypted.key")));
    for (const auto& f : r.findings) CHECK_FALSE(contains(f.message, wrong));
    CHECK_FALSE(contains(verrou::validation_report_to_json(r), wrong));
}

TEST_CASE("certificate: unresolvable passphrase reference is a secret-layer finding") {
    Profile p = dev_profile("encrypted");
    p.tls.key_passphrase.kind = verrou::SecretRef::Kind::Env;
    p.tls.key_passphrase.target = "VERROU_TEST_SURELY_UNSET_PASSPHRASE_VAR";
    ::unsetenv(p.tls.key_passphrase.target.c_str());
    const ValidationReport r = validate_tls_material(p);
    INFO(dump(r));
    const CheckFinding* f = r.first_failure();
    REQUIRE(f != nullptr);
    CHECK(f->check == "passphrase");
    CHECK(f->code == Code::SecretEnvMissing);
    CHECK(verrou::layer_of(f->code) == verrou::Layer::Secret);
    CHECK(contains(f->message, "VERROU_TEST_SURELY_UNSET_PASSPHRASE_VAR"));
}

TEST_CASE("certificate: loose key permissions warn, and fail under strict_permissions") {
    Profile p = dev_profile("loose");
    const ValidationReport r = validate_tls_material(p);
    INFO(dump(r));
    CHECK(r.ok());
    const CheckFinding* w = find_check(r, "permissions", CheckStatus::Warning);
    REQUIRE(w != nullptr);
    CHECK(w->code == Code::CertPermissions);
    CHECK(contains(w->message, "0644"));
    CHECK(contains(w->message, "chmod 600 " + p.tls.key));
    REQUIRE(r.warnings().size() == 1);
    CHECK(r.warnings()[0].code == "key_permissions");

    p.tls.strict_permissions = true;
    const std::string msg = expect_single_failure(validate_tls_material(p), Code::CertPermissions, "permissions");
    CHECK(contains(msg, "strict_permissions"));
}

TEST_CASE("certificate: CA pin, right and wrong") {
    Profile p = dev_profile();
    const std::string fp = openssl_sha256(p.tls.ca);
    REQUIRE(fp.size() == 64);
    p.tls.ca_fingerprint = fp;
    const ValidationReport r = validate_tls_material(p);
    INFO(dump(r));
    CHECK(r.ok());
    CHECK(find_check(r, "ca_pin", CheckStatus::Ok) != nullptr);
    REQUIRE(r.ca);
    CHECK(r.ca->sha256_fingerprint == fp);

    p.tls.ca_fingerprint = std::string(64, '0');
    const std::string msg = expect_single_failure(validate_tls_material(p), Code::CertPinMismatch, "ca_pin");
    CHECK(contains(msg, fp));
    CHECK(contains(msg, std::string(64, '0')));

    // The prod CA under the dev pin: the CA file was swapped.
    p.tls.ca_fingerprint = fp;
    p.tls.ca = pki("prod/ca.crt");
    const ValidationReport swapped = validate_tls_material(p);
    INFO(dump(swapped));
    REQUIRE(swapped.first_failure() != nullptr);
    CHECK(swapped.first_failure()->code == Code::CertPinMismatch);
}

TEST_CASE("certificate: missing files name the profile key and the path") {
    Profile p = dev_profile();
    p.tls.cert = pki("dev/does-not-exist.crt");
    const std::string msg = expect_single_failure(validate_tls_material(p), Code::CertFileMissing, "files");
    CHECK(contains(msg, "ssl_cert"));
    CHECK(contains(msg, p.tls.cert));

    Profile no_ca = dev_profile();
    no_ca.tls.ca = pki("dev/no-ca-here.crt");
    const ValidationReport r = validate_tls_material(no_ca);
    const std::string ca_msg = expect_single_failure(r, Code::CertFileMissing, "files");
    CHECK(contains(ca_msg, "ssl_ca"));
    CHECK(find_check(r, "chain", CheckStatus::Ok) == nullptr);  // skipped without a CA

    Profile no_key = dev_profile();
    no_key.tls.key = pki("dev/gone.key");
    CHECK(contains(expect_single_failure(validate_tls_material(no_key), Code::CertFileMissing, "files"), "ssl_key"));
}

TEST_CASE("certificate: swapped ssl_cert and ssl_key are recognised") {
    Profile p = dev_profile();
    std::swap(p.tls.cert, p.tls.key);
    const ValidationReport r = validate_tls_material(p);
    INFO(dump(r));
    REQUIRE(r.first_failure() != nullptr);
    CHECK(r.first_failure()->code == Code::CertParse);
    CHECK(contains(r.first_failure()->message, "swapped"));
}

TEST_CASE("certificate: rollover uses the next certificate when the current one is expiring") {
    Profile p = dev_profile("expiring");
    p.tls.cert_next = pki("dev/next.crt");
    p.tls.key_next = pki("dev/next.key");
    const ValidationReport r = validate_tls_material(p);
    INFO(dump(r));
    CHECK(r.ok());
    CHECK(r.using_next_certificate);
    CHECK(r.cert_path == p.tls.cert_next);
    CHECK(r.key_path == p.tls.key_next);
    REQUIRE(r.client);
    CHECK(r.client->sha256_fingerprint == openssl_sha256(p.tls.cert_next));
    const CheckFinding* f = find_check(r, "rollover", CheckStatus::Ok);
    REQUIRE(f != nullptr);
    CHECK(contains(f->message, "using ssl_cert_next " + p.tls.cert_next));
    CHECK(contains(f->message, "expires on"));
    CHECK(r.warnings().empty());  // the expiring certificate is no longer presented

    // Expired current certificate: same decision.
    Profile expired = dev_profile("expired");
    expired.tls.cert_next = p.tls.cert_next;
    expired.tls.key_next = p.tls.key_next;
    const ValidationReport e = validate_tls_material(expired);
    INFO(dump(e));
    CHECK(e.ok());
    CHECK(e.using_next_certificate);
}

TEST_CASE("certificate: rollover keeps a healthy current certificate") {
    Profile p = dev_profile();
    p.tls.cert_next = pki("dev/next.crt");
    p.tls.key_next = pki("dev/next.key");
    const ValidationReport r = validate_tls_material(p);
    INFO(dump(r));
    CHECK(r.ok());
    CHECK_FALSE(r.using_next_certificate);
    CHECK(r.cert_path == p.tls.cert);
    CHECK(r.key_path == p.tls.key);
    const CheckFinding* f = find_check(r, "rollover", CheckStatus::Ok);
    REQUIRE(f != nullptr);
    CHECK(contains(f->message, "is ready"));
}

TEST_CASE("certificate: rollover refuses a broken next certificate and says why") {
    Profile p = dev_profile("expiring");
    p.tls.cert_next = pki("dev/next.crt");
    p.tls.key_next = pki("dev/mismatch.key");
    const ValidationReport r = validate_tls_material(p);
    INFO(dump(r));
    CHECK(r.ok());  // the current one still works, for 10 more days
    CHECK_FALSE(r.using_next_certificate);
    CHECK(r.cert_path == p.tls.cert);
    const CheckFinding* f = find_check(r, "rollover", CheckStatus::Warning);
    REQUIRE(f != nullptr);
    CHECK(f->code == Code::CertKeyMismatch);
    CHECK(contains(f->message, "cannot take over"));
    CHECK(r.warnings().size() == 2);  // expiring + rollover
}

TEST_CASE("certificate: JSON rendering of the validation report") {
    Profile p = dev_profile("expiring");
    const auto j = nlohmann::json::parse(verrou::validation_report_to_json(validate_tls_material(p)));
    CHECK(j["ok"] == true);
    CHECK(j["cert_path"] == p.tls.cert);
    CHECK(j["using_next_certificate"] == false);
    CHECK(j["client"]["common_name"] == "app_user-dev");
    CHECK(j["ca"]["is_ca"] == true);
    bool saw_warning = false;
    for (const auto& f : j["findings"]) {
        if (f["check"] == "validity") {
            CHECK(f["status"] == "WARNING");
            CHECK(f["code_name"] == "CERT_EXPIRED");
            CHECK(f["layer"] == "CERTIFICATE");
            saw_warning = true;
        }
    }
    CHECK(saw_warning);

    const auto failed = nlohmann::json::parse(verrou::validation_report_to_json(validate_tls_material(dev_profile("expired"))));
    CHECK(failed["ok"] == false);
}

TEST_CASE("certificate: check_status_name") {
    CHECK(verrou::check_status_name(CheckStatus::Ok) == "OK");
    CHECK(verrou::check_status_name(CheckStatus::Warning) == "WARNING");
    CHECK(verrou::check_status_name(CheckStatus::Failed) == "FAILED");
}
