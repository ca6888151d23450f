// Resolver: neutral tree → typed Profile. Pure function of (file, environment, getenv):
// no shared state, so concurrent loads are safe.
#include "profile/resolver.hpp"
#include "profile/login_section.hpp"

#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <filesystem>
#include <set>

#include "platform/path.hpp"
#include "platform/utf8.hpp"
#include "tls/policy.hpp"
#include "verrou/error.hpp"
#include "verrou/profile.hpp"

namespace verrou {

namespace profile_detail {

namespace {

[[noreturn]] void fail(Code code, const Value& v, std::string_view key, const std::string& problem) {
    throw Error(code, where_prefix(v.where) + "key '" + std::string(key) + "': " + problem);
}

std::string known_names(const Tree& tree) {
    std::string names;
    for (const auto& [env, section] : tree.environments) names += (names.empty() ? "" : ", ") + env;
    return names.empty() ? std::string("none defined") : names;
}

bool is_windows_path(std::string_view s) {
    if (s.size() >= 2 && s[0] == '\\' && s[1] == '\\') return true;  // \\server\share
    return s.size() >= 2 && std::isalpha(static_cast<unsigned char>(s[0])) && s[1] == ':';  // C:\ C:/
}

std::string expand_vars(const Value& v, std::string_view key, const std::string& s) {
    std::string out;
    for (std::size_t i = 0; i < s.size(); ++i) {
        if (s[i] != '$' || i + 1 >= s.size()) {
            out += s[i];
            continue;
        }
        if (s[i + 1] == '$') {  // "$$" is a literal '$'
            out += '$';
            ++i;
            continue;
        }
        if (s[i + 1] != '{') {
            out += s[i];
            continue;
        }
        const auto close = s.find('}', i + 2);
        if (close == std::string::npos) fail(Code::ConfigInvalidValue, v, key, "'${' without a closing '}'");
        const std::string name = s.substr(i + 2, close - i - 2);
        if (name.empty()) fail(Code::ConfigInvalidValue, v, key, "empty variable name in '${}'");
        const char* value = std::getenv(name.c_str());
        if (!value) {
            fail(Code::ConfigInvalidValue, v, key,
                 "environment variable " + name + " (written ${" + name + "}) is not set");
        }
        out += value;
        i = close;
    }
    return out;
}

}  // namespace

std::string choose_environment_in(const Tree& tree, std::string_view requested) {
    std::string name;
    std::string origin;
    if (!requested.empty()) {
        name = std::string(requested);
        origin = "requested";
    } else if (const char* e = std::getenv("VERROU_ENV"); e && *e) {
        name = e;
        origin = "VERROU_ENV";
    } else if (auto it = tree.top.values.find("default_environment"); it != tree.top.values.end()) {
        name = it->second.text;
        origin = "default_environment";
    } else {
        throw Error(Code::ConfigUnknownEnvironment,
                    tree.file + ": no environment chosen: pass one, set VERROU_ENV or add "
                                "default_environment to the file (known: " + known_names(tree) + ")");
    }
    for (const auto& [env, section] : tree.environments) {
        if (env == name) return name;
    }
    std::vector<std::string_view> names;
    for (const auto& [env, section] : tree.environments) names.push_back(env);
    std::string msg = tree.file + ": unknown environment '" + name + "' (" + origin + "); known: " + known_names(tree);
    const std::string s = suggest_key(name, names);
    if (!s.empty()) msg += " (did you mean '" + s + "'?)";
    throw Error(Code::ConfigUnknownEnvironment, msg);
}

Section effective_section(const Tree& tree, const std::string& environment) {
    const Section* env = nullptr;
    for (const auto& [name, section] : tree.environments) {
        if (name == environment) env = &section;
    }
    if (!env) throw Error(Code::ConfigUnknownEnvironment, tree.file + ": unknown environment '" + environment + "'");
    Section out = env->clone();
    std::set<std::string> overridden;
    for (const auto& [key, value] : env->values) {
        const std::string g = group_of(key);
        if (!g.empty()) overridden.insert(g);
    }
    for (const auto& [key, value] : tree.defaults.values) {
        const std::string g = group_of(key);
        if (!g.empty() && overridden.count(g)) continue;
        if (!out.values.contains(key)) out.values.emplace(key, value.clone());  // the environment's own value wins
    }
    return out;
}

std::string resolve_text(const Tree& tree, const Value& v, std::string_view key, KeyType type) {
    std::string s = read_string(v, key);
    if (type != KeyType::Text && type != KeyType::Path) return s;
    s = expand_vars(v, key, s);
    if (type == KeyType::Text) return s;
    if (s.empty()) fail(Code::ConfigInvalidValue, v, key, "path is empty");
#ifdef _WIN32
    // Windows names files in UTF-16: bytes that are not UTF-8 name no file (platform/path.hpp).
    if (!platform::is_valid_utf8(s)) fail(Code::ConfigInvalidValue, v, key, "path is not valid UTF-8");
#endif
    if (is_windows_path(s)) return s;  // verbatim: no joining, backslashes untouched
    namespace fs = std::filesystem;
    if (s[0] == '~') {
        if (s.size() > 1 && s[1] != '/') {
            fail(Code::ConfigInvalidValue, v, key, "'~user' paths are not supported; write ~/... or a full path");
        }
        const char* home = std::getenv("HOME");
        if (!home || !*home) fail(Code::ConfigInvalidValue, v, key, "path starts with ~ but HOME is not set");
        s = std::string(home) + s.substr(1);
    }
    fs::path p = platform::fs_path(s);
    if (p.is_relative()) p = platform::fs_path(tree.file).parent_path() / p;
    return platform::path_utf8(p.lexically_normal());
}

SecretRef secret_ref_from(const Tree& tree, const Section& section, std::string_view file_key,
                          std::string_view env_key, std::string_view secret_key,
                          std::string_view inline_key) {
    SecretRef ref;
    auto find = [&](std::string_view k) -> const Value* {
        if (k.empty()) return nullptr;
        auto it = section.values.find(std::string(k));
        return it == section.values.end() ? nullptr : &it->second;
    };
    if (const Value* v = find(file_key)) {
        ref.kind = SecretRef::Kind::File;
        ref.target = resolve_text(tree, *v, file_key, KeyType::Path);
    } else if (const Value* e = find(env_key)) {
        ref.kind = SecretRef::Kind::Env;
        ref.target = e->text;
    } else if (const Value* d = find(secret_key)) {
        ref.kind = SecretRef::Kind::DockerSecret;
        ref.target = d->text;
    } else if (const Value* i = find(inline_key)) {
        ref.kind = SecretRef::Kind::Inline;
        ref.inline_value = SecretBuffer(i->text);
    }
    return ref;
}

namespace {

struct Resolver {
    const Tree& tree;
    const Section& section;
    const std::string& env;
    Profile& profile;

