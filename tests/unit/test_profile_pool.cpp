// Profile `pool` section → Profile::pool (PoolSettings): defaults, the section in INI
// ([defaults.pool], [env.NAME.pool]) and JSON ("pool": {...}) with the same result, the dotted
// form, ranges, the min_idle <= max_size rule and typos.
#include <doctest/doctest.h>

#include "test_profile_support.hpp"
#include "verrou/error.hpp"
#include "verrou/profile.hpp"

using namespace verrou;
using profile_test::contains;
using profile_test::error_of;
using profile_test::TempDir;

namespace {
const std::string kConn = "host = h\nuser = u\nssl_ca = /ca\nssl_cert = /c\nssl_key = /k\n";
}  // namespace

TEST_CASE("profile pool: defaults when the section is absent") {
    TempDir dir;
    const PoolSettings p = load_profile(dir.write("p.ini", "[env.dev]\n" + kConn), "dev").pool;
    CHECK(p.min_idle == 0);
    CHECK(p.max_size == 10);
    CHECK(p.acquire_timeout_ms == 5000);
    CHECK(p.idle_check_seconds == 30);
    CHECK(p.max_lifetime_seconds == 3600);
    CHECK(p.max_idle_seconds == 600);
}

TEST_CASE("profile pool: INI and JSON sections give the same settings, environments inherit defaults") {
    TempDir dir;
    const std::string ini = dir.write("p.ini",
        "[defaults]\n" + kConn +
        "[defaults.pool]\n"
        "max_size = 4\n"
        "acquire_timeout_ms = 250\n"
        "[env.dev]\n"
        "pool.min_idle = 1\n"
        "[env.prod.pool]\n"
        "min_idle = 2\n"
        "idle_check_seconds = 0\n"
        "max_lifetime_seconds = 900\n"
        "max_idle_seconds = 0\n");
    const std::string json = dir.write("p.json", R"({
      "defaults": { "host": "h", "user": "u", "ssl_ca": "/ca", "ssl_cert": "/c", "ssl_key": "/k",
        "pool": { "max_size": 4, "acquire_timeout_ms": 250 } },
      "environments": { "dev": { "pool.min_idle": 1 }, "prod": { "pool": {
        "min_idle": 2, "idle_check_seconds": 0, "max_lifetime_seconds": 900, "max_idle_seconds": 0 } } }
    })");
    for (const std::string& f : {ini, json}) {
        CAPTURE(f);
        const PoolSettings dev = load_profile(f, "dev").pool;
        CHECK(dev.min_idle == 1);
        CHECK(dev.max_size == 4);
        CHECK(dev.acquire_timeout_ms == 250);
        CHECK(dev.idle_check_seconds == 30);
        const PoolSettings prod = load_profile(f, "prod").pool;
        CHECK(prod.min_idle == 2);
        CHECK(prod.max_size == 4);
        CHECK(prod.acquire_timeout_ms == 250);
        CHECK(prod.idle_check_seconds == 0);
        CHECK(prod.max_lifetime_seconds == 900);
        CHECK(prod.max_idle_seconds == 0);
    }
}

TEST_CASE("profile pool: ranges, rules between keys and typos name the file, line and key") {
    TempDir dir;
    struct Case {
        std::string section;
        Code code;
        std::string words;
    };
    const Case cases[] = {
        {"max_size = 0\n", Code::ConfigInvalidValue, "pool.max_size"},
        {"max_size = 1001\n", Code::ConfigInvalidValue, "pool.max_size"},
        {"min_idle = 5\nmax_size = 4\n", Code::ConfigInvalidValue, "more than pool.max_size (4)"},
        {"acquire_timeout_ms = -1\n", Code::ConfigInvalidValue, "pool.acquire_timeout_ms"},
        {"max_size = many\n", Code::ConfigWrongType, "pool.max_size"},
        {"max_sise = 4\n", Code::ConfigUnknownKey, "max_size"},
    };
    for (const Case& c : cases) {
        CAPTURE(c.section);
        const std::string f = dir.write("bad.ini", "[env.dev]\n" + kConn + "[env.dev.pool]\n" + c.section);
        const Error e = error_of([&] { (void)load_profile(f, "dev"); });
        CHECK(e.code() == c.code);
        CHECK_MESSAGE(contains(e.what(), c.words), e.what());
        CHECK_MESSAGE(contains(e.what(), "bad.ini:"), e.what());
    }
}
