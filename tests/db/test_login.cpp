// login() against the bed's strict server (TLS 1.3, REQUIRE SUBJECT/ISSUER): every verdict,
// the guard's transitions, rehash and legacy migration writes, a connection killed between the
// check and the write, hostile inputs and broken tables. Concurrency is in tests/db_threads/.
#include <doctest/doctest.h>

#include <chrono>
#include <functional>
#include <thread>

#include "login_bed.hpp"
#include "unit/test_password_util.hpp"

using namespace verrou;
using verrou::test::bed_profile;
using verrou::test::LoginTables;
using verrou::test::test_hasher;

namespace {

const std::string kRight = "correct horse battery staple";
const std::string kWrong = "Tr0ub4dor&3";

Error error_of(const std::function<void()>& f) {
    try {
        f();
    } catch (const Error& e) {
        return e;
    }
    FAIL("expected verrou::Error");
    return Error(Code::Ok, "");
}

bool has(const Error& e, std::string_view words) { return std::string_view(e.what()).find(words) != std::string_view::npos; }

void sleep_seconds(double s) { std::this_thread::sleep_for(std::chrono::duration<double>(s)); }

}  // namespace

TEST_CASE("login: granted, denied, throttled, then granted and reset once the backoff is over") {
    LoginTables t;
    // Waits of whole seconds with margins: a loaded machine (or ASan) must not end a backoff early.
    t.settings.max_failures_per_account = 3;
    t.settings.backoff_initial_seconds = 2;
    t.settings.backoff_max_seconds = 4;
    t.settings.lockout_after = 0;
    const PasswordHasher h = test_hasher();
    t.add_user("alice", h.hash(kRight));
    Connection c = Connection::open(bed_profile());

    CHECK(login(c, h, t.settings, "alice", kRight, "10.0.0.1").verdict == LoginVerdict::Granted);
    CHECK(t.guard_failures("account", "alice") == 0);
    CHECK(t.guard_failures("source", "10.0.0.1") == 0);  // a success gives the source its attempt back
    for (int i = 0; i < 3; ++i) {
        const LoginResult r = login(c, h, t.settings, "alice", kWrong, "10.0.0.1");
        CHECK(r.verdict == LoginVerdict::Denied);
        CHECK_FALSE(r.retry_after_seconds.has_value());
    }
    CHECK(t.guard_failures("account", "alice") == 3);
    // Throttled: even the right password is not looked at.
    const LoginResult throttled = login(c, h, t.settings, "alice", kRight, "10.0.0.2");
    CHECK(throttled.verdict == LoginVerdict::Throttled);
    REQUIRE(throttled.retry_after_seconds.has_value());
    CHECK(*throttled.retry_after_seconds == 2);
    CHECK(t.guard_failures("account", "alice") == 3);  // a throttled attempt is not counted
    CHECK(login_result_json(throttled) == R"({"verdict":"throttled","retry_after_seconds":2})");
    const LoginGuardState st = login_account_state(c, t.settings, "alice");
    CHECK(st.known);
    CHECK(st.failures == 3);
    CHECK(st.verdict == LoginVerdict::Throttled);

    sleep_seconds(2.1);
    // Backoff over: one more check; a failure doubles the wait (capped at 4 s).
    CHECK(login(c, h, t.settings, "alice", kWrong, "10.0.0.1").verdict == LoginVerdict::Denied);
    const LoginResult again = login(c, h, t.settings, "alice", kRight, "10.0.0.1");
    CHECK(again.verdict == LoginVerdict::Throttled);
    CHECK(again.retry_after_seconds.value_or(0) == 4);
    sleep_seconds(4.1);
    CHECK(login(c, h, t.settings, "alice", kRight, "10.0.0.1").verdict == LoginVerdict::Granted);
    CHECK(t.guard_failures("account", "alice") == 0);
    CHECK(login_account_state(c, t.settings, "alice").verdict == LoginVerdict::Granted);
}

