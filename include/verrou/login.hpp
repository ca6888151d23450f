// verrou/login.hpp — a whole login in one call: guard, verify, migrate, rehash.
//
// login() reads the user's row, asks the brute-force guard whether this attempt may reach a
// password check, verifies, and writes what has to change: the guard's counters and, after a
// policy rise, a pepper rotation, a Django/passlib string or a WinDev legacy record, the new
// hash. The guard's state lives in one MariaDB table (LoginSettings::guard_table), changed only
// in short transactions on locked rows and timed with the server's clock (NOW(6)): every client
// of the database enforces the same budget, and a workstation's clock changes nothing.
//
// How an attempt runs (docs/login.md has the full story and the table's DDL):
//   1. one SELECT reads the user's row and the guard's rows (account, source) with the
//      server's time: a throttled or locked attempt is answered here, no derivation;
//   2. a transaction locks the guard rows (FOR UPDATE), decides again on the fresh state, and
//      counts the attempt as a failure *before* the check (a reservation): N clients racing
//      get exactly the configured budget, and a client that dies during the check has spent
//      an attempt;
//   3. the password check runs with no lock held (a frozen client blocks nobody); an unknown
//      user is checked against a dummy hash of the current policy (same cost, same answer);
//   4. on success one transaction refunds the reservation (resets the account, gives the
//      source its attempt back) and writes the new hash when needed, compare-and-set on the
//      value read in 1 (a concurrent password change is never overwritten).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "verrou/connection.hpp"
#include "verrou/password.hpp"
#include "verrou/profile.hpp"

namespace verrou {

namespace limits {
/// User names and sources longer than this (in bytes) are refused before any SQL.
inline constexpr std::size_t login_name_max_bytes = 255;
/// Longest identifier (MariaDB's limit for table and column names).
inline constexpr std::size_t sql_identifier_max_chars = 64;
}  // namespace limits

/// [A-Za-z_][A-Za-z0-9_]{0,63}: a column name verrou splices into SQL.
bool is_login_column_name(std::string_view s) noexcept;
/// A column name, or `schema.table` made of two of them.
bool is_login_table_name(std::string_view s) noexcept;

enum class LoginVerdict : int { Denied = 0, Granted = 1, GrantedRehashed = 2, Throttled = 3, Locked = 4 };
/// "denied", "granted", "granted_rehashed", "throttled", "locked".
std::string_view login_verdict_name(LoginVerdict v) noexcept;

struct LoginResult {
    LoginVerdict verdict = LoginVerdict::Denied;
    /// Throttled: seconds until the next attempt may be checked (rounded up, >= 1).
    /// Locked: seconds until the lock ends, or nullopt when only an administrator can unlock.
    std::optional<std::int64_t> retry_after_seconds;
};

/// {"verdict": "throttled", "retry_after_seconds": 4} (null when there is nothing to wait for).
std::string login_result_json(const LoginResult& result);

/// The whole login. `user` and `source` (the client's IP address or workstation name: whatever
/// identifies where attempts come from) are non-empty UTF-8 of at most
/// limits::login_name_max_bytes, without NUL (INVALID_ARGUMENT / INVALID_UTF8 / TOO_LARGE
/// otherwise, naming which). The password follows the hasher's rules (PASSWORD_EMPTY /
/// PASSWORD_TOO_LONG). A missing table is LOGIN_TABLE_MISSING naming it and `verrou login init`;
/// a table without the expected columns is LOGIN_TABLE_SHAPE. The connection must not be inside
/// a transaction of the caller (TRANSACTION_STATE): login commits its own.
LoginResult login(Connection& connection, const PasswordHasher& hasher, const LoginSettings& settings,
                  std::string_view user, std::string_view password, std::string_view source);

// ---- administration ----------------------------------------------------------------------

/// The guard's view of one account or source, in server time.
struct LoginGuardState {
    bool known = false;                      // the guard has a row for it
    std::int64_t failures = 0;               // consecutive (account) / in the window (source)
    std::optional<std::string> last_failure; // server time of the last counted attempt (account)
    std::optional<std::string> window_start; // server time the source's window opened (source)
    LoginVerdict verdict = LoginVerdict::Granted;  // Throttled / Locked, or Granted when free
    std::optional<std::int64_t> retry_after_seconds;
};
LoginGuardState login_account_state(Connection& connection, const LoginSettings& settings, std::string_view user);
LoginGuardState login_source_state(Connection& connection, const LoginSettings& settings, std::string_view source);
/// JSON of a state: {"kind": "account", "name": ..., "failures": N, ...}.
std::string login_state_json(std::string_view kind, std::string_view name, const LoginGuardState& state);

/// Clears the account's failures and lock. Returns true when the guard had a row for it.
bool login_unlock(Connection& connection, const LoginSettings& settings, std::string_view user);

/// Deletes guard rows idle for more than `older_than_seconds` (>= 1), never a row whose lock or
/// backoff is still running. Returns the number of rows deleted.
std::uint64_t login_purge(Connection& connection, const LoginSettings& settings, std::int64_t older_than_seconds);

/// CREATE TABLE IF NOT EXISTS for the guard table (the DDL docs/login.md gives DBAs).
std::string login_guard_ddl(const LoginSettings& settings);
/// Creates the guard table if missing, then checks both tables' shapes (LOGIN_TABLE_MISSING for
/// the users table, LOGIN_TABLE_SHAPE naming the column and what is expected).
void login_init(Connection& connection, const LoginSettings& settings);
/// The shape checks alone (what login() runs to explain a failed statement).
void login_check_tables(Connection& connection, const LoginSettings& settings);

}  // namespace verrou
