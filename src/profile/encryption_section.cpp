// load_field_encryptor: the profile's `encryption` keys → FieldEncryptor.
//
// Same file, environment choice and inheritance as load_profile and load_password_hasher
// (one key's reference set in an environment replaces that key's inherited reference as a
// whole); the connection keys are not required. Every key is resolved and checked here, so a
// wrong key fails when the encryptor is opened, naming the key id and where it is configured.
#include <algorithm>

#include "field/format.hpp"
#include "profile/resolver.hpp"
#include "verrou/encryption.hpp"
#include "verrou/error.hpp"

namespace verrou {

namespace {

using namespace profile_detail;

struct KeySet {
    std::string_view prefix;       // "encryption.keys."
    std::string_view current_key;  // "encryption.current_key"
    std::string_view noun;         // "encryption key"
};

constexpr KeySet kEncryptionKeys{"encryption.keys.", "encryption.current_key", "encryption key"};
constexpr KeySet kIndexKeys{"encryption.index_keys.", "encryption.current_index_key", "index key"};

struct EncryptionReader {
    const Tree& tree;
    const Section& section;
    const std::string& env;

    const Value* find(const std::string& key) const {
        auto it = section.values.find(key);
        return it == section.values.end() ? nullptr : &it->second;
    }

    std::string context() const { return tree.file + " (environment '" + env + "', encryption): "; }

    // Ids in the (sorted) key map's order.
    std::vector<std::string> ids(const KeySet& set) const {
        std::vector<std::string> out;
        for (const auto& [key, value] : section.values) {
            if (key.rfind(set.prefix, 0) != 0) continue;
            const std::string id = as_text(key.substr(set.prefix.size(), key.find('.', set.prefix.size()) - set.prefix.size()));
            if (out.empty() || out.back() != id) out.push_back(id);
        }
        return out;
    }

    FieldKey key(const KeySet& set, const std::string& id) const {
        const std::string base = std::string(set.prefix) + id + ".";
        const SecretRef ref = secret_ref_from(tree, section, base + "file", base + "env", base + "secret", {});
        const Value* at = nullptr;
        for (const char* f : {"file", "env", "secret"}) {
            if (!at) at = find(base + f);
        }
        const std::string where = at ? where_prefix(at->where) : context();
        if (!ref.present()) {
            throw Error(Code::ConfigMissingKey,
                        where + std::string(set.noun) + " '" + id + "' has no file, env or secret reference");
        }
        FieldKey key;
        key.id = id;
        try {
            // The reference's text (trailing newline stripped) is the Base64 of the 32 bytes.
            const SecretBuffer text = resolve_secret(ref, std::string(set.noun) + " '" + id + "'");
            key.key = field::parse_field_key(text.view(), id);
        } catch (const Error& e) {
            throw Error(e.code(), where + std::string(e.message()) +
                                      (e.code() == Code::EncryptionKeyInvalid ? " [" + ref.describe() + "]" : ""));
        }
        return key;
    }

    // The current id (empty when neither it nor any key is set).
    std::string current(const KeySet& set, const std::vector<std::string>& ids) const {
        const std::string name(set.current_key);
        const Value* v = find(name);
        if (!v) {
            if (ids.empty()) return {};
            // Keys without a current one: nothing could be encrypted (or indexed); say which key is missing.
            throw Error(Code::ConfigMissingKey, context() + std::string(set.noun) + "s are defined (" + ids.front() +
                                                    "...) but " + name + " is not set; name the key new " +
                                                    (set.prefix == kIndexKeys.prefix ? "blind indexes" : "values") +
                                                    " use");
        }
        const std::string current = read_string(*v, name);
        if (std::find(ids.begin(), ids.end(), current) == ids.end()) {
            std::string known;
            for (const auto& id : ids) known += (known.empty() ? "" : ", ") + id;
            const std::string shown = field::valid_field_key_id(current) ? "'" + current + "'" : "(not shown)";
            throw Error(Code::ConfigMissingKey,
                        where_prefix(v->where) + "key '" + name + "': no " + std::string(set.noun) + " " + shown +
                            " is defined for environment '" + env + "' (defined: " +
                            (known.empty() ? std::string("none") : known) + ")");
        }
        return current;
    }
};

}  // namespace

FieldEncryptor load_field_encryptor(const std::string& profile_path, std::string_view environment) {
    const Tree tree = load_tree(profile_path);
    const std::string env = choose_environment_in(tree, environment);
    const Section section = effective_section(tree, env);
    const EncryptionReader r{tree, section, env};

    const std::vector<std::string> key_ids = r.ids(kEncryptionKeys);
    const std::vector<std::string> index_ids = r.ids(kIndexKeys);
    if (key_ids.empty() && index_ids.empty()) {
        throw Error(Code::EncryptionNoKey,
                    r.context() + "no encryption key is configured; add encryption.keys.<id>.file (or .env / "
                                  ".secret) and encryption.current_key (docs/encryption.md)");
    }
    std::string current_key = r.current(kEncryptionKeys, key_ids);
    std::string current_index = r.current(kIndexKeys, index_ids);

    std::vector<FieldKey> keys, index_keys;
    for (const std::string& id : key_ids) keys.push_back(r.key(kEncryptionKeys, id));
    for (const std::string& id : index_ids) index_keys.push_back(r.key(kIndexKeys, id));
    try {
        return FieldEncryptor(std::move(keys), std::move(current_key), std::move(index_keys), std::move(current_index));
    } catch (const Error& e) {
        throw Error(e.code(), r.context() + std::string(e.message()));
    }
}

}  // namespace verrou
