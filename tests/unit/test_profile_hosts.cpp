// The `host` list of a profile (docs/clusters.md): INI and JSON spellings, ports per host,
// IPv6 brackets, host_order / target / failover_timeout_seconds, and every bad entry refused
// with CONFIG_INVALID_VALUE naming the file, the line (or JSON pointer) and the key.
#include <doctest/doctest.h>

#include <nlohmann/json.hpp>

#include <cstdlib>

#include "test_profile_support.hpp"
#include "verrou/error.hpp"
#include "verrou/profile.hpp"

using namespace verrou;
using profile_test::contains;
using profile_test::error_of;
using profile_test::TempDir;

namespace {

const std::string kTls = "user = u\nssl_ca = /ca\nssl_cert = /c\nssl_key = /k\n";

std::string ini_with(const std::string& lines) { return "[env.dev]\n" + kTls + lines; }

std::string json_with(const std::string& members) {
    return R"({"environments": {"dev": {"user": "u", "ssl_ca": "/ca", "ssl_cert": "/c", "ssl_key": "/k", )" + members +
           "}}}";
}

std::vector<std::string> texts(const Profile& p) {
    std::vector<std::string> out;
    for (const HostPort& h : p.hosts) out.push_back(h.text());
    return out;
}

}  // namespace

TEST_CASE("hosts: a single host keeps host, port and one entry") {
    ::unsetenv("VERROU_ENV");
    TempDir dir;
    const Profile p = load_profile(dir.write("a.ini", ini_with("host = db.internal\nport = 3307\n")), "dev");
    CHECK(p.host == "db.internal");
    CHECK(p.port == 3307);
    CHECK(texts(p) == std::vector<std::string>{"db.internal:3307"});
    CHECK(p.host_order == HostOrder::InOrder);
    CHECK(p.target == Target::Any);
    CHECK(p.failover_timeout_seconds == 30);
    CHECK(p.host_backoff_seconds == 5);
    const auto j = nlohmann::json::parse(profile_to_json(p));
    CHECK(j["hosts"] == nlohmann::json::array({"db.internal:3307"}));
    CHECK(j["host_order"] == "in_order");
    CHECK(j["target"] == "any");
    CHECK(j["failover_timeout_seconds"] == 30);
    CHECK(j["host_backoff_seconds"] == 5);

    // A lone IPv6 literal still works without brackets (its port from `port`).
    const Profile v6 = load_profile(dir.write("b.ini", ini_with("host = ::1\n")), "dev");
    CHECK(v6.host == "::1");
    CHECK(v6.port == 3306);
    CHECK(texts(v6) == std::vector<std::string>{"[::1]:3306"});
}

TEST_CASE("hosts: INI and JSON lists resolve identically, port per host else port") {
    ::unsetenv("VERROU_ENV");
    TempDir dir;
    const Profile ini = load_profile(
        dir.write("a.ini", ini_with("host = db1.internal:3306, db2.internal:3308 ,db3.internal, [::1]:3309, [fe80::1%eth0]\n"
                                    "port = 3400\nhost_order = random\ntarget = writable\nfailover_timeout_seconds = 12\n"
                                    "host_backoff_seconds = 0\n")),
        "dev");
    const Profile json = load_profile(
        dir.write("a.json", json_with(R"("host": ["db1.internal:3306", "db2.internal:3308", "db3.internal", "[::1]:3309",
                                                 "[fe80::1%eth0]"], "port": 3400, "host_order": "random",
                                         "target": "writable", "failover_timeout_seconds": 12,
                                         "host_backoff_seconds": 0)")),
        "dev");
    const std::vector<std::string> expected{"db1.internal:3306", "db2.internal:3308", "db3.internal:3400", "[::1]:3309",
                                            "[fe80::1%eth0]:3400"};
    CHECK(texts(ini) == expected);
    CHECK(texts(json) == expected);
    for (const Profile* p : {&ini, &json}) {
        CHECK(p->host == "db1.internal");
        CHECK(p->port == 3306);
        CHECK(p->hosts[3].host == "::1");
        CHECK(p->host_order == HostOrder::Random);
        CHECK(p->target == Target::Writable);
        CHECK(p->failover_timeout_seconds == 12);
        CHECK(p->host_backoff_seconds == 0);
    }
    // A JSON string may hold the comma list too, and ${VAR} may expand to one.
    ::setenv("VERROU_TEST_HOSTS", "a:1, b:2", 1);
    const Profile var = load_profile(dir.write("b.json", json_with(R"("host": "${VERROU_TEST_HOSTS}, c")")), "dev");
    CHECK(texts(var) == std::vector<std::string>{"a:1", "b:2", "c:3306"});
    ::unsetenv("VERROU_TEST_HOSTS");
    const auto j = nlohmann::json::parse(profile_to_json(ini));
    CHECK(j["hosts"].size() == 5);
    CHECK(j["hosts"][3] == "[::1]:3309");
    CHECK(j["target"] == "writable");
    CHECK(j["host_order"] == "random");
    CHECK(load_profile(dir.write("c.ini", ini_with("host = a\ntarget = read_only\n")), "dev").target == Target::ReadOnly);
}

