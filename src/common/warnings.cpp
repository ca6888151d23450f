// The table of warning identifiers (verrou/profile.hpp, WarningCode).
#include "verrou/profile.hpp"

#include "platform/utf8.hpp"

namespace verrou {

std::string_view warning_name(WarningCode code) noexcept {
    switch (code) {
        case WarningCode::InlineSecret: return "inline_secret";
        case WarningCode::UnverifiedServer: return "unverified_server";
        case WarningCode::CertGuardDisabled: return "cert_guard_disabled";
        case WarningCode::CertExpiring: return "cert_expiring";
        case WarningCode::CaExpiring: return "ca_expiring";
        case WarningCode::CaNotACa: return "ca_not_a_ca";
        case WarningCode::KeyPermissions: return "key_permissions";
        case WarningCode::CrlStale: return "crl_stale";
        case WarningCode::RolloverNextUnusable: return "rollover_next_unusable";
        case WarningCode::NoClientCertificate: return "no_client_certificate";
        case WarningCode::ServerCertExpiring: return "server_cert_expiring";
        case WarningCode::Reconnected: return "reconnected";
        case WarningCode::HostSkipped: return "host_skipped";
        case WarningCode::OcspUnavailable: return "ocsp_unavailable";
    }
    return "warning";
}

Warning make_warning(WarningCode code, std::string message) {
    // Like Error's: a warning quoting a file name or a certificate field leaves the library too.
    if (!platform::is_valid_utf8(message)) message = platform::to_valid_utf8(message);
    return Warning{std::string(warning_name(code)), std::move(message)};
}

}  // namespace verrou
