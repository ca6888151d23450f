#include "verrou/pool.hpp"

#include <condition_variable>
#include <deque>
#include <list>
#include <mutex>
#include <vector>

#include "cluster/search.hpp"
#include "verrou/error.hpp"

namespace verrou {

using Clock = std::chrono::steady_clock;

namespace {

std::string describe(const Error& e) { return std::string(code_name(e.code())) + ": " + e.what(); }

}  // namespace

/// An idle connection and its ages.
struct IdleConnection {
    std::unique_ptr<Connection> conn;
    Clock::time_point created;
    Clock::time_point last_used;
};

/// One caller blocked in acquire. The releaser hands it a connection, or the right to open one
/// (a free slot), under the lock; first come, first served.
struct Waiter {
    std::condition_variable cv;
    std::optional<IdleConnection> handed;
    bool may_open = false;
};

struct Pool::State {
    Profile profile;
    PoolSettings settings;
    Connector connect;

    mutable std::mutex m;
    std::deque<IdleConnection> idle;  // back = most recently used (handed out first)
    std::list<Waiter*> waiters;       // FIFO
    int in_use = 0;
    int opening = 0;                  // slots reserved by callers connecting outside the lock
    bool closed = false;
    PoolStats counters;

    int size() const { return static_cast<int>(idle.size()) + in_use + opening; }

    std::chrono::seconds lifetime() const { return std::chrono::seconds(settings.max_lifetime_seconds); }
    bool too_old(Clock::time_point created, Clock::time_point now) const {
        return settings.max_lifetime_seconds > 0 && now - created >= lifetime();
    }

    /// Under the lock: a slot became free (a connection was discarded). The first waiter may
    /// open one in it, so that a waiter never waits while the pool is below max_size.
    void slot_freed() {
        if (waiters.empty() || closed) return;
        Waiter* w = waiters.front();
        waiters.pop_front();
        w->may_open = true;
        ++opening;
        w->cv.notify_one();
    }

    /// Under the lock: idle connections past max_idle_seconds (above min_idle) or max lifetime
    /// move to `out`, closed by the caller once the lock is released.
    void prune(Clock::time_point now, std::vector<IdleConnection>& out) {
        while (!idle.empty()) {
            IdleConnection& oldest = idle.front();
            const bool idle_too_long = settings.max_idle_seconds > 0 &&
                                       now - oldest.last_used >= std::chrono::seconds(settings.max_idle_seconds) &&
                                       size() > settings.min_idle;
            if (!idle_too_long && !too_old(oldest.created, now)) break;
            ++counters.retired;
            out.push_back(std::move(oldest));
            idle.pop_front();
        }
    }

    /// Outside the lock: a new connection through the connector. The caller holds a slot
    /// (opening); it is given back on failure.
    IdleConnection open_new() {
        try {
            IdleConnection c{std::make_unique<Connection>(connect(profile)), Clock::now(), Clock::now()};
            std::lock_guard lock(m);
            --opening;
            ++counters.created;
            return c;
        } catch (const Error& e) {
            std::lock_guard lock(m);
            --opening;
            ++counters.failed_creations;
            counters.last_error = describe(e);
            slot_freed();
            throw;
        }
    }

    /// Outside the lock: whether an idle connection is fit to hand out (false: dead, or with a
    /// host list no longer suiting the profile; it is then replaced in the same slot).
    bool healthy(IdleConnection& c) {
        const Clock::time_point now = Clock::now();
        if (c.conn->lost()) return dead(c);
        if (now - c.last_used < std::chrono::seconds(settings.idle_check_seconds)) return true;
        if (cluster::needs_search(profile)) {
            // The node may be alive but no longer fit the target (made read-only, out of the
            // primary component, not Synced): the search's own check, one round trip like a ping.
            const std::optional<std::string> why = cluster::recheck(profile, *c.conn, c.created);
            if (!why) return true;
            std::lock_guard lock(m);
            counters.last_error = "host no longer usable: " + *why;
            return false;
        }
        try {
            c.conn->ping();
            return true;
        } catch (const Error& e) {
            {
                std::lock_guard lock(m);
                counters.last_error = describe(e);
            }
            return dead(c);
        }
    }

