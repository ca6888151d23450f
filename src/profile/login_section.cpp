// The `login` section: users table, guard table and the guard's limits (docs/login.md).
// validate_tree has already checked every key's type, range and identifier shape in every
// environment; this file applies the values and the rules that involve two keys.
#include "profile/login_section.hpp"

#include "profile/resolver.hpp"
#include "profile/schema.hpp"
#include "verrou/error.hpp"

namespace verrou::profile_detail {

LoginSettings read_login_section(const Tree& tree, const Section& section, const std::string& environment) {
    LoginSettings s;
    const Value* first = nullptr;  // locates messages about the section as a whole
    const auto find = [&](const char* name) -> const Value* {
        auto it = section.values.find(std::string("login.") + name);
        if (it == section.values.end()) return nullptr;
        if (!first) first = &it->second;
        return &it->second;
    };
    const auto name = [&](const char* key, std::string& out) {
        if (const Value* v = find(key)) out = read_string(*v, std::string("login.") + key);
    };
    const auto integer = [&](const char* key, int& out) {
        // The schema bounded every login integer well inside int.
        if (const Value* v = find(key)) out = static_cast<int>(read_integer(*v, std::string("login.") + key));
    };
    name("users_table", s.users_table);
    name("user_column", s.user_column);
    name("hash_column", s.hash_column);
    name("legacy_salt_column", s.legacy_salt_column);
    name("legacy_hash_column", s.legacy_hash_column);
    name("guard_table", s.guard_table);
    integer("max_failures_per_account", s.max_failures_per_account);
    integer("backoff_initial_seconds", s.backoff_initial_seconds);
    integer("backoff_max_seconds", s.backoff_max_seconds);
    integer("lockout_after", s.lockout_after);
    integer("lockout_seconds", s.lockout_seconds);
    integer("max_failures_per_source", s.max_failures_per_source);
    integer("source_window_seconds", s.source_window_seconds);
    try {
        s.validate();
    } catch (const Error& e) {
        // Point at the key the message starts with ("login.lockout_after: ...") when it was set.
        const std::string_view m = e.message();
        const Value* at = first;
        if (m.rfind("login.", 0) == 0) {
            auto it = section.values.find(std::string(m.substr(0, m.find(':'))));
            if (it != section.values.end()) at = &it->second;
        }
        const std::string where = at ? where_prefix(at->where) : tree.file + ": ";
        throw Error(e.code(), where + "environment '" + environment + "', " + std::string(e.message()));
    }
    return s;
}

}  // namespace verrou::profile_detail
