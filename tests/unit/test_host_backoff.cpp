// The hosts marked down after a failure (src/cluster/backoff.hpp): period doubling while the host
// keeps failing, capped, one outage seen by many callers counted once, success forgets it, a
// wrong role marks the host down for that target only, and the search order puts the hosts marked
// down last. Time is given explicitly: no sleep, no clock in the assertions.
#include <doctest/doctest.h>

#include <chrono>

#include "cluster/backoff.hpp"

using namespace verrou;
using verrou::cluster::HostBackoff;
using std::chrono::seconds;

namespace {

const HostPort a{"db1", 3306};
const HostPort b{"db2", 3306};
const HostPort c{"db3", 3307};

std::vector<std::string> texts(const std::vector<HostPort>& hosts) {
    std::vector<std::string> out;
    for (const HostPort& h : hosts) out.push_back(h.text());
    return out;
}

}  // namespace

TEST_CASE("host back-off: doubles while the host keeps failing, up to 60 s, forgotten on success") {
    HostBackoff r;
    const auto t0 = HostBackoff::Clock::time_point{} + std::chrono::hours(1);
    CHECK_FALSE(r.down_for(a, Target::Any, t0));
    CHECK(r.failed(a, std::nullopt, seconds(5), t0) == seconds(5));
    CHECK(r.down_for(a, Target::Any, t0) == seconds(5));
    CHECK(r.down_for(a, Target::Writable, t0 + seconds(1)) == seconds(4));
    CHECK_FALSE(r.down_for(b, Target::Any, t0));
    // The same outage seen again (another thread, another pooled connection): not lengthened.
    CHECK(r.failed(a, std::nullopt, seconds(5), t0 + seconds(2)) == seconds(5));
    CHECK(r.down_for(a, Target::Any, t0 + seconds(2)) == seconds(3));
    CHECK_FALSE(r.down_for(a, Target::Any, t0 + seconds(5)));
    // Re-probed after the period and failing again: 10, 20, 40, then 60 at most.
    auto t = t0 + seconds(5);
    for (const int expected : {10, 20, 40, 60, 60}) {
        CHECK(r.failed(a, std::nullopt, seconds(5), t) == seconds(expected));
        t += seconds(expected);
    }
    r.succeeded(a, Target::Any, t0);
    CHECK_FALSE(r.down_for(a, Target::Any, t0));
    CHECK(r.failed(a, std::nullopt, seconds(5), t) == seconds(5));

    // A base longer than 60 s is its own cap; 0 never marks.
    CHECK(r.failed(b, std::nullopt, seconds(100), t0) == seconds(100));
    CHECK(r.failed(b, std::nullopt, seconds(100), t0 + seconds(100)) == seconds(100));
    CHECK(r.failed(c, std::nullopt, seconds(0), t0) == seconds(0));
    CHECK_FALSE(r.down_for(c, Target::Any, t0));
}

TEST_CASE("host back-off: a wrong role marks the host down for that target only") {
    HostBackoff r;
    const auto t0 = HostBackoff::Clock::time_point{} + std::chrono::hours(1);
    // db1 is read-only: a search for writable marks it down for writable only.
    CHECK(r.failed(a, Target::Writable, seconds(5), t0) == seconds(5));
    CHECK(r.down_for(a, Target::Writable, t0));
    CHECK_FALSE(r.down_for(a, Target::ReadOnly, t0));
    CHECK_FALSE(r.down_for(a, Target::Any, t0));
    // A search for read_only reaching it does not clear what writable learnt...
    r.succeeded(a, Target::ReadOnly, t0);
    CHECK(r.down_for(a, Target::Writable, t0));
    // ...one for writable that finds it writable again does.
    r.succeeded(a, Target::Writable, t0);
    CHECK_FALSE(r.down_for(a, Target::Writable, t0));
    // Down for every target (it failed to connect): down for writable too.
    r.failed(a, std::nullopt, seconds(5), t0);
    CHECK(r.down_for(a, Target::Writable, t0));
    CHECK(r.down_for(a, Target::ReadOnly, t0));
}

TEST_CASE("host back-off: the hosts marked down go last, in their order, never dropped") {
    HostBackoff r;
    const auto t0 = HostBackoff::Clock::time_point{} + std::chrono::hours(1);
    std::vector<HostPort> order{a, b, c};
    r.up_first(order, Target::Any, t0);
    CHECK(texts(order) == std::vector<std::string>{"db1:3306", "db2:3306", "db3:3307"});
    r.failed(a, std::nullopt, seconds(5), t0);
    r.failed(b, std::nullopt, seconds(5), t0);
    order = {a, b, c};
    r.up_first(order, Target::Any, t0);
    CHECK(texts(order) == std::vector<std::string>{"db3:3307", "db1:3306", "db2:3306"});
    // All down: all still tried, in their order.
    r.failed(c, std::nullopt, seconds(5), t0);
    order = {a, b, c};
    r.up_first(order, Target::Any, t0);
    CHECK(texts(order) == std::vector<std::string>{"db1:3306", "db2:3306", "db3:3307"});
    // The period over: back in their place.
    order = {c, b, a};
    r.up_first(order, Target::Any, t0 + seconds(5));
    CHECK(texts(order) == std::vector<std::string>{"db3:3307", "db2:3306", "db1:3306"});
}

TEST_CASE("host back-off: a dead pooled connection marks its host down, unless the host was reached since") {
    HostBackoff r;
    const auto t0 = HostBackoff::Clock::time_point{} + std::chrono::hours(1);
    r.succeeded(a, Target::Any, t0);  // the connection's own search
    CHECK(r.lost(a, t0 + seconds(1), seconds(5), t0 + seconds(10)) == seconds(5));
    CHECK(r.down_for(a, Target::Writable, t0 + seconds(10)));
    // Reached again after the connection was opened (the server restarted since): its dead
    // session says nothing of the server now; the next search finds out.
    r.succeeded(b, Target::Any, t0 + seconds(20));
    CHECK(r.lost(b, t0 + seconds(1), seconds(5), t0 + seconds(30)) == seconds(0));
    CHECK_FALSE(r.down_for(b, Target::Any, t0 + seconds(30)));
}