    const Value* find(std::string_view key) const {
        auto it = section.values.find(std::string(key));
        return it == section.values.end() ? nullptr : &it->second;
    }

    [[noreturn]] void missing(std::string_view key) const {
        const bool ini = tree.format == Format::Ini;
        throw Error(Code::ConfigMissingKey,
                    where_prefix(section.where) + "environment '" + env + "' has no '" + std::string(key) +
                        "' (required; set it in " + (ini ? "[env." + env + "] or [defaults]"
                                                          : "/environments/" + env + " or /defaults") + ")");
    }

    std::string text(std::string_view key, bool required, KeyType type = KeyType::Text) const {
        const Value* v = find(key);
        if (!v) {
            if (required) missing(key);
            return {};
        }
        std::string s = resolve_text(tree, *v, key, type);
        if (required && s.empty()) fail(Code::ConfigInvalidValue, *v, key, "value is empty after expansion");
        return s;
    }

    std::string fingerprint(std::string_view key) const {
        const Value* v = find(key);
        if (!v) return {};
        const std::string raw = resolve_text(tree, *v, key, KeyType::Text);
        std::string hex;
        for (char c : raw) {
            if (c == ':') continue;
            if (!std::isxdigit(static_cast<unsigned char>(c))) {
                fail(Code::ConfigInvalidValue, *v, key,
                     std::string("'") + c + "' is not a hex digit; expected a SHA-256 fingerprint "
                     "(64 hex digits, colons allowed)");
            }
            hex += static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
        }
        if (hex.size() != 64) {
            fail(Code::ConfigInvalidValue, *v, key,
                 "a SHA-256 fingerprint has 64 hex digits, got " + std::to_string(hex.size()) +
                     " (SHA-1 fingerprints are not accepted)");
        }
        return hex;
    }