    /// Outside the lock: a connection found lost. With a host list its host is marked down, so
    /// that the replacement's search tries the others first (src/cluster/backoff.hpp).
    bool dead(const IdleConnection& c) {
        if (cluster::needs_search(profile)) cluster::connection_lost(profile, *c.conn, c.created);
        return false;
    }

    Pool::Lease lease(const std::shared_ptr<State>& self, IdleConnection c) {
        const std::uint64_t calls = c.conn->calls();
        return Pool::Lease(self, std::move(c.conn), c.created, calls);
    }
};

Pool::Pool(Profile profile, int max_size, Connector connector) : state_(std::make_shared<State>()) {
    State& s = *state_;
    s.settings = profile.pool;
    if (max_size > 0) s.settings.max_size = max_size;
    if (s.settings.min_idle > s.settings.max_size) s.settings.min_idle = s.settings.max_size;
    s.profile = std::move(profile);
    s.connect = connector ? std::move(connector) : Connector([](const Profile& p) { return Connection::open(p); });
    for (int i = 0; i < s.settings.min_idle; ++i) {
        {
            std::lock_guard lock(s.m);
            ++s.opening;
        }
        IdleConnection c = s.open_new();
        std::lock_guard lock(s.m);
        s.idle.push_back(std::move(c));
    }
}

Pool::~Pool() { close(); }

const Profile& Pool::profile() const noexcept { return state_->profile; }

Pool::Lease Pool::acquire(std::optional<std::chrono::milliseconds> timeout) {
    State& s = *state_;
    const auto wait_for = timeout.value_or(std::chrono::milliseconds(s.settings.acquire_timeout_ms));
    const Clock::time_point deadline = Clock::now() + wait_for;
    std::vector<IdleConnection> to_close;  // closed outside the lock, at scope exit
    for (;;) {
        std::optional<IdleConnection> got;
        bool open = false;
        {
            std::unique_lock lock(s.m);
            if (s.closed) throw Error(Code::PoolClosed, "the pool for " + s.profile.host + " is closed");
            s.prune(Clock::now(), to_close);
            // Waiters first: a newcomer never takes what an earlier caller is waiting for.
            if (s.waiters.empty() && !s.idle.empty()) {
                got = std::move(s.idle.back());
                s.idle.pop_back();
                ++s.in_use;
            } else if (s.waiters.empty() && s.size() < s.settings.max_size) {
                ++s.opening;
                open = true;
            } else {
                Waiter w;
                s.waiters.push_back(&w);
                ++s.counters.waits;
                const bool served = w.cv.wait_until(lock, deadline, [&] { return w.handed || w.may_open || s.closed; });
                if (!served) {
                    s.waiters.remove(&w);
                    ++s.counters.timeouts;
                    throw Error(Code::PoolTimeout,
                                "no connection to " + s.profile.host + ":" + std::to_string(s.profile.port) + " within " +
                                    std::to_string(wait_for.count()) + " ms: " + std::to_string(s.in_use) + " of " +
                                    std::to_string(s.settings.max_size) + " in use, " +
                                    std::to_string(s.waiters.size()) + " other caller(s) waiting" +
                                    (s.counters.last_error.empty() ? "" : "; last error: " + s.counters.last_error));
                }
                if (w.handed) {
                    got = std::move(w.handed);  // in_use counted by the releaser
                } else if (w.may_open) {
                    open = true;  // opening counted by slot_freed
                } else {
                    throw Error(Code::PoolClosed, "the pool for " + s.profile.host + " was closed while waiting");
                }
            }
        }
        if (open) {
            IdleConnection c = s.open_new();
            std::lock_guard lock(s.m);
            ++s.in_use;
            ++s.counters.acquired;
            return s.lease(state_, std::move(c));
        }
        const Clock::time_point now = Clock::now();
        if (!s.too_old(got->created, now) && s.healthy(*got)) {
            got->last_used = now;
            std::lock_guard lock(s.m);
            ++s.counters.acquired;
            return s.lease(state_, std::move(*got));
        }
        // Dead or past its lifetime: close it and open another in the same slot; the caller
        // never sees an error for a connection it did not use.
        {
            std::lock_guard lock(s.m);
            --s.in_use;
            ++s.opening;
            if (s.too_old(got->created, now)) ++s.counters.retired;
            else ++s.counters.replaced;
        }
        to_close.push_back(std::move(*got));
        IdleConnection c = s.open_new();
        std::lock_guard lock(s.m);
        ++s.in_use;
        ++s.counters.acquired;
        return s.lease(state_, std::move(c));
    }
}

PoolStats Pool::stats() const {
    const State& s = *state_;
    std::lock_guard lock(s.m);
    PoolStats out = s.counters;
    out.size = s.size();
    out.idle = static_cast<int>(s.idle.size());
    out.in_use = s.in_use;
    out.waiting = static_cast<int>(s.waiters.size());
    return out;
}

void Pool::close() noexcept {
    State& s = *state_;
    std::deque<IdleConnection> closing;
    {
        std::lock_guard lock(s.m);
        if (s.closed) return;
        s.closed = true;
        closing.swap(s.idle);
        for (Waiter* w : s.waiters) w->cv.notify_one();
        s.waiters.clear();
    }
}  // `closing` destroyed here, outside the lock

// ---- Lease -------------------------------------------------------------------------------------

Pool::Lease::Lease(std::shared_ptr<State> pool, std::unique_ptr<Connection> conn, Clock::time_point created,
                   std::uint64_t calls_at_acquire)
    : pool_(std::move(pool)), conn_(std::move(conn)), created_(created), calls_at_acquire_(calls_at_acquire) {}

Pool::Lease::Lease(Lease&& o) noexcept
    : pool_(std::move(o.pool_)), conn_(std::move(o.conn_)), created_(o.created_),
      calls_at_acquire_(o.calls_at_acquire_) {}

Pool::Lease& Pool::Lease::operator=(Lease&& o) noexcept {
    if (this != &o) {
        release();
        pool_ = std::move(o.pool_);
        conn_ = std::move(o.conn_);
        created_ = o.created_;
        calls_at_acquire_ = o.calls_at_acquire_;
    }
    return *this;
}

Pool::Lease::~Lease() { release(); }

void Pool::Lease::release() noexcept {
    if (!conn_ || !pool_) return;
    std::shared_ptr<State> pool = std::move(pool_);
    std::unique_ptr<Connection> conn = std::move(conn_);
    State& s = *pool;
    const Clock::time_point now = Clock::now();
    // Outside the lock: a used session is reset (rolls back an open transaction, drops
    // temporary tables and session variables) or discarded.
    bool keep = !conn->lost() && !s.too_old(created_, now);
    bool retired = keep ? false : !conn->lost();
    if (keep && conn->calls() != calls_at_acquire_) {
        try {
            conn->reset();
        } catch (const Error& e) {
            keep = false;
            std::lock_guard lock(s.m);
            s.counters.last_error = describe(e);
        } catch (...) {
            keep = false;
        }
    }
    std::unique_ptr<Connection> to_close;
    {
        std::lock_guard lock(s.m);
        --s.in_use;
        if (!keep || s.closed) {
            if (!keep) ++(retired ? s.counters.retired : s.counters.discarded);
            to_close = std::move(conn);
            s.slot_freed();
        } else if (!s.waiters.empty()) {
            Waiter* w = s.waiters.front();  // straight to the longest waiting caller
            s.waiters.pop_front();
            w->handed = IdleConnection{std::move(conn), created_, now};
            ++s.in_use;
            w->cv.notify_one();
        } else {
            s.idle.push_back(IdleConnection{std::move(conn), created_, now});
        }
    }
}  // `to_close` (and `pool`, possibly the last owner) destroyed outside the lock

}  // namespace verrou
