// The text rendering of a DoctorReport (for terminals). Its JSON rendering, a contract
// (docs/doctor.md), is encoded with every other JSON document in json/output.cpp.
#include <string>

#include "verrou/doctor.hpp"

namespace verrou {

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
        // Details of OK steps are noise in a terminal except for the TLS chain, each host of a
        // list and what each revocation source said until when, which support wants every time.
        const bool show_details =
            s.status != DoctorStatus::Ok || s.name == "tls" || s.name == "hosts" || s.name == "revocation";
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
