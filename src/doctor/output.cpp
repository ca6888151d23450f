// The two renderings of a DoctorReport. JSON is a contract (docs/doctor.md): fields are only
// ever added, never renamed; "schema" says which revision a reader gets.
#include <nlohmann/json.hpp>

#include <string>

#include "verrou/doctor.hpp"

namespace verrou {

namespace {

using nlohmann::json;

json certificate_json(const CertificateInfo& c) {
    return json{{"path", c.path},
                {"subject", c.subject},
                {"common_name", c.common_name},
                {"issuer", c.issuer},
                {"subject_alt_names", c.subject_alt_names},
                {"not_before", c.not_before},
                {"not_after", c.not_after},
                {"days_left", c.days_left},
                {"seconds_until_valid", c.seconds_until_valid},
                {"sha256_fingerprint", c.sha256_fingerprint},
                {"serial", c.serial_hex},
                {"is_ca", c.is_ca}};
}

json step_json(const DoctorStep& s) {
    return json{{"step", s.name},
                {"title", s.title},
                {"status", std::string(doctor_status_name(s.status))},
                {"code", static_cast<int>(s.code)},
                {"code_name", std::string(code_name(s.code))},
                {"layer", s.code == Code::Ok ? std::string() : std::string(layer_name(layer_of(s.code)))},
                {"message", s.message},
                {"hint", s.hint},
                {"details", s.details}};
}

}  // namespace

std::string doctor_report_to_json(const DoctorReport& r) {
    json j;
    j["schema"] = 1;
    j["profile"] = r.profile_path;
    j["environment"] = r.environment;
    j["status"] = std::string(doctor_status_name(r.status()));
    j["exit_code"] = static_cast<int>(r.exit_code());
    j["stopped_at"] = r.stopped_at.empty() ? json(nullptr) : json(r.stopped_at);
    j["steps"] = json::array();
    for (const auto& s : r.steps) j["steps"].push_back(step_json(s));
    j["certificates"] = r.certificates ? json::parse(validation_report_to_json(*r.certificates)) : json(nullptr);
    if (r.server) {
        json chain = json::array();
        for (const auto& c : r.server->chain) chain.push_back(certificate_json(c));
        j["server"] = json{{"address", r.server->peer_address},
                           {"server_version", r.server->server_version},
                           {"tls_offered", r.server->tls_offered},
                           {"handshake_done", r.server->handshake_done},
                           {"tls_version", r.server->tls_version},
                           {"cipher", r.server->cipher},
                           {"verify_error", r.server->verify_error},
                           {"chain", chain}};
    } else {
        j["server"] = nullptr;
    }
    if (r.session) {
        j["session"] = json{{"current_user", r.session->current_user},
                            {"ssl_version", r.session->ssl_version},
                            {"ssl_cipher", r.session->ssl_cipher},
                            {"tls_version", r.session->tls_version},
                            {"cipher", r.session->cipher},
                            {"server_version", r.session->server_version},
                            {"using_next_certificate", r.session->using_next_certificate},
                            {"client_certificate", r.session->client_certificate
                                                       ? certificate_json(*r.session->client_certificate)
                                                       : json(nullptr)}};
    } else {
        j["session"] = nullptr;
    }
    // Invalid UTF-8 (a byte-garbage file name) must not make the doctor throw.
    return j.dump(2, ' ', false, json::error_handler_t::replace);
}

std::string doctor_report_to_text(const DoctorReport& r) {
    std::string out = "verrou doctor: profile " + r.profile_path +
                      (r.environment.empty() ? "" : ", environment " + r.environment) + "\n";
    int n = 0;
    for (const auto& s : r.steps) {
        ++n;
        std::string tag = "[" + std::string(doctor_status_name(s.status)) + "]";
        tag.resize(10, ' ');
        out += tag + std::to_string(n) + ". " + s.title;
        if (!s.message.empty()) out += ": " + s.message;
        if (s.code != Code::Ok) out += " [" + std::string(code_name(s.code)) + "]";
        out += "\n";
        // Details of OK steps are noise in a terminal except for the TLS chain and the
        // certificate choice, which support wants to see every time.
        const bool show_details = s.status != DoctorStatus::Ok || s.name == "tls";
        if (show_details) {
            for (const auto& d : s.details) {
                // A failed/warned step lists what went wrong; its passing sub-checks stay in --json.
                if (s.status != DoctorStatus::Ok && d.rfind("[OK] ", 0) == 0 && s.name == "certificates") continue;
                out += "            " + d + "\n";
            }
        }
        if (!s.hint.empty()) out += "          hint: " + s.hint + "\n";
    }
    static constexpr const char* kNames[] = {"OK", "WARNING", "CRITICAL", "UNKNOWN"};
    out += "Result: " + std::string(kNames[static_cast<int>(r.exit_code())]);
    if (!r.stopped_at.empty()) out += " (stopped at " + r.stopped_at + ")";
    out += "\n";
    return out;
}

}  // namespace verrou
