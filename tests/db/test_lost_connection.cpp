// Lost connections, classified on the first failing call (src/db/session_error.cpp): each test
// starts its own mariadbd (tests/db/private_server.hpp) and kills or freezes it at one phase of
// a call — prepare, execute, fetch, commit — then checks the code, the phase in the message,
// what it says about the statement's outcome, and what the connection does next (reconnect).
#include <doctest/doctest.h>

#include <chrono>
#include <string>
#include <thread>
#include <utility>

#include "bed_profile.hpp"
#include "error_of.hpp"
#include "private_server.hpp"
#include "verrou/connection.hpp"

using namespace verrou;
using verrou::test::free_of_secrets;
using verrou::test::PrivateServer;

namespace {

using Clock = std::chrono::steady_clock;

bool has(const Error& e, const std::string& words) { return std::string(e.what()).find(words) != std::string::npos; }

/// Runs `call`, which must fail; returns the error, whose message must hold no secret.
template <typename F>
Error failure_of(F&& call) {
    Error e = verrou::test::error_of(std::forward<F>(call));
    CHECK_MESSAGE(free_of_secrets(e.what()), "secret in message: ", e.what());
    return e;
}

/// Waits until `watcher` sees a statement of app_user whose text starts with `prefix` running.
void wait_running(Connection& watcher, const std::string& prefix) {
    for (int i = 0; i < 1000; ++i) {
        const ResultSet r = watcher.query(
            "SELECT COUNT(*) FROM information_schema.PROCESSLIST WHERE INFO LIKE CONCAT(?, '%') AND ID <> CONNECTION_ID()",
            {prefix});
        if (r.rows.at(0).at(0) == "1") return;
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    FAIL("the statement never showed up in the process list: " << prefix);
}

/// Runs `call` in this thread while another crashes `server` once `prefix` is running (after
/// `extra` more time); returns the call's error.
template <typename F>
Error crashed_during(PrivateServer& server, const std::string& prefix, F&& call,
                     std::chrono::milliseconds extra = std::chrono::milliseconds(0)) {
    Connection watcher = Connection::open(server.profile());
    std::thread killer([&] {
        wait_running(watcher, prefix);
        std::this_thread::sleep_for(extra);
        server.crash();
    });
    Error e = failure_of(call);
    killer.join();
    return e;
}

}  // namespace

TEST_CASE("lost connection: a killed server is SERVER_GONE on the first call (prepare), then stays lost") {
    PrivateServer server("lostprepare");
    Connection c = Connection::open(server.profile());
    Connection t = Connection::open(server.profile());
    CHECK(c.query("SELECT 1").rows.size() == 1);
    server.crash();

    const Error first = failure_of([&] { c.query("SELECT name FROM appdb.customers WHERE id = ?", {std::int64_t{1}}); });
    CHECK(first.code() == Code::ServerGone);
    CHECK(first.layer() == Layer::Server);
    CHECK(has(first, "preparing the statement"));
    CHECK(has(first, "was lost"));
    CHECK(has(first, "the statement did not run"));
    CHECK(c.lost());

    const Error begin = failure_of([&] { t.begin(); });
    CHECK(begin.code() == Code::ServerGone);
    CHECK(has(begin, "START TRANSACTION"));
    CHECK_FALSE(t.in_transaction());

    // reconnect is off by default: the connection stays lost, even once the server is back.
    server.restart();
    const Error later = failure_of([&] { c.execute("DO 1"); });
    CHECK(later.code() == Code::ServerGone);
    CHECK(has(later, "lost earlier"));
    CHECK(has(later, "reconnect"));
    CHECK(c.reconnects() == 0);
    CHECK(Connection::open(server.profile()).query("SELECT 1").rows.size() == 1);
}

TEST_CASE("lost connection: killed while executing: SERVER_GONE for a read, OUTCOME_UNKNOWN for an autocommit write") {
    PrivateServer server("lostexecute");
    {
        Connection c = Connection::open(server.profile());
        const auto start = Clock::now();
        const Error e = crashed_during(server, "SELECT SLEEP(", [&] { c.query("SELECT SLEEP(60)"); });
        CHECK(e.code() == Code::ServerGone);
        CHECK(has(e, "executing the statement"));
        CHECK(has(e, "reads rows"));
        CHECK(Clock::now() - start < std::chrono::seconds(40));
        CHECK(c.lost());
    }
    server.restart();
    {
        Connection c = Connection::open(server.profile());
        const Error e = crashed_during(server, "DO SLEEP(", [&] { c.execute("DO SLEEP(60)"); });
        CHECK(e.code() == Code::OutcomeUnknown);
        CHECK(e.layer() == Layer::Server);
        CHECK(has(e, "executing the statement"));
        CHECK(has(e, "may or may not have been applied"));
    }
    server.restart();
    {
        // Inside a transaction the same loss is SERVER_GONE: the transaction is rolled back.
        Connection c = Connection::open(server.profile());
        c.execute("CREATE TABLE appdb.lost_exec (id INT PRIMARY KEY) ENGINE=InnoDB");
        c.begin();
        c.execute("INSERT INTO appdb.lost_exec VALUES (1)");
        const Error e = crashed_during(server, "INSERT INTO appdb.lost_exec SELECT",
                                       [&] { c.execute("INSERT INTO appdb.lost_exec SELECT 2 FROM DUAL WHERE SLEEP(60) = 0"); });
        CHECK(e.code() == Code::ServerGone);
        CHECK(has(e, "executing the statement"));
        CHECK(has(e, "nothing of it is committed"));
        server.restart();
        CHECK(Connection::open(server.profile()).query("SELECT id FROM appdb.lost_exec").rows.empty());
    }
}

TEST_CASE("lost connection: killed while the rows arrive is SERVER_GONE while reading the result") {
    PrivateServer server("lostfetch");
    Connection c = Connection::open(server.profile());
    // Each row is over the server's network buffer, so the first one (after 1 s) is sent at
    // once; the crash comes while the client reads the next ones.
    const Error e = crashed_during(
        server, "SELECT REPEAT(",
        [&] { c.query("SELECT REPEAT('x', 100000) AS big, SLEEP(1) FROM appdb.customers a, appdb.customers b"); },
        std::chrono::milliseconds(2500));
    CHECK(e.code() == Code::ServerGone);
    CHECK(has(e, "reading the result"));
    CHECK(c.lost());
}

TEST_CASE("lost connection: COMMIT on a killed server is OUTCOME_UNKNOWN, never a plain failure") {
    PrivateServer server("lostcommit");
    Connection c = Connection::open(server.profile());
    c.execute("CREATE TABLE appdb.lost_commit (id INT PRIMARY KEY) ENGINE=InnoDB");
    c.begin();
    c.execute("INSERT INTO appdb.lost_commit VALUES (1)");
    server.crash();
    const Error e = failure_of([&] { c.commit(); });
    CHECK(e.code() == Code::OutcomeUnknown);
    CHECK(has(e, "COMMIT"));
    CHECK(has(e, "may or may not be committed"));
    CHECK_FALSE(c.in_transaction());
    server.restart();
    // The server died before the COMMIT reached it: here the outcome is "not committed".
    CHECK(Connection::open(server.profile()).query("SELECT id FROM appdb.lost_commit").rows.empty());
}

TEST_CASE("lost connection: a frozen server is NETWORK_TIMEOUT within read_timeout, then OUTCOME_UNKNOWN at COMMIT") {
    PrivateServer server("lostfreeze");
    Profile p = server.profile();
    p.read_timeout_seconds = 2;
    Connection c = Connection::open(p);
    p.reconnect = true;
    Connection r = Connection::open(p);
    r.execute("CREATE TABLE appdb.lost_freeze (id INT PRIMARY KEY) ENGINE=InnoDB");
    r.begin();
    r.execute("INSERT INTO appdb.lost_freeze VALUES (7)");

    server.freeze();
    auto start = Clock::now();
    const Error e = failure_of([&] { c.query("SELECT 1"); });
    const auto waited = Clock::now() - start;
    CHECK(e.code() == Code::NetworkTimeout);
    CHECK(e.layer() == Layer::Network);
    CHECK(has(e, "did not answer in time"));
    CHECK(has(e, "preparing the statement"));
    CHECK(waited >= std::chrono::milliseconds(1500));
    CHECK(waited < std::chrono::seconds(15));  // read_timeout (libmariadb may wait it twice), not forever

    start = Clock::now();
    const Error lost_commit = failure_of([&] { r.commit(); });
    CHECK(lost_commit.code() == Code::OutcomeUnknown);
    CHECK(has(lost_commit, "did not answer in time"));
    CHECK(has(lost_commit, "may or may not be committed"));
    CHECK(Clock::now() - start < std::chrono::seconds(15));
    server.thaw();

    // reconnect off: still lost. reconnect on: the next call connects again and says so.
    CHECK(failure_of([&] { c.query("SELECT 1"); }).code() == Code::ServerGone);
    // The frozen server had the COMMIT in its socket: once thawed it commits it ("unknown"
    // really meant maybe). Read through the reconnected connection.
    bool committed = false;
    for (int i = 0; i < 100 && !committed; ++i) {
        committed = r.query("SELECT id FROM appdb.lost_freeze").rows.size() == 1;
        if (!committed) std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    CHECK(committed);
    CHECK(r.reconnects() == 1);
    CHECK_FALSE(r.lost());
}

TEST_CASE("lost connection: connecting to a frozen server is NETWORK_TIMEOUT within connect_timeout") {
    PrivateServer server("connfreeze");
    Profile p = server.profile();
    p.connect_timeout_seconds = 2;
    (void)Connection::open(p);  // the validation cache is warm: only the network is timed below
    server.freeze();
    const auto start = Clock::now();
    const Error e = failure_of([&] { (void)Connection::open(p); });
    const auto waited = Clock::now() - start;
    server.thaw();
    CHECK_MESSAGE(e.code() == Code::NetworkTimeout, e.what());
    CHECK(e.layer() == Layer::Network);
    CHECK(has(e, "did not answer in time"));
    CHECK(waited >= std::chrono::milliseconds(1500));
    CHECK(waited < std::chrono::seconds(20));  // connect_timeout (libmariadb and the probe), not forever
    CHECK(Connection::open(p).query("SELECT 1").rows.size() == 1);
}

TEST_CASE("lost connection: reconnect = true connects again outside a transaction, never inside one") {
    PrivateServer server("lostreconnect");
    Profile p = server.profile();
    p.reconnect = true;
    Connection c = Connection::open(p);
    c.execute("CREATE TABLE appdb.lost_tx (id INT PRIMARY KEY) ENGINE=InnoDB");

    // A restart between two calls (wait_timeout, a server upgrade): the statement had not run,
    // so it is run on a new session in the same call, with a warning and a count.
    server.restart();
    CHECK(c.query("SELECT COUNT(*) FROM appdb.customers").rows.at(0).at(0) == "3");
    CHECK(c.reconnects() == 1);
    bool warned = false;
    for (const Warning& w : c.info().warnings) {
        if (w.code == "reconnected") {
            warned = true;
            CHECK(w.message.find("was lost and connected again") != std::string::npos);
            CHECK(free_of_secrets(w.message));
        }
    }
    CHECK(warned);
    CHECK(c.info().current_user == "app_user@%");

    // Inside a transaction the loss is reported, and keeps being reported until rollback.
    c.begin();
    c.execute("INSERT INTO appdb.lost_tx VALUES (1)");
    server.restart();
    const Error e = failure_of([&] { c.execute("INSERT INTO appdb.lost_tx VALUES (2)"); });
    CHECK(e.code() == Code::ServerGone);
    CHECK(has(e, "nothing of it is committed"));
    CHECK(c.in_transaction());
    const Error still = failure_of([&] { c.query("SELECT 1"); });
    CHECK(still.code() == Code::ServerGone);
    CHECK(has(still, "call rollback"));
    CHECK(failure_of([&] { c.commit(); }).code() == Code::ServerGone);
    CHECK(c.reconnects() == 1);
    c.rollback();
    CHECK_FALSE(c.in_transaction());
    CHECK(c.query("SELECT id FROM appdb.lost_tx").rows.empty());  // nothing of the lost transaction
    CHECK(c.reconnects() == 2);
}
