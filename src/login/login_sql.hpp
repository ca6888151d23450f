// src/login/login_sql.hpp — every statement login() and the administration functions run,
// built once from validated identifiers (each part back-quoted). Values are always bound.
// Times are UTC_TIMESTAMP(6): the server's clock, and the same on every session whatever its
// time_zone (NOW(6) follows the session's time zone, which clients may set differently).
#pragma once

#include <string>

#include "verrou/profile.hpp"

namespace verrou::login_detail {

struct Statements {
    std::string users_label;  // "table `app_users` (login.users_table)", for messages
    std::string guard_label;
    // Params: user, user, source. One row: user found, hash, legacy salt, legacy hash,
    // account failures, µs since its last failure, source failures, µs since its window opened.
    std::string read;
    std::string ensure;   // user, source: creates missing guard rows (and locks them)
    std::string lock;     // user, source: scope, failures, µs since last failure, µs since window, FOR UPDATE
    std::string reserve;  // account failures, source failures, window restarts, user, source
    std::string refund;   // user, source: account reset, source gets its attempt back
    std::string rehash;   // new hash, user, old hash (compare-and-set)
    std::string migrate;  // new hash, user, old legacy salt, old legacy hash (compare-and-set)
};

/// Back-quoted `schema`.`table` or `name` (the settings are validated first).
std::string quote_name(const std::string& validated);

Statements statements(const LoginSettings& s);

/// CREATE TABLE IF NOT EXISTS for the guard.
std::string guard_ddl(const LoginSettings& s);

}  // namespace verrou::login_detail
