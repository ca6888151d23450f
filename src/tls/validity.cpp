// Certificate validity: notBefore / notAfter against now, and the expiry warning window.
#include "tls/checks.hpp"

#include <ctime>

#include "common/iso8601.hpp"

namespace verrou::validator_detail {

using tls::seconds_from_now;

Timing timing_of(X509* cert) {
    return {seconds_from_now(X509_get0_notAfter(cert)), seconds_from_now(X509_get0_notBefore(cert))};
}

// `label` is "client certificate", "CA certificate"...; `renew_hint` ends the warning.
CheckFinding validity_finding(std::string_view check, std::string_view label, const CertificateInfo& info,
                              const Timing& t, int warning_days, std::string_view renew_hint,
                              ValidityState& state) {
    const std::string who = std::string(label) + " " + info.path;
    if (t.seconds_until_valid > 0) {
        state.not_yet_valid = true;
        std::string message = who + " is not valid before " + info.not_before + " (in " +
                              human_duration(t.seconds_until_valid) + ")";
        if (t.seconds_until_valid < kDay) {
            // A certificate issued "in the future" by a few hours is almost always a clock
            // that is off, here or on the CA that signed it; waiting is not the fix.
            message += "; less than a day ahead, this is probably a clock problem: check the clock "
                       "of this machine (now " + iso8601(std::time(nullptr)) + ") or of the CA that issued it";
        }
        return failed(check, Code::CertNotYetValid, std::move(message));
    }
    if (t.seconds_left <= 0) {
        state.expired = true;
        return failed(check, Code::CertExpired,
                      who + " expired on " + info.not_after + " (" + human_duration(t.seconds_left) + " ago)");
    }
    if (warning_days > 0 && t.seconds_left < static_cast<long long>(warning_days) * kDay) {
        state.expiring = true;
        std::string message = who + " expires on " + info.not_after + " (in " +
                              human_duration(t.seconds_left) + ", inside the warning window of " +
                              plural(warning_days, "day") + ")";
        if (!renew_hint.empty()) message += "; " + std::string(renew_hint);
        return finding(check, CheckStatus::Warning, Code::CertExpired, std::move(message));
    }
    return ok(check, who + " is valid from " + info.not_before + " until " + info.not_after + " (" +
                         human_duration(t.seconds_left) + " left)");
}

}  // namespace verrou::validator_detail
