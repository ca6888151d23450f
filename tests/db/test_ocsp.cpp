// Revocation by OCSP of the server certificate (src/ocsp, docs/ocsp.md), against a real
// mariadbd of the test's own (tests/db/private_server.hpp) and a responder of its own
// (tests/db/ocsp_responder.hpp, written with the `cryptography` package). "No login packet"
// is proved with the server's general log: a refused check leaves no Connect of app_user.
#include <doctest/doctest.h>

#include <chrono>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <string>

#include "bed_profile.hpp"
#include "ocsp/ocsp.hpp"
#include "ocsp_responder.hpp"
#include "private_server.hpp"
#include "verrou/certificate.hpp"
#include "verrou/connection.hpp"
#include "verrou/doctor.hpp"

using namespace verrou;
using verrou::test::free_of_secrets;
using verrou::test::OcspResponder;
using verrou::test::PrivateServer;

namespace {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

bool has(const std::string& text, const std::string& words) { return text.find(words) != std::string::npos; }

template <typename F>
Error failure_of(F&& call) {
    try {
        call();
    } catch (const Error& e) {
        CHECK_MESSAGE(free_of_secrets(e.what()), "secret in message: ", e.what());
        return e;
    }
    FAIL("the connection succeeded although it must be refused");
    return Error(Code::Internal, "unreachable");
}

bool has_warning(const ConnectionInfo& info, const std::string& code) {
    for (const auto& w : info.warnings) {
        if (w.code == code) return true;
    }
    return false;
}

/// A private server whose certificate files live in a folder of the test's own, so the test can
/// swap them (FLUSH SSL) between a check and a connect; its general log goes to a table.
struct OcspServer {
    std::string dir;
    std::unique_ptr<PrivateServer> server;

    explicit OcspServer(const std::string& name) {
        const auto& bed = verrou::test::Testbed::get();
        dir = bed.dir() + "/ocsp-server-" + name;
        fs::remove_all(dir);
        fs::create_directories(dir);
        use("dev/server");
        server = std::make_unique<PrivateServer>(name, dir + "/server.crt", dir + "/server.key");
        server->root_sql("SET GLOBAL log_output = 'TABLE'; SET GLOBAL general_log = ON;");
    }
    /// Copies the bed's `cert` (e.g. "dev/server-alt") over the served files.
    void use(const std::string& cert) {
        const auto& bed = verrou::test::Testbed::get();
        fs::copy_file(bed.pki(cert + ".crt"), dir + "/server.crt", fs::copy_options::overwrite_existing);
        fs::copy_file(bed.pki(cert + ".key"), dir + "/server.key", fs::copy_options::overwrite_existing);
        fs::permissions(dir + "/server.key", fs::perms::owner_read | fs::perms::owner_write);
    }
    /// Serves `cert` from now on (FLUSH SSL re-reads the files).
    void swap_to(const std::string& cert) {
        use(cert);
        server->root_sql("FLUSH SSL;");
    }
    /// Logins of app_user the server has seen (successful or not).
    int logins() {
        std::string out = server->root_sql(
            "SELECT COUNT(*) FROM mysql.general_log WHERE command_type = 'Connect' AND argument LIKE 'app_user@%';");
        return std::stoi(out);
    }
    Profile profile(const OcspResponder& responder, OcspMode mode) const {
        Profile p = server->profile();
        p.tls.ocsp = mode;
        p.tls.ocsp_url = responder.url();
        p.tls.ocsp_timeout_ms = 2000;
        return p;
    }
};

std::string serial_of(const std::string& cert) {
    return inspect_certificate(verrou::test::Testbed::get().pki(cert + ".crt")).serial_hex;
}

}  // namespace

