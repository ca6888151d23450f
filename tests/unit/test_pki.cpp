// verrou::pki against the openssl CLI as an independent oracle: chains verify, names,
// SAN and EKU are right, keys are 0600 and never overwritten, a revoked certificate fails
// `openssl verify -crl_check`, and verrou's own validator accepts the issued material.
#include <doctest/doctest.h>

#include <algorithm>
#include <array>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <memory>
#include <string>

#include <fcntl.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <nlohmann/json.hpp>

#include "verrou/certificate.hpp"
#include "verrou/error.hpp"
#include "verrou/pki.hpp"

namespace fs = std::filesystem;

namespace {

struct TempDir {
    std::string dir;
    TempDir() {
        std::string t = (fs::temp_directory_path() / "verrou-pki-XXXXXX").string();
        REQUIRE(::mkdtemp(t.data()) != nullptr);
        dir = t;
    }
    ~TempDir() {
        std::error_code ec;
        fs::remove_all(dir, ec);
    }
};

struct Run {
    int status = -1;
    std::string out;
};

// Paths come from mkdtemp (no quotes or spaces), so plain shell quoting is enough.
Run sh(const std::string& cmd) {
    Run r;
    FILE* p = ::popen((cmd + " 2>&1").c_str(), "r");
    REQUIRE(p != nullptr);
    std::array<char, 4096> buf{};
    std::size_t n = 0;
    while ((n = std::fread(buf.data(), 1, buf.size(), p)) > 0) r.out.append(buf.data(), n);
    const int st = ::pclose(p);
    r.status = WIFEXITED(st) ? WEXITSTATUS(st) : -1;
    return r;
}

bool contains(const std::string& h, const std::string& n) { return h.find(n) != std::string::npos; }

struct ChildRun {
    int status = -1;  // exit code, or -signal when killed
    std::string out;
};

// Runs `body` in a child with no controlling terminal (setsid: /dev/tty cannot be opened),
// stdin from /dev/null and an alarm: a passphrase prompt there fails or is killed instead of
// hanging the suite. `body` writes its message and returns the exit code.
template <typename Body>
ChildRun run_without_tty(Body body, unsigned timeout_seconds) {
    int fds[2];
    REQUIRE(::pipe(fds) == 0);
    const pid_t pid = ::fork();
    REQUIRE(pid >= 0);
    if (pid == 0) {
        ::close(fds[0]);
        ::setsid();
        const int null_in = ::open("/dev/null", O_RDONLY);
        if (null_in >= 0) ::dup2(null_in, 0);
        ::alarm(timeout_seconds);
        std::string message;
        const int code = body(message);
        if (::write(fds[1], message.data(), message.size()) < 0) ::_exit(90);
        ::_exit(code);
    }
    ::close(fds[1]);
    ChildRun r;
    std::array<char, 4096> buf{};
    ssize_t n = 0;
    while ((n = ::read(fds[0], buf.data(), buf.size())) > 0) r.out.append(buf.data(), static_cast<std::size_t>(n));
    ::close(fds[0]);
    int st = 0;
    REQUIRE(::waitpid(pid, &st, 0) == pid);
    r.status = WIFEXITED(st) ? WEXITSTATUS(st) : WIFSIGNALED(st) ? -WTERMSIG(st) : -1;
    return r;
}

// The stock `openssl ocsp` without a network: a request for `cert` to a file, answered from the
// CA's index.txt and signed by the delegated responder, then verified against the CA. Returns
// what the last command printed ("<cert>: good" / "revoked" / "unknown", "Response verify OK").
std::string ask_stock_responder(const std::string& dir, const verrou::pki::Issued& ca,
                                const verrou::pki::Issued& responder, const std::string& cert) {
    const std::string req = dir + "/req.der", resp_der = dir + "/resp.der";
    return sh("openssl ocsp -no_nonce -issuer " + ca.cert_path + " -cert " + cert + " -reqout " + req +
              " && openssl ocsp -index " + dir + "/dev/index.txt -CA " + ca.cert_path + " -rsigner " +
              responder.cert_path + " -rkey " + responder.key_path + " -reqin " + req + " -respout " + resp_der +
              " && openssl ocsp -no_nonce -respin " + resp_der + " -issuer " + ca.cert_path + " -CAfile " +
              ca.cert_path + " -cert " + cert)
        .out;
}

mode_t mode_of(const std::string& path) {
    struct stat st {};
    REQUIRE(::stat(path.c_str(), &st) == 0);
    return st.st_mode & 0777;
}

}  // namespace

