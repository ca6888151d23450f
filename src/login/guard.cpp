#include "login/guard.hpp"

#include <algorithm>
#include <limits>

namespace verrou::login_detail {

namespace {
constexpr std::int64_t kMicros = 1'000'000;
constexpr std::int64_t kLongAgo = std::numeric_limits<std::int64_t>::max() / 2;
}  // namespace

std::int64_t backoff_seconds(const LoginSettings& s, std::int64_t failures) noexcept {
    const std::int64_t doublings = std::max<std::int64_t>(0, failures - s.max_failures_per_account);
    std::int64_t wait = s.backoff_initial_seconds;
    for (std::int64_t i = 0; i < doublings && wait < s.backoff_max_seconds; ++i) wait *= 2;
    return std::min<std::int64_t>(wait, s.backoff_max_seconds);
}

Gate decide(const LoginSettings& s, const AccountRow& account, const SourceRow& source) noexcept {
    Gate gate;
    // A row without a time has never counted a failure: as if long ago.
    const std::int64_t since_last = account.since_last_us.value_or(kLongAgo);
    bool lock_over = false;
    std::optional<std::int64_t> account_wait;
    if (s.lockout_after > 0 && account.failures >= s.lockout_after) {
        if (s.lockout_seconds == 0) {
            gate.verdict = LoginVerdict::Locked;  // until an administrator unlocks it
            return gate;
        }
        const std::int64_t left = s.lockout_seconds * kMicros - since_last;
        if (left > 0) {
            gate.verdict = LoginVerdict::Locked;
            gate.retry_after_us = left;
            return gate;
        }
        lock_over = true;  // the lock has run its time: a fresh count starts
    }
    if (!lock_over && account.failures >= s.max_failures_per_account) {
        const std::int64_t left = backoff_seconds(s, account.failures) * kMicros - since_last;
        if (left > 0) account_wait = left;
    }

    const std::int64_t window = static_cast<std::int64_t>(s.source_window_seconds) * kMicros;
    const std::int64_t since_window = source.since_window_us.value_or(kLongAgo);
    const bool window_over = since_window >= window;
    std::optional<std::int64_t> source_wait;
    if (s.max_failures_per_source > 0 && !window_over && source.failures >= s.max_failures_per_source) {
        source_wait = window - since_window;
    }

    if (account_wait || source_wait) {
        gate.verdict = LoginVerdict::Throttled;
        gate.retry_after_us = std::max(account_wait.value_or(0), source_wait.value_or(0));
        return gate;
    }
    gate.account_failures_after = (lock_over ? 0 : account.failures) + 1;
    gate.source_failures_after = (window_over ? 0 : source.failures) + 1;
    gate.source_window_restarts = window_over;
    return gate;
}

std::optional<std::int64_t> seconds_rounded_up(std::optional<std::int64_t> us) noexcept {
    if (!us) return std::nullopt;
    return std::max<std::int64_t>(1, (*us + kMicros - 1) / kMicros);
}

}  // namespace verrou::login_detail
