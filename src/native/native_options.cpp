// native/native_options.cpp — see include/verrou/native_options.hpp.
#include "verrou/native_options.hpp"

#include <nlohmann/json.hpp>

#include "db/validation_cache.hpp"
#include "verrou/error.hpp"

namespace verrou {

NativeOptions native_options(const Profile& profile) {
    // The very checks Connection::open runs before the network, through the same cache.
    const ValidationReport report = db::validate_cached(profile);
    report.throw_if_failed();

    NativeOptions o;
    o.server = profile.host;
    o.port = profile.port;
    o.user = profile.user;
    o.database = profile.database;
    o.ssl_ca = profile.tls.ca;
    // The pair a connect would present (the next one once a rollover is due).
    o.ssl_cert = report.cert_path.empty() ? profile.tls.cert : report.cert_path;
    o.ssl_key = report.key_path.empty() ? profile.tls.key : report.key_path;
    o.ssl_mode = std::string(ssl_mode_name(profile.tls.mode));
    o.ssl_crl = profile.tls.crl;
    o.tls_min_version = std::string(tls_version_name(profile.tls.min_version));
    o.using_next_certificate = report.using_next_certificate;
    o.password_configured = profile.password.present();
    if (o.password_configured) o.password_reference = profile.password.describe();
    o.key_passphrase_configured = profile.tls.key_passphrase.present();
    o.checks = report.findings;
    return o;
}

std::string native_options_to_json(const NativeOptions& o) {
    using nlohmann::json;
    json checks = json::array();
    for (const CheckFinding& f : o.checks) {
        checks.push_back({{"check", f.check},
                          {"status", std::string(check_status_name(f.status))},
                          {"code", static_cast<int>(f.code)},
                          {"code_name", std::string(code_name(f.code))},
                          {"message", f.message}});
    }
    const json j = {{"server", o.server},
                    {"port", o.port},
                    {"user", o.user},
                    {"database", o.database},
                    {"ssl_ca", o.ssl_ca},
                    {"ssl_cert", o.ssl_cert},
                    {"ssl_key", o.ssl_key},
                    {"ssl_mode", o.ssl_mode},
                    {"ssl_crl", o.ssl_crl},
                    {"tls_min_version", o.tls_min_version},
                    {"using_next_certificate", o.using_next_certificate},
                    {"password_configured", o.password_configured},
                    {"password_reference", o.password_reference},
                    {"key_passphrase_configured", o.key_passphrase_configured},
                    {"checks", checks}};
    // Paths and messages may carry bytes that are not UTF-8 (Linux file names): replace.
    return j.dump(2, ' ', false, json::error_handler_t::replace);
}

SecretBuffer native_password(const Profile& profile) {
    if (!profile.password.present()) {
        throw Error(Code::ConfigMissingKey, profile.source_file + " [" + profile.environment +
                                                "]: no password is configured (certificate-only account): "
                                                "there is no password to hand to the native access");
    }
    return resolve_secret(profile.password, "password of user '" + profile.user + "'");
}

}  // namespace verrou
