// native/native_options.cpp — see include/verrou/native_options.hpp.
#include "verrou/native_options.hpp"

#include "cluster/search.hpp"
#include "db/validation_cache.hpp"
#include "verrou/connection.hpp"
#include "verrou/error.hpp"

namespace verrou {

NativeOptions native_options(const Profile& profile) {
    // The very checks Connection::open runs before the network, through the same cache.
    const ValidationReport report = db::validate_cached(profile);
    report.throw_if_failed();

    NativeOptions o;
    o.server = profile.host;
    o.port = profile.port;
    if (cluster::needs_search(profile)) {
        // WinDev's native access connects to one server: give it the one a search reaches now
        // (a live node of the right role, per host_order and the back-off), not the first of
        // the list, which may be the dead one. The search's connection is closed at once.
        const Connection reached = Connection::open(profile);
        o.server = reached.info().host;
        o.port = reached.info().port;
    }
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

SecretBuffer native_password(const Profile& profile) {
    if (!profile.password.present()) {
        throw Error(Code::ConfigMissingKey, profile.source_file + " [" + profile.environment +
                                                "]: no password is configured (certificate-only account): "
                                                "there is no password to hand to the native access");
    }
    return resolve_secret(profile.password, "password of user '" + profile.user + "'");
}

}  // namespace verrou