    /// ssl_cipher: each name checked against OpenSSL (tls/policy.hpp), once: the Profile keeps
    /// the checked list in its policy, so libmariadb and the probe only ever see names OpenSSL
    /// accepted.
    tls::CipherList cipher_list(const Value& v, TlsVersion min_version) const {
        const std::string raw = resolve_text(tree, v, "ssl_cipher", KeyType::Text);
        tls::CipherListCheck check = tls::check_cipher_list(raw, min_version);
        if (check.ok()) return std::move(check.list);
        std::string problem = check.problem;
        if (check.unknown) {
            const auto& known = tls::known_cipher_names();
            const std::vector<std::string_view> names(known.begin(), known.end());
            const std::string s = suggest_key(check.bad_name, names);
            if (!s.empty()) problem += " (did you mean '" + s + "'?)";
        }
        fail(check.failure, v, "ssl_cipher", problem);
    }

    int integer(std::string_view key, int fallback) const {
        const Value* v = find(key);
        return v ? static_cast<int>(read_integer(*v, key)) : fallback;
    }

    bool boolean(std::string_view key, bool fallback) const {
        const Value* v = find(key);
        return v ? read_bool(*v, key) : fallback;
    }

    static std::string upper(std::string s) {
        for (char& c : s) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
        return s;
    }

    void read_pool() {
        PoolSettings& p = profile.pool;
        p.min_idle = integer("pool.min_idle", p.min_idle);
        p.max_size = integer("pool.max_size", p.max_size);
        p.acquire_timeout_ms = integer("pool.acquire_timeout_ms", p.acquire_timeout_ms);
        p.idle_check_seconds = integer("pool.idle_check_seconds", p.idle_check_seconds);
        p.max_lifetime_seconds = integer("pool.max_lifetime_seconds", p.max_lifetime_seconds);
        p.max_idle_seconds = integer("pool.max_idle_seconds", p.max_idle_seconds);
        if (p.min_idle > p.max_size) {
            const Value* v = find("pool.min_idle");
            fail(Code::ConfigInvalidValue, *v, "pool.min_idle",
                 std::to_string(p.min_idle) + " is more than pool.max_size (" + std::to_string(p.max_size) + ")");
        }
    }

    /// host: one server or a list (INI "a:3306, b", JSON also ["a:3306", "b"]); port per entry,
    /// else `port`. Profile::host / port are the first entry.
    void read_hosts() {
        const Value* v = find("host");
        if (!v) missing("host");
        const auto port = static_cast<std::uint16_t>(integer("port", 3306));
        if (v->kind == ValueKind::Array) {
            for (const Value& item : v->items) {
                const std::string s = expand_vars(item, "host", read_string(item, "host"));
                std::vector<HostPort> one = parse_host_list(s, port, where_prefix(item.where));
                for (HostPort& hp : one) {
                    if (std::find(profile.hosts.begin(), profile.hosts.end(), hp) != profile.hosts.end()) {
                        fail(Code::ConfigInvalidValue, item, "host", "'" + hp.text() + "' is listed twice");
                    }
                    profile.hosts.push_back(std::move(hp));
                }
            }
        } else {
            const std::string s = resolve_text(tree, *v, "host", KeyType::Text);
            if (s.empty()) fail(Code::ConfigInvalidValue, *v, "host", "value is empty after expansion");
            profile.hosts = parse_host_list(s, port, where_prefix(v->where));
        }
        profile.host = profile.hosts.front().host;
        profile.port = profile.hosts.front().port;

        if (const Value* o = find("host_order")) {
            const std::string s = resolve_text(tree, *o, "host_order", KeyType::Text);
            if (s == "in_order") profile.host_order = HostOrder::InOrder;
            else if (s == "random") profile.host_order = HostOrder::Random;
            else fail(Code::ConfigInvalidValue, *o, "host_order", "'" + s + "' is not an order; use in_order (default) or random");
        }
        if (const Value* t = find("target")) {
            const std::string s = resolve_text(tree, *t, "target", KeyType::Text);
            if (s == "any") profile.target = Target::Any;
            else if (s == "writable") profile.target = Target::Writable;
            else if (s == "read_only") profile.target = Target::ReadOnly;
            else fail(Code::ConfigInvalidValue, *t, "target", "'" + s + "' is not a target; use any (default), writable or read_only");
        }
        profile.failover_timeout_seconds = integer("failover_timeout_seconds", profile.failover_timeout_seconds);
        profile.host_backoff_seconds = integer("host_backoff_seconds", profile.host_backoff_seconds);
    }

