// profile_to_json: what `verrou profile show` prints and support tickets quote. Secrets
// appear only as their reference; an inline value is masked.
#include <nlohmann/json.hpp>

#include "verrou/profile.hpp"

namespace verrou {

namespace {

nlohmann::ordered_json ref_json(const SecretRef& ref) {
    switch (ref.kind) {
        case SecretRef::Kind::None: return nullptr;
        case SecretRef::Kind::File: return "file:" + ref.target;
        case SecretRef::Kind::Env: return "env:" + ref.target;
        case SecretRef::Kind::DockerSecret: return "secret:" + ref.target;
        case SecretRef::Kind::Inline: return "inline:***";
    }
    return nullptr;
}

nlohmann::ordered_json null_if_empty(const std::string& s) {
    return s.empty() ? nlohmann::ordered_json(nullptr) : nlohmann::ordered_json(s);
}

}  // namespace

std::string profile_to_json(const Profile& p) {
    nlohmann::ordered_json j;
    j["source_file"] = p.source_file;
    j["environment"] = p.environment;
    j["host"] = p.host;
    j["port"] = p.port;
    j["user"] = p.user;
    j["database"] = null_if_empty(p.database);
    j["connect_timeout"] = p.connect_timeout_seconds;
    j["read_timeout"] = p.read_timeout_seconds;
    j["reconnect"] = p.reconnect;
    j["password"] = ref_json(p.password);
    const TlsSettings& t = p.tls;
    nlohmann::ordered_json tls;
    tls["ssl_ca"] = t.ca;
    tls["ssl_cert"] = t.cert;
    tls["ssl_key"] = t.key;
    tls["ssl_key_passphrase"] = ref_json(t.key_passphrase);
    tls["ssl_crl"] = null_if_empty(t.crl);
    tls["ssl_cipher"] = null_if_empty(t.cipher);
    tls["tls_version"] = std::string(tls_version_name(t.min_version));
    tls["ssl_mode"] = std::string(ssl_mode_name(t.mode));
    tls["allow_unverified_server"] = t.allow_unverified_server;
    tls["expected_cert_cn"] = t.expected_cert_cn;
    tls["ca_fingerprint"] = null_if_empty(t.ca_fingerprint);
    tls["server_fingerprint"] = null_if_empty(t.server_fingerprint);
    tls["strict_permissions"] = t.strict_permissions;
    tls["expiry_warning_days"] = t.expiry_warning_days;
    tls["ssl_cert_next"] = null_if_empty(t.cert_next);
    tls["ssl_key_next"] = null_if_empty(t.key_next);
    j["tls"] = std::move(tls);
    const LoginSettings& l = p.login;
    j["login"] = {{"users_table", l.users_table},
                  {"user_column", l.user_column},
                  {"hash_column", l.hash_column},
                  {"legacy_salt_column", null_if_empty(l.legacy_salt_column)},
                  {"legacy_hash_column", null_if_empty(l.legacy_hash_column)},
                  {"guard_table", l.guard_table},
                  {"max_failures_per_account", l.max_failures_per_account},
                  {"backoff_initial_seconds", l.backoff_initial_seconds},
                  {"backoff_max_seconds", l.backoff_max_seconds},
                  {"lockout_after", l.lockout_after},
                  {"lockout_seconds", l.lockout_seconds},
                  {"max_failures_per_source", l.max_failures_per_source},
                  {"source_window_seconds", l.source_window_seconds}};
    nlohmann::ordered_json warnings = nlohmann::ordered_json::array();
    for (const Warning& w : p.warnings) warnings.push_back({{"code", w.code}, {"message", w.message}});
    j["warnings"] = std::move(warnings);
    // Replace rather than throw on invalid UTF-8 in paths: this output is for humans.
    return j.dump(2, ' ', false, nlohmann::ordered_json::error_handler_t::replace);
}

}  // namespace verrou
