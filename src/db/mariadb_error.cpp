#include "db/mariadb_error.hpp"

#include <errmsg.h>
#include <mysqld_error.h>

#include <string_view>

#include "net/socket.hpp"
#include "tls/probe.hpp"

namespace verrou::db {
namespace {

bool contains(std::string_view haystack, std::string_view needle) {
    return haystack.find(needle) != std::string_view::npos;
}

std::string endpoint(const Profile& p) { return p.host + ":" + std::to_string(p.port); }

std::string presented_certificate(const ValidationReport& report) {
    if (!report.client) return "no client certificate";
    const auto& c = *report.client;
    return "certificate " + c.subject + " issued by " + c.issuer + ", valid until " + c.not_after;
}

/// The server accepted the TLS handshake, then dropped the session or sent an alert about our
/// certificate. Under TLS 1.3 the client sees this only after it thinks the handshake is over,
/// so libmariadb reports "Lost connection ... at 'sending authentication information'".
Error certificate_rejected(const Profile& p, const ValidationReport& report, const ConnectFailure& f) {
    std::string reason;
    const std::string& m = f.mysql_message;
    if (contains(m, "unknown ca")) reason = "the server does not trust the certificate's issuer (alert: unknown ca)";
    else if (contains(m, "revoked")) reason = "the server says the certificate is revoked (alert: certificate revoked)";
    else if (contains(m, "expired")) reason = "the server says the certificate is expired (alert: certificate expired)";
    else if (contains(m, "bad certificate") || contains(m, "unsupported certificate"))
        reason = "the server rejected the certificate (alert: bad certificate)";
    else reason = "the server closed the connection right after the TLS handshake";
    return Error(Code::CertRejectedByServer,
                 "the server at " + endpoint(p) + " rejected the client " + presented_certificate(report) +
                 ": " + reason + ". Likely causes: the certificate is revoked (the server's CRL), expired, "
                 "issued by a CA the server does not trust (ssl_ca on the server), or not the SUBJECT/ISSUER "
                 "the account requires. Server said: " + m);
}

Error access_denied(const Profile& p, const ValidationReport& report, const ConnectFailure& f) {
    std::string causes;
    int n = 0;
    const auto add = [&](const std::string& text) { causes += " (" + std::to_string(++n) + ") " + text + ";"; };
    add("the password from " + (p.password.present() ? p.password.describe() : std::string("no password source")) +
        " is not the account's password");
    if (report.client) {
        add("the account requires another certificate SUBJECT/ISSUER than the one presented (" +
            report.client->subject + ", issuer " + report.client->issuer +
            "); compare with SHOW CREATE USER '" + p.user + "'");
        if (!p.tls.expected_cert_cn.empty() && report.client->common_name != p.tls.expected_cert_cn) {
            add("the certificate CN '" + report.client->common_name + "' is not the CN '" +
                p.tls.expected_cert_cn + "' expected for environment '" + p.environment + "'");
        }
    }
    add("the user '" + p.user + "' does not exist for this client host, or lacks rights on database '" +
        p.database + "'");
    return Error(Code::AuthDenied, "access denied for user '" + p.user + "' at " + endpoint(p) +
                 " (environment '" + p.environment + "'). Likely causes:" + causes +
                 " Server said: " + f.mysql_message);
}

Error diagnose_tcp(const Profile& p, const std::string& m) {
    try {
        net::TcpSocket::connect(p.host, p.port, p.connect_timeout_seconds);
    } catch (const Error& e) {
        return e;
    }
    return Error(Code::NetworkUnreachable, "cannot reach " + endpoint(p) + " (it answers now; intermittent network?): " + m);
}

/// libmariadb says a read or the handshake timed out only in its text: "system error: 110"
/// (ETIMEDOUT), "10060" on Windows (WSAETIMEDOUT), or OpenSSL's "Connection timed out".
bool timed_out(std::string_view m) {
    return contains(m, "system error: 110") || contains(m, "system error: 10060") || contains(m, "timed out (110)") ||
           contains(m, "Connection timed out");
}

/// The server accepted the TCP connection but did not go on in time (frozen, overloaded, or a
/// firewall dropping packets): the same code as a timed-out TCP connect.
Error greeting_timeout(const Profile& p, const ConnectFailure& f) {
    return Error(Code::NetworkTimeout, "the server at " + endpoint(p) + " accepted the connection but did not answer in time (connect_timeout " +
                                           std::to_string(p.connect_timeout_seconds) + " s): " + f.mysql_message);
}

Error from_probe(const Profile& p, const ConnectFailure& f) {
    const auto probe = tls::probe_server(tls::probe_options_for(p));
    if (!probe.ok()) return Error(probe.failure, probe.message);
    return Error(Code::TlsHandshake, "TLS with " + endpoint(p) + " failed: " + f.mysql_message);
}

}  // namespace

Error classify_connect_failure(const Profile& p, const ValidationReport& report, const ConnectFailure& raw) {
    // libmariadb's text may carry the peer's own words (an error packet sent before TLS, by
    // whatever answers on that port): no control characters or endless lines into messages
    // that a support tool prints.
    ConnectFailure f = raw;
    f.mysql_message = tls::sanitize_server_text(raw.mysql_message, 400);
    const std::string& m = f.mysql_message;
    switch (f.mysql_errno) {
        case CR_UNKNOWN_HOST:
            return Error(Code::NetworkDns, "cannot resolve host '" + p.host + "': " + m);
        case CR_CONNECTION_ERROR:
        case CR_CONN_HOST_ERROR:
            // libmariadb's non-blocking connect often reports errno 115 (EINPROGRESS) whatever
            // happened: ask the network ourselves to say refused, timeout or unreachable.
            return diagnose_tcp(p, m);
        case CR_SSL_CONNECTION_ERROR:
            if (contains(m, "does not support") || contains(m, "SSL is required"))
                return Error(Code::TlsNotOffered, "the server at " + endpoint(p) +
                             " does not offer TLS; verrou never connects in plaintext. Server setup: ssl_cert, ssl_key, "
                             "ssl_ca and require_secure_transport=ON");
            if (contains(m, "alert") && !contains(m, "protocol version") && !contains(m, "handshake failure"))
                return certificate_rejected(p, report, f);
            if (timed_out(m)) return greeting_timeout(p, f);
            return from_probe(p, f);
        case CR_SERVER_LOST:
        case CR_SERVER_LOST_EXTENDED:
        case CR_SERVER_GONE_ERROR:
            if (contains(m, "authentication") || contains(m, "authorization") || contains(m, "system error: 104"))
                return certificate_rejected(p, report, f);
            if (timed_out(m)) return greeting_timeout(p, f);
            if (contains(m, "handshake") || contains(m, "initial communication"))
                return from_probe(p, f);
            return Error(Code::NetworkLost, "the connection to " + endpoint(p) + " was lost: " + m);
        case ER_ACCESS_DENIED_ERROR:
        case ER_DBACCESS_DENIED_ERROR:
        case ER_ACCESS_DENIED_NO_PASSWORD_ERROR:
            return access_denied(p, report, f);
        case ER_BAD_DB_ERROR:
            return Error(Code::ServerError, "database '" + p.database + "' does not exist on " + endpoint(p) +
                         " (SQLSTATE " + f.sqlstate + "): " + m);
        case ER_CON_COUNT_ERROR:
            return Error(Code::ServerError, "the server at " + endpoint(p) + " has too many connections: " + m);
        default:
            return Error(f.mysql_errno >= 2000 && f.mysql_errno < 3000 ? Code::NetworkLost : Code::ServerError,
                         "connection to " + endpoint(p) + " failed (error " + std::to_string(f.mysql_errno) +
                         ", SQLSTATE " + f.sqlstate + "): " + m);
    }
}

}  // namespace verrou::db
