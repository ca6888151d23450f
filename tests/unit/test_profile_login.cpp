// Profile `login` section → Profile::login (LoginSettings): defaults, inheritance, INI = JSON,
// identifier checks in every environment, rules between keys.
#include <doctest/doctest.h>

#include "test_profile_support.hpp"
#include "verrou/error.hpp"
#include "verrou/login.hpp"
#include "verrou/profile.hpp"

using namespace verrou;
using profile_test::contains;
using profile_test::error_of;
using profile_test::TempDir;

namespace {
const std::string kConn = "host = h\nuser = u\nssl_ca = /ca\nssl_cert = /c\nssl_key = /k\n";
}  // namespace

TEST_CASE("profile login: defaults when the section is absent") {
    TempDir dir;
    const Profile p = load_profile(dir.write("p.ini", "[env.dev]\n" + kConn), "dev");
    const LoginSettings& l = p.login;
    CHECK(l.users_table == "app_users");
    CHECK(l.user_column == "login");
    CHECK(l.hash_column == "password_hash");
    CHECK_FALSE(l.has_legacy_columns());
    CHECK(l.guard_table == "verrou_login_guard");
    CHECK(l.max_failures_per_account == 5);
    CHECK(l.backoff_initial_seconds == 1);
    CHECK(l.backoff_max_seconds == 900);
    CHECK(l.lockout_after == 20);
    CHECK(l.lockout_seconds == 3600);
    CHECK(l.max_failures_per_source == 50);
    CHECK(l.source_window_seconds == 600);
    CHECK(contains(profile_to_json(p), "\"guard_table\": \"verrou_login_guard\""));
}

TEST_CASE("profile login: INI and JSON sections give the same settings, environments inherit defaults") {
    TempDir dir;
    const std::string ini = dir.write("p.ini",
        "[defaults]\n" + kConn +
        "[defaults.login]\n"
        "users_table = crm.utilisateurs\n"
        "user_column = identifiant\n"
        "max_failures_per_account = 3\n"
        "lockout_after = 0\n"
        "[env.dev]\n"
        "[env.prod.login]\n"
        "hash_column = mdp_hash\n"
        "legacy_salt_column = sel\n"
        "legacy_hash_column = mdp\n"
        "guard_table = securite.garde\n"
        "backoff_initial_seconds = 2\n"
        "backoff_max_seconds = 60\n"
        "lockout_after = 10\n"
        "lockout_seconds = 0\n"
        "max_failures_per_source = 0\n"
        "source_window_seconds = 30\n");
    const std::string json = dir.write("p.json", R"({
      "defaults": { "host": "h", "user": "u", "ssl_ca": "/ca", "ssl_cert": "/c", "ssl_key": "/k",
        "login": { "users_table": "crm.utilisateurs", "user_column": "identifiant",
                   "max_failures_per_account": 3, "lockout_after": 0 } },
      "environments": { "dev": {}, "prod": { "login": {
        "hash_column": "mdp_hash", "legacy_salt_column": "sel", "legacy_hash_column": "mdp",
        "guard_table": "securite.garde", "backoff_initial_seconds": 2, "backoff_max_seconds": 60,
        "lockout_after": 10, "lockout_seconds": 0, "max_failures_per_source": 0,
        "source_window_seconds": 30 } } }
    })");
    for (const std::string& f : {ini, json}) {
        CAPTURE(f);
        const LoginSettings dev = load_profile(f, "dev").login;
        CHECK(dev.users_table == "crm.utilisateurs");
        CHECK(dev.user_column == "identifiant");
        CHECK(dev.hash_column == "password_hash");
        CHECK(dev.max_failures_per_account == 3);
        CHECK(dev.lockout_after == 0);
        CHECK(dev.guard_table == "verrou_login_guard");
        const LoginSettings prod = load_profile(f, "prod").login;
        CHECK(prod.users_table == "crm.utilisateurs");
        CHECK(prod.hash_column == "mdp_hash");
        CHECK(prod.legacy_salt_column == "sel");
        CHECK(prod.legacy_hash_column == "mdp");
        CHECK(prod.guard_table == "securite.garde");
        CHECK(prod.max_failures_per_account == 3);
        CHECK(prod.backoff_initial_seconds == 2);
        CHECK(prod.backoff_max_seconds == 60);
        CHECK(prod.lockout_after == 10);
        CHECK(prod.lockout_seconds == 0);
        CHECK(prod.max_failures_per_source == 0);
        CHECK(prod.source_window_seconds == 30);
    }
}

