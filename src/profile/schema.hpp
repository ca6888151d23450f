// src/profile/schema.hpp — the one list of keys a profile may contain.
//
// Unknown-key detection, "did you mean" suggestions, type checks and the documentation
// (docs/profiles.md) all follow this list; adding a key means adding it here first.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "profile/tree.hpp"
#include "verrou/error.hpp"

namespace verrou::profile_detail {

enum class KeyType {
    Text,          // plain string, ${VAR} expanded
    Path,          // file path: ${VAR}, leading ~, relative to the profile's folder
    Integer,       // decimal integer within [min, max]
    Bool,          // true/false (INI also yes/no/on/off/1/0)
    EnvVarName,    // name of an environment variable (no expansion)
    SecretName,    // Docker secret name (plain file name, no expansion)
    InlineSecret,  // a literal secret: never expanded, never echoed
    SqlTable,      // a table name spliced into SQL: identifier, optionally schema.table (no expansion)
    SqlColumn,     // a column name spliced into SQL: identifier (no expansion)
    HostList,      // text, ${VAR} expanded: "a:3306, b, [::1]:3308"; in JSON also an array of such strings
};

struct KeySpec {
    std::string_view name;   // dotted key; "hashing.peppers.*.file" for the pepper pattern
    KeyType type;
    std::int64_t min = 0;
    std::int64_t max = 0;
    // Keys of one group are alternatives for a single setting (the password source, the
    // key passphrase source, one pepper): at most one per section, and an environment that
    // sets any of them replaces the whole group inherited from [defaults].
    std::string_view group = {};
    bool allow_empty = false;
};

/// Spec of a dotted key inside defaults / an environment, or nullptr.
/// Pepper keys "hashing.peppers.<id>.<field>" match the pattern entries.
const KeySpec* find_key(std::string_view dotted);

/// True when `dotted` names a nested section ("hashing", "hashing.peppers",
/// "hashing.peppers.<id>") rather than a value.
bool is_section_prefix(std::string_view dotted);

/// The group a key belongs to, with pepper groups made concrete ("pepper:k2025"); "" if none.
std::string group_of(std::string_view dotted);

/// Closest known key by edit distance (case-insensitive), or "" when nothing is close.
std::string suggest_key(std::string_view unknown, const std::vector<std::string_view>& known);
std::vector<std::string_view> section_key_names();  // every non-pattern key of a section

/// Checks names, types and groups of every section (all environments, not only the one
/// being loaded: a typo in [env.prod] must fail on the dev machine too).
void validate_tree(const Tree& tree);

/// Typed reads of a validated value (same rules validate_tree applies).
std::int64_t read_integer(const Value& v, std::string_view key);
bool read_bool(const Value& v, std::string_view key);
std::string read_string(const Value& v, std::string_view key);

/// True for names usable as environment names and pepper key ids: [A-Za-z0-9_-]+.
bool is_plain_name(std::string_view s) noexcept;

// ---- key texts in messages -------------------------------------------------------------
// A line such as a pasted Base64 secret ("c2VjcmV0...OA==") or "password hunter=2" reads as
// "key = value": the text before '=' (in JSON, an object key) may be a secret. It is quoted
// in a message only when it looks like a key; otherwise the message points at the line (INI)
// or at the parent object (JSON) and says the text is not shown.

/// [A-Za-z_][A-Za-z0-9_.-]{0,63}: the shape of every key and sub-section name.
bool looks_like_key(std::string_view s) noexcept;

/// An unknown key may be quoted when it looks like a key and either "did you mean" has a
/// suggestion for it or the part the user wrote (`written`: the key without a known section
/// prefix) is short and plain: at most 24 lowercase letters, digits, '_' or '.'.
bool may_show_unknown_key(std::string_view dotted, std::string_view written, bool has_suggestion);

/// Known keys and sections, and unknown keys that may_show_unknown_key allows (with the
/// suggestions of section_key_names()). For messages that quote a key before validation
/// (duplicates).
bool key_may_be_shown(std::string_view dotted);

/// `dotted` without its known section prefix ("hashing.", "hashing.peppers.<id>.", ...).
std::string_view written_part(std::string_view dotted) noexcept;

inline constexpr std::string_view kKeyNotShown = "<key not shown>";
inline constexpr std::string_view kLineNotShown =
    "this line is not a known key = value setting (its text is not shown, in case it is a secret)";

/// `pointer` with its last segment replaced by kKeyNotShown ("/environments/dev/<key not shown>").
std::string hide_last_segment(std::string_view pointer);

/// Error about a key that is not shown: INI "file:7: <kLineNotShown>"; JSON
/// "file#/environments/dev/<key not shown>: <json_problem> (its name is not shown, in case it is a secret)".
[[noreturn]] void fail_key_not_shown(Code code, const SourceLocation& where,
                                     std::string_view json_problem = "unknown key");

}  // namespace verrou::profile_detail