TEST_CASE("pki: init-ca, issue-server, issue-client verified by openssl") {
    TempDir t;
    const auto ca = verrou::pki::init_ca(t.dir, "recette");
    CHECK(ca.subject == "/CN=verrou recette CA");
    CHECK(mode_of(ca.key_path) == 0600);
    CHECK(mode_of(t.dir + "/recette") == 0700);
    CHECK(fs::exists(t.dir + "/recette/crl.pem"));

    const auto ca_text = sh("openssl x509 -noout -text -in " + ca.cert_path);
    CHECK(contains(ca_text.out, "CA:TRUE"));
    CHECK(contains(ca_text.out, "Certificate Sign, CRL Sign"));
    CHECK(contains(ca_text.out, "prime256v1"));
    CHECK(contains(ca_text.out, "ecdsa-with-SHA256"));

    const auto srv = verrou::pki::issue_server(t.dir, "recette", {"db.recette.local", "localhost"}, {"127.0.0.1"}, 90);
    CHECK(srv.subject == "/CN=db.recette.local");
    CHECK(mode_of(srv.key_path) == 0600);
    const auto srv_verify = sh("openssl verify -purpose sslserver -CAfile " + ca.cert_path + " " + srv.cert_path);
    CHECK_MESSAGE(srv_verify.status == 0, srv_verify.out);
    const auto srv_text = sh("openssl x509 -noout -text -in " + srv.cert_path);
    CHECK(contains(srv_text.out, "DNS:db.recette.local, DNS:localhost, IP Address:127.0.0.1"));
    CHECK(contains(srv_text.out, "TLS Web Server Authentication"));
    CHECK(contains(srv_text.out, "CA:FALSE"));
    CHECK(contains(sh("openssl x509 -noout -checkhost db.recette.local -in " + srv.cert_path).out, "does match"));
    // Key and certificate belong together.
    CHECK(sh("openssl pkey -pubout -in " + srv.key_path).out == sh("openssl x509 -pubkey -noout -in " + srv.cert_path).out);

    const auto cli = verrou::pki::issue_client(t.dir, "recette", "app_user", 365);
    CHECK(cli.subject == "/CN=app_user-recette");
    const auto cli_verify = sh("openssl verify -purpose sslclient -CAfile " + ca.cert_path + " " + cli.cert_path);
    CHECK_MESSAGE(cli_verify.status == 0, cli_verify.out);
    CHECK(sh("openssl verify -purpose sslserver -CAfile " + ca.cert_path + " " + cli.cert_path).status != 0);
    const auto cli_text = sh("openssl x509 -noout -text -in " + cli.cert_path);
    CHECK(contains(cli_text.out, "TLS Web Client Authentication"));

    // Validity window: --days is honoured.
    const auto info = verrou::inspect_certificate(cli.cert_path);
    CHECK(info.days_left >= 364);
    CHECK(info.days_left <= 365);
    CHECK(info.serial_hex == cli.serial_hex);
    CHECK(verrou::inspect_certificate(srv.cert_path).days_left <= 90);

    // A certificate from another environment's CA does not verify against this one.
    const auto other = verrou::pki::init_ca(t.dir, "dev");
    CHECK(sh("openssl verify -CAfile " + other.cert_path + " " + cli.cert_path).status != 0);
}

