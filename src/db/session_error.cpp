#include "db/session_error.hpp"

#include <errmsg.h>
#include <mysqld_error.h>

#include <cctype>

#include "tls/probe.hpp"

namespace verrou::db {
namespace {

std::string lower(std::string_view s) {
    std::string out(s);
    for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return out;
}

/// A read or write that hit MYSQL_OPT_READ_TIMEOUT / WRITE_TIMEOUT (a frozen server, a link that
/// drops packets). libmariadb reports it under several numbers (2013, 2026 through OpenSSL,
/// 5013/5014), always with the system's "timed out" text.
bool timed_out(const SessionFailure& f) {
    const std::string m = lower(f.message);
    return m.find("timed out") != std::string::npos || m.find("timeout") != std::string::npos;
}

/// What the caller may assume about the statement, said in the message.
std::string outcome(const SessionContext& c, bool unknown) {
    if (unknown && c.phase == Phase::Commit)
        return "the COMMIT was sent but its answer never came: the transaction may or may not be committed; "
               "check the data before running it again";
    if (unknown)
        return "the statement was sent in autocommit and returns no rows: it may or may not have been applied; "
               "check the data before running it again";
    if (c.in_transaction || c.phase == Phase::Rollback)
        return "the open transaction is lost: nothing of it is committed (the server rolls it back)";
    switch (c.phase) {
        case Phase::Prepare: case Phase::Bind: case Phase::Begin: case Phase::Ping: case Phase::Reset:
            return "the statement did not run";
        default:
            return "the statement reads rows: nothing was changed";
    }
}

}  // namespace

std::string_view phase_text(Phase phase) noexcept {
    switch (phase) {
        case Phase::Prepare: return "preparing the statement";
        case Phase::Bind: return "binding the parameters";
        case Phase::Execute: return "executing the statement";
        case Phase::Fetch: return "reading the result";
        case Phase::Begin: return "START TRANSACTION";
        case Phase::Commit: return "COMMIT";
        case Phase::Rollback: return "ROLLBACK";
        case Phase::Ping: return "checking the connection (ping)";
        case Phase::Reset: return "resetting the session";
    }
    return "the call";
}

bool is_session_lost(const SessionFailure& f) noexcept {
    switch (f.mysql_errno) {
        // The client library lost the session: gone between calls, lost during one, a TLS
        // record layer failure after the handshake, a read/write error or timeout, garbage
        // where a packet was expected.
        case CR_SERVER_GONE_ERROR: case CR_SERVER_LOST: case CR_SERVER_LOST_EXTENDED:
        case CR_SSL_CONNECTION_ERROR: case CR_CONNECTION_ERROR: case CR_MALFORMED_PACKET:
        case CR_ERR_NET_READ: case CR_ERR_NET_WRITE:
        // The server ends the session itself: shutdown, KILL CONNECTION, its own network errors.
        case ER_SERVER_SHUTDOWN: case ER_CONNECTION_KILLED: case ER_NET_READ_ERROR:
        case ER_NET_READ_INTERRUPTED: case ER_NET_ERROR_ON_WRITE: case ER_NET_WRITE_INTERRUPTED:
            return true;
        default:
            return false;
    }
}

Error classify_session_failure(const SessionFailure& f, const SessionContext& c) {
    const std::string said = tls::sanitize_server_text(f.message, 400);
    const std::string what = std::string(phase_text(c.phase));
    if (!is_session_lost(f)) {
        return Error(Code::QueryError, what + " failed (SQLSTATE " + f.sqlstate + ", error " +
                                           std::to_string(f.mysql_errno) + "): " + said);
    }
    // The server may have applied what it received when the answer to a COMMIT, or to a
    // statement that changes data in autocommit, is lost: retrying could apply it twice.
    const bool unknown = c.phase == Phase::Commit ||
                         (c.phase == Phase::Execute && !c.in_transaction && !c.returns_rows);
    const bool timeout = timed_out(f);
    const Code code = unknown ? Code::OutcomeUnknown : timeout ? Code::NetworkTimeout : Code::ServerGone;
    const std::string how = timeout ? "the server at " + c.peer + " did not answer in time"
                                    : "the connection to " + c.peer + " was lost";
    return Error(code, what + ": " + how + " (error " + std::to_string(f.mysql_errno) + ": " + said + "); " +
                           outcome(c, unknown));
}

}  // namespace verrou::db
