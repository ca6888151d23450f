// src/login/guard.hpp — the guard's arithmetic: from the rows' counters and the server-time
// distances the SQL computed, whether an attempt may reach a password check, and how long to
// wait otherwise. Pure functions: the same rules for login(), the early answer and `status`.
#pragma once

#include <cstdint>
#include <optional>

#include "verrou/login.hpp"
#include "verrou/profile.hpp"

namespace verrou::login_detail {

/// One account's guard row; since_last_us is UTC_TIMESTAMP(6) - last_failure_at (server clock).
struct AccountRow {
    bool present = false;
    std::int64_t failures = 0;
    std::optional<std::int64_t> since_last_us;
};

/// One source's guard row; since_window_us is UTC_TIMESTAMP(6) - window_start.
struct SourceRow {
    bool present = false;
    std::int64_t failures = 0;
    std::optional<std::int64_t> since_window_us;
};

/// Granted = the attempt may be checked (and these are the counters after counting it);
/// Throttled / Locked with the wait in microseconds (nullopt: until an administrator unlocks).
struct Gate {
    LoginVerdict verdict = LoginVerdict::Granted;
    std::optional<std::int64_t> retry_after_us;
    std::int64_t account_failures_after = 0;
    std::int64_t source_failures_after = 0;
    bool source_window_restarts = false;
};

/// The backoff after `failures` consecutive failures (>= max_failures_per_account), in seconds.
std::int64_t backoff_seconds(const LoginSettings& s, std::int64_t failures) noexcept;

Gate decide(const LoginSettings& s, const AccountRow& account, const SourceRow& source) noexcept;

/// Whole seconds to wait, rounded up so that waiting them is always enough (>= 1).
std::optional<std::int64_t> seconds_rounded_up(std::optional<std::int64_t> us) noexcept;

}  // namespace verrou::login_detail
