// verrou/connection.hpp — a mutually authenticated TLS connection to MariaDB, or a refusal
// that says which layer failed and why.
//
// Connection::open(profile):
//   1. validates the profile's TLS material locally (verrou/certificate.hpp) — nothing leaves
//      the machine when a local check fails;
//   2. connects with libmariadb so that plaintext is impossible in every ssl_mode;
//   3. checks the negotiated TLS version against the profile's minimum, and the negotiated
//      cipher against the profile's ssl_cipher list (checked name by name before connecting);
//   4. classifies every failure (NETWORK / TLS / CERTIFICATE / AUTH / SERVER) with the likely
//      causes a support team can check.
// One Connection is used by one thread at a time; distinct connections in distinct threads
// are independent.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "verrou/certificate.hpp"
#include "verrou/profile.hpp"

namespace verrou {

/// A bound statement parameter. Text is sent as-is (UTF-8); never spliced into SQL.
using Param = std::variant<std::nullptr_t, std::int64_t, double, bool, std::string>;

struct Column {
    std::string name;
    bool numeric = false;  // integer / decimal / floating column: values are decimal text
};

/// Rows as text (the server's own rendering), std::nullopt for SQL NULL.
struct ResultSet {
    std::vector<Column> columns;
    std::vector<std::vector<std::optional<std::string>>> rows;
};

struct ConnectionInfo {
    std::string host;              // the host connected (one of the profile's list)
    std::uint16_t port = 0;
    std::string reached;           // the same as "host:port" ("[::1]:3308" for IPv6)
    std::string user;
    std::string current_user;      // CURRENT_USER(): the account the server matched
    std::string server_version;
    std::string tls_version;       // "TLSv1.3"
    std::string cipher;            // "TLS_AES_256_GCM_SHA384"
    std::string ssl_mode;          // "VERIFY_IDENTITY", ...
    std::optional<CertificateInfo> client_certificate;  // the one presented
    /// The one the server presented (as verified under VERIFY_CA / VERIFY_IDENTITY), for
    /// expiry monitoring; nullopt when libmariadb is not built on OpenSSL (e.g. Schannel).
    std::optional<CertificateInfo> server_certificate;
    bool using_next_certificate = false;
    /// From the profile and the validation, plus "server_cert_expiring" when the server
    /// certificate is inside expiry_warning_days.
    std::vector<Warning> warnings;
};

class Connection {
public:
    /// Validates, connects, checks. Throws verrou::Error; never returns a plaintext session.
    /// A profile listing several hosts (or a target) searches them (docs/clusters.md): a host
    /// failing at the network, TLS or server layer is skipped (warning host_skipped), an
    /// authentication or local failure stops the search, and NO_USABLE_HOST lists every host's
    /// cause when none could be used within failover_timeout_seconds.
    static Connection open(const Profile& profile);

    Connection(Connection&&) noexcept;
    Connection& operator=(Connection&&) noexcept;
    Connection(const Connection&) = delete;
    Connection& operator=(const Connection&) = delete;
    ~Connection();

    const ConnectionInfo& info() const noexcept;

    /// Runs a statement with bound parameters; returns the affected row count.
    std::uint64_t execute(std::string_view sql, const std::vector<Param>& params = {});
    /// Runs a statement with bound parameters and returns every row.
    ResultSet query(std::string_view sql, const std::vector<Param>& params = {});

    void begin();
    void commit();
    void rollback();
    bool in_transaction() const noexcept;

    /// A call met a lost session (SERVER_GONE / NETWORK_TIMEOUT / OUTCOME_UNKNOWN); it stays
    /// lost until connected again (profile key reconnect) — docs/errors.md#lost-connections.
    bool lost() const noexcept;
    /// How many times this connection was connected again after a loss (profile key reconnect).
    std::uint64_t reconnects() const noexcept;

    /// One round trip (mysql_ping) that proves the session is alive; a failure is classified
    /// like any call's (SERVER_GONE / NETWORK_TIMEOUT) and leaves the connection lost.
    void ping();
    /// Gives the session back its just-connected state (mysql_reset_connection): an open
    /// transaction rolled back, session variables, temporary tables, prepared statements and
    /// locks gone. Throws (and the connection is lost) when the server cannot do it.
    void reset();
    /// Calls that reached the server since the connection was opened (statements, transaction
    /// control): a pool resets only a session that was used.
    std::uint64_t calls() const noexcept;

private:
    struct Impl;
    explicit Connection(std::unique_ptr<Impl> impl);
    /// One host: profile.host:profile.port (what open() did before host lists).
    static Connection open_host(const Profile& profile);
    std::unique_ptr<Impl> impl_;
};

}  // namespace verrou