TEST_CASE("hosts: bad INI entries name the file, the line, the key and the entry") {
    ::unsetenv("VERROU_ENV");
    TempDir dir;
    struct Case {
        const char* line;
        const char* says;
    };
    const Case cases[] = {
        {"host = a:3306, , b", "entry 2"},
        {"host = a:3306,", "entry 2"},
        {", a", "entry 1"},
        {"host = a:0", "'0'"},
        {"host = a:65536", "'65536'"},
        {"host = a:33o6", "'33o6'"},
        {"host = a:", "port ''"},
        {"host = :3306", "no host name"},
        {"host = [::1", "without ']'"},
        {"host = [::1]3306", "after ']'"},
        {"host = [db1]:3306", "IPv6"},
        {"host = a, ::1:3306", "brackets"},
        {"host = db one", "not a host name"},
        {"host = a:3306, a:3306", "listed twice"},
        {"host_order = sorted", "in_order"},
        {"target = primary", "writable"},
        {"failover_timeout_seconds = 0", "out of range"},
        {"host_backoff_seconds = -1", "out of range"},
        {"host_backoff_seconds = 3601", "out of range"},
    };
    int n = 0;
    for (const Case& c : cases) {
        CAPTURE(c.line);
        std::string line = c.line;
        if (line.rfind("host =", 0) != 0) line = (line[0] == ',' ? "host = " : "host = h\n") + line;
        const std::string file = dir.write("bad" + std::to_string(n++) + ".ini", ini_with(line + "\n"));
        const Error e = error_of([&] { load_profile(file, "dev"); });
        CHECK(e.code() == Code::ConfigInvalidValue);
        const std::string msg = e.what();
        CHECK(contains(msg, file + ":"));
        CHECK(contains(msg, c.says));
        const bool host_key = std::string(c.line).find("host =") != std::string::npos || c.line[0] == ',';
        CHECK(contains(msg, host_key ? "key 'host'" : "key '"));
    }
    // The line number: the host line is line 6 of these files.
    const Error e = error_of([&] { load_profile(dir.write("line.ini", ini_with("host = a:99999\n")), "dev"); });
    CHECK(contains(e.what(), "line.ini:6: key 'host'"));
}

TEST_CASE("hosts: bad JSON lists name the element's pointer") {
    ::unsetenv("VERROU_ENV");
    TempDir dir;
    const Error empty_list = error_of([&] { load_profile(dir.write("a.json", json_with(R"("host": [])")), "dev"); });
    CHECK(empty_list.code() == Code::ConfigInvalidValue);
    CHECK(contains(empty_list.what(), "#/environments/dev/host: key 'host'"));

    const Error number = error_of([&] { load_profile(dir.write("b.json", json_with(R"("host": ["a", 3306])")), "dev"); });
    CHECK(number.code() == Code::ConfigWrongType);
    CHECK(contains(number.what(), "#/environments/dev/host/1: key 'host'"));

    const Error blank = error_of([&] { load_profile(dir.write("c.json", json_with(R"("host": ["a", ""])")), "dev"); });
    CHECK(blank.code() == Code::ConfigInvalidValue);
    CHECK(contains(blank.what(), "#/environments/dev/host/1"));

    const Error comma = error_of([&] { load_profile(dir.write("d.json", json_with(R"("host": ["a, b"])")), "dev"); });
    CHECK(comma.code() == Code::ConfigInvalidValue);
    CHECK(contains(comma.what(), "#/environments/dev/host/0"));

    const Error port = error_of([&] { load_profile(dir.write("e.json", json_with(R"("host": ["a", "b:70000"])")), "dev"); });
    CHECK(port.code() == Code::ConfigInvalidValue);
    CHECK(contains(port.what(), "#/environments/dev/host/1: key 'host'"));
    CHECK(contains(port.what(), "'70000'"));

    const Error twice = error_of([&] { load_profile(dir.write("f.json", json_with(R"("host": ["a:1", "a:1"])")), "dev"); });
    CHECK(twice.code() == Code::ConfigInvalidValue);
    CHECK(contains(twice.what(), "#/environments/dev/host/1"));

    // Arrays stay refused for every other key.
    const Error other = error_of([&] { load_profile(dir.write("g.json", json_with(R"("host": "a", "database": ["d"])")), "dev"); });
    CHECK(other.code() == Code::ConfigWrongType);

    // A list in [defaults] is inherited, and an environment's own host replaces it whole.
    const Profile inherited = load_profile(
        dir.write("h.json", R"({"defaults": {"host": ["x:1", "y:2"]}, "environments": {"dev": {"user": "u", "ssl_ca": "/ca",
            "ssl_cert": "/c", "ssl_key": "/k"}, "prod": {"host": "z", "user": "u", "ssl_ca": "/ca", "ssl_cert": "/c",
            "ssl_key": "/k"}}})"),
        "dev");
    CHECK(texts(inherited) == std::vector<std::string>{"x:1", "y:2"});
    CHECK(texts(load_profile(dir.path().string() + "/h.json", "prod")) == std::vector<std::string>{"z:3306"});
}

TEST_CASE("hosts: parse_host_list on its own") {
    CHECK(parse_host_list("a", 5, "w: ").size() == 1);
    CHECK(parse_host_list(" a ,\tb:7 ", 5, "w: ")[1] == HostPort{"b", 7});
    CHECK(parse_host_list("[2001:db8::1]:3306", 5, "w: ")[0] == HostPort{"2001:db8::1", 3306});
    CHECK(HostPort{"2001:db8::1", 3306}.text() == "[2001:db8::1]:3306");
    const Error e = error_of([] { parse_host_list("", 5, "where: "); });
    CHECK(e.code() == Code::ConfigInvalidValue);
    CHECK(contains(e.what(), "where: key 'host'"));
}