TEST_CASE("login: locked after lockout_after failures, until unlocked or until the lock runs out") {
    LoginTables t;
    t.settings.max_failures_per_account = 3;
    t.settings.backoff_initial_seconds = 1;
    t.settings.lockout_after = 3;
    t.settings.lockout_seconds = 0;  // administrator only
    const PasswordHasher h = test_hasher();
    t.add_user("bob", h.hash(kRight));
    Connection c = Connection::open(bed_profile());
    for (int i = 0; i < 3; ++i) CHECK(login(c, h, t.settings, "bob", kWrong, "ws-12").verdict == LoginVerdict::Denied);
    const LoginResult locked = login(c, h, t.settings, "bob", kRight, "ws-12");
    CHECK(locked.verdict == LoginVerdict::Locked);
    CHECK_FALSE(locked.retry_after_seconds.has_value());
    CHECK(login_result_json(locked) == R"({"verdict":"locked","retry_after_seconds":null})");
    sleep_seconds(1.1);  // past any backoff: still locked
    CHECK(login(c, h, t.settings, "bob", kRight, "ws-13").verdict == LoginVerdict::Locked);
    CHECK(login_account_state(c, t.settings, "bob").verdict == LoginVerdict::Locked);
    CHECK(login_unlock(c, t.settings, "bob"));
    CHECK_FALSE(login_unlock(c, t.settings, "bob"));  // nothing left to clear
    CHECK(login(c, h, t.settings, "bob", kRight, "ws-12").verdict == LoginVerdict::Granted);

    // A timed lock ends by itself and the count starts afresh.
    t.settings.lockout_seconds = 2;
    for (int i = 0; i < 3; ++i) CHECK(login(c, h, t.settings, "bob", kWrong, "ws-12").verdict == LoginVerdict::Denied);
    const LoginResult timed = login(c, h, t.settings, "bob", kRight, "ws-12");
    CHECK(timed.verdict == LoginVerdict::Locked);
    CHECK(timed.retry_after_seconds.value_or(0) == 2);
    sleep_seconds(2.1);
    CHECK(login(c, h, t.settings, "bob", kWrong, "ws-12").verdict == LoginVerdict::Denied);
    CHECK(t.guard_failures("account", "bob") == 1);
    CHECK(login(c, h, t.settings, "bob", kRight, "ws-12").verdict == LoginVerdict::Granted);
}

TEST_CASE("login: an unknown user is denied like a wrong password, and counted per account and per source") {
    LoginTables t;
    t.settings.max_failures_per_account = 2;
    t.settings.backoff_initial_seconds = 600;
    t.settings.max_failures_per_source = 4;
    t.settings.source_window_seconds = 600;
    const PasswordHasher h = test_hasher();
    t.add_user("carol", h.hash(kRight));
    t.add_user("disabled", std::nullopt);  // a row without a hash: denied the same way
    Connection c = Connection::open(bed_profile());

    CHECK(login(c, h, t.settings, "mallory", kRight, "192.0.2.7").verdict == LoginVerdict::Denied);
    CHECK(login(c, h, t.settings, "disabled", kRight, "192.0.2.7").verdict == LoginVerdict::Denied);
    CHECK(login(c, h, t.settings, "mallory", kWrong, "192.0.2.7").verdict == LoginVerdict::Denied);
    // The unknown account throttles exactly like a known one would.
    CHECK(login(c, h, t.settings, "mallory", kWrong, "192.0.2.8").verdict == LoginVerdict::Throttled);
    CHECK(t.guard_failures("account", "mallory") == 2);
    CHECK(login(c, h, t.settings, "carol", kWrong, "192.0.2.7").verdict == LoginVerdict::Denied);
    // The source has spent its 4 failures: carol's right password from there is not checked.
    const LoginResult src = login(c, h, t.settings, "carol", kRight, "192.0.2.7");
    CHECK(src.verdict == LoginVerdict::Throttled);
    CHECK(src.retry_after_seconds.value_or(0) > 590);
    const LoginGuardState st = login_source_state(c, t.settings, "192.0.2.7");
    CHECK(st.failures == 4);
    CHECK(st.verdict == LoginVerdict::Throttled);
    CHECK(login(c, h, t.settings, "carol", kRight, "192.0.2.9").verdict == LoginVerdict::Granted);
    // Purging keeps the running windows and backoffs (mallory, the two sources that counted),
    // and drops the idle ones (disabled: 1 failure, carol: reset).
    sleep_seconds(1.1);
    CHECK(login_purge(c, t.settings, 1) == 2);
    CHECK(t.guard_failures("account", "mallory") == 2);
    CHECK(t.guard_failures("account", "carol") == -1);
    CHECK(t.guard_failures("source", "192.0.2.7") == 4);
}