TEST_CASE("ocsp: the server certificate is checked before the login, good answers are cached") {
    OcspResponder responder("a");
    OcspServer srv("ocspa");
    ocsp::clear_caches();
    const Profile hard = srv.profile(responder, OcspMode::Hard);
    const std::string serial = serial_of("dev/server");

    // Good: connects; the next connects use the cached answer (no second request, no probe).
    {
        Connection c = Connection::open(hard);
        CHECK(c.query("SELECT 1").rows.at(0).at(0) == "1");
        CHECK_FALSE(has_warning(c.info(), "ocsp_unavailable"));
    }
    CHECK(responder.requests() == 1);
    for (int i = 0; i < 3; ++i) Connection::open(hard);
    CHECK(responder.requests() == 1);
    int logins = srv.logins();
    CHECK(logins == 4);

    // ocsp_cache_seconds = 0: every connect asks.
    {
        Profile no_cache = hard;
        no_cache.tls.ocsp_cache_seconds = 0;
        Connection::open(no_cache);
        Connection::open(no_cache);
        CHECK(responder.requests() == 3);
        logins += 2;
    }

    // Revoked: refused with the date and reason, before any login packet (soft refuses too).
    responder.state(R"({"revoked": {")" + serial + R"(": "key_compromise"}})");
    for (OcspMode mode : {OcspMode::Hard, OcspMode::Soft, OcspMode::Auto}) {
        CAPTURE(ocsp_mode_name(mode));
        ocsp::clear_caches();
        const Error e = failure_of([&] { Connection::open(srv.profile(responder, mode)); });
        CHECK(e.code() == Code::CertRevoked);
        CHECK(has(e.what(), "server certificate '/CN=localhost' (serial " + serial + ") was revoked on "));
        CHECK(has(e.what(), "keyCompromise"));
        CHECK(has(e.what(), responder.url()));
    }
    CHECK(srv.logins() == logins);

    // Answers that cannot be used: refused under hard, a warning under soft.
    struct Case {
        const char* what;
        std::string state;
        const char* words;
    };
    const auto& bed = verrou::test::Testbed::get();
    const Case cases[] = {
        {"unknown", R"({"unknown": [")" + serial + R"("]})", "status is unknown"},
        {"stale", R"({"mode": "stale"})", "is stale"},
        {"another certificate", R"({"mode": "other"})", "is about another certificate"},
        {"unrelated signer", R"({"signer_cert": ")" + bed.pki("foreign/ocsp-responder.crt") +
                                 R"(", "signer_key": ")" + bed.pki("foreign/ocsp-responder.key") + R"("})",
         "is not signed by the profile's CA"},
        {"HTTP error", R"({"mode": "http500"})", "HTTP error"},
        {"tryLater", R"({"mode": "trylater"})", "trylater"},
    };
    for (const Case& c : cases) {
        CAPTURE(c.what);
        responder.state(c.state);
        ocsp::clear_caches();
        const int before = responder.requests();
        const Error e = failure_of([&] { Connection::open(hard); });
        CHECK((e.code() == Code::CertOcspInvalid || e.code() == Code::CertOcspUnavailable));
        CHECK(has(e.what(), c.words));
        CHECK(has(e.what(), "(serial " + serial + ")"));
        CHECK(responder.requests() == before + 1);
        CHECK(srv.logins() == logins);

        ocsp::clear_caches();
        Connection soft = Connection::open(srv.profile(responder, OcspMode::Soft));
        ++logins;
        CHECK(has_warning(soft.info(), "ocsp_unavailable"));
    }
    // A bad answer is never cached: the next connect asks again.
    responder.state("{}");
    const int before = responder.requests();
    Connection::open(hard);
    CHECK(responder.requests() == before + 1);
}

TEST_CASE("ocsp: responder down or too slow: soft warns and connects, hard refuses before the login") {
    OcspResponder responder("b");
    OcspServer srv("ocspb");
    int logins = srv.logins();

    // Down: a port where nothing listens.
    Profile down = srv.profile(responder, OcspMode::Hard);
    {
        OcspResponder gone("b-gone");
        down.tls.ocsp_url = gone.url();
    }
    ocsp::clear_caches();
    Error e = failure_of([&] { Connection::open(down); });
    CHECK(e.code() == Code::CertOcspUnavailable);
    CHECK(has(e.what(), "no answer from OCSP responder " + down.tls.ocsp_url));
    CHECK(srv.logins() == logins);
    down.tls.ocsp = OcspMode::Soft;
    {
        Connection c = Connection::open(down);
        ++logins;
        CHECK(has_warning(c.info(), "ocsp_unavailable"));
    }
    CHECK(srv.logins() == logins);

    // Slow: the responder sleeps 6 s, the profile waits 500 ms for the whole exchange.
    responder.state(R"({"mode": "sleep", "sleep_seconds": 6})");
    Profile slow = srv.profile(responder, OcspMode::Hard);
    slow.tls.ocsp_timeout_ms = 500;
    ocsp::clear_caches();
    const auto start = Clock::now();
    e = failure_of([&] { Connection::open(slow); });
    const auto elapsed = Clock::now() - start;
    CHECK(e.code() == Code::CertOcspUnavailable);
    CHECK(has(e.what(), "500 ms (ocsp_timeout_ms)"));
    CHECK(elapsed < std::chrono::seconds(5));  // generous: the point is "not 6 s"
    CHECK(srv.logins() == logins);
    slow.tls.ocsp = OcspMode::Soft;
    Connection c = Connection::open(slow);
    CHECK(has_warning(c.info(), "ocsp_unavailable"));
}

