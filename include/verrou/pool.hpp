// verrou/pool.hpp — a pool of mTLS connections built from a profile (docs/pool.md).
//
//   verrou::Pool pool(load_profile("profiles.ini", "prod"));
//   {
//       verrou::Pool::Lease c = pool.acquire();      // a healthy connection, or POOL_TIMEOUT
//       c->query("SELECT ...", {...});
//   }                                               // released: session reset, back to the pool
//
// Acquire hands out an idle connection (pinged first when it was idle longer than
// pool.idle_check_seconds — with a host list, checked instead as the host search checks a host:
// target and Galera state; a dead or unsuitable one is replaced without the caller seeing an
// error, its host marked down), or opens
// one while fewer than pool.max_size exist, or waits — waiters are served first come, first
// served — until pool.acquire_timeout_ms. Release resets a used session
// (mysql_reset_connection) or discards it (lost, reset failed, older than
// pool.max_lifetime_seconds: a renewed certificate or a new CRL reaches every connection within
// that time). No lock is held while connecting, pinging or resetting. Thread-safe.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "verrou/connection.hpp"
#include "verrou/profile.hpp"

namespace verrou {

/// What the pool has done so far, and what it holds now.
struct PoolStats {
    int size = 0;               // connections that exist: idle + in use + being opened
    int idle = 0;
    int in_use = 0;
    int waiting = 0;            // callers waiting in acquire now
    std::uint64_t acquired = 0;
    std::uint64_t waits = 0;    // acquires that had to wait for a connection
    std::uint64_t timeouts = 0; // acquires that ended in POOL_TIMEOUT
    std::uint64_t created = 0;  // connections opened
    std::uint64_t replaced = 0; // idle connections found dead (ping / lost) or, with a host list,
                                // no longer suiting the target / Galera state, and replaced
    std::uint64_t retired = 0;  // closed for pool.max_lifetime_seconds or pool.max_idle_seconds
    std::uint64_t discarded = 0;// released lost, or whose reset failed
    std::uint64_t failed_creations = 0;
    std::string last_error;     // "CODE: message" of the last failed creation, ping or reset, or
                                // "host no longer usable: host: why" (a host list's check)
};

/// The pool's one way to make a connection: host selection and connection creation live here
/// (Connection::open by default), so that a cluster-aware connector can replace it.
using Connector = std::function<Connection(const Profile&)>;

class Pool {
public:
    class Lease;

    /// `max_size` > 0 overrides the profile's pool.max_size. Opens pool.min_idle connections
    /// (throws the first connect error: a wrong profile is said at start, not at first use).
    explicit Pool(Profile profile, int max_size = 0, Connector connector = {});
    ~Pool();  // close()
    Pool(const Pool&) = delete;
    Pool& operator=(const Pool&) = delete;

    /// A healthy connection for the caller alone until the Lease is released or destroyed.
    /// `timeout` defaults to pool.acquire_timeout_ms. Throws POOL_TIMEOUT, POOL_CLOSED, or the
    /// connect error when a new connection cannot be opened.
    Lease acquire(std::optional<std::chrono::milliseconds> timeout = std::nullopt);

    PoolStats stats() const;
    const Profile& profile() const noexcept;

    /// Closes idle connections now, connections in use when they are released; waiting and
    /// later acquires get POOL_CLOSED. Idempotent.
    void close() noexcept;

    struct State;

private:
    std::shared_ptr<State> state_;
};

class Pool::Lease {
public:
    Lease(Lease&&) noexcept;
    Lease& operator=(Lease&&) noexcept;
    Lease(const Lease&) = delete;
    Lease& operator=(const Lease&) = delete;
    ~Lease();  // release()

    Connection& operator*() const noexcept { return *conn_; }
    Connection* operator->() const noexcept { return conn_.get(); }
    Connection& connection() const noexcept { return *conn_; }
    explicit operator bool() const noexcept { return conn_ != nullptr; }

    /// Gives the connection back (reset, or discarded); the Lease is empty afterwards.
    void release() noexcept;

private:
    friend class Pool;
    Lease(std::shared_ptr<State> pool, std::unique_ptr<Connection> conn, std::chrono::steady_clock::time_point created,
          std::uint64_t calls_at_acquire);
    std::shared_ptr<State> pool_;
    std::unique_ptr<Connection> conn_;
    std::chrono::steady_clock::time_point created_;
    std::uint64_t calls_at_acquire_ = 0;
};

}  // namespace verrou
