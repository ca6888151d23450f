// LoginSettings::validate and the identifier rule: the one check that keeps a profile (or a C++
// caller filling LoginSettings by hand) from changing the SQL login() runs.
#include <algorithm>
#include <string>

#include "verrou/error.hpp"
#include "verrou/login.hpp"
#include "verrou/profile.hpp"

namespace verrou {

namespace {

bool ascii_alpha(char c) noexcept { return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z'); }
bool ascii_digit(char c) noexcept { return c >= '0' && c <= '9'; }

[[noreturn]] void invalid(const std::string& field, const std::string& problem) {
    throw Error(Code::ConfigInvalidValue, "login." + field + ": " + problem);
}

void check_range(const std::string& field, int value, int min, int max) {
    if (value < min || value > max) {
        invalid(field, "value " + std::to_string(value) + " is out of range (" + std::to_string(min) + ".." +
                           std::to_string(max) + ")");
    }
}

}  // namespace

bool is_login_column_name(std::string_view s) noexcept {
    if (s.empty() || s.size() > limits::sql_identifier_max_chars) return false;
    if (!ascii_alpha(s[0]) && s[0] != '_') return false;
    return std::all_of(s.begin(), s.end(), [](char c) { return ascii_alpha(c) || ascii_digit(c) || c == '_'; });
}

bool is_login_table_name(std::string_view s) noexcept {
    const auto dot = s.find('.');
    if (dot == std::string_view::npos) return is_login_column_name(s);
    return is_login_column_name(s.substr(0, dot)) && is_login_column_name(s.substr(dot + 1));
}

void LoginSettings::validate() const {
    const auto table = [](const char* field, const std::string& v) {
        if (!is_login_table_name(v)) {
            invalid(field, "not a plain SQL table name ([A-Za-z_][A-Za-z0-9_]{0,63}, optionally schema.table)");
        }
    };
    const auto column = [](const char* field, const std::string& v) {
        if (!is_login_column_name(v)) invalid(field, "not a plain SQL column name ([A-Za-z_][A-Za-z0-9_]{0,63})");
    };
    table("users_table", users_table);
    table("guard_table", guard_table);
    column("user_column", user_column);
    column("hash_column", hash_column);
    if (legacy_salt_column.empty() != legacy_hash_column.empty()) {
        throw Error(Code::ConfigMissingKey,
                    std::string("login: legacy_salt_column and legacy_hash_column go together (a WinDev legacy "
                                "record is a salt and a Base64 hash); ") +
                        (legacy_salt_column.empty() ? "legacy_salt_column" : "legacy_hash_column") + " is missing");
    }
    if (has_legacy_columns()) {
        column("legacy_salt_column", legacy_salt_column);
        column("legacy_hash_column", legacy_hash_column);
    }
    // Column names are case-insensitive in MariaDB: two settings naming one column would make
    // the migration write NULL over the new hash.
    std::vector<std::pair<const char*, std::string>> names{{"user_column", user_column}, {"hash_column", hash_column}};
    if (has_legacy_columns()) {
        names.emplace_back("legacy_salt_column", legacy_salt_column);
        names.emplace_back("legacy_hash_column", legacy_hash_column);
    }
    const auto lower = [](std::string s) {
        for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
        return s;
    };
    for (std::size_t i = 0; i < names.size(); ++i) {
        for (std::size_t j = i + 1; j < names.size(); ++j) {
            if (lower(names[i].second) == lower(names[j].second)) {
                invalid(names[j].first, std::string("names the same column as login.") + names[i].first + " ('" +
                                            names[i].second + "')");
            }
        }
    }
    if (lower(users_table) == lower(guard_table)) {
        invalid("guard_table", "is the users table ('" + users_table + "'); the guard needs its own table");
    }
    check_range("max_failures_per_account", max_failures_per_account, 1, 1'000'000);
    check_range("backoff_initial_seconds", backoff_initial_seconds, 1, 86'400);
    check_range("backoff_max_seconds", backoff_max_seconds, 1, 31'536'000);
    check_range("lockout_after", lockout_after, 0, 1'000'000);
    check_range("lockout_seconds", lockout_seconds, 0, 31'536'000);
    check_range("max_failures_per_source", max_failures_per_source, 0, 100'000'000);
    check_range("source_window_seconds", source_window_seconds, 1, 31'536'000);
    if (backoff_max_seconds < backoff_initial_seconds) {
        invalid("backoff_max_seconds", "value " + std::to_string(backoff_max_seconds) +
                                           " is below login.backoff_initial_seconds (" +
                                           std::to_string(backoff_initial_seconds) + ")");
    }
    if (lockout_after != 0 && lockout_after < max_failures_per_account) {
        invalid("lockout_after", "value " + std::to_string(lockout_after) +
                                     " is below login.max_failures_per_account (" +
                                     std::to_string(max_failures_per_account) +
                                     "): the lock would come before the backoff; use 0 (never lock) or a value >= " +
                                     std::to_string(max_failures_per_account));
    }
}

}  // namespace verrou
