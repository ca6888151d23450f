// Findings and the words they use: CheckFinding constructors, durations ("9 days").
#include "tls/checks.hpp"

#include <algorithm>

namespace verrou::validator_detail {

// ---- small text helpers -----------------------------------------------------------------

std::string plural(long long n, std::string_view unit) {
    return std::to_string(n) + " " + std::string(unit) + (n == 1 || n == -1 ? "" : "s");
}

// "9 days", "2 hours 59 minutes", "42 seconds" for an absolute number of seconds.
std::string human_duration(long long seconds) {
    if (seconds < 0) seconds = -seconds;
    if (seconds >= kDay) return plural(seconds / kDay, "day");
    if (seconds >= 3600) {
        const long long minutes = (seconds % 3600) / 60;
        return plural(seconds / 3600, "hour") + (minutes ? " " + plural(minutes, "minute") : "");
    }
    if (seconds >= 60) return plural(seconds / 60, "minute");
    return plural(seconds, "second");
}

std::string with_openssl_reason(std::string message) {
    const std::string reason = tls::last_openssl_error();
    if (!reason.empty()) message += " (" + reason + ")";
    return message;
}

// ---- findings ---------------------------------------------------------------------------

CheckFinding finding(std::string_view check, CheckStatus status, Code code, std::string message) {
    CheckFinding f;
    f.check = std::string(check);
    f.status = status;
    f.code = code;
    f.message = std::move(message);
    return f;
}

CheckFinding ok(std::string_view check, std::string message) {
    return finding(check, CheckStatus::Ok, Code::Ok, std::move(message));
}

CheckFinding failed(std::string_view check, Code code, std::string message) {
    return finding(check, CheckStatus::Failed, code, std::move(message));
}

bool any_failed(const std::vector<CheckFinding>& findings) {
    return std::any_of(findings.begin(), findings.end(),
                       [](const CheckFinding& f) { return f.status == CheckStatus::Failed; });
}

const CheckFinding* first_failed(const std::vector<CheckFinding>& findings) {
    for (const auto& f : findings)
        if (f.status == CheckStatus::Failed) return &f;
    return nullptr;
}

}  // namespace verrou::validator_detail