TEST_CASE("profile login: an identifier that could change the SQL is refused in any environment") {
    TempDir dir;
    for (const std::string& bad : std::vector<std::string>{"users; DROP TABLE x", "`users`", "users--", "1users", "a.b.c", "users ",
                                  "utilisateurs\xC3\xA9", std::string(65, 'a'), "sch\"ema.t", ".users", "users."}) {
        CAPTURE(bad);
        // The bad value is in prod; loading dev must fail too (validate_tree checks every section).
        const std::string f = dir.write("bad.ini", "[defaults]\n" + kConn + "[env.dev]\n[env.prod.login]\nusers_table = '" +
                                                       bad + "'\n");
        const Error e = error_of([&] { (void)load_profile(f, "dev"); });
        CHECK(e.code() == Code::ConfigInvalidValue);
        CHECK(contains(e.what(), "login.users_table"));
        CHECK_MESSAGE(contains(e.what(), "bad.ini:9"), e.what());
        CHECK_FALSE(contains(e.what(), "DROP"));
    }
    const std::string col = dir.write("col.ini", "[env.dev]\n" + kConn + "[env.dev.login]\nhash_column = s.t\n");
    const Error e = error_of([&] { (void)load_profile(col, "dev"); });
    CHECK(e.code() == Code::ConfigInvalidValue);
    CHECK(contains(e.what(), "login.hash_column"));
    // Longest accepted names.
    const std::string ok = dir.write("ok.ini", "[env.dev]\n" + kConn + "[env.dev.login]\nusers_table = " +
                                                   std::string(64, 's') + "." + std::string(64, 't') +
                                                   "\nuser_column = _u9\n");
    CHECK(load_profile(ok, "dev").login.users_table.size() == 129);
}

TEST_CASE("profile login: rules between keys, ranges and typos") {
    TempDir dir;
    struct Case {
        std::string section;
        Code code;
        std::string words;
    };
    const Case cases[] = {
        {"legacy_salt_column = sel\n", Code::ConfigMissingKey, "legacy_hash_column is missing"},
        {"legacy_hash_column = mdp\n", Code::ConfigMissingKey, "legacy_salt_column is missing"},
        {"hash_column = LOGIN\n", Code::ConfigInvalidValue, "same column as login.user_column"},
        {"guard_table = APP_USERS\n", Code::ConfigInvalidValue, "the guard needs its own table"},
        {"backoff_initial_seconds = 10\nbackoff_max_seconds = 5\n", Code::ConfigInvalidValue,
         "below login.backoff_initial_seconds"},
        {"max_failures_per_account = 8\nlockout_after = 4\n", Code::ConfigInvalidValue, "use 0 (never lock)"},
        {"max_failures_per_account = 0\n", Code::ConfigInvalidValue, "out of range"},
        {"lockout_after = -1\n", Code::ConfigInvalidValue, "out of range"},
        {"source_window_seconds = 0\n", Code::ConfigInvalidValue, "out of range"},
        {"max_failures_per_acount = 3\n", Code::ConfigUnknownKey, "did you mean 'login.max_failures_per_account'"},
        {"lockout_seconds = soon\n", Code::ConfigWrongType, "login.lockout_seconds"},
    };
    for (const Case& c : cases) {
        CAPTURE(c.section);
        const std::string f = dir.write("r.ini", "[env.dev]\n" + kConn + "[env.dev.login]\n" + c.section);
        const Error e = error_of([&] { (void)load_profile(f, "dev"); });
        CHECK(e.code() == c.code);
        CHECK_MESSAGE(contains(e.what(), c.words), e.what());
        CHECK_MESSAGE(contains(e.what(), "r.ini:"), e.what());
    }
    // JSON: a value where the section belongs.
    const std::string j = dir.write("j.json", R"({"environments": {"dev": {"host": "h", "user": "u",
        "ssl_ca": "/ca", "ssl_cert": "/c", "ssl_key": "/k", "login": "app_users"}}})");
    const Error e = error_of([&] { (void)load_profile(j, "dev"); });
    CHECK(e.code() == Code::ConfigWrongType);
}

TEST_CASE("login settings: validate() guards hand-filled settings too") {
    LoginSettings s;
    s.validate();
    s.user_column = "login` = '' OR 1=1 -- ";
    CHECK(error_of([&] { s.validate(); }).code() == Code::ConfigInvalidValue);
    CHECK(is_login_table_name("db.t"));
    CHECK_FALSE(is_login_column_name("db.t"));
    CHECK_FALSE(is_login_table_name(""));
    CHECK_FALSE(is_login_column_name(std::string_view("a\0b", 3)));
}