TEST_CASE("login: rehash after a policy rise and WinDev legacy migration are written, then plain grants") {
    LoginTables t(/*legacy_columns=*/true);
    const PasswordHasher old_policy = test_hasher(1024);
    WindevLegacySettings legacy;
    legacy.params = {LegacyPrf::Sha256, 1000, 32};
    const std::string pepper = "poivre-ancien";
    legacy.pepper = SecretBuffer(pepper);
    const PasswordHasher h = test_hasher(2048, std::move(legacy));
    const std::string old_hash = old_policy.hash(kRight);
    t.add_user("dave", old_hash);
    const std::string salt = "sel-de-dave";
    const std::string legacy_b64 = pwtest::windev_legacy_oracle("sha256", "motdepasse", pepper, salt, 1000, 32);
    t.add_user("eve", std::nullopt, salt, legacy_b64);
    Connection c = Connection::open(bed_profile());

    CHECK(login(c, h, t.settings, "dave", kWrong, "ws").verdict == LoginVerdict::Denied);
    CHECK(t.row("dave")[0] == old_hash);  // a failure writes nothing
    CHECK(login(c, h, t.settings, "dave", kRight, "ws").verdict == LoginVerdict::GrantedRehashed);
    const std::string new_hash = t.row("dave")[0].value();
    CHECK(new_hash != old_hash);
    CHECK(new_hash.find("m=2048") != std::string::npos);
    CHECK(login(c, h, t.settings, "dave", kRight, "ws").verdict == LoginVerdict::Granted);
    CHECK(t.row("dave")[0] == new_hash);

    CHECK(login(c, h, t.settings, "eve", "pas le bon", "ws").verdict == LoginVerdict::Denied);
    CHECK(t.row("eve")[2] == legacy_b64);
    CHECK(login(c, h, t.settings, "eve", "motdepasse", "ws").verdict == LoginVerdict::GrantedRehashed);
    const auto migrated = t.row("eve");
    REQUIRE(migrated[0].has_value());
    CHECK(migrated[0]->rfind("$argon2id$", 0) == 0);
    CHECK_FALSE(migrated[1].has_value());
    CHECK_FALSE(migrated[2].has_value());
    CHECK(h.verify("motdepasse", *migrated[0]) == VerifyResult::Match);
    CHECK(login(c, h, t.settings, "eve", "motdepasse", "ws").verdict == LoginVerdict::Granted);

    // A Django string (what an older Python back office wrote) is migrated the same way.
    const std::string django_salt = "sel0django";
    const std::string django = "pbkdf2_sha256$1000$" + django_salt + "$" +
                               pwtest::run("python3 -c 'import hashlib,base64;print(base64.b64encode(hashlib.pbkdf2_hmac("
                                           "\"sha256\",b\"motdepasse\",b\"" + django_salt + "\",1000)).decode())'");
    t.add_user("fanny", django);
    CHECK(login(c, h, t.settings, "fanny", "motdepasse", "ws").verdict == LoginVerdict::GrantedRehashed);
    CHECK(t.row("fanny")[0]->rfind("$argon2id$", 0) == 0);
    CHECK(login(c, h, t.settings, "fanny", "motdepasse", "ws").verdict == LoginVerdict::Granted);
}

TEST_CASE("login: a connection killed between the check and the write leaves the old hash valid") {
    LoginTables t;
    const PasswordHasher old_policy = test_hasher(1024);
    const PasswordHasher h = test_hasher(2048);
    const std::string old_hash = old_policy.hash(kRight);
    t.add_user("gus", old_hash);

    // The blocker holds gus's row: login() verifies, then waits on the write of the new hash.
    Connection blocker = Connection::open(bed_profile());
    blocker.begin();
    blocker.query("SELECT `id` FROM `" + t.settings.users_table + "` WHERE `login` = 'gus' FOR UPDATE");

    Connection victim = Connection::open(bed_profile());
    const std::string victim_id = *victim.query("SELECT CONNECTION_ID()").rows.at(0).at(0);
    std::optional<Error> failure;
    std::thread th([&] {
        try {
            (void)login(victim, h, t.settings, "gus", kRight, "ws");
        } catch (const Error& e) {
            failure = e;
        }
    });
    // Wait until the victim's session is inside the UPDATE of the users table (the check done).
    bool waiting = false;
    for (int i = 0; i < 500 && !waiting; ++i) {
        const ResultSet r = t.admin.query(
            "SELECT COUNT(*) FROM information_schema.PROCESSLIST WHERE ID = ? AND INFO LIKE 'UPDATE `login_users_%'",
            {std::int64_t{std::stoll(victim_id)}});
        waiting = r.rows.at(0).at(0) == "1";
        if (!waiting) sleep_seconds(0.01);
    }
    CHECK(waiting);
    t.admin.execute("KILL CONNECTION " + victim_id);  // the client's process dies, in effect
    th.join();
    blocker.rollback();
    REQUIRE(failure.has_value());
    CHECK((failure->code() == Code::ServerGone || failure->code() == Code::QueryError));

    CHECK(t.row("gus")[0] == old_hash);  // neither the new hash nor the refund was committed
    CHECK(t.guard_failures("account", "gus") == 1);  // the attempt stays counted
    Connection c = Connection::open(bed_profile());
    CHECK(login(c, h, t.settings, "gus", kRight, "ws").verdict == LoginVerdict::GrantedRehashed);
    CHECK(login(c, h, t.settings, "gus", kRight, "ws").verdict == LoginVerdict::Granted);
    CHECK(t.guard_failures("account", "gus") == 0);
}