TEST_CASE("ocsp: a server certificate swapped after the check is checked again before any login") {
    OcspResponder responder("c");
    OcspServer srv("ocspc");
    ocsp::clear_caches();
    const Profile hard = srv.profile(responder, OcspMode::Hard);
    Connection::open(hard);
    CHECK(responder.requests() == 1);
    int logins = srv.logins();
    CHECK(logins == 1);

    // The server now presents dev/server-alt, revoked: the cached pin refuses it at the TLS
    // handshake, the new certificate is checked, and refused — no login packet at all.
    const std::string alt = serial_of("dev/server-alt");
    responder.state(R"({"revoked": {")" + alt + R"(": "superseded"}})");
    srv.swap_to("dev/server-alt");
    const Error e = failure_of([&] { Connection::open(hard); });
    CHECK(e.code() == Code::CertRevoked);
    CHECK(has(e.what(), "(serial " + alt + ")"));
    CHECK(responder.requests() == 2);
    CHECK(srv.logins() == logins);

    // Good again: the new certificate is checked and used.
    responder.state("{}");
    Connection c = Connection::open(hard);
    REQUIRE(c.info().server_certificate.has_value());
    CHECK(c.info().server_certificate->serial_hex == alt);
    CHECK(responder.requests() == 3);
    CHECK(srv.logins() == logins + 1);
}

TEST_CASE("ocsp: ocsp absent from the profile leaves a certificate without a responder alone") {
    // dev/server names no responder: no request, no pin, no warning (the other tests of the
    // suite connect like this).
    OcspResponder responder("d");
    Profile p = verrou::test::bed_profile();
    ocsp::clear_caches();
    Connection c = Connection::open(p);
    CHECK_FALSE(has_warning(c.info(), "ocsp_unavailable"));
    CHECK(responder.requests() == 0);
    // ocsp = hard without a responder anywhere: refused, naming the certificate.
    p.tls.ocsp = OcspMode::Hard;
    const Error e = failure_of([&] { Connection::open(p); });
    CHECK(e.code() == Code::CertOcspUnavailable);
    CHECK(has(e.what(), "names no OCSP responder"));
}

TEST_CASE("ocsp: the client certificate's status in the doctor and cert check (validate_tls_material_online)") {
    OcspResponder responder("e");
    Profile p = verrou::test::bed_profile();
    p.tls.ocsp_url = responder.url();  // ocsp absent + a responder named: soft
    const std::string serial = serial_of("dev/app_user");
    const auto ocsp_finding = [](const ValidationReport& v) -> const CheckFinding* {
        for (const auto& f : v.findings) {
            if (f.check == "ocsp") return &f;
        }
        return nullptr;
    };

    ocsp::clear_caches();
    ValidationReport v = validate_tls_material_online(p);
    const CheckFinding* f = ocsp_finding(v);
    REQUIRE(f != nullptr);
    CHECK(f->status == CheckStatus::Ok);
    CHECK(has(f->message, "(serial " + serial + ") is good according to OCSP responder " + responder.url()));
    CHECK(has(f->message, "answer valid from "));
    CHECK(responder.requests() == 1);

    // Revoked: FAILED in the report, the doctor stops at the certificates step.
    responder.state(R"({"revoked": {")" + serial + R"(": "key_compromise"}})");
    ocsp::clear_caches();
    v = validate_tls_material_online(p);
    f = ocsp_finding(v);
    REQUIRE(f != nullptr);
    CHECK(f->status == CheckStatus::Failed);
    CHECK(f->code == Code::CertRevoked);
    CHECK(has(f->message, "was revoked on "));
    ocsp::clear_caches();
    const DoctorReport d = run_doctor(p);
    REQUIRE(d.step("certificates") != nullptr);
    CHECK(d.step("certificates")->status == DoctorStatus::Failed);
    CHECK(d.step("certificates")->code == Code::CertRevoked);
    CHECK(d.stopped_at == "certificates");

    // No answer: a warning under soft, a failure under hard.
    {
        OcspResponder gone("e-gone");
        p.tls.ocsp_url = gone.url();
    }
    v = validate_tls_material_online(p);
    f = ocsp_finding(v);
    REQUIRE(f != nullptr);
    CHECK(f->status == CheckStatus::Warning);
    CHECK(f->code == Code::CertOcspUnavailable);
    bool warned = false;
    for (const auto& w : v.warnings()) warned = warned || w.code == "ocsp_unavailable";
    CHECK(warned);
    p.tls.ocsp = OcspMode::Hard;
    v = validate_tls_material_online(p);
    f = ocsp_finding(v);
    REQUIRE(f != nullptr);
    CHECK(f->status == CheckStatus::Failed);

    // off, or absent without a responder: no finding, no request.
    p.tls.ocsp = OcspMode::Off;
    CHECK(ocsp_finding(validate_tls_material_online(p)) == nullptr);
    p.tls.ocsp = OcspMode::Auto;
    p.tls.ocsp_url.clear();
    CHECK(ocsp_finding(validate_tls_material_online(p)) == nullptr);
}