TEST_CASE("pki: verrou's validator accepts the issued client material for its environment") {
    TempDir t;
    const auto ca = verrou::pki::init_ca(t.dir, "prod");
    const auto cli = verrou::pki::issue_client(t.dir, "prod", "app_user");
    verrou::Profile p;
    p.environment = "prod";
    p.user = "app_user";
    p.host = "db.prod.local";
    p.tls.ca = ca.cert_path;
    p.tls.cert = cli.cert_path;
    p.tls.key = cli.key_path;
    p.tls.crl = t.dir + "/prod/crl.pem";
    p.tls.expected_cert_cn = "app_user-prod";
    p.tls.strict_permissions = true;
    const auto report = verrou::validate_tls_material(p);
    for (const auto& f : report.findings) INFO(f.check << ": " << f.message);
    CHECK(report.ok());
    CHECK(report.warnings().empty());

    verrou::pki::revoke_certificate(t.dir, "prod", cli.cert_path);
    const auto after = verrou::validate_tls_material(p);
    REQUIRE(after.first_failure() != nullptr);
    CHECK(after.first_failure()->code == verrou::Code::CertRevoked);
}

TEST_CASE("pki: revoke → CRL regenerated, openssl verify -crl_check fails for it only") {
    TempDir t;
    const auto ca = verrou::pki::init_ca(t.dir, "dev");
    const auto a = verrou::pki::issue_client(t.dir, "dev", "app_user");
    const auto b = verrou::pki::issue_client(t.dir, "dev", "backup_user");
    const std::string crl = t.dir + "/dev/crl.pem";
    const std::string check = "openssl verify -crl_check -CAfile " + ca.cert_path + " -CRLfile " + crl + " ";
    CHECK(sh(check + a.cert_path).status == 0);

    CHECK(verrou::pki::revoke_serial(t.dir, "dev", a.serial_hex) == crl);
    const auto revoked = sh(check + a.cert_path);
    CHECK(revoked.status != 0);
    CHECK(contains(revoked.out, "certificate revoked"));
    CHECK(sh(check + b.cert_path).status == 0);
    CHECK(sh("openssl crl -noout -CAfile " + ca.cert_path + " -in " + crl).status == 0);  // signature

    // By file, lower-case serial, twice: idempotent.
    verrou::pki::revoke_certificate(t.dir, "dev", b.cert_path);
    std::string lower = a.serial_hex;
    for (auto& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    verrou::pki::revoke_serial(t.dir, "dev", lower);
    CHECK(sh(check + b.cert_path).status != 0);
    const auto listing = sh("openssl crl -noout -text -in " + crl).out;
    CHECK(contains(listing, a.serial_hex));
    CHECK(contains(listing, b.serial_hex));

    CHECK_THROWS_AS(verrou::pki::revoke_serial(t.dir, "dev", "DEADBEEF"), verrou::Error);
}

TEST_CASE("pki: refuses to overwrite, leaves no temporary files, checks inputs") {
    TempDir t;
    verrou::pki::init_ca(t.dir, "dev");
    CHECK_THROWS_AS(verrou::pki::init_ca(t.dir, "dev"), verrou::Error);
    const auto first = verrou::pki::issue_client(t.dir, "dev", "app_user");
    const std::string before = sh("cat " + first.key_path).out;
    try {
        verrou::pki::issue_client(t.dir, "dev", "app_user");
        FAIL("overwrote an existing certificate");
    } catch (const verrou::Error& e) {
        CHECK(contains(std::string(e.message()), "refusing to overwrite"));
    }
    CHECK(sh("cat " + first.key_path).out == before);
    for (const auto& entry : fs::recursive_directory_iterator(t.dir)) {
        CHECK_MESSAGE(!contains(entry.path().filename().string(), ".tmp."), entry.path().string());
    }
    CHECK_THROWS_AS(verrou::pki::issue_client(t.dir, "dev", "../evil"), verrou::Error);
    CHECK_THROWS_AS(verrou::pki::issue_client(t.dir, "../x", "app_user"), verrou::Error);
    CHECK_THROWS_AS(verrou::pki::issue_server(t.dir, "dev", {}, {"not-an-ip"}), verrou::Error);
    CHECK_THROWS_AS(verrou::pki::issue_server(t.dir, "dev", {}, {}), verrou::Error);
    CHECK_THROWS_AS(verrou::pki::issue_client(t.dir, "nope", "app_user"), verrou::Error);  // no CA there
    CHECK_THROWS_AS(verrou::pki::issue_client(t.dir, "dev", "u2", 0), verrou::Error);
}

TEST_CASE("pki: an encrypted CA key is a clear error, never a passphrase prompt") {
    // PKCS#8 ("ENCRYPTED PRIVATE KEY") and the traditional form ("Proc-Type: 4,ENCRYPTED").
    for (const std::string encrypt : {"openssl pkey -aes256 -passout pass:x", "openssl ec -aes256 -passout pass:x"}) {
        CAPTURE(encrypt);
        TempDir t;
        const auto ca = verrou::pki::init_ca(t.dir, "dev");
        const auto enc = sh("(" + encrypt + " -in " + ca.key_path + " -out " + ca.key_path + ".enc && mv " +
                            ca.key_path + ".enc " + ca.key_path + ")");
        REQUIRE_MESSAGE(enc.status == 0, enc.out);
        REQUIRE(contains(sh("cat " + ca.key_path).out, "ENCRYPTED"));

        const auto r = run_without_tty(
            [&](std::string& message) {
                try {
                    verrou::pki::issue_client(t.dir, "dev", "app_user");
                    message = "issued a certificate with an encrypted CA key";
                    return 1;
                } catch (const verrou::Error& e) {
                    message = std::string(e.message());
                    return e.code() == verrou::Code::CertKeyEncrypted ? 0 : 2;
                } catch (...) {
                    return 3;
                }
            },
            20);
        CHECK_MESSAGE(r.status != -SIGALRM, "issue-client hung (waiting for a passphrase?)");
        CHECK_MESSAGE(r.status == 0, r.out);
        CHECK(contains(r.out, "CA key " + ca.key_path + " is encrypted"));
        CHECK(contains(r.out, "unencrypted CA key"));
        CHECK_FALSE(fs::exists(t.dir + "/dev/issued/app_user-dev.key"));
        CHECK_FALSE(fs::exists(t.dir + "/dev/issued/app_user-dev.crt"));
    }
}

TEST_CASE("pki: OCSP — AIA URL, delegated responder, index.txt that openssl ocsp answers from") {
    TempDir t;
    const auto ca = verrou::pki::init_ca(t.dir, "dev");
    const std::string url = "http://127.0.0.1:8888/ocsp";
    const auto cli = verrou::pki::issue_client(t.dir, "dev", "app_user", 365, url);
    const auto srv = verrou::pki::issue_server(t.dir, "dev", {"db.dev.local"}, {}, 90, url);
    const auto plain = verrou::pki::issue_client(t.dir, "dev", "no_aia");
    CHECK(sh("openssl x509 -noout -ocsp_uri -in " + cli.cert_path).out == url + "\n");
    CHECK(sh("openssl x509 -noout -ocsp_uri -in " + srv.cert_path).out == url + "\n");
    CHECK(sh("openssl x509 -noout -ocsp_uri -in " + plain.cert_path).out.empty());

    const auto resp = verrou::pki::issue_ocsp_responder(t.dir, "dev");
    CHECK(resp.cert_path == t.dir + "/dev/issued/ocsp-responder.crt");
    CHECK(resp.subject == "/CN=verrou dev OCSP responder");
    CHECK(mode_of(resp.key_path) == 0600);
    const auto resp_text = sh("openssl x509 -noout -text -in " + resp.cert_path).out;
    CHECK(contains(resp_text, "OCSP Signing"));
    CHECK(contains(resp_text, "OCSP No Check"));
    CHECK(contains(resp_text, "CA:FALSE"));
    CHECK(sh("openssl verify -CAfile " + ca.cert_path + " " + resp.cert_path).status == 0);
    CHECK(verrou::inspect_certificate(resp.cert_path).days_left <= 90);

    // index.txt: one V line per issued certificate, in `openssl ca` format.
    const std::string index = t.dir + "/dev/index.txt";
    const auto lines = sh("cat " + index).out;
    CHECK(std::count(lines.begin(), lines.end(), '\n') == 4);
    CHECK(contains(lines, "V\t"));
    CHECK(contains(lines, "\t\t" + cli.serial_hex + "\tunknown\t/CN=app_user-dev\n"));

    const auto ask = [&](const std::string& cert) { return ask_stock_responder(t.dir, ca, resp, cert); };
    const auto good = ask(cli.cert_path);
    CHECK_MESSAGE(contains(good, "Response verify OK"), good);
    CHECK_MESSAGE(contains(good, cli.cert_path + ": good"), good);

    verrou::pki::revoke_certificate(t.dir, "dev", cli.cert_path);
    CHECK(contains(sh("cat " + index).out, "R\t"));
    const auto revoked = ask(cli.cert_path);
    CHECK_MESSAGE(contains(revoked, cli.cert_path + ": revoked"), revoked);
    CHECK_MESSAGE(contains(revoked, "Response verify OK"), revoked);
    CHECK_MESSAGE(contains(ask(srv.cert_path), srv.cert_path + ": good"), "other certificates stay good");

    // A CA folder from before index.txt existed gets it back from `pki crl`.
    fs::remove(index);
    verrou::pki::generate_crl(t.dir, "dev");
    CHECK(contains(ask(cli.cert_path), cli.cert_path + ": revoked"));
}

// Random serials start with a zero nibble one time in eight; openssl lists and looks them up
// as whole bytes ("0A1B…"). Here the serial is chosen, so the case is met on every run.
TEST_CASE("pki: index.txt lists a serial with a leading zero nibble as openssl ocsp looks it up") {
    TempDir t;
    const auto ca = verrou::pki::init_ca(t.dir, "dev");
    const auto resp = verrou::pki::issue_ocsp_responder(t.dir, "dev");
    const std::string serial = "0A0102030405060708090A0B0C0D0E0F";
    const std::string key = t.dir + "/z.key", csr = t.dir + "/z.csr", cert = t.dir + "/z.crt";
    const auto made = sh("openssl req -new -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -subj /CN=zero-dev"
                         " -keyout " + key + " -out " + csr + " && openssl x509 -req -in " + csr + " -CA " +
                         ca.cert_path + " -CAkey " + ca.key_path + " -set_serial 0x" + serial +
                         " -days 30 -out " + cert);
    REQUIRE_MESSAGE(made.status == 0, made.out);
    const auto info = verrou::inspect_certificate(cert);
    REQUIRE(info.serial_hex == serial);

    // Recorded in index.json as verrou records what it issues, then index.txt derived from it.
    const std::string index_json = t.dir + "/dev/index.json";
    auto index = nlohmann::json::parse(std::ifstream(index_json));
    index["issued"].push_back(
        {{"serial", serial}, {"subject", "/CN=zero-dev"}, {"not_after", info.not_after}, {"cert", cert}});
    std::ofstream(index_json, std::ios::trunc) << index.dump();
    verrou::pki::generate_crl(t.dir, "dev");
    CHECK(contains(sh("cat " + t.dir + "/dev/index.txt").out, "\t\t" + serial + "\tunknown\t/CN=zero-dev\n"));

    const auto good = ask_stock_responder(t.dir, ca, resp, cert);
    CHECK_MESSAGE(contains(good, cert + ": good"), good);
    verrou::pki::revoke_serial(t.dir, "dev", "a0102030405060708090a0b0c0d0e0f");  // odd length, lower case
    const auto revoked = ask_stock_responder(t.dir, ca, resp, cert);
    CHECK_MESSAGE(contains(revoked, cert + ": revoked"), revoked);
}

TEST_CASE("pki: a bad --ocsp-url is refused before anything is written") {
    TempDir t;
    verrou::pki::init_ca(t.dir, "dev");
    for (const std::string bad : {"https://ocsp.example/", "http://", "http://a,b/", "http://a b/", "ftp://x/",
                                  "http://x/\x01"}) {
        CAPTURE(bad);
        try {
            verrou::pki::issue_client(t.dir, "dev", "app_user", 365, bad);
            FAIL("accepted");
        } catch (const verrou::Error& e) {
            CHECK(e.code() == verrou::Code::InvalidArgument);
            CHECK(contains(std::string(e.message()), "must be an http:// URL"));
        }
        CHECK_THROWS_AS(verrou::pki::issue_server(t.dir, "dev", {"db"}, {}, 90, bad), verrou::Error);
    }
    CHECK_FALSE(fs::exists(t.dir + "/dev/issued/app_user-dev.key"));
    CHECK_FALSE(fs::exists(t.dir + "/dev/issued/db.key"));
}
