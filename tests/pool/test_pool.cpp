// verrou::Pool against real servers: reuse and reset, exhaustion, fairness, dead idle
// connections after a kill + restart, a frozen server, max lifetime with a renewed certificate,
// close, and 8 threads hammering one pool. Destructive tests run on a private server
// (tests/db/private_server.hpp). The whole binary carries the `threads` label (TSan build).
#include <doctest/doctest.h>

#include <atomic>
#include <chrono>
#include <filesystem>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "db/bed_profile.hpp"
#include "db/private_server.hpp"
#include "error_of.hpp"
#include "tls/x509.hpp"
#include "verrou/connection.hpp"
#include "verrou/pool.hpp"

using namespace verrou;
using verrou::test::bed_profile;
using verrou::test::PrivateServer;
using verrou::test::error_of;
using Clock = std::chrono::steady_clock;
using std::chrono::milliseconds;

namespace {

std::string connection_id(Connection& c) { return c.query("SELECT CONNECTION_ID()").rows.at(0).at(0).value(); }

void wait_until(const std::function<bool()>& done) {
    for (int i = 0; i < 3000 && !done(); ++i) std::this_thread::sleep_for(milliseconds(5));
    REQUIRE(done());
}

}  // namespace

TEST_CASE("pool: a warm connection is reused, and release resets the session") {
    Profile p = bed_profile();
    Connection admin = Connection::open(p);
    admin.execute("CREATE TABLE IF NOT EXISTS appdb.pool_release_rows (id INT PRIMARY KEY) ENGINE=InnoDB");
    admin.execute("DELETE FROM appdb.pool_release_rows");
    Pool pool(p, 2);
    std::string first;
    {
        Pool::Lease c = pool.acquire();
        first = connection_id(*c);
        c->execute("CREATE TEMPORARY TABLE pool_temp (x INT)");
        c->execute("SET @pool_var = 42");
        c->begin();
        c->execute("INSERT INTO appdb.pool_release_rows VALUES (1)");
        CHECK(pool.stats().in_use == 1);
    }  // released with the transaction open
    PoolStats s = pool.stats();
    CHECK(s.size == 1);
    CHECK(s.idle == 1);
    CHECK(s.in_use == 0);
    CHECK(s.created == 1);
    CHECK(admin.query("SELECT COUNT(*) FROM appdb.pool_release_rows").rows.at(0).at(0) == "0");  // not committed
    {
        Pool::Lease c = pool.acquire();
        CHECK(connection_id(*c) == first);  // the same session, reset
        CHECK_FALSE(c->in_transaction());
        CHECK_FALSE(c->query("SELECT @pool_var").rows.at(0).at(0).has_value());
        const Error gone = error_of([&] { c->query("SELECT * FROM pool_temp"); });
        CHECK(gone.code() == Code::QueryError);
        CHECK(std::string(gone.what()).find("pool_temp") != std::string::npos);
    }
    CHECK(pool.stats().created == 1);
    CHECK(pool.stats().acquired == 2);
}

TEST_CASE("pool: exhaustion is POOL_TIMEOUT within the deadline, and says why") {
    Pool pool(bed_profile(), 2);
    Pool::Lease a = pool.acquire();
    Pool::Lease b = pool.acquire();
    const auto start = Clock::now();
    const Error e = error_of([&] { pool.acquire(milliseconds(300)); });
    const auto waited = Clock::now() - start;
    CHECK(e.code() == Code::PoolTimeout);
    CHECK(e.layer() == Layer::Server);
    CHECK(std::string(e.what()).find("2 of 2 in use") != std::string::npos);
    CHECK(waited >= milliseconds(300));
    CHECK(waited < milliseconds(5000));
    PoolStats s = pool.stats();
    CHECK(s.timeouts == 1);
    CHECK(s.waiting == 0);
    CHECK(s.size == 2);
    b.release();
    CHECK_FALSE(b);
    Pool::Lease c = pool.acquire(milliseconds(300));  // the released one
    CHECK(pool.stats().created == 2);
}