TEST_CASE("login: hostile user names and sources are bound, bounded and refused before any SQL") {
    LoginTables t;
    const PasswordHasher h = test_hasher();
    t.add_user("hector", h.hash(kRight));
    Connection c = Connection::open(bed_profile());
    for (const std::string name : {"hector' OR '1'='1", "hector'; DROP TABLE x; --", "\" OR 1=1 #", "hector\\",
                                   "%", "_ector", "h\xC3\xA9" "ctor \xF0\x9F\x94\x92"}) {
        CAPTURE(name);
        CHECK(login(c, h, t.settings, name, kRight, "ws").verdict == LoginVerdict::Denied);
    }
    CHECK(t.guard_failures("account", "hector' OR '1'='1") == 1);  // stored as typed: bound, not spliced
    CHECK(login(c, h, t.settings, "hector", kRight, "'; DROP TABLE x; --").verdict == LoginVerdict::Granted);

    struct Bad {
        std::string user, source;
        Code code;
        std::string words;
    };
    const Bad bad[] = {
        {std::string("hec\0tor", 7), "ws", Code::InvalidArgument, "user name contains a NUL byte"},
        {"hec\xFFtor", "ws", Code::InvalidUtf8, "user name is not valid UTF-8 (byte 3)"},
        {"\xC0\xAF", "ws", Code::InvalidUtf8, "user name"},  // overlong '/'
        {"\xED\xA0\x80", "ws", Code::InvalidUtf8, "user name"},  // surrogate
        {std::string(1 << 20, 'a'), "ws", Code::TooLarge, "user name is 1048576 bytes; at most 255"},
        {std::string(256, 'a'), "ws", Code::TooLarge, "at most 255"},
        {"", "ws", Code::InvalidArgument, "user name is empty"},
        {"hector", "", Code::InvalidArgument, "source is empty"},
        {"hector", std::string(300, 's'), Code::TooLarge, "source is 300 bytes"},
        {"hector", "ws\xE2\x82", Code::InvalidUtf8, "source is not valid UTF-8"},
    };
    for (const Bad& b : bad) {
        CAPTURE(b.words);
        const Error e = error_of([&] { (void)login(c, h, t.settings, b.user, kRight, b.source); });
        CHECK(e.code() == b.code);
        CHECK_MESSAGE(has(e, b.words), e.what());
    }
    CHECK(login(c, h, t.settings, std::string(255, 'a'), kRight, "ws").verdict == LoginVerdict::Denied);
    CHECK(error_of([&] { (void)login(c, h, t.settings, "hector", "", "ws"); }).code() == Code::PasswordEmpty);
    c.begin();
    CHECK(error_of([&] { (void)login(c, h, t.settings, "hector", kRight, "ws"); }).code() == Code::TransactionState);
    c.rollback();
    CHECK(t.guard_failures("account", "hector") == 0);  // none of the refused calls counted anything
}

