#include "profile/schema.hpp"

#include <algorithm>
#include <array>
#include <cctype>
#include <limits>
#include <set>

#include "verrou/error.hpp"
#include "verrou/login.hpp"
#include "verrou/password.hpp"

namespace verrou::profile_detail {

namespace {

constexpr std::int64_t u32max = std::numeric_limits<std::uint32_t>::max();

// The schema. Pepper fields use "*" for the key id.
constexpr std::array<KeySpec, 96> kKeys{{
    {"host", KeyType::HostList},  // one server or a list (docs/clusters.md)
    {"host_order", KeyType::Text},  // in_order | random
    {"target", KeyType::Text},      // any | writable | read_only
    {"failover_timeout_seconds", KeyType::Integer, 1, 3600},
    {"host_backoff_seconds", KeyType::Integer, 0, 3600},
    {"port", KeyType::Integer, 1, 65535},
    {"user", KeyType::Text},
    {"database", KeyType::Text},
    {"connect_timeout", KeyType::Integer, 1, 3600},
    {"read_timeout", KeyType::Integer, 1, 86400},
    {"reconnect", KeyType::Bool},  // re-establish a lost connection on the next call outside a transaction
    {"password", KeyType::InlineSecret, 0, 0, "password"},
    {"password_file", KeyType::Path, 0, 0, "password"},
    {"password_env", KeyType::EnvVarName, 0, 0, "password"},
    {"password_secret", KeyType::SecretName, 0, 0, "password"},
    {"ssl_ca", KeyType::Path},
    {"ssl_cert", KeyType::Path},
    {"ssl_key", KeyType::Path},
    {"ssl_key_passphrase_file", KeyType::Path, 0, 0, "passphrase"},
    {"ssl_key_passphrase_env", KeyType::EnvVarName, 0, 0, "passphrase"},
    {"ssl_key_passphrase_secret", KeyType::SecretName, 0, 0, "passphrase"},
    {"ssl_crl", KeyType::Path},
    {"ssl_cipher", KeyType::Text},
    {"tls_version", KeyType::Text},
    {"ssl_mode", KeyType::Text},
    {"allow_unverified_server", KeyType::Bool},
    {"expected_cert_cn", KeyType::Text, 0, 0, {}, true},
    {"ca_fingerprint", KeyType::Text},
    {"server_fingerprint", KeyType::Text},
    {"expiry_warning_days", KeyType::Integer, 0, 3650},
    {"strict_permissions", KeyType::Bool},
    {"ssl_cert_next", KeyType::Path},
    {"ssl_key_next", KeyType::Path},
    {"ocsp", KeyType::Text},  // off | soft | hard
    {"ocsp_url", KeyType::Text},
    {"ocsp_timeout_ms", KeyType::Integer, 1, 60000},
    {"ocsp_cache_seconds", KeyType::Integer, 0, 604800},
    {"hashing.algorithm", KeyType::Text},
    {"hashing.argon2_memory_kib", KeyType::Integer, 1, u32max},
    {"hashing.argon2_iterations", KeyType::Integer, 1, u32max},
    {"hashing.argon2_parallelism", KeyType::Integer, 1, u32max},
    {"hashing.pbkdf2_sha256_iterations", KeyType::Integer, 1, u32max},
    {"hashing.pbkdf2_sha512_iterations", KeyType::Integer, 1, u32max},
    {"hashing.salt_bytes", KeyType::Integer, 1, u32max},
    {"hashing.hash_bytes", KeyType::Integer, 1, u32max},
    {"hashing.allow_empty_password", KeyType::Bool},
    {"hashing.current_pepper", KeyType::Text},
    {"hashing.peppers.*.file", KeyType::Path, 0, 0, "pepper"},
    {"hashing.peppers.*.env", KeyType::EnvVarName, 0, 0, "pepper"},
    {"hashing.peppers.*.secret", KeyType::SecretName, 0, 0, "pepper"},
    // Listed so that "did you mean" never proposes them, yet they are refused with a
    // precise message in validate_section (inline peppers are not allowed).
    {"hashing.peppers.*.value", KeyType::InlineSecret, 0, 0, "pepper"},
    {"hashing.peppers.*.inline", KeyType::InlineSecret, 0, 0, "pepper"},
    {"hashing.peppers.*.pepper", KeyType::InlineSecret, 0, 0, "pepper"},
    // The old WinDev application's records (PasswordHasher::verify_windev_legacy): its PBKDF2
    // parameters and its pepper, referenced like the other peppers (no minimum length).
    {"hashing.windev_legacy.prf", KeyType::Text},
    {"hashing.windev_legacy.iterations", KeyType::Integer, 1, static_cast<std::int64_t>(limits::pbkdf2_iterations_max)},
    {"hashing.windev_legacy.output_bytes", KeyType::Integer, static_cast<std::int64_t>(limits::hash_min_bytes),
     static_cast<std::int64_t>(limits::hash_max_bytes)},
    {"hashing.windev_legacy.password_encoding", KeyType::Text},  // utf-8 | cp1252 | utf-16le
    {"hashing.windev_legacy.pepper.file", KeyType::Path, 0, 0, "legacy_pepper"},
    {"hashing.windev_legacy.pepper.env", KeyType::EnvVarName, 0, 0, "legacy_pepper"},
    {"hashing.windev_legacy.pepper.secret", KeyType::SecretName, 0, 0, "legacy_pepper"},
    // Refused like inline peppers, and never proposed by "did you mean".
    {"hashing.windev_legacy.pepper.value", KeyType::InlineSecret, 0, 0, "legacy_pepper"},
    {"hashing.windev_legacy.pepper.inline", KeyType::InlineSecret, 0, 0, "legacy_pepper"},
    {"hashing.windev_legacy.pepper.pepper", KeyType::InlineSecret, 0, 0, "legacy_pepper"},
    // Field encryption (src/profile/encryption_section.cpp): AES-256 keys and blind-index keys,
    // each referenced like a pepper; inline keys are refused the same way.
    {"encryption.current_key", KeyType::Text},
    {"encryption.current_index_key", KeyType::Text},
    {"encryption.keys.*.file", KeyType::Path, 0, 0, "field_key"},
    {"encryption.keys.*.env", KeyType::EnvVarName, 0, 0, "field_key"},
    {"encryption.keys.*.secret", KeyType::SecretName, 0, 0, "field_key"},
    {"encryption.keys.*.value", KeyType::InlineSecret, 0, 0, "field_key"},
    {"encryption.keys.*.inline", KeyType::InlineSecret, 0, 0, "field_key"},
    {"encryption.keys.*.key", KeyType::InlineSecret, 0, 0, "field_key"},
    {"encryption.index_keys.*.file", KeyType::Path, 0, 0, "index_key"},
    {"encryption.index_keys.*.env", KeyType::EnvVarName, 0, 0, "index_key"},
    {"encryption.index_keys.*.secret", KeyType::SecretName, 0, 0, "index_key"},
    {"encryption.index_keys.*.value", KeyType::InlineSecret, 0, 0, "index_key"},
    {"encryption.index_keys.*.inline", KeyType::InlineSecret, 0, 0, "index_key"},
    {"encryption.index_keys.*.key", KeyType::InlineSecret, 0, 0, "index_key"},
    // login(): the users table and the brute-force guard (docs/login.md). Names are spliced
    // into SQL, so they are identifiers (checked in every environment); ranges bound the guard.
    {"login.users_table", KeyType::SqlTable},
    {"login.user_column", KeyType::SqlColumn},
    {"login.hash_column", KeyType::SqlColumn},
    {"login.legacy_salt_column", KeyType::SqlColumn},
    {"login.legacy_hash_column", KeyType::SqlColumn},
    {"login.guard_table", KeyType::SqlTable},
    {"login.max_failures_per_account", KeyType::Integer, 1, 1'000'000},
    {"login.backoff_initial_seconds", KeyType::Integer, 1, 86'400},
    {"login.backoff_max_seconds", KeyType::Integer, 1, 31'536'000},
    {"login.lockout_after", KeyType::Integer, 0, 1'000'000},
    {"login.lockout_seconds", KeyType::Integer, 0, 31'536'000},
    {"login.max_failures_per_source", KeyType::Integer, 0, 100'000'000},
    {"login.source_window_seconds", KeyType::Integer, 1, 31'536'000},
    // verrou::Pool (docs/pool.md); pool.min_idle <= pool.max_size is checked by the resolver.
    {"pool.min_idle", KeyType::Integer, 0, 1000},
    {"pool.max_size", KeyType::Integer, 1, 1000},
    {"pool.acquire_timeout_ms", KeyType::Integer, 0, 3'600'000},
    {"pool.idle_check_seconds", KeyType::Integer, 0, 86'400},
    {"pool.max_lifetime_seconds", KeyType::Integer, 0, 31'536'000},
    {"pool.max_idle_seconds", KeyType::Integer, 0, 31'536'000},
}};

constexpr std::string_view kPepperPrefix = "hashing.peppers.";
constexpr std::string_view kLegacy = "hashing.windev_legacy";
constexpr std::string_view kLegacyPepper = "hashing.windev_legacy.pepper";

// Sections whose sub-sections are named by an id: "<prefix><id>.<field>".
struct IdSection {
    std::string_view prefix;  // "hashing.peppers."
    std::string_view group;   // the KeySpec group of its fields
    std::string_view noun;    // "pepper", in messages
};
constexpr std::array<IdSection, 3> kIdSections{{
    {kPepperPrefix, "pepper", "pepper"},
    {"encryption.keys.", "field_key", "encryption key"},
    {"encryption.index_keys.", "index_key", "index key"},
}};

bool is_refused_inline_pepper(const KeySpec& k) {
    return k.type == KeyType::InlineSecret && (k.group == "pepper" || k.group == "legacy_pepper" ||
                                               k.group == "field_key" || k.group == "index_key");
}

std::string lower(std::string_view s) {
    std::string out(s);
    for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return out;
}

// Optimal string alignment distance: insertions, deletions, substitutions and swaps of two
// neighbouring letters each count one, so "ssl_clr" is one typo from "ssl_crl", not two.
std::size_t edit_distance(std::string_view a, std::string_view b) {
    std::vector<std::size_t> before(b.size() + 1), prev(b.size() + 1), cur(b.size() + 1);
    for (std::size_t j = 0; j <= b.size(); ++j) prev[j] = j;
    for (std::size_t i = 1; i <= a.size(); ++i) {
        cur[0] = i;
        for (std::size_t j = 1; j <= b.size(); ++j) {
            const std::size_t subst = prev[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1);
            cur[j] = std::min({prev[j] + 1, cur[j - 1] + 1, subst});
            if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1]) {
                cur[j] = std::min(cur[j], before[j - 2] + 1);
            }
        }
        std::swap(before, prev);
        std::swap(prev, cur);
    }
    return prev[b.size()];
}

// Splits "hashing.peppers.<id>.<field>" (or another id section's key) into id and field;
// nullptr if not of that shape.
const IdSection* split_id_key(std::string_view dotted, std::string_view& id, std::string_view& field) {
    for (const IdSection& sec : kIdSections) {
        if (dotted.substr(0, sec.prefix.size()) != sec.prefix) continue;
        std::string_view rest = dotted.substr(sec.prefix.size());
        const auto dot = rest.find('.');
        if (dot == std::string_view::npos) return nullptr;
        id = rest.substr(0, dot);
        field = rest.substr(dot + 1);
        return &sec;
    }
    return nullptr;
}

bool split_pepper_key(std::string_view dotted, std::string_view& id, std::string_view& field) {
    return split_id_key(dotted, id, field) != nullptr;
}

[[noreturn]] void fail(Code code, const Value& v, std::string_view key, const std::string& problem) {
    throw Error(code, where_prefix(v.where) + "key '" + std::string(key) + "': " + problem);
}

bool is_env_var_name(std::string_view s) {
    if (s.empty() || std::isdigit(static_cast<unsigned char>(s[0]))) return false;
    return std::all_of(s.begin(), s.end(), [](char c) {
        return std::isalnum(static_cast<unsigned char>(c)) || c == '_';
    });
}

// Docker (and Kubernetes) secret names: a plain file name of letters, digits, '_', '-', '.'.
bool is_secret_name(std::string_view s) {
    if (s.empty() || s.size() > 255 || s == "." || s == "..") return false;
    return std::all_of(s.begin(), s.end(), [](char c) {
        return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-' || c == '.';
    });
}

// The value of a *_env / *_secret key is a name. Writing the secret itself there is the usual
// mistake, so these values are never quoted; the message says what to do instead.
std::string pasted_secret_hint(const KeySpec& spec) {
    if (spec.group == "password") {
        return "; if you pasted the password itself here, remove it from the file and rotate it";
    }
    if (spec.group == "passphrase") {
        return "; if you pasted the key passphrase itself here, remove it from the file and rotate it";
    }
    if (spec.group == "field_key" || spec.group == "index_key") {
        return "; if you pasted the key itself here, remove it from the file and treat it as exposed "
               "(keys are referenced, never written in the profile)";
    }
    if (spec.group == "legacy_pepper") {
        return "; if you pasted the pepper itself here, remove it from the file (peppers are referenced, "
               "never written in the profile)";
    }
    return "; if you pasted the pepper itself here, remove it from the file and treat it as exposed "
           "(peppers are referenced, never written in the profile)";
}

// "password_secret" → "password_file", "hashing.peppers.k1.secret" → "hashing.peppers.k1.file".
std::string file_key_for(std::string_view secret_key) {
    constexpr std::string_view tail = "secret";
    if (secret_key.size() >= tail.size() && secret_key.substr(secret_key.size() - tail.size()) == tail) {
        return std::string(secret_key.substr(0, secret_key.size() - tail.size())) + "file";
    }
    return "a _file key";
}

void check_value(const KeySpec& spec, const Value& v, std::string_view key) {
    switch (spec.type) {
        case KeyType::Integer: {
            const std::int64_t n = read_integer(v, key);
            if (n < spec.min || n > spec.max) {
                fail(Code::ConfigInvalidValue, v, key,
                     "value " + std::to_string(n) + " is out of range (" + std::to_string(spec.min) +
                         ".." + std::to_string(spec.max) + ")");
            }
            return;
        }
        case KeyType::Bool: (void)read_bool(v, key); return;
        case KeyType::InlineSecret:
            if (v.kind != ValueKind::Text && v.kind != ValueKind::String) {
                fail(Code::ConfigWrongType, v, key,
                     "expected a string, got " + std::string(value_kind_name(v.kind)));
            }
            if (v.text.empty()) fail(Code::ConfigInvalidValue, v, key, "value is empty");
            return;
        case KeyType::SqlTable:
        case KeyType::SqlColumn: {
            // Not echoed: a hostile value would only be reflected into logs.
            const std::string name = read_string(v, key);
            const bool table = spec.type == KeyType::SqlTable;
            if (!(table ? is_login_table_name(name) : is_login_column_name(name))) {
                fail(Code::ConfigInvalidValue, v, key,
                     std::string("not a plain SQL name: letters, digits and '_', not starting with a digit, "
                                 "1-64 characters") +
                         (table ? ", optionally schema.table" : "") +
                         " (no quotes, spaces or other characters, so that the profile cannot change the SQL "
                         "verrou runs; the value is not shown)");
            }
            return;
        }
        case KeyType::HostList:
            if (v.kind == ValueKind::Array) {
                // Each element one host ("db1:3306"); its own location in messages.
                if (v.items.empty()) fail(Code::ConfigInvalidValue, v, key, "the list of hosts is empty");
                for (const Value& item : v.items) {
                    if (item.kind != ValueKind::String) {
                        fail(Code::ConfigWrongType, item, key,
                             "each host is a string such as \"db1.internal:3306\", got " +
                                 std::string(value_kind_name(item.kind)));
                    }
                    if (item.text.empty()) fail(Code::ConfigInvalidValue, item, key, "empty host in the list");
                    if (item.text.find(',') != std::string::npos) {
                        fail(Code::ConfigInvalidValue, item, key,
                             "one host per element of the array (this one contains a comma)");
                    }
                }
                return;
            }
            break;
        default: break;
    }
    const std::string s = read_string(v, key);
    if (s.empty() && !spec.allow_empty) fail(Code::ConfigInvalidValue, v, key, "value is empty");
    // Values of *_env / *_secret keys are never quoted (see pasted_secret_hint).
    if (spec.type == KeyType::EnvVarName && !is_env_var_name(s)) {
        const bool braced = s.size() > 3 && s.compare(0, 2, "${") == 0 && s.back() == '}' &&
                            is_env_var_name(std::string_view(s).substr(2, s.size() - 3));
        const bool dollar = s.size() > 1 && s[0] == '$' && is_env_var_name(std::string_view(s).substr(1));
        if (braced || dollar) {
            fail(Code::ConfigInvalidValue, v, key,
                 "write the environment variable's name alone, not $NAME or ${NAME} (the value is the "
                 "name of the variable, not a reference to it)");
        }
        fail(Code::ConfigInvalidValue, v, key,
             "the value is not a valid environment variable name (letters, digits and '_', not starting "
             "with a digit; the value is not shown)" + pasted_secret_hint(spec));
    }
    if (spec.type == KeyType::SecretName && !is_secret_name(s)) {
        if (s.find_first_of("/\\") != std::string::npos || s == "." || s == "..") {
            fail(Code::ConfigInvalidValue, v, key,
                 "the value is a path, not a Docker secret name (a plain name looked up in "
                 "$VERROU_SECRETS_DIR, default /run/secrets); use " + file_key_for(key) + " for a path");
        }
        fail(Code::ConfigInvalidValue, v, key,
             "the value is not a Docker secret name (a plain file name of letters, digits, '_', '-' and "
             "'.', looked up in $VERROU_SECRETS_DIR, default /run/secrets; the value is not shown)" +
                 pasted_secret_hint(spec));
    }
}

// A pepper id that is not a plain name is not quoted either: like a key, it may be a secret.
[[noreturn]] void fail_pepper_id(const Value& v, std::string_view noun) {
    SourceLocation where = v.where;
    if (!where.json_pointer.empty()) {
        // ".../peppers/<id>/<field>": hide the id segment, keep the field.
        const std::string& p = where.json_pointer;
        const auto last = p.rfind('/');
        const auto id = last == std::string::npos || last == 0 ? std::string::npos : p.rfind('/', last - 1);
        if (id != std::string::npos) where.json_pointer = p.substr(0, id) + "/<id not shown>" + p.substr(last);
    }
    throw Error(Code::ConfigInvalidValue,
                where_prefix(where) + std::string(noun) +
                    " ids must be 1-32 letters, digits, '_' or '-' (the id is not shown, in case it is a secret)");
}

void validate_section(const Tree& tree, const Section& section) {
    (void)tree;
    std::map<std::string, std::pair<std::string, const Value*>> groups;  // group → first key
    for (const auto& [key, value] : section.values) {
        const KeySpec* spec = find_key(key);
        std::string_view id, field;
        const IdSection* id_section = split_id_key(key, id, field);
        if (id_section && !is_plain_name(id)) fail_pepper_id(value, id_section->noun);
        if (!spec) {
            // A value where a sub-section belongs: the JSON parser reports the same (wrong type).
            // The value is not echoed (it may be a pepper).
            if (key == kLegacyPepper) {
                fail(Code::ConfigWrongType, value, key,
                     "expected a reference (pepper.file, pepper.env or pepper.secret), got a value; "
                     "peppers cannot be written in the profile");
            }
            if (key == kLegacy) {
                fail(Code::ConfigWrongType, value, key,
                     "expected a section (prf, iterations, output_bytes, pepper.file / pepper.env / "
                     "pepper.secret), got a value");
            }
            if (key == "default_environment") {
                fail(Code::ConfigUnknownKey, value, key,
                     "default_environment is a top-level key: put it before any section or in [verrou] "
                     "(JSON: at the top level)");
            }
            std::string msg = "unknown key";
            std::string s;
            if (id_section) {
                msg += "; each " + std::string(id_section->noun) + " is referenced by exactly one of file, env or secret";
                s = suggest_key(field, {"file", "env", "secret"});
                if (!s.empty()) msg += " (did you mean '" + s + "'?)";
            } else if (key.rfind(std::string(kLegacyPepper) + ".", 0) == 0) {
                msg += "; the legacy pepper is referenced by exactly one of pepper.file, pepper.env or pepper.secret";
                s = suggest_key(std::string_view(key).substr(kLegacyPepper.size() + 1), {"file", "env", "secret"});
                if (!s.empty()) msg += " (did you mean 'pepper." + s + "'?)";
            } else {
                s = suggest_key(key, section_key_names());
                if (!s.empty()) msg += " (did you mean '" + s + "'?)";
            }
            // Quoted only when it looks like a key: it may be a pasted secret.
            if (!may_show_unknown_key(key, written_part(key), !s.empty())) {
                fail_key_not_shown(Code::ConfigUnknownKey, value.where);
            }
            fail(Code::ConfigUnknownKey, value, key, msg);
        }
        if (is_refused_inline_pepper(*spec)) {
            fail(Code::ConfigUnsafe, value, key,
                 spec->group == "legacy_pepper"
                     ? "peppers cannot be written in the profile; reference the legacy pepper with "
                       "pepper.file, pepper.env or pepper.secret"
                 : spec->group == "pepper"
                     ? "peppers cannot be written in the profile; reference one with file, env or secret"
                     : std::string(id_section ? id_section->noun : "key") +
                           "s cannot be written in the profile; reference one with file, env or secret");
        }
        check_value(*spec, value, key);
        const std::string group = group_of(key);
        if (!group.empty()) {
            auto [it, inserted] = groups.try_emplace(group, key, &value);
            if (!inserted) {
                const std::string what = group == "password"        ? "password source"
                                         : group == "passphrase"    ? "key passphrase source"
                                         : group == "legacy_pepper" ? "reference for the WinDev legacy pepper"
                                         : id_section ? "reference for " + std::string(id_section->noun) + " '" +
                                                            std::string(id) + "'"
                                                      : "source for " + group;
                fail(Code::ConfigDuplicate, value, key,
                     "more than one " + what + ": '" + it->second.first + "' (" +
                         where_prefix(it->second.second->where) + ") and '" + as_text(key) +
                         "'; keep exactly one");
            }
        }
    }
}

}  // namespace

std::string_view value_kind_name(ValueKind kind) noexcept {
    switch (kind) {
        case ValueKind::Text: return "text";
        case ValueKind::String: return "a string";
        case ValueKind::Integer: return "an integer";
        case ValueKind::Bool: return "a boolean";
        case ValueKind::Float: return "a decimal number";
        case ValueKind::Null: return "null";
        case ValueKind::Array: return "an array";
        case ValueKind::Object: return "an object";
    }
    return "?";
}

bool is_plain_name(std::string_view s) noexcept {
    if (s.empty() || s.size() > 32) return false;
    return std::all_of(s.begin(), s.end(), [](char c) {
        return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-';
    });
}

bool looks_like_key(std::string_view s) noexcept {
    if (s.empty() || s.size() > 64) return false;
    if (!std::isalpha(static_cast<unsigned char>(s[0])) && s[0] != '_') return false;
    return std::all_of(s.begin(), s.end(), [](char c) {
        return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '.' || c == '-';
    });
}

std::string_view written_part(std::string_view dotted) noexcept {
    std::string_view id, field;
    if (split_pepper_key(dotted, id, field)) return field;
    for (std::string_view prefix : {kLegacyPepper, kLegacy, std::string_view("hashing.peppers"),
                                    std::string_view("hashing"), std::string_view("encryption.keys"),
                                    std::string_view("encryption.index_keys"), std::string_view("encryption"),
                                    std::string_view("login"), std::string_view("pool")}) {
        if (dotted.size() > prefix.size() + 1 && dotted.substr(0, prefix.size()) == prefix &&
            dotted[prefix.size()] == '.') {
            return dotted.substr(prefix.size() + 1);
        }
    }
    return dotted;
}

bool may_show_unknown_key(std::string_view dotted, std::string_view written, bool has_suggestion) {
    if (!looks_like_key(dotted) || !looks_like_key(written)) return false;
    if (has_suggestion) return true;
    return written.size() <= 24 && std::all_of(written.begin(), written.end(), [](char c) {
               return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '.';
           });
}

bool key_may_be_shown(std::string_view dotted) {
    if (find_key(dotted) || is_section_prefix(dotted) || dotted == "default_environment") return true;
    if (!looks_like_key(dotted)) return false;  // no need to look for a suggestion
    return may_show_unknown_key(dotted, written_part(dotted), !suggest_key(dotted, section_key_names()).empty());
}

std::string hide_last_segment(std::string_view pointer) {
    const auto slash = pointer.rfind('/');
    if (slash == std::string_view::npos) return "/" + std::string(kKeyNotShown);
    return std::string(pointer.substr(0, slash + 1)) + std::string(kKeyNotShown);
}

void fail_key_not_shown(Code code, const SourceLocation& where, std::string_view json_problem) {
    if (where.json_pointer.empty()) throw Error(code, where_prefix(where) + std::string(kLineNotShown));
    SourceLocation hidden = where;
    hidden.json_pointer = hide_last_segment(where.json_pointer);
    throw Error(code, where_prefix(hidden) + std::string(json_problem) +
                          " (its name is not shown, in case it is a secret)");
}

const KeySpec* find_key(std::string_view dotted) {
    std::string_view id, field;
    std::string pattern;
    if (const IdSection* sec = split_id_key(dotted, id, field)) {
        pattern = std::string(sec->prefix) + "*." + std::string(field);
        dotted = pattern;
    }
    for (const KeySpec& k : kKeys) {
        if (k.name == dotted) return &k;
    }
    return nullptr;
}

bool is_section_prefix(std::string_view dotted) {
    if (dotted == "hashing" || dotted == "hashing.peppers" || dotted == "login" || dotted == "pool") return true;
    if (dotted == kLegacy || dotted == kLegacyPepper) return true;
    if (dotted == "encryption" || dotted == "encryption.keys" || dotted == "encryption.index_keys") return true;
    for (const IdSection& sec : kIdSections) {
        if (dotted.substr(0, sec.prefix.size()) == sec.prefix) {
            return dotted.find('.', sec.prefix.size()) == std::string_view::npos && dotted.size() > sec.prefix.size();
        }
    }
    return false;
}

std::string group_of(std::string_view dotted) {
    const KeySpec* spec = find_key(dotted);
    if (!spec || spec->group.empty()) return {};
    std::string_view id, field;
    if (const IdSection* sec = split_id_key(dotted, id, field); sec && spec->group == sec->group) {
        return std::string(sec->group) + ":" + std::string(id);
    }
    return std::string(spec->group);
}

std::vector<std::string_view> section_key_names() {
    std::vector<std::string_view> out;
    for (const KeySpec& k : kKeys) {
        if (k.name.find('*') == std::string_view::npos && !is_refused_inline_pepper(k)) out.push_back(k.name);
    }
    return out;
}

std::string suggest_key(std::string_view unknown, const std::vector<std::string_view>& known) {
    std::string u = lower(unknown);
    const WipeOnExit wipe_u(u);  // an unknown key may be a pasted secret
    std::string best;
    std::size_t best_d = std::numeric_limits<std::size_t>::max();
    for (std::string_view k : known) {
        const std::size_t d = edit_distance(u, lower(k));
        if (d < best_d) {
            best_d = d;
            best = std::string(k);
        }
    }
    // Close enough to be a typo: a few edits, scaled with the length of the key.
    const std::size_t limit = std::max<std::size_t>(2, u.size() / 3);
    return best_d <= limit ? best : std::string();
}

std::int64_t read_integer(const Value& v, std::string_view key) {
    if (v.kind == ValueKind::Integer) return v.integer;
    if (v.kind != ValueKind::Text) {
        fail(Code::ConfigWrongType, v, key,
             "expected an integer, got " + std::string(value_kind_name(v.kind)));
    }
    const std::string_view s = v.text;
    std::size_t i = (!s.empty() && (s[0] == '-' || s[0] == '+')) ? 1 : 0;
    bool ok = i < s.size() && s.size() - i <= 18;
    for (std::size_t j = i; ok && j < s.size(); ++j) ok = std::isdigit(static_cast<unsigned char>(s[j])) != 0;
    if (!ok) fail(Code::ConfigWrongType, v, key, "expected an integer, got '" + as_text(s) + "'");
    return std::stoll(as_text(s));
}

bool read_bool(const Value& v, std::string_view key) {
    if (v.kind == ValueKind::Bool) return v.boolean;
    if (v.kind != ValueKind::Text) {
        fail(Code::ConfigWrongType, v, key,
             "expected true or false, got " + std::string(value_kind_name(v.kind)));
    }
    const std::string s = lower(v.text);
    if (s == "true" || s == "yes" || s == "on" || s == "1") return true;
    if (s == "false" || s == "no" || s == "off" || s == "0") return false;
    fail(Code::ConfigWrongType, v, key, "expected true or false, got '" + as_text(v.text) + "'");
}

std::string read_string(const Value& v, std::string_view key) {
    if (v.kind == ValueKind::Text || v.kind == ValueKind::String) return as_text(v.text);
    fail(Code::ConfigWrongType, v, key, "expected a string, got " + std::string(value_kind_name(v.kind)));
}

void validate_tree(const Tree& tree) {
    for (const auto& [key, value] : tree.top.values) {
        if (key != "default_environment") {
            std::string msg = "unknown top-level key";
            std::string s = suggest_key(key, {"default_environment"});
            if (s.empty() && tree.format == Format::Json) s = suggest_key(key, {"defaults", "environments"});
            if (!s.empty()) msg += " (did you mean '" + s + "'?)";
            else msg += "; settings belong in the defaults or in an environment";
            // Before any section, a pasted secret lands here: quoted only when it looks like a key.
            if (!may_show_unknown_key(key, key, !s.empty())) fail_key_not_shown(Code::ConfigUnknownKey, value.where);
            fail(Code::ConfigUnknownKey, value, key, msg);
        }
        const std::string name = read_string(value, key);
        bool known = false;
        std::string names;
        for (const auto& [env, section] : tree.environments) {
            known = known || env == name;
            names += (names.empty() ? "" : ", ") + env;
        }
        if (!known) {
            fail(Code::ConfigUnknownEnvironment, value, key,
                 "environment '" + name + "' is not defined in this file (known: " +
                     (names.empty() ? std::string("none") : names) + ")");
        }
    }
    validate_section(tree, tree.defaults);
    for (const auto& [env, section] : tree.environments) validate_section(tree, section);
}

}  // namespace verrou::profile_detail
