// load_password_hasher: the profile's `hashing` keys → HashPolicy + peppers (+ the optional
// `hashing.windev_legacy` section: the old WinDev application's PBKDF2 parameters and pepper).
//
// Same file, same environment choice and inheritance as load_profile, but the connection
// keys are not required: a service may use a profile only to hash passwords.
#include <algorithm>
#include <cctype>
#include <optional>
#include <set>

#include "profile/resolver.hpp"
#include "verrou/error.hpp"
#include "verrou/password.hpp"

namespace verrou {

namespace {

using namespace profile_detail;

constexpr std::string_view kPeppers = "hashing.peppers.";
constexpr std::string_view kLegacy = "hashing.windev_legacy.";

struct HashingReader {
    const Tree& tree;
    const Section& section;
    const std::string& env;

    const Value* find(const std::string& key) const {
        auto it = section.values.find(key);
        return it == section.values.end() ? nullptr : &it->second;
    }

    void u32(const std::string& key, std::uint32_t& out) const {
        // The schema already bounded the value to 1..UINT32_MAX; the hasher applies the real limits.
        if (const Value* v = find(key)) out = static_cast<std::uint32_t>(read_integer(*v, key));
    }

    std::string context() const { return tree.file + " (environment '" + env + "', hashing): "; }
};

HashAlgorithm parse_algorithm(const Value& v) {
    std::string s = read_string(v, "hashing.algorithm");
    for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    std::replace(s.begin(), s.end(), '_', '-');
    if (s == "argon2id") return HashAlgorithm::Argon2id;
    if (s == "pbkdf2-sha256") return HashAlgorithm::Pbkdf2Sha256;
    if (s == "pbkdf2-sha512") return HashAlgorithm::Pbkdf2Sha512;
    throw Error(Code::ConfigInvalidValue, where_prefix(v.where) + "key 'hashing.algorithm': '" + as_text(v.text) +
                                              "' is not supported; use argon2id, pbkdf2-sha256 or pbkdf2-sha512");
}

LegacyPrf parse_legacy_prf(const Value& v) {
    const std::string key = std::string(kLegacy) + "prf";
    std::string s = read_string(v, key);
    for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    std::replace(s.begin(), s.end(), '_', '-');
    if (s == "sha256" || s == "sha-256") return LegacyPrf::Sha256;
    if (s == "sha512" || s == "sha-512") return LegacyPrf::Sha512;
    if (s == "sha3-256") return LegacyPrf::Sha3_256;
    throw Error(Code::ConfigInvalidValue, where_prefix(v.where) + "key '" + key + "': '" + as_text(v.text) +
                                              "' is not supported; use sha256, sha512 or sha3-256 (the HMAC "
                                              "of the old application's PBKDF2)");
}

LegacyEncoding parse_legacy_encoding(const Value& v) {
    const std::string key = std::string(kLegacy) + "password_encoding";
    std::string s = read_string(v, key);
    for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    std::replace(s.begin(), s.end(), '_', '-');
    if (s == "utf-8" || s == "utf8") return LegacyEncoding::Utf8;
    if (s == "cp1252" || s == "windows-1252") return LegacyEncoding::Cp1252;
    if (s == "utf-16le" || s == "utf16le" || s == "utf-16-le") return LegacyEncoding::Utf16le;
    throw Error(Code::ConfigInvalidValue, where_prefix(v.where) + "key '" + key + "': '" + as_text(v.text) +
                                              "' is not supported; use utf-8 (Unicode project, the default), "
                                              "cp1252 (ANSI project) or utf-16le (Unicode strings hashed as stored)");
}

std::size_t digest_bytes(LegacyPrf prf) { return prf == LegacyPrf::Sha512 ? 64 : 32; }

/// The `hashing.windev_legacy` section, or nullopt when the environment has none of its keys.
std::optional<WindevLegacySettings> read_windev_legacy(const HashingReader& r) {
    const Value* first = nullptr;  // locates messages about the section as a whole
    for (const auto& [key, value] : r.section.values) {
        if (key.rfind(kLegacy, 0) == 0) {
            first = &value;
            break;
        }
    }
    if (!first) return std::nullopt;
    const std::string base(kLegacy);
    auto required = [&](const char* name) -> const Value& {
        const Value* v = r.find(base + name);
        if (!v) {
            throw Error(Code::ConfigMissingKey,
                        where_prefix(first->where) + "hashing.windev_legacy is set for environment '" + r.env +
                            "' but has no '" + name + "' (required: the old application's PBKDF2 " +
                            (std::string_view(name) == "prf" ? "HMAC: sha256, sha512 or sha3-256)"
                                                             : "iteration count)"));
        }
        return *v;
    };

    WindevLegacySettings legacy;
    legacy.params.prf = parse_legacy_prf(required("prf"));
    legacy.params.iterations =
        static_cast<std::uint32_t>(read_integer(required("iterations"), base + "iterations"));
    // Default: the PRF's digest size, as PBKDF2 APIs do (hashlib's dklen=None).
    legacy.params.output_bytes = static_cast<std::uint32_t>(digest_bytes(legacy.params.prf));
    r.u32(base + "output_bytes", legacy.params.output_bytes);
    if (const Value* v = r.find(base + "password_encoding")) legacy.params.encoding = parse_legacy_encoding(*v);

    const std::string pb = base + "pepper.";
    const SecretRef ref = secret_ref_from(r.tree, r.section, pb + "file", pb + "env", pb + "secret", {});
    if (ref.present()) {
        const Value* at = nullptr;
        for (const char* f : {"file", "env", "secret"}) {
            if (!at) at = r.find(pb + f);
        }
        const std::string where = at ? where_prefix(at->where) : r.context();
        try {
            // No minimum length: it is the old application's pepper, used only to verify.
            legacy.pepper = resolve_secret(ref, "WinDev legacy pepper");
        } catch (const Error& e) {
            throw Error(e.code(), where + std::string(e.message()));
        }
        if (legacy.pepper.size() > limits::legacy_pepper_max_bytes) {
            throw Error(Code::HashPolicy, where + "WinDev legacy pepper (" + ref.describe() + ") is " +
                                              std::to_string(legacy.pepper.size()) + " bytes; at most " +
                                              std::to_string(limits::legacy_pepper_max_bytes) + " are accepted");
        }
    }
    return legacy;
}

}  // namespace

PasswordHasher load_password_hasher(const std::string& profile_path, std::string_view environment) {
    const Tree tree = load_tree(profile_path);
    const std::string env = choose_environment_in(tree, environment);
    const Section section = effective_section(tree, env);
    const HashingReader r{tree, section, env};

    HashPolicy policy;
    if (const Value* v = r.find("hashing.algorithm")) policy.algorithm = parse_algorithm(*v);
    r.u32("hashing.argon2_memory_kib", policy.argon2_memory_kib);
    r.u32("hashing.argon2_iterations", policy.argon2_iterations);
    r.u32("hashing.argon2_parallelism", policy.argon2_parallelism);
    r.u32("hashing.pbkdf2_sha256_iterations", policy.pbkdf2_sha256_iterations);
    r.u32("hashing.pbkdf2_sha512_iterations", policy.pbkdf2_sha512_iterations);
    r.u32("hashing.salt_bytes", policy.salt_bytes);
    r.u32("hashing.hash_bytes", policy.hash_bytes);
    if (const Value* v = r.find("hashing.allow_empty_password")) {
        policy.allow_empty_password = read_bool(*v, "hashing.allow_empty_password");
    }

    // Pepper ids in the order of the (sorted) key map; the hasher does not care about order.
    std::vector<std::string> ids;
    for (const auto& [key, value] : section.values) {
        if (key.rfind(kPeppers, 0) != 0) continue;
        const std::string id = as_text(key.substr(kPeppers.size(), key.find('.', kPeppers.size()) - kPeppers.size()));
        if (ids.empty() || ids.back() != id) ids.push_back(id);
    }

    std::string current;
    if (const Value* v = r.find("hashing.current_pepper")) {
        current = read_string(*v, "hashing.current_pepper");
        if (std::find(ids.begin(), ids.end(), current) == ids.end()) {
            std::string known;
            for (const auto& id : ids) known += (known.empty() ? "" : ", ") + id;
            throw Error(Code::ConfigMissingKey,
                        where_prefix(v->where) + "key 'hashing.current_pepper': no pepper '" + current +
                            "' is defined for environment '" + env + "' (defined: " +
                            (known.empty() ? std::string("none") : known) + ")");
        }
    } else if (!ids.empty()) {
        // Peppers without a current one would silently produce unpeppered hashes.
        throw Error(Code::ConfigMissingKey, r.context() + "peppers are defined (" + ids.front() +
                                                "...) but hashing.current_pepper is not set; name the "
                                                "pepper new hashes use");
    }

    std::vector<Pepper> peppers;
    for (const std::string& id : ids) {
        const std::string base = std::string(kPeppers) + id + ".";
        const SecretRef ref = secret_ref_from(tree, section, base + "file", base + "env", base + "secret", {});
        // Locate the reference for messages (exactly one key of the group is present).
        const Value* at = nullptr;
        for (const char* f : {"file", "env", "secret"}) {
            if (!at) at = r.find(base + f);
        }
        const std::string where = at ? where_prefix(at->where) : r.context();
        if (!ref.present()) {
            throw Error(Code::ConfigMissingKey, where + "pepper '" + id + "' has no file, env or secret reference");
        }
        Pepper pepper;
        pepper.key_id = id;
        try {
            pepper.secret = resolve_secret(ref, "pepper '" + id + "'");
        } catch (const Error& e) {
            throw Error(e.code(), where + std::string(e.message()));
        }
        if (pepper.secret.size() < limits::pepper_min_bytes) {
            throw Error(Code::SecretTooShort, where + "pepper '" + id + "' (" + ref.describe() + ") is " +
                                                  std::to_string(pepper.secret.size()) + " bytes; at least " +
                                                  std::to_string(limits::pepper_min_bytes) +
                                                  " are required (e.g. openssl rand -base64 48)");
        }
        peppers.push_back(std::move(pepper));
    }

    std::optional<WindevLegacySettings> legacy = read_windev_legacy(r);

    try {
        return PasswordHasher(policy, std::move(peppers), current, std::move(legacy));
    } catch (const Error& e) {
        throw Error(e.code(), r.context() + std::string(e.message()));
    }
}

}  // namespace verrou
