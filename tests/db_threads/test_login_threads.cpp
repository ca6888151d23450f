// The guard under real concurrency: 8 threads on 8 connections to the bed's strict server.
// The budget is shared through the database: exactly max_failures_per_account (and exactly
// max_failures_per_source) attempts reach a password check, however the attempts interleave.
// Labelled `threads` in CTest (run under ThreadSanitizer by the TSan build of that label).
#include <doctest/doctest.h>

#include <atomic>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "db/login_bed.hpp"

using namespace verrou;
using verrou::test::bed_profile;
using verrou::test::LoginTables;
using verrou::test::test_hasher;

namespace {

constexpr int kThreads = 8;
constexpr int kAttemptsPerThread = 12;

struct Counts {
    std::atomic<int> denied{0}, throttled{0}, other{0};
};

/// Every thread opens its own connection, waits for the others, then fires its attempts.
/// `user_of(thread, attempt)` names the account of each attempt; the source is shared.
template <class UserOf>
void hammer(const LoginTables& t, const PasswordHasher& h, UserOf user_of, Counts& counts) {
    std::vector<Connection> connections;
    for (int i = 0; i < kThreads; ++i) connections.push_back(Connection::open(bed_profile()));
    std::atomic<int> ready{0};
    std::atomic<bool> failed{false};
    std::mutex mutex;
    std::string first_error;
    std::vector<std::thread> threads;
    for (int i = 0; i < kThreads; ++i) {
        threads.emplace_back([&, i] {
            ready.fetch_add(1);
            while (ready.load() < kThreads) std::this_thread::yield();
            for (int a = 0; a < kAttemptsPerThread; ++a) {
                try {
                    const LoginResult r = login(connections[static_cast<std::size_t>(i)], h, t.settings,
                                                user_of(i, a), "wrong password", "10.1.2.3");
                    if (r.verdict == LoginVerdict::Denied) counts.denied.fetch_add(1);
                    else if (r.verdict == LoginVerdict::Throttled) counts.throttled.fetch_add(1);
                    else counts.other.fetch_add(1);
                } catch (const Error& e) {
                    const std::lock_guard<std::mutex> lock(mutex);
                    if (!failed.exchange(true)) first_error = e.what();
                }
            }
        });
    }
    for (auto& th : threads) th.join();
    CHECK_MESSAGE(!failed.load(), first_error);
}

}  // namespace

TEST_SUITE("threads") {

TEST_CASE("login threads: 8 clients hammering one account get exactly max_failures_per_account checks") {
    LoginTables t;
    t.settings.max_failures_per_account = 5;
    t.settings.backoff_initial_seconds = 3600;  // no backoff ends during the test
    t.settings.backoff_max_seconds = 3600;
    t.settings.lockout_after = 0;
    t.settings.max_failures_per_source = 0;     // the account's budget alone
    const PasswordHasher h = test_hasher();
    t.add_user("target", h.hash("the right one"));
    Counts counts;
    hammer(t, h, [](int, int) { return std::string("target"); }, counts);
    CHECK(counts.denied.load() == 5);
    CHECK(counts.throttled.load() == kThreads * kAttemptsPerThread - 5);
    CHECK(counts.other.load() == 0);
    CHECK(t.guard_failures("account", "target") == 5);
}

TEST_CASE("login threads: 8 clients from one source on many accounts get exactly max_failures_per_source checks") {
    LoginTables t;
    t.settings.max_failures_per_account = 1000;
    t.settings.lockout_after = 0;
    t.settings.max_failures_per_source = 7;
    t.settings.source_window_seconds = 3600;
    const PasswordHasher h = test_hasher();
    t.add_user("u0_0", h.hash("the right one"));
    Counts counts;
    hammer(t, h, [](int i, int a) { return "u" + std::to_string(i) + "_" + std::to_string(a); }, counts);
    CHECK(counts.denied.load() == 7);
    CHECK(counts.throttled.load() == kThreads * kAttemptsPerThread - 7);
    CHECK(counts.other.load() == 0);
    CHECK(t.guard_failures("source", "10.1.2.3") == 7);
}

}  // TEST_SUITE
