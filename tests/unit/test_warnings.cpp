// The warning identifiers are part of the JSON outputs (profile, connection info, cert check)
// and of what monitoring greps: one table, every code named, names distinct and unchanged.
#include <doctest/doctest.h>

#include <set>
#include <string>

#include "verrou/profile.hpp"

using namespace verrou;

TEST_CASE("warnings: every WarningCode has its own published identifier") {
    const std::pair<WarningCode, const char*> table[] = {
        {WarningCode::InlineSecret, "inline_secret"},
        {WarningCode::UnverifiedServer, "unverified_server"},
        {WarningCode::CertGuardDisabled, "cert_guard_disabled"},
        {WarningCode::CertExpiring, "cert_expiring"},
        {WarningCode::CaExpiring, "ca_expiring"},
        {WarningCode::CaNotACa, "ca_not_a_ca"},
        {WarningCode::KeyPermissions, "key_permissions"},
        {WarningCode::CrlStale, "crl_stale"},
        {WarningCode::RolloverNextUnusable, "rollover_next_unusable"},
        {WarningCode::NoClientCertificate, "no_client_certificate"},
        {WarningCode::ServerCertExpiring, "server_cert_expiring"},
        {WarningCode::Reconnected, "reconnected"},
        {WarningCode::HostSkipped, "host_skipped"},
        {WarningCode::OcspUnavailable, "ocsp_unavailable"},
    };
    std::set<std::string> seen;
    for (const auto& [code, name] : table) {
        CAPTURE(name);
        CHECK(warning_name(code) == name);
        CHECK(seen.insert(name).second);
        const Warning w = make_warning(code, "message");
        CHECK(w.code == name);
        CHECK(w.message == "message");
    }
    // The last enumerator is in the table above: a new WarningCode must be added there too.
    CHECK(static_cast<int>(WarningCode::OcspUnavailable) + 1 == static_cast<int>(std::size(table)));
}
