// Internal: the one place that decides what a failed call on an open session means. A client
// side loss (the server killed, restarted, frozen, a dropped VPN, a TLS error after the
// handshake) is SERVER_GONE or NETWORK_TIMEOUT on the first failing call, and OUTCOME_UNKNOWN
// when the server may have applied what was sent (a COMMIT, a statement without a result set
// in autocommit); QUERY_ERROR stays for what the server said about the statement.
#pragma once

#include <string>
#include <string_view>

#include "verrou/error.hpp"

namespace verrou::db {

/// Where in a call the session failed; named in the message ("executing the statement").
enum class Phase { Prepare, Bind, Execute, Fetch, Begin, Commit, Rollback, Ping, Reset };
std::string_view phase_text(Phase phase) noexcept;

/// What libmariadb said (mysql_errno / mysql_sqlstate / mysql_error, or the mysql_stmt_ ones).
struct SessionFailure {
    unsigned int mysql_errno = 0;
    std::string sqlstate;
    std::string message;
};

/// What the caller was doing when it failed.
struct SessionContext {
    Phase phase = Phase::Execute;
    bool in_transaction = false;  // a transaction was open (begin() without commit/rollback)
    bool returns_rows = false;    // the prepared statement has a result set (SELECT, SHOW, ...)
    std::string peer;             // "host:port"
};

/// True when the error means the session itself is gone (the connection cannot be used again).
bool is_session_lost(const SessionFailure& f) noexcept;

/// The Error a failed call on an open session deserves.
Error classify_session_failure(const SessionFailure& f, const SessionContext& c);

}  // namespace verrou::db