    void run() {
        profile.source_file = tree.file;
        profile.environment = env;
        read_hosts();
        profile.user = text("user", true);
        profile.database = text("database", false);
        profile.connect_timeout_seconds = integer("connect_timeout", 10);
        profile.read_timeout_seconds = integer("read_timeout", 30);
        profile.reconnect = boolean("reconnect", false);
        read_pool();

        profile.password = secret_ref_from(tree, section, "password_file", "password_env", "password_secret", "password");
        if (profile.password.kind == SecretRef::Kind::Inline) {
            profile.warnings.push_back(make_warning(
                WarningCode::InlineSecret, where_prefix(find("password")->where) +
                                      "the password is written in the profile file; prefer password_file, "
                                      "password_env or password_secret"));
        }

        TlsSettings& tls = profile.tls;
        tls.ca = text("ssl_ca", true, KeyType::Path);
        tls.cert = text("ssl_cert", true, KeyType::Path);
        tls.key = text("ssl_key", true, KeyType::Path);
        tls.key_passphrase = secret_ref_from(tree, section, "ssl_key_passphrase_file", "ssl_key_passphrase_env",
                                             "ssl_key_passphrase_secret", {});
        tls.crl = text("ssl_crl", false, KeyType::Path);
        tls.cert_next = text("ssl_cert_next", false, KeyType::Path);
        tls.key_next = text("ssl_key_next", false, KeyType::Path);
        if (tls.cert_next.empty() != tls.key_next.empty()) {
            missing(tls.cert_next.empty() ? "ssl_cert_next" : "ssl_key_next");
        }

        if (const Value* v = find("tls_version")) {
            const std::string s = upper(resolve_text(tree, *v, "tls_version", KeyType::Text));
            if (s == "TLSV1.2") tls.min_version = TlsVersion::Tls12;
            else if (s == "TLSV1.3") tls.min_version = TlsVersion::Tls13;
            else {
                fail(Code::ConfigInvalidValue, *v, "tls_version",
                     "'" + as_text(v->text) + "' is not accepted; write TLSv1.2 or TLSv1.3 (the minimum version; "
                     "older protocols are never allowed)");
            }
        }

        tls::CipherList ciphers;
        if (const Value* v = find("ssl_cipher")) ciphers = cipher_list(*v, tls.min_version);
        tls.policy = std::make_shared<const tls::Policy>(tls.min_version, std::move(ciphers));
        tls.cipher = tls.policy->cipher_text();

        tls.allow_unverified_server = boolean("allow_unverified_server", false);
        if (const Value* v = find("ssl_mode")) {
            const std::string s = upper(resolve_text(tree, *v, "ssl_mode", KeyType::Text));
            if (s == "VERIFY_IDENTITY") tls.mode = SslMode::VerifyIdentity;
            else if (s == "VERIFY_CA") tls.mode = SslMode::VerifyCa;
            else if (s == "REQUIRED") tls.mode = SslMode::Required;
            else if (s == "DISABLED" || s == "PREFERRED") {
                fail(Code::ConfigUnsafe, *v, "ssl_mode",
                     s + (s == "DISABLED" ? " would send the login and all data in clear text"
                                          : " falls back to clear text when TLS fails") +
                         "; verrou has no plaintext mode. Use VERIFY_IDENTITY (the default) or VERIFY_CA");
            } else {
                fail(Code::ConfigInvalidValue, *v, "ssl_mode",
                     "'" + as_text(v->text) + "' is not a mode; use VERIFY_IDENTITY (default), VERIFY_CA or REQUIRED");
            }
            if (tls.mode == SslMode::Required) {
                if (!tls.allow_unverified_server) {
                    fail(Code::ConfigUnsafe, *v, "ssl_mode",
                         "REQUIRED encrypts but does not check who the server is; set "
                         "allow_unverified_server = true to accept that risk explicitly, or use VERIFY_IDENTITY");
                }
                profile.warnings.push_back(make_warning(
                    WarningCode::UnverifiedServer, where_prefix(v->where) +
                                              "ssl_mode = REQUIRED: the server's certificate is not verified "
                                              "(allowed by allow_unverified_server)"));
            }
        }

        if (const Value* v = find("expected_cert_cn")) {
            tls.expected_cert_cn = resolve_text(tree, *v, "expected_cert_cn", KeyType::Text);
            if (tls.expected_cert_cn.empty()) {
                profile.warnings.push_back(make_warning(WarningCode::CertGuardDisabled,
                                            where_prefix(v->where) +
                                                "expected_cert_cn is empty: the environment guard on the client "
                                                "certificate is disabled"));
            }
        } else {
            tls.expected_cert_cn = profile.user + "-" + env;
        }
        tls.ca_fingerprint = fingerprint("ca_fingerprint");
        tls.server_fingerprint = fingerprint("server_fingerprint");
        tls.strict_permissions = boolean("strict_permissions", false);
        tls.expiry_warning_days = integer("expiry_warning_days", 30);
        if (const Value* v = find("ocsp")) {
            const std::string s = upper(resolve_text(tree, *v, "ocsp", KeyType::Text));
            if (s == "OFF") tls.ocsp = OcspMode::Off;
            else if (s == "SOFT") tls.ocsp = OcspMode::Soft;
            else if (s == "HARD") tls.ocsp = OcspMode::Hard;
            else {
                fail(Code::ConfigInvalidValue, *v, "ocsp",
                     "'" + as_text(v->text) + "' is not accepted; write off, soft or hard (absent: soft when the "
                     "certificate names an OCSP responder, else off)");
            }
        }
        if (const Value* v = find("ocsp_url")) {
            tls.ocsp_url = resolve_text(tree, *v, "ocsp_url", KeyType::Text);
            if (tls.ocsp_url.rfind("http://", 0) != 0) {
                fail(Code::ConfigInvalidValue, *v, "ocsp_url",
                     "'" + as_text(v->text) + "' is not an http:// URL (OCSP is spoken over plain HTTP; the "
                     "answer itself is signed)");
            }
        }
        tls.ocsp_timeout_ms = integer("ocsp_timeout_ms", 2000);
        tls.ocsp_cache_seconds = integer("ocsp_cache_seconds", 3600);
    }
};

}  // namespace
}  // namespace profile_detail

std::string_view ocsp_mode_name(OcspMode mode) noexcept {
    switch (mode) {
        case OcspMode::Off: return "off";
        case OcspMode::Soft: return "soft";
        case OcspMode::Hard: return "hard";
        case OcspMode::Auto: break;
    }
    return "auto";
}

std::string_view ssl_mode_name(SslMode mode) noexcept {
    switch (mode) {
        case SslMode::VerifyIdentity: return "VERIFY_IDENTITY";
        case SslMode::VerifyCa: return "VERIFY_CA";
        case SslMode::Required: return "REQUIRED";
    }
    return "UNKNOWN";
}

std::string_view tls_version_name(TlsVersion v) noexcept {
    switch (v) {
        case TlsVersion::Tls12: return "TLSv1.2";
        case TlsVersion::Tls13: return "TLSv1.3";
    }
    return "UNKNOWN";
}

Profile load_profile(const std::string& path, std::string_view environment) {
    using namespace profile_detail;
    const Tree tree = load_tree(path);
    const std::string env = choose_environment_in(tree, environment);
    const Section section = effective_section(tree, env);
    Profile profile;
    Resolver{tree, section, env, profile}.run();
    profile.login = read_login_section(tree, section, env);
    return profile;
}

std::vector<std::string> list_environments(const std::string& path) {
    const profile_detail::Tree tree = profile_detail::load_tree(path);
    std::vector<std::string> names;
    for (const auto& [env, section] : tree.environments) names.push_back(env);
    return names;
}

std::string choose_environment(const std::string& path, std::string_view environment) {
    return profile_detail::choose_environment_in(profile_detail::load_tree(path), environment);
}

}  // namespace verrou