namespace {

const DoctorRevocation* revocation_entry(const DoctorReport& d, const std::string& certificate,
                                         const std::string& source) {
    for (const auto& e : d.revocation) {
        if (e.certificate == certificate && e.source == source) return &e;
    }
    return nullptr;
}

}  // namespace

TEST_CASE("ocsp: the doctor's revocation step — each certificate's sources, answers and windows, and a "
          "revoked server stops it before the login") {
    OcspResponder responder("f");
    OcspServer srv("ocspf");
    Profile p = srv.profile(responder, OcspMode::Soft);
    REQUIRE_FALSE(p.tls.crl.empty());  // the bed's profile names the dev CRL: both sources apply
    ocsp::clear_caches();

    DoctorReport d = run_doctor(p);
    const DoctorStep* s = d.step("revocation");
    REQUIRE(s != nullptr);
    CHECK_MESSAGE(s->status == DoctorStatus::Ok, s->message);
    CHECK(s->message == "server certificate good (CRL, OCSP); client certificate good (CRL, OCSP)");
    REQUIRE(d.revocation.size() == 4);
    const DoctorRevocation* server_ocsp = revocation_entry(d, "server", "ocsp");
    REQUIRE(server_ocsp != nullptr);
    CHECK(server_ocsp->answer == "good");
    CHECK(server_ocsp->serial == serial_of("dev/server"));
    CHECK(server_ocsp->location == responder.url());
    CHECK_FALSE(server_ocsp->this_update.empty());
    CHECK_FALSE(server_ocsp->next_update.empty());
    const DoctorRevocation* client_ocsp = revocation_entry(d, "client", "ocsp");
    REQUIRE(client_ocsp != nullptr);
    CHECK(client_ocsp->answer == "good");
    CHECK(client_ocsp->cached);  // the certificates step asked first: one request, not two
    const DoctorRevocation* client_crl = revocation_entry(d, "client", "crl");
    REQUIRE(client_crl != nullptr);
    CHECK(client_crl->answer == "good");
    CHECK(client_crl->location == p.tls.crl);
    CHECK_FALSE(client_crl->next_update.empty());
    CHECK(d.step("auth")->status == DoctorStatus::Ok);
    const std::string text = doctor_report_to_text(d);
    CHECK(has(text, "Revocation: server certificate good"));
    CHECK(has(text, "OCSP " + responder.url() + ": good, answer valid from "));
    CHECK(has(text, "CRL " + p.tls.crl + ": good, CRL issued "));
    const auto json = nlohmann::json::parse(doctor_report_to_json(d));
    REQUIRE(json.at("revocation").size() == 4);
    CHECK(json["revocation"][0]["certificate"] == "server");
    CHECK(json["revocation"][0]["answer"] == "good");
    CHECK(json["revocation"][3]["cached"] == true);

    // The server's status unknown to the responder: a warning under soft, the login goes on...
    responder.state(R"({"unknown": [")" + serial_of("dev/server") + R"("]})");
    ocsp::clear_caches();
    d = run_doctor(p);
    CHECK(d.step("revocation")->status == DoctorStatus::Warning);
    CHECK(d.step("revocation")->code == Code::CertOcspInvalid);
    CHECK(has(d.step("revocation")->message, "ocsp = soft"));
    CHECK(d.step("auth")->status == DoctorStatus::Ok);
    // ...refused under hard, before it.
    const int logins = srv.logins();
    p.tls.ocsp = OcspMode::Hard;
    ocsp::clear_caches();
    d = run_doctor(p);
    CHECK(d.stopped_at == "revocation");
    CHECK(d.step("revocation")->code == Code::CertOcspInvalid);
    CHECK(d.step("auth")->status == DoctorStatus::Skipped);

    // Revoked: refused under any mode, before the login.
    p.tls.ocsp = OcspMode::Soft;
    responder.state(R"({"revoked": {")" + serial_of("dev/server") + R"(": "key_compromise"}})");
    ocsp::clear_caches();
    d = run_doctor(p);
    CHECK(d.stopped_at == "revocation");
    CHECK(d.step("revocation")->code == Code::CertRevoked);
    CHECK(has(d.step("revocation")->message, "was revoked on "));
    server_ocsp = revocation_entry(d, "server", "ocsp");
    REQUIRE(server_ocsp != nullptr);
    CHECK(server_ocsp->answer == "revoked");
    CHECK(d.step("auth")->status == DoctorStatus::Skipped);
    CHECK(srv.logins() == logins);
    CHECK(free_of_secrets(doctor_report_to_json(d)));

    // No source at all: said plainly, not a warning.
    p.tls.ocsp = OcspMode::Off;
    p.tls.crl.clear();
    d = run_doctor(p);
    CHECK(d.revocation.empty());
    CHECK(d.step("revocation")->status == DoctorStatus::Ok);
    CHECK(has(d.step("revocation")->message, "not checked"));
}