TEST_CASE("login: missing tables and a guard table of the wrong shape are named, with the remedy") {
    LoginTables t;
    const PasswordHasher h = test_hasher();
    Connection c = Connection::open(bed_profile());

    LoginSettings no_guard = t.settings;
    no_guard.guard_table = t.settings.guard_table + "_missing";
    Error e = error_of([&] { (void)login(c, h, no_guard, "x", kRight, "ws"); });
    CHECK(e.code() == Code::LoginTableMissing);
    CHECK(e.layer() == Layer::Server);
    CHECK(has(e, "`" + no_guard.guard_table + "` (login.guard_table) does not exist in database `appdb`"));
    CHECK(has(e, "verrou login init"));

    LoginSettings no_users = t.settings;
    no_users.users_table = "appdb.nobody_here";
    e = error_of([&] { (void)login(c, h, no_users, "x", kRight, "ws"); });
    CHECK(e.code() == Code::LoginTableMissing);
    CHECK(has(e, "`appdb`.`nobody_here` (login.users_table) does not exist"));

    LoginSettings wrong_column = t.settings;
    wrong_column.hash_column = "pwd";
    e = error_of([&] { (void)login(c, h, wrong_column, "x", kRight, "ws"); });
    CHECK(e.code() == Code::LoginTableShape);
    CHECK(has(e, "column `pwd`: missing (login.hash_column)"));

    // Guard tables someone made by hand: a short name column, no primary key, a missing column.
    LoginSettings hand = t.settings;
    hand.guard_table = t.settings.guard_table + "_hand";
    const auto make = [&](const std::string& columns) {
        t.admin.execute("DROP TABLE IF EXISTS `" + hand.guard_table + "`");
        t.admin.execute("CREATE TABLE `" + hand.guard_table + "` (" + columns + ")");
    };
    const std::string tail = "`failures` INT NOT NULL, `last_failure_at` DATETIME(6) NULL, ";
    make("`scope` VARCHAR(10) NOT NULL, `name` VARCHAR(40) NOT NULL, " + tail +
         "`window_start` DATETIME(6) NULL, `updated_at` DATETIME(6) NOT NULL");
    e = error_of([&] { login_init(c, hand); });
    CHECK(e.code() == Code::LoginTableShape);
    CHECK(has(e, "column `name`: is varchar(40); expected VARCHAR(255)"));
    make("`scope` VARCHAR(10) NOT NULL, `name` VARCHAR(255) NOT NULL, " + tail +
         "`window_start` DATETIME(6) NULL, `updated_at` DATETIME(6) NOT NULL");
    e = error_of([&] { login_init(c, hand); });
    CHECK(has(e, "PRIMARY KEY (`scope`, `name`)"));
    make("`scope` VARCHAR(10) NOT NULL, `name` VARCHAR(255) NOT NULL, " + tail +
         "`updated_at` DATETIME(6) NOT NULL, PRIMARY KEY (`scope`, `name`)");
    e = error_of([&] { (void)login(c, h, hand, "x", kRight, "ws"); });
    CHECK(e.code() == Code::LoginTableShape);
    CHECK(has(e, "column `window_start`: missing"));
    t.admin.execute("DROP TABLE `" + hand.guard_table + "`");

    // init is idempotent and prints the DDL DBAs can run themselves.
    login_init(c, t.settings);
    CHECK(login_guard_ddl(t.settings).rfind("CREATE TABLE IF NOT EXISTS `" + t.settings.guard_table + "`", 0) == 0);
}

TEST_CASE("login: clients in different session time zones share the guard's clock") {
    // Two workstations whose sessions run in time zones 12 hours apart: with NOW(6) one would
    // see the other's failure 12 h in the past (backoff over) or future (throttled for 12 h).
    LoginTables t;
    t.settings.max_failures_per_account = 1;
    t.settings.backoff_initial_seconds = 60;
    t.settings.backoff_max_seconds = 60;
    const PasswordHasher h = test_hasher();
    t.add_user("ines", h.hash(kRight));
    Connection east = Connection::open(bed_profile());
    Connection west = Connection::open(bed_profile());
    east.execute("SET time_zone = '+06:00'");
    west.execute("SET time_zone = '-06:00'");
    CHECK(login(east, h, t.settings, "ines", kWrong, "ws-east").verdict == LoginVerdict::Denied);
    const LoginResult w = login(west, h, t.settings, "ines", kRight, "ws-west");
    CHECK(w.verdict == LoginVerdict::Throttled);
    CHECK(w.retry_after_seconds.value_or(0) >= 59);
    CHECK(w.retry_after_seconds.value_or(0) <= 60);
    const LoginGuardState st = login_account_state(east, t.settings, "ines");
    CHECK(st.retry_after_seconds.value_or(0) <= 60);
}