TEST_CASE("pool: waiters are served in arrival order") {
    Pool pool(bed_profile(), 1);
    Pool::Lease held = pool.acquire();
    std::mutex m;
    std::vector<int> order;
    std::vector<std::thread> threads;
    for (int i = 0; i < 5; ++i) {
        threads.emplace_back([&, i] {
            Pool::Lease c = pool.acquire(milliseconds(60'000));
            std::lock_guard lock(m);
            order.push_back(i);
        });
        wait_until([&] { return pool.stats().waiting == i + 1; });  // queued before the next one starts
    }
    held.release();
    for (auto& t : threads) t.join();
    CHECK(order == std::vector<int>{0, 1, 2, 3, 4});
    CHECK(pool.stats().waits == 5);
    CHECK(pool.stats().created == 1);
}

TEST_CASE("pool: idle connections of a killed and restarted server are replaced unseen") {
    PrivateServer server("poolrestart");
    Profile p = server.profile();
    p.pool.idle_check_seconds = 0;  // ping every idle connection handed out
    Pool pool(p, 3);
    {
        std::vector<Pool::Lease> all;
        for (int i = 0; i < 3; ++i) all.push_back(pool.acquire());
    }
    CHECK(pool.stats().idle == 3);
    server.restart();
    {
        std::vector<Pool::Lease> all;
        for (int i = 0; i < 3; ++i) {
            all.push_back(pool.acquire());
            CHECK(all.back()->query("SELECT COUNT(*) FROM appdb.customers").rows.at(0).at(0) == "3");
        }
    }
    const PoolStats s = pool.stats();
    CHECK(s.replaced == 3);
    CHECK(s.created == 6);
    CHECK(s.size == 3);
    CHECK(s.failed_creations == 0);
}

TEST_CASE("pool: a frozen server fails acquire within its deadline, and the pool works after thaw") {
    PrivateServer server("poolfreeze");
    Profile p = server.profile();
    p.pool.idle_check_seconds = 0;
    p.read_timeout_seconds = 1;
    p.connect_timeout_seconds = 1;
    Pool pool(p, 2);
    pool.acquire().release();
    server.freeze();
    const auto start = Clock::now();
    const Error e = error_of([&] { pool.acquire(milliseconds(1000)); });
    const auto waited = Clock::now() - start;
    CAPTURE(e.what());
    CHECK((e.code() == Code::PoolTimeout || e.layer() == Layer::Network || e.code() == Code::TlsHandshake));
    // ping (read_timeout) + one connect attempt (connect_timeout), each bounded; never forever.
    CHECK(waited < std::chrono::seconds(12));
    CHECK(pool.stats().in_use == 0);
    server.thaw();
    Pool::Lease c = pool.acquire(milliseconds(10'000));
    CHECK(c->query("SELECT 1").rows.size() == 1);
}

TEST_CASE("pool: max lifetime retires connections, so a renewed certificate reaches a running pool") {
    namespace fs = std::filesystem;
    const auto& bed = verrou::test::Testbed::get();
    const fs::path dir = fs::path(bed.dir()) / "pool-rollover";
    fs::remove_all(dir);
    fs::create_directories(dir);
    const auto install = [&](const std::string& name) {  // rename: what a renewal tool does
        for (const char* ext : {".crt", ".key"}) {
            fs::copy_file(bed.pki("dev/" + name + ext), dir / (std::string("new") + ext), fs::copy_options::overwrite_existing);
            fs::permissions(dir / (std::string("new") + ext), fs::perms::owner_read | fs::perms::owner_write);
            fs::rename(dir / (std::string("new") + ext), dir / (std::string("client") + ext));
        }
    };
    install("app_user");
    Profile p = bed_profile();
    p.tls.cert = (dir / "client.crt").string();
    p.tls.key = (dir / "client.key").string();
    p.pool.max_lifetime_seconds = 1;
    Pool pool(p, 2);
    const std::string old_fp = inspect_certificate(bed.pki("dev/app_user.crt")).sha256_fingerprint;
    const std::string new_fp = inspect_certificate(bed.pki("dev/next.crt")).sha256_fingerprint;
    REQUIRE(old_fp != new_fp);
    {
        Pool::Lease c = pool.acquire();
        REQUIRE(c->info().client_certificate.has_value());
        CHECK(c->info().client_certificate->sha256_fingerprint == old_fp);
    }
    install("next");
    std::this_thread::sleep_for(milliseconds(1100));
    {
        Pool::Lease c = pool.acquire();
        REQUIRE(c->info().client_certificate.has_value());
        CHECK(c->info().client_certificate->sha256_fingerprint == new_fp);
        CHECK(c->query("SELECT CURRENT_USER()").rows.at(0).at(0) == "app_user@%");
    }
    CHECK(pool.stats().retired >= 1);
    CHECK(pool.stats().created == 2);
    fs::remove_all(dir);
}

TEST_CASE("pool: close refuses waiting and later callers, and closes leases when released") {
    auto pool = std::make_unique<Pool>(bed_profile(), 1);
    Pool::Lease held = pool->acquire();
    std::atomic<int> code{0};
    std::thread waiter([&] {
        try {
            pool->acquire(milliseconds(60'000));
        } catch (const Error& e) {
            code = static_cast<int>(e.code());
        }
    });
    wait_until([&] { return pool->stats().waiting == 1; });
    pool->close();
    waiter.join();
    CHECK(code == static_cast<int>(Code::PoolClosed));
    CHECK(error_of([&] { pool->acquire(); }).code() == Code::PoolClosed);
    CHECK(held->query("SELECT 1").rows.size() == 1);  // a lease stays usable until released
    pool.reset();                                     // the pool object may even be gone
    held.release();
}

TEST_CASE("pool: 8 threads x many acquire / query / release cycles") {
    Profile p = bed_profile();
    Pool pool(p, 4);
    constexpr int kThreads = 8, kCycles = 40;
    std::atomic<int> ok{0};
    std::vector<std::thread> threads;
    for (int t = 0; t < kThreads; ++t) {
        threads.emplace_back([&, t] {
            for (int i = 0; i < kCycles; ++i) {
                Pool::Lease c = pool.acquire(milliseconds(60'000));
                const std::int64_t id = 1 + (t + i) % 3;
                const ResultSet r = c->query("SELECT id FROM appdb.customers WHERE id = ?", {id});
                if (i % 5 == 0) {
                    c->begin();  // released with an open transaction: reset rolls it back
                    c->execute("SET @left_over = ?", {std::int64_t{i}});
                }
                if (r.rows.size() == 1 && r.rows[0][0] == std::to_string(id)) ++ok;
            }
        });
    }
    for (auto& th : threads) th.join();
    CHECK(ok == kThreads * kCycles);
    const PoolStats s = pool.stats();
    CHECK(s.acquired == static_cast<std::uint64_t>(kThreads * kCycles));
    CHECK(s.in_use == 0);
    CHECK(s.waiting == 0);
    CHECK(s.size <= 4);
    CHECK(s.created <= 4);
    CHECK(s.discarded == 0);
}

TEST_CASE("pool: every connection comes from the connector, which may be replaced") {
    std::atomic<int> calls{0};
    Pool pool(bed_profile(), 2, [&](const Profile& p) {
        ++calls;
        return Connection::open(p);
    });
    {
        Pool::Lease a = pool.acquire();
        Pool::Lease b = pool.acquire();
        CHECK(a->query("SELECT 1").rows.size() == 1);
    }
    pool.acquire().release();
    CHECK(calls == 2);
    CHECK(pool.stats().created == 2);
    // A connector that fails: its error reaches the caller as is, and the slot is given back.
    Profile p = bed_profile();
    Pool failing(p, 1, [](const Profile&) -> Connection { throw Error(Code::NetworkRefused, "no node answered"); });
    const Error e = error_of([&] { failing.acquire(milliseconds(200)); });
    CHECK(e.code() == Code::NetworkRefused);
    CHECK(failing.stats().size == 0);
    CHECK(failing.stats().failed_creations == 1);
    CHECK(failing.stats().last_error.find("no node answered") != std::string::npos);
}

TEST_CASE("pool: connections idle longer than max_idle_seconds are closed, min_idle kept") {
    Profile p = bed_profile();
    p.pool.max_idle_seconds = 1;
    p.pool.min_idle = 1;
    Pool pool(p, 3);
    CHECK(pool.stats().idle == 1);  // opened with the pool
    {
        std::vector<Pool::Lease> all;
        for (int i = 0; i < 3; ++i) all.push_back(pool.acquire());
    }
    CHECK(pool.stats().idle == 3);
    std::this_thread::sleep_for(milliseconds(1100));
    Pool::Lease c = pool.acquire();  // prunes the idle ones above min_idle, takes the one left
    const PoolStats s = pool.stats();
    CHECK(s.retired == 2);
    CHECK(s.size == 1);
    CHECK(s.created == 3);
    CHECK(c->query("SELECT 1").rows.size() == 1);
}
