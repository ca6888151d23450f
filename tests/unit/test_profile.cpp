// Profile loader: INI and JSON give the same result; every bad input gets a specific error.
#include <doctest/doctest.h>

#include <nlohmann/json.hpp>

#include <fcntl.h>
#include <unistd.h>

#include <cstdlib>

#include "freed_scan.hpp"
#include "profile/tree.hpp"
#include "test_profile_support.hpp"
#include "verrou/error.hpp"
#include "verrou/password.hpp"
#include "verrou/profile.hpp"
#include "verrou/secret.hpp"

using namespace verrou;
using profile_test::contains;
using profile_test::error_of;
using profile_test::TempDir;

namespace {

const char* kIni = "\xEF\xBB\xBF; sample with BOM and CRLF\r\n"
                   "default_environment = dev\r\n"
                   "\r\n"
                   "[defaults]\r\n"
                   "host = db.internal   ; trailing comment\r\n"
                   "user = app\r\n"
                   "database = \"compta\"\r\n"
                   "ssl_ca = certs/ca.crt\r\n"
                   "ssl_cert = certs/client.crt\r\n"
                   "ssl_key = certs/client.key\r\n"
                   "password_env = DB_PASSWORD\r\n"
                   "connect_timeout = 5\r\n"
                   "# whole-line comment\r\n"
                   "[env.dev]\r\n"
                   "host = localhost\r\n"
                   "port = 3307\r\n"
                   "tls_version = tlsv1.2\r\n"
                   "[env.prod]\r\n"
                   "password_secret = mariadb_prod\r\n"
                   "ssl_ca = C:\\secrets\\mariadb\\prod\\ca.crt\r\n"
                   "ssl_crl = \\\\server\\share\\crl.pem\r\n"
                   "ca_fingerprint = ab:cd:ef:01:23:45:67:89:ab:cd:ef:01:23:45:67:89:ab:cd:ef:01:23:45:67:89:ab:cd:ef:01:23:45:67:89\r\n"
                   "expiry_warning_days = 60\r\n"
                   "strict_permissions = yes\r\n"
                   "ssl_mode = verify_ca\r\n";

const char* kJson = R"({
  // same profile as kIni
  "default_environment": "dev",
  "defaults": {
    "host": "db.internal", "user": "app", "database": "compta",
    "ssl_ca": "certs/ca.crt", "ssl_cert": "certs/client.crt", "ssl_key": "certs/client.key",
    "password_env": "DB_PASSWORD", "connect_timeout": 5
  },
  "environments": {
    "dev": { "host": "localhost", "port": 3307, "tls_version": "tlsv1.2" },
    "prod": {
      "password_secret": "mariadb_prod",
      "ssl_ca": "C:\\secrets\\mariadb\\prod\\ca.crt",
      "ssl_crl": "\\\\server\\share\\crl.pem",
      "ca_fingerprint": "ABCDEF0123456789abcdef0123456789ABCDEF0123456789abcdef0123456789",
      "expiry_warning_days": 60, "strict_permissions": true, "ssl_mode": "VERIFY_CA"
    }
  }
})";

// The resolved JSON without what legitimately differs between the two files.
nlohmann::json comparable(const Profile& p) {
    auto j = nlohmann::json::parse(profile_to_json(p));
    j.erase("source_file");
    for (auto& w : j["warnings"]) w.erase("message");
    return j;
}

const std::string kMinimal = "[env.dev]\nhost = h\nuser = u\nssl_ca = /ca\nssl_cert = /c\nssl_key = /k\n";

}  // namespace

TEST_CASE("profile: INI and JSON versions of one profile resolve identically") {
    ::unsetenv("VERROU_ENV");
    TempDir dir;
    const std::string ini = dir.write("profiles.ini", kIni);
    const std::string json = dir.write("profiles.json", kJson);
    CHECK(list_environments(ini) == std::vector<std::string>{"dev", "prod"});
    CHECK(list_environments(json) == std::vector<std::string>{"dev", "prod"});
    for (const char* env : {"dev", "prod"}) {
        CAPTURE(env);
        const Profile a = load_profile(ini, env);
        const Profile b = load_profile(json, env);
        CHECK(comparable(a) == comparable(b));
    }
    const Profile dev = load_profile(ini);  // default_environment
    CHECK(dev.environment == "dev");
    CHECK(dev.host == "localhost");
    CHECK(dev.port == 3307);
    CHECK(dev.database == "compta");
    CHECK(dev.connect_timeout_seconds == 5);
    CHECK(dev.read_timeout_seconds == 30);
    CHECK(dev.tls.min_version == TlsVersion::Tls12);
    CHECK(dev.tls.mode == SslMode::VerifyIdentity);
    CHECK(dev.tls.expected_cert_cn == "app-dev");
    CHECK(dev.password.kind == SecretRef::Kind::Env);
    CHECK(dev.password.target == "DB_PASSWORD");
    CHECK(dev.tls.ca == (dir.path() / "certs/ca.crt").string());

    const Profile prod = load_profile(json, "prod");
    CHECK(prod.host == "db.internal");
    CHECK(prod.port == 3306);
    CHECK(prod.tls.min_version == TlsVersion::Tls13);
    CHECK(prod.tls.mode == SslMode::VerifyCa);
    CHECK(prod.tls.ca == "C:\\secrets\\mariadb\\prod\\ca.crt");
    CHECK(prod.tls.crl == "\\\\server\\share\\crl.pem");
    CHECK(prod.tls.ca_fingerprint == "ABCDEF0123456789ABCDEF0123456789ABCDEF0123456789ABCDEF0123456789");
    CHECK(prod.tls.expiry_warning_days == 60);
    CHECK(prod.tls.strict_permissions);
    // password_secret in prod replaces the inherited password_env instead of clashing with it.
    CHECK(prod.password.kind == SecretRef::Kind::DockerSecret);
    CHECK(prod.password.target == "mariadb_prod");
    const auto j = nlohmann::json::parse(profile_to_json(prod));
    CHECK(j["password"] == "secret:mariadb_prod");
    CHECK(j["tls"]["ssl_mode"] == "VERIFY_CA");
    CHECK(j["tls"]["tls_version"] == "TLSv1.3");
    CHECK(j["tls"]["expected_cert_cn"] == "app-prod");
}

TEST_CASE("profile: environment precedence is argument, VERROU_ENV, default_environment") {
    TempDir dir;
    const std::string ini = dir.write("p.ini", kIni);
    ::unsetenv("VERROU_ENV");
    CHECK(choose_environment(ini) == "dev");
    ::setenv("VERROU_ENV", "prod", 1);
    CHECK(choose_environment(ini) == "prod");
    CHECK(load_profile(ini).environment == "prod");
    CHECK(choose_environment(ini, "dev") == "dev");
    ::setenv("VERROU_ENV", "", 1);  // empty counts as unset
    CHECK(choose_environment(ini) == "dev");
    ::unsetenv("VERROU_ENV");

    const std::string none = dir.write("none.ini", kMinimal);
    const Error e = error_of([&] { choose_environment(none); });
    CHECK(e.code() == Code::ConfigUnknownEnvironment);
    CHECK(contains(e.message(), "VERROU_ENV"));
    CHECK(contains(e.message(), "dev"));
}

TEST_CASE("profile: unknown environment lists the known ones") {
    ::unsetenv("VERROU_ENV");
    TempDir dir;
    const std::string ini = dir.write("p.ini", kIni);
    const Error e = error_of([&] { load_profile(ini, "prd"); });
    CHECK(e.code() == Code::ConfigUnknownEnvironment);
    CHECK(contains(e.message(), "p.ini"));
    CHECK(contains(e.message(), "'prd'"));
    CHECK(contains(e.message(), "dev, prod"));
    CHECK(contains(e.message(), "did you mean 'prod'"));

    ::setenv("VERROU_ENV", "staging", 1);
    const Error e2 = error_of([&] { load_profile(ini); });
    CHECK(contains(e2.message(), "VERROU_ENV"));
    ::unsetenv("VERROU_ENV");

    const std::string bad_default = dir.write("d.json",
        R"({"default_environment": "qa", "environments": {"dev": {}, "prod": {}}})");
    const Error e3 = error_of([&] { list_environments(bad_default); });
    CHECK(e3.code() == Code::ConfigUnknownEnvironment);
    CHECK(contains(e3.message(), "d.json#/default_environment"));
    CHECK(contains(e3.message(), "dev, prod"));
}

TEST_CASE("profile: unknown key suggests the closest known key") {
    TempDir dir;
    const std::string ini = dir.write("p.ini", kMinimal + "ssl_sert = /x\n");
    const Error e = error_of([&] { load_profile(ini, "dev"); });
    CHECK(e.code() == Code::ConfigUnknownKey);
    CHECK(contains(e.message(), "p.ini:7"));
    CHECK(contains(e.message(), "'ssl_sert'"));
    CHECK(contains(e.message(), "did you mean 'ssl_cert'"));
    // Two swapped letters are one typo: closer than a key two edits away (ssl_ca).
    const std::string swapped = dir.write("s.ini", kMinimal + "ssl_clr = /x\n");
    CHECK(contains(error_of([&] { load_profile(swapped, "dev"); }).message(), "did you mean 'ssl_crl'"));

    const std::string json = dir.write("p.json", R"({"environments": {"dev": {"hashing": {"argon2_memry_kib": 1}}}})");
    const Error j = error_of([&] { load_profile(json, "dev"); });
    CHECK(j.code() == Code::ConfigUnknownKey);
    CHECK(contains(j.message(), "p.json#/environments/dev/hashing/argon2_memry_kib"));
    CHECK(contains(j.message(), "did you mean 'hashing.argon2_memory_kib'"));

    // A typo in another environment still fails: it would otherwise surface only in prod.
    const std::string other = dir.write("o.ini", kMinimal + "[env.prod]\nprot = 1\n");
    const Error o = error_of([&] { load_profile(other, "dev"); });
    CHECK(o.code() == Code::ConfigUnknownKey);
    CHECK(contains(o.message(), "o.ini:8"));
    CHECK(contains(o.message(), "did you mean 'port'"));

    const std::string section = dir.write("s.ini", "[prod]\nhost = x\n");
    const Error s = error_of([&] { load_profile(section, "prod"); });
    CHECK(s.code() == Code::ConfigSyntax);
    CHECK(contains(s.message(), "s.ini:1"));
    CHECK(contains(s.message(), "[env.prod]"));
}

TEST_CASE("profile: wrong types name the file, position, key and expected type") {
    TempDir dir;
    const std::string ini = dir.write("p.ini", kMinimal + "port = abc\n");
    const Error e = error_of([&] { load_profile(ini, "dev"); });
    CHECK(e.code() == Code::ConfigWrongType);
    CHECK(contains(e.message(), "p.ini:7"));
    CHECK(contains(e.message(), "'port'"));
    CHECK(contains(e.message(), "integer"));
    CHECK(contains(e.message(), "'abc'"));

    const std::string json = dir.write("p.json", R"({"environments": {"dev": {"port": "3306"}}})");
    const Error j = error_of([&] { load_profile(json, "dev"); });
    CHECK(j.code() == Code::ConfigWrongType);
    CHECK(contains(j.message(), "p.json#/environments/dev/port"));
    CHECK(contains(j.message(), "expected an integer, got a string"));

    const std::string b = dir.write("b.json", R"({"defaults": {"strict_permissions": "maybe"}, "environments": {"dev": {}}})");
    const Error be = error_of([&] { load_profile(b, "dev"); });
    CHECK(be.code() == Code::ConfigWrongType);
    CHECK(contains(be.message(), "#/defaults/strict_permissions"));

    const std::string range = dir.write("r.ini", kMinimal + "port = 70000\n");
    const Error re = error_of([&] { load_profile(range, "dev"); });
    CHECK(re.code() == Code::ConfigInvalidValue);
    CHECK(contains(re.message(), "1..65535"));

    const std::string obj = dir.write("o.json", R"({"environments": {"dev": {"host": {"name": "x"}}}})");
    CHECK(error_of([&] { load_profile(obj, "dev"); }).code() == Code::ConfigWrongType);
}

TEST_CASE("profile: duplicates are refused (environment, key, password source)") {
    TempDir dir;
    const std::string env = dir.write("e.ini", kMinimal + "[env.prod]\nhost = a\n[env.dev]\nport = 1\n");
    const Error e = error_of([&] { list_environments(env); });
    CHECK(e.code() == Code::ConfigDuplicate);
    CHECK(contains(e.message(), "e.ini:9"));
    CHECK(contains(e.message(), "'dev' is defined twice"));
    CHECK(contains(e.message(), "line 1"));

    const std::string key = dir.write("k.ini", kMinimal + "host = again\n");
    const Error k = error_of([&] { load_profile(key, "dev"); });
    CHECK(k.code() == Code::ConfigDuplicate);
    CHECK(contains(k.message(), "k.ini:7"));
    CHECK(contains(k.message(), "'host'"));
    CHECK(contains(k.message(), "first at line 2"));

    const std::string jenv = dir.write("e.json", R"({"environments": {"dev": {}, "dev": {}}})");
    const Error je = error_of([&] { list_environments(jenv); });
    CHECK(je.code() == Code::ConfigDuplicate);
    CHECK(contains(je.message(), "e.json#/environments/dev"));
    CHECK(contains(je.message(), "defined twice"));

    const std::string jkey = dir.write("k.json", R"({"environments": {"dev": {"port": 1, "port": 2}}})");
    const Error jk = error_of([&] { list_environments(jkey); });
    CHECK(jk.code() == Code::ConfigDuplicate);
    CHECK(contains(jk.message(), "#/environments/dev/port"));

    const std::string two = dir.write("t.ini", kMinimal + "password_env = A\npassword_file = /pw\n");
    const Error t = error_of([&] { load_profile(two, "dev"); });
    CHECK(t.code() == Code::ConfigDuplicate);
    CHECK(contains(t.message(), "t.ini:8"));
    CHECK(contains(t.message(), "password_env"));
    CHECK(contains(t.message(), "password_file"));
    CHECK(contains(t.message(), "password source"));
}

TEST_CASE("profile: missing required keys name the environment and the key") {
    TempDir dir;
    const std::string ini = dir.write("p.ini", "[defaults]\nhost = h\nuser = u\nssl_ca = /ca\nssl_cert = /c\n[env.prod]\n");
    const Error e = error_of([&] { load_profile(ini, "prod"); });
    CHECK(e.code() == Code::ConfigMissingKey);
    CHECK(contains(e.message(), "p.ini:6"));
    CHECK(contains(e.message(), "'ssl_key'"));
    CHECK(contains(e.message(), "'prod'"));

    const std::string json = dir.write("p.json", R"({"environments": {"prod": {"user": "u"}}})");
    const Error j = error_of([&] { load_profile(json, "prod"); });
    CHECK(j.code() == Code::ConfigMissingKey);
    CHECK(contains(j.message(), "p.json#/environments/prod"));
    CHECK(contains(j.message(), "'host'"));
}

TEST_CASE("profile: unreadable, oversized and malformed files") {
    TempDir dir;
    const std::string missing = (dir.path() / "nope.ini").string();
    const Error u = error_of([&] { load_profile(missing, "dev"); });
    CHECK(u.code() == Code::ConfigUnreadable);
    CHECK(contains(u.message(), "nope.ini"));

    const std::string big = dir.write("big.ini", "; " + std::string(1024 * 1024 + 10, 'x') + "\n");
    const Error b = error_of([&] { load_profile(big, "dev"); });
    CHECK(b.code() == Code::ConfigUnreadable);
    CHECK(contains(b.message(), "1 MiB"));

    // A malformed line is not echoed: it may be a pasted password.
    const std::string line = dir.write("m.ini", kMinimal + "S3cretPassw0rd!\n");
    const Error m = error_of([&] { load_profile(line, "dev"); });
    CHECK(m.code() == Code::ConfigSyntax);
    CHECK(contains(m.message(), "m.ini:7"));
    CHECK(contains(m.message(), "malformed line"));
    CHECK_FALSE(contains(m.message(), "S3cretPassw0rd"));

    const std::string quote = dir.write("q.ini", kMinimal + "database = \"abc\n");
    const Error q = error_of([&] { load_profile(quote, "dev"); });
    CHECK(q.code() == Code::ConfigSyntax);
    CHECK(contains(q.message(), "q.ini:7"));
    CHECK(contains(q.message(), "unterminated"));

    const std::string json = dir.write("bad.json", "{\n  \"environments\": {\n    \"dev\": {\"port\": 1,}\n  }\n}\n");
    const Error j = error_of([&] { load_profile(json, "dev"); });
    CHECK(j.code() == Code::ConfigSyntax);
    CHECK(contains(j.message(), "bad.json"));
    CHECK(contains(j.message(), "line 3, column 23"));  // the stray "}"
    CHECK(contains(j.message(), "malformed JSON"));

    const std::string secret = dir.write("s.json", "{\"defaults\": {\"password\": \"Tr0ub4dor&3\n\"}}");
    const Error s = error_of([&] { load_profile(secret, "dev"); });
    CHECK(s.code() == Code::ConfigSyntax);
    CHECK_FALSE(contains(s.message(), "Tr0ub4dor"));
}

TEST_CASE("profile: inline password is warned and never shown") {
    ::unsetenv("VERROU_ENV");
    TempDir dir;
    const std::string ini = dir.write("p.ini", kMinimal + "password = 'Hunter2-very-secret'\n");
    const Profile p = load_profile(ini, "dev");
    REQUIRE(p.password.kind == SecretRef::Kind::Inline);
    CHECK(p.password.inline_value.view() == "Hunter2-very-secret");
    REQUIRE(p.warnings.size() == 1);
    CHECK(p.warnings[0].code == "inline_secret");
    CHECK(contains(p.warnings[0].message, "p.ini:7"));
    const std::string json = profile_to_json(p);
    CHECK(contains(json, "\"inline:***\""));
    CHECK(contains(json, "inline_secret"));
    CHECK_FALSE(contains(json, "Hunter2"));

    // A later error in the same file must not reveal it either.
    const std::string bad = dir.write("b.ini", kMinimal + "password = Hunter2-very-secret\nport = x\n");
    const Error e = error_of([&] { load_profile(bad, "dev"); });
    CHECK_FALSE(contains(e.message(), "Hunter2"));
    const std::string both = dir.write("c.ini", kMinimal + "password = Hunter2-very-secret\npassword_env = X\n");
    const Error c = error_of([&] { load_profile(both, "dev"); });
    CHECK(c.code() == Code::ConfigDuplicate);
    CHECK_FALSE(contains(c.message(), "Hunter2"));
}

TEST_CASE("profile: ssl_mode REQUIRED needs allow_unverified_server, and no mode allows plaintext") {
    TempDir dir;
    const std::string req = dir.write("r.ini", kMinimal + "ssl_mode = REQUIRED\n");
    const Error e = error_of([&] { load_profile(req, "dev"); });
    CHECK(e.code() == Code::ConfigUnsafe);
    CHECK(contains(e.message(), "r.ini:7"));
    CHECK(contains(e.message(), "allow_unverified_server"));

    const std::string ok = dir.write("ok.ini", kMinimal + "ssl_mode = required\nallow_unverified_server = true\n");
    const Profile p = load_profile(ok, "dev");
    CHECK(p.tls.mode == SslMode::Required);
    CHECK(p.tls.allow_unverified_server);
    REQUIRE(p.warnings.size() == 1);
    CHECK(p.warnings[0].code == "unverified_server");

    for (const char* mode : {"DISABLED", "preferred"}) {
        CAPTURE(mode);
        const std::string f = dir.write("d.ini", kMinimal + "allow_unverified_server = true\nssl_mode = " + mode + "\n");
        const Error d = error_of([&] { load_profile(f, "dev"); });
        CHECK(d.code() == Code::ConfigUnsafe);
        CHECK(contains(d.message(), "clear text"));
        CHECK(contains(d.message(), "'ssl_mode'"));
    }
    const std::string junk = dir.write("j.ini", kMinimal + "ssl_mode = VERIFY\n");
    CHECK(error_of([&] { load_profile(junk, "dev"); }).code() == Code::ConfigInvalidValue);
}

TEST_CASE("profile: tls_version accepts exactly TLSv1.2 and TLSv1.3") {
    TempDir dir;
    for (const char* bad : {"1.2", "TLSv1.1", "TLSv1", "tls1.3", "TLSv1.3+"}) {
        CAPTURE(bad);
        const std::string f = dir.write("t.ini", kMinimal + "tls_version = " + bad + "\n");
        const Error e = error_of([&] { load_profile(f, "dev"); });
        CHECK(e.code() == Code::ConfigInvalidValue);
        CHECK(contains(e.message(), "'tls_version'"));
    }
    const std::string ok = dir.write("ok.ini", kMinimal + "tls_version = TLSV1.3\n");
    CHECK(load_profile(ok, "dev").tls.min_version == TlsVersion::Tls13);
}

TEST_CASE("profile: ssl_cipher is a list of cipher names OpenSSL knows") {
    TempDir dir;
    const auto load = [&](const std::string& lines) { return load_profile(dir.write("c.ini", kMinimal + lines), "dev"); };
    const auto fails = [&](const std::string& lines) { return error_of([&] { load(lines); }); };

    // TLS 1.3 suites, spaces around names allowed; kept as the canonical list, duplicates dropped.
    CHECK(load("ssl_cipher = TLS_AES_128_GCM_SHA256 : TLS_AES_256_GCM_SHA384:TLS_AES_128_GCM_SHA256\n").tls.cipher ==
          "TLS_AES_128_GCM_SHA256:TLS_AES_256_GCM_SHA384");
    // TLS 1.2 names need a TLS 1.2 minimum; both kinds may be mixed then.
    CHECK(load("tls_version = TLSv1.2\nssl_cipher = TLS_CHACHA20_POLY1305_SHA256:ECDHE-ECDSA-AES256-GCM-SHA384\n").tls.cipher ==
          "TLS_CHACHA20_POLY1305_SHA256:ECDHE-ECDSA-AES256-GCM-SHA384");
    CHECK(nlohmann::json::parse(profile_to_json(load("ssl_cipher = TLS_AES_256_GCM_SHA384\n")))["tls"]["ssl_cipher"] ==
          "TLS_AES_256_GCM_SHA384");

    // An unknown name, even next to known ones, is named with the closest known name.
    const Error u = fails("ssl_cipher = TLS_AES_256_GCM_SHA384:tls_aes_128_gcm_sha256\n");
    CHECK(u.code() == Code::ConfigInvalidValue);
    CHECK(contains(u.message(), "c.ini:7"));
    CHECK(contains(u.message(), "key 'ssl_cipher'"));
    CHECK(contains(u.message(), "unknown cipher 'tls_aes_128_gcm_sha256'"));
    CHECK(contains(u.message(), "did you mean 'TLS_AES_128_GCM_SHA256'"));
    const Error u12 = fails("tls_version = TLSv1.2\nssl_cipher = ECDHE-ECDSA-AES256-GCM-SHA348\n");
    CHECK(u12.code() == Code::ConfigInvalidValue);
    CHECK(contains(u12.message(), "'ECDHE-ECDSA-AES256-GCM-SHA348'"));
    CHECK(contains(u12.message(), "did you mean 'ECDHE-ECDSA-AES256-GCM-SHA384'"));
    const Error j = error_of([&] {
        load_profile(dir.write("c.json", R"({"environments": {"dev": {"host": "h", "user": "u", "ssl_ca": "/ca",
            "ssl_cert": "/c", "ssl_key": "/k", "ssl_cipher": "TLS_AES_256_GCM_SHA384:NOPE"}}})"), "dev");
    });
    CHECK(j.code() == Code::ConfigInvalidValue);
    CHECK(contains(j.message(), "c.json#/environments/dev/ssl_cipher"));
    CHECK(contains(j.message(), "'NOPE'"));

    // A TLS 1.2 name under the TLS 1.3 minimum (explicit or default) could never be used.
    for (const char* version : {"", "tls_version = TLSv1.3\n"}) {
        CAPTURE(version);
        const Error t = fails(std::string(version) + "ssl_cipher = TLS_AES_128_GCM_SHA256:ECDHE-RSA-AES128-GCM-SHA256\n");
        CHECK(t.code() == Code::ConfigInvalidValue);
        CHECK(contains(t.message(), "key 'ssl_cipher'"));
        CHECK(contains(t.message(), "'ECDHE-RSA-AES128-GCM-SHA256' is a TLS 1.2 cipher"));
        CHECK(contains(t.message(), "TLSv1.3"));
        CHECK(contains(t.message(), "tls_version = TLSv1.2"));
    }

    // Cipher-string syntax is not a list of names: it would select ciphers nobody reviewed.
    for (const char* bad : {"HIGH", "ECDHE+AESGCM", "!aNULL", "TLS_AES_128_GCM_SHA256,TLS_AES_256_GCM_SHA384",
                            "@SECLEVEL=2", "AESGCM"}) {
        CAPTURE(bad);
        const Error k = fails(std::string("tls_version = TLSv1.2\nssl_cipher = ") + bad + "\n");
        CHECK(k.code() == Code::ConfigInvalidValue);
        CHECK(contains(k.message(), "key 'ssl_cipher'"));
        CHECK(contains(k.message(), "not a cipher name"));
    }
    for (const char* empty : {"TLS_AES_128_GCM_SHA256::TLS_AES_256_GCM_SHA384", "TLS_AES_128_GCM_SHA256:"}) {
        CAPTURE(empty);
        const Error k = fails(std::string("ssl_cipher = ") + empty + "\n");
        CHECK(k.code() == Code::ConfigInvalidValue);
        CHECK(contains(k.message(), "empty cipher name"));
    }
    ::setenv("VERROU_TEST_EMPTY", "", 1);
    CHECK(contains(fails("ssl_cipher = ${VERROU_TEST_EMPTY}\n").message(), "empty"));
    ::unsetenv("VERROU_TEST_EMPTY");

    // The IANA spelling of a TLS 1.2 cipher gets OpenSSL's name.
    const Error i = fails("tls_version = TLSv1.2\nssl_cipher = TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256\n");
    CHECK(i.code() == Code::ConfigInvalidValue);
    CHECK(contains(i.message(), "IANA name"));
    CHECK(contains(i.message(), "'ECDHE-ECDSA-AES128-GCM-SHA256'"));

    // No encryption, or no server authentication: unsafe, whatever the minimum version.
    for (const char* unsafe : {"NULL-SHA256", "ADH-AES128-GCM-SHA256"}) {
        CAPTURE(unsafe);
        const Error n = fails(std::string("tls_version = TLSv1.2\nssl_cipher = ") + unsafe + "\n");
        CHECK(n.code() == Code::ConfigUnsafe);
        CHECK(contains(n.message(), "key 'ssl_cipher'"));
        CHECK(contains(n.message(), unsafe));
    }
}

TEST_CASE("profile: fingerprints are normalized and checked") {
    TempDir dir;
    const std::string hex = "0a1b2c3d4e5f60718293a4b5c6d7e8f90a1b2c3d4e5f60718293a4b5c6d7e8f9";
    std::string colons;
    for (std::size_t i = 0; i < hex.size(); i += 2) colons += (i ? ":" : "") + hex.substr(i, 2);
    const std::string f = dir.write("f.ini", kMinimal + "ca_fingerprint = " + colons + "\nserver_fingerprint = " + hex + "\n");
    const Profile p = load_profile(f, "dev");
    CHECK(p.tls.ca_fingerprint == "0A1B2C3D4E5F60718293A4B5C6D7E8F90A1B2C3D4E5F60718293A4B5C6D7E8F9");
    CHECK(p.tls.server_fingerprint == p.tls.ca_fingerprint);

    const std::string sha1 = dir.write("s.ini", kMinimal + "ca_fingerprint = " + hex.substr(0, 40) + "\n");
    const Error e = error_of([&] { load_profile(sha1, "dev"); });
    CHECK(e.code() == Code::ConfigInvalidValue);
    CHECK(contains(e.message(), "s.ini:7"));
    CHECK(contains(e.message(), "64 hex digits"));
    CHECK(contains(e.message(), "got 40"));

    const std::string nothex = dir.write("n.ini", kMinimal + "server_fingerprint = " + hex.substr(1) + "g\n");
    const Error n = error_of([&] { load_profile(nothex, "dev"); });
    CHECK(n.code() == Code::ConfigInvalidValue);
    CHECK(contains(n.message(), "'g'"));
}

TEST_CASE("profile: ${VAR}, ~, relative and Windows paths") {
    TempDir dir;
    ::setenv("VERROU_TEST_CERTS", "/etc/verrou/certs", 1);
    ::setenv("HOME", "/home/tester", 1);
    ::unsetenv("VERROU_TEST_UNSET");
    const std::string f = dir.write("sub/p.ini",
        "[env.dev]\nhost = ${VERROU_TEST_CERTS}-host\nuser = u\n"
        "ssl_ca = ${VERROU_TEST_CERTS}/ca.crt\n"
        "ssl_cert = ~/certs/client.crt\n"
        "ssl_key = ../keys/./client.key\n"
        "ssl_crl = C:/pki/crl.pem\n"
        "password_file = D:\\secrets\\pw.txt\n"
        "database = A$$B\n");
    const Profile p = load_profile(f, "dev");
    CHECK(p.host == "/etc/verrou/certs-host");
    CHECK(p.tls.ca == "/etc/verrou/certs/ca.crt");
    CHECK(p.tls.cert == "/home/tester/certs/client.crt");
    CHECK(p.tls.key == (dir.path() / "keys/client.key").string());
    CHECK(p.tls.crl == "C:/pki/crl.pem");
    CHECK(p.password.kind == SecretRef::Kind::File);
    CHECK(p.password.target == "D:\\secrets\\pw.txt");
    CHECK(p.database == "A$B");
    CHECK(nlohmann::json::parse(profile_to_json(p))["password"] == "file:D:\\secrets\\pw.txt");

    const std::string u = dir.write("u.json",
        R"({"environments": {"dev": {"host": "h", "user": "u", "ssl_ca": "${VERROU_TEST_UNSET}/ca", "ssl_cert": "/c", "ssl_key": "/k"}}})");
    const Error e = error_of([&] { load_profile(u, "dev"); });
    CHECK(e.code() == Code::ConfigInvalidValue);
    CHECK(contains(e.message(), "u.json#/environments/dev/ssl_ca"));
    CHECK(contains(e.message(), "VERROU_TEST_UNSET"));
    CHECK(contains(e.message(), "not set"));
}

TEST_CASE("profile: INI dialect details (top-level section, sub-sections, quotes)") {
    ::unsetenv("VERROU_ENV");
    TempDir dir;
    const std::string f = dir.write("p.ini",
        "[verrou]\ndefault_environment = recette\n"
        "[defaults]\nhost = h\nuser = u\nssl_ca = '/ca;1'\nssl_cert = \"/c # not a comment\"\nssl_key = /k\n"
        "[env.recette]\nssl_key_next = /k2\nssl_cert_next = /c2\nexpected_cert_cn =\n"
        "ssl_key_passphrase_env = KEY_PASS\n");
    const Profile p = load_profile(f);
    CHECK(p.environment == "recette");
    CHECK(p.tls.ca == "/ca;1");
    CHECK(p.tls.cert == "/c # not a comment");
    CHECK(p.tls.cert_next == "/c2");
    CHECK(p.tls.expected_cert_cn.empty());
    CHECK(p.tls.key_passphrase.kind == SecretRef::Kind::Env);
    CHECK(nlohmann::json::parse(profile_to_json(p))["tls"]["ssl_key_passphrase"] == "env:KEY_PASS");
    REQUIRE(p.warnings.size() == 1);
    CHECK(p.warnings[0].code == "cert_guard_disabled");

    const std::string half = dir.write("h.ini", kMinimal + "ssl_cert_next = /c2\n");
    const Error e = error_of([&] { load_profile(half, "dev"); });
    CHECK(e.code() == Code::ConfigMissingKey);
    CHECK(contains(e.message(), "ssl_key_next"));

    const std::string docker = dir.write("d.ini", kMinimal + "password_secret = ../etc/passwd\n");
    const Error d = error_of([&] { load_profile(docker, "dev"); });
    CHECK(d.code() == Code::ConfigInvalidValue);
    CHECK(contains(d.message(), "Docker secret name"));
}

TEST_CASE("profile: shipped samples (examples/profiles) load and agree") {
    ::unsetenv("VERROU_ENV");
    const std::string ini = VERROU_SOURCE_DIR "/examples/profiles/verrou-profiles.ini";
    const std::string json = VERROU_SOURCE_DIR "/examples/profiles/verrou-profiles.json";
    CHECK(list_environments(ini) == std::vector<std::string>{"dev", "recette", "prod"});
    CHECK(list_environments(json) == list_environments(ini));
    CHECK(choose_environment(json) == "dev");
    for (const char* env : {"dev", "recette", "prod"}) {
        CAPTURE(env);
        const Profile a = load_profile(ini, env);
        const Profile b = load_profile(json, env);
        CHECK(comparable(a) == comparable(b));
        CHECK(a.warnings.empty());
    }
    const Profile recette = load_profile(ini, "recette");
    CHECK(recette.tls.ca == "\\\\fileserver\\pki\\mariadb\\recette\\ca.crt");
    CHECK(recette.password.target == "C:\\secrets\\mariadb\\recette\\password.txt");
    const Profile prod = load_profile(json, "prod");
    CHECK(prod.password.kind == SecretRef::Kind::DockerSecret);
    CHECK(prod.tls.ca_fingerprint.size() == 64);
}

TEST_CASE("profile: misplaced structure gets a pointed message") {
    TempDir dir;
    const std::string d = dir.write("d.ini", "[defaults]\ndefault_environment = dev\n[env.dev]\n");
    const Error de = error_of([&] { list_environments(d); });
    CHECK(de.code() == Code::ConfigUnknownKey);
    CHECK(contains(de.message(), "d.ini:2"));
    CHECK(contains(de.message(), "top-level key"));

    const std::string a = dir.write("a.json", R"({"environments": ["dev", "prod"]})");
    const Error ae = error_of([&] { list_environments(a); });
    CHECK(ae.code() == Code::ConfigWrongType);
    CHECK(contains(ae.message(), "a.json#/environments"));

    const std::string h = dir.write("h.json", R"({"environments": {"dev": {"hashing": "argon2id"}}})");
    const Error he = error_of([&] { list_environments(h); });
    CHECK(he.code() == Code::ConfigWrongType);
    CHECK(contains(he.message(), "#/environments/dev/hashing"));
    CHECK(contains(he.message(), "expected an object"));

    const std::string s = dir.write("s.ini", "[env.dev.hashin]\n");
    const Error se = error_of([&] { list_environments(s); });
    CHECK(se.code() == Code::ConfigUnknownKey);
    CHECK(contains(se.message(), "s.ini:1"));
    CHECK(contains(se.message(), "hashing"));

    const std::string n = dir.write("n.ini", "[env.pr od]\n");
    CHECK(error_of([&] { list_environments(n); }).code() == Code::ConfigSyntax);
}

namespace {

const std::string kB64 = "c2VjcmV0LXBlcHBlci12YWx1ZS0xMjM0NTY3OA";  // a pasted Base64 secret, before its "=="

// The message names none of the secret's pieces.
void check_hidden(std::string_view text, std::initializer_list<const char*> pieces) {
    const std::string message(text);
    CAPTURE(message);
    for (const char* piece : pieces) CHECK_FALSE(contains(message, piece));
}

}  // namespace

TEST_CASE("profile: an INI line that may be a pasted secret is not echoed as a key") {
    TempDir dir;
    const auto fails = [&](const std::string& name, const std::string& text) {
        return error_of([&] { load_profile(dir.write(name, text), "dev"); });
    };
    struct Case {
        const char* name;
        std::string text;
        Code code;
        const char* where;
    };
    const std::vector<Case> cases = {
        {"b64.ini", kMinimal + kB64 + "==\n", Code::ConfigUnknownKey, "b64.ini:7"},
        {"top.ini", kB64 + "==\n" + kMinimal, Code::ConfigUnknownKey, "top.ini:1"},
        {"sub.ini", kMinimal + "[env.dev.hashing]\n" + kB64 + "==\n", Code::ConfigUnknownKey, "sub.ini:8"},
        {"pep.ini", kMinimal + "[env.dev.hashing.peppers.k1]\n" + kB64 + "==\n", Code::ConfigUnknownKey, "pep.ini:8"},
        {"leg.ini", kMinimal + "[env.dev.hashing.windev_legacy.pepper]\n" + kB64 + "==\n", Code::ConfigUnknownKey,
         "leg.ini:8"},
        {"twice.ini", kMinimal + kB64 + "==\n" + kB64 + "==\n", Code::ConfigUnknownKey, "twice.ini:8"},
        {"blank.ini", kMinimal + "password hunter=2\n", Code::ConfigSyntax, "blank.ini:7"},
        {"amp.ini", kMinimal + "Tr0ub4dor&3=x\n", Code::ConfigUnknownKey, "amp.ini:7"},
        // Long lowercase text close to no key: not shown either.
        {"lower.ini", kMinimal + "correcthorsebatterystaplez=1\n", Code::ConfigUnknownKey, "lower.ini:7"},
    };
    for (const Case& c : cases) {
        const std::string name = c.name;
        CAPTURE(name);
        const Error e = fails(c.name, c.text);
        CHECK(e.code() == c.code);
        CHECK(contains(e.message(), c.where));
        CHECK(contains(e.message(), "this line is not a known key = value setting"));
        CHECK(contains(e.message(), "not shown"));
        check_hidden(e.message(), {"c2Vj", "NTY3OA", "hunter", "Tr0ub4dor", "correcthorse"});
    }

    // Ordinary typos keep their key and suggestion.
    const Error blank = fails("ws.ini", kMinimal + "ssl ca = /x\n");
    CHECK(blank.code() == Code::ConfigSyntax);
    CHECK(contains(blank.message(), "ws.ini:7"));
    CHECK(contains(blank.message(), "key 'ssl ca' contains whitespace"));
    CHECK(contains(blank.message(), "did you mean 'ssl_ca'"));
    const Error unknown = fails("u.ini", kMinimal + "charset = utf8mb4\n");
    CHECK(unknown.code() == Code::ConfigUnknownKey);
    CHECK(contains(unknown.message(), "u.ini:7: key 'charset': unknown key"));
    const Error upper = fails("c.ini", kMinimal + "SSL_CRL = /crl\n");
    CHECK(contains(upper.message(), "key 'SSL_CRL'"));
    CHECK(contains(upper.message(), "did you mean 'ssl_crl'"));
    const Error pepper = fails("pf.ini", kMinimal + "[env.dev.hashing.peppers.k1]\nfiel = /p\n");
    CHECK(contains(pepper.message(), "key 'hashing.peppers.k1.fiel'"));
    CHECK(contains(pepper.message(), "did you mean 'file'"));
    const Error top = fails("t.ini", "default_enviroment = dev\n" + kMinimal);
    CHECK(contains(top.message(), "t.ini:1: key 'default_enviroment'"));
    const Error dup = fails("d.ini", kMinimal + "charset = a\ncharset = b\n");
    CHECK(dup.code() == Code::ConfigDuplicate);
    CHECK(contains(dup.message(), "key 'charset' is set twice"));
}

TEST_CASE("profile: a JSON key that may be a pasted secret is not echoed, nor its pointer segment") {
    TempDir dir;
    const std::string key = kB64 + "==";
    const auto fails = [&](const std::string& name, const std::string& text) {
        return error_of([&] { load_profile(dir.write(name, text), "dev"); });
    };
    struct Case {
        const char* name;
        std::string text;
        Code code;
        const char* pointer;
    };
    const std::vector<Case> cases = {
        {"v.json", R"({"environments": {"dev": {")" + key + R"(": "x"}}})", Code::ConfigUnknownKey,
         "v.json#/environments/dev/<key not shown>: unknown key"},
        {"o.json", R"({"environments": {"dev": {")" + key + R"(": {"a": 1}}}})", Code::ConfigUnknownKey,
         "o.json#/environments/dev/<key not shown>: unknown key"},
        {"h.json", R"({"defaults": {"hashing": {")" + key + R"(": 1}}, "environments": {"dev": {}}})",
         Code::ConfigUnknownKey, "h.json#/defaults/hashing/<key not shown>"},
        {"t.json", R"({")" + key + R"(": "x", "environments": {"dev": {}}})", Code::ConfigUnknownKey,
         "t.json#/<key not shown>"},
        {"to.json", R"({")" + key + R"(": {}, "environments": {"dev": {}}})", Code::ConfigUnknownKey,
         "to.json#/<key not shown>: unknown top-level key"},
        {"d.json", R"({"environments": {"dev": {")" + key + R"(": 1, ")" + key + R"(": 2}}})",
         Code::ConfigDuplicate, "d.json#/environments/dev/<key not shown>"},
        {"e.json", R"({"environments": {"Tr0ub4dor&3!": {}}})", Code::ConfigInvalidValue,
         "e.json#/environments/<key not shown>: an environment name"},
        {"p.json", R"({"environments": {"dev": {"hashing": {"peppers": {"Tr0ub4dor&3!": {"file": "/p"}}}}}})",
         Code::ConfigInvalidValue, "p.json#/environments/dev/hashing/peppers/<id not shown>/file"},
    };
    for (const Case& c : cases) {
        const std::string name = c.name;
        CAPTURE(name);
        const Error e = fails(c.name, c.text);
        CHECK(e.code() == c.code);
        CHECK(contains(e.message(), c.pointer));
        CHECK(contains(e.message(), "not shown, in case it is a secret"));
        check_hidden(e.message(), {"c2Vj", "NTY3OA", "Tr0ub4dor"});
    }

    const Error plain = fails("c.json", R"({"environments": {"dev": {"charset": "utf8mb4"}}})");
    CHECK(plain.code() == Code::ConfigUnknownKey);
    CHECK(contains(plain.message(), "c.json#/environments/dev/charset: key 'charset': unknown key"));
    const Error top = fails("tt.json", R"({"enviroments": {"dev": {}}})");
    CHECK(contains(top.message(), "did you mean 'environments'"));
    const Error env = fails("en.json", R"({"environments": {"pre.prod": {}}})");
    CHECK(contains(env.message(), "environment name 'pre.prod'"));
}

TEST_CASE("profile: the value of a *_env or *_secret key is never echoed") {
    TempDir dir;
    struct Case {
        std::string section;  // "" = [env.dev]
        const char* key;
        const char* kind;     // words of the message
    };
    const std::vector<Case> cases = {
        {"", "password_env", "environment variable name"},
        {"", "password_secret", "Docker secret name"},
        {"", "ssl_key_passphrase_env", "environment variable name"},
        {"", "ssl_key_passphrase_secret", "Docker secret name"},
        {"[env.dev.hashing.peppers.k1]\n", "env", "environment variable name"},
        {"[env.dev.hashing.peppers.k1]\n", "secret", "Docker secret name"},
        {"[env.dev.hashing.windev_legacy.pepper]\n", "env", "environment variable name"},
        {"[env.dev.hashing.windev_legacy.pepper]\n", "secret", "Docker secret name"},
    };
    for (const char* secret : {"Tr0ub4dor&3!", "correct horse battery", "Tr0ub4dor/3"}) {
        for (const Case& c : cases) {
            const std::string value = secret, key = c.key;
            CAPTURE(value);
            CAPTURE(key);
            CAPTURE(c.section);
            const std::string f = dir.write("s.ini", kMinimal + c.section + c.key + " = " + secret + "\n");
            const Error e = error_of([&] { load_profile(f, "dev"); });
            const std::string message(e.message());
            CAPTURE(message);
            CHECK(e.code() == Code::ConfigInvalidValue);
            CHECK(contains(e.message(), c.section.empty() ? "s.ini:7" : "s.ini:8"));
            CHECK(contains(e.message(), std::string(c.key) + "'"));
            CHECK(contains(e.message(), c.kind));
            CHECK_FALSE(contains(e.message(), "Tr0ub4dor"));
            CHECK_FALSE(contains(e.message(), "horse"));
            if (!contains(secret, "/")) CHECK(contains(e.message(), "if you pasted the"));
        }
    }
    const std::string json = dir.write("s.json", R"({"environments": {"dev": {"host": "h", "user": "u", "ssl_ca": "/ca",
        "ssl_cert": "/c", "ssl_key": "/k", "password_env": "Tr0ub4dor&3!"}}})");
    const Error j = error_of([&] { load_profile(json, "dev"); });
    CHECK(j.code() == Code::ConfigInvalidValue);
    CHECK(contains(j.message(), "s.json#/environments/dev/password_env"));
    CHECK(contains(j.message(), "remove it from the file and rotate it"));
    CHECK_FALSE(contains(j.message(), "Tr0ub4dor"));

    // ${NAME} where the name belongs: said, without the value.
    const std::string braced = dir.write("b.ini", kMinimal + "password_env = ${DB_PASSWORD}\n");
    const Error b = error_of([&] { load_profile(braced, "dev"); });
    CHECK(b.code() == Code::ConfigInvalidValue);
    CHECK(contains(b.message(), "name alone"));

    // Real names still load.
    ::setenv("VERROU_TEST_SECRET_NAME_OK", "x", 1);
    const Profile p = load_profile(dir.write("ok.ini", kMinimal + "password_secret = mariadb.prod-1_pw\n"
                                                                  "ssl_key_passphrase_env = KEY_PASS_2\n"), "dev");
    CHECK(p.password.target == "mariadb.prod-1_pw");
    CHECK(p.tls.key_passphrase.target == "KEY_PASS_2");
    ::unsetenv("VERROU_TEST_SECRET_NAME_OK");
}

TEST_CASE("profile: a JSON number too large for a double is a syntax error, not INTERNAL") {
    TempDir dir;
    const Error e = error_of([&] { load_profile(dir.write("n.json", R"({"defaults":{"port":1e999}})"), "dev"); });
    CHECK(e.code() == Code::ConfigSyntax);
    CHECK(contains(e.message(), "n.json: malformed JSON at line 1, column 21"));
    CHECK(contains(e.message(), "out of range"));
    CHECK_FALSE(contains(e.message(), "1e999"));
    CHECK_FALSE(contains(e.message(), "json.exception"));

    const Error m = error_of([&] {
        load_profile(dir.write("m.json", "{\n  \"environments\": {\n    \"dev\": {\"port\": -17.5e308}\n  }\n}\n"), "dev");
    });
    CHECK(m.code() == Code::ConfigSyntax);
    CHECK(contains(m.message(), "line 3, column 21"));

    // Within a double's range: a decimal number where an integer belongs (a type error).
    for (const char* n : {"1e308", "1.7976931348623157e308", "1e-999", "99999999999999999999", "0.5"}) {
        CAPTURE(n);
        const std::string f = dir.write("w.json", std::string(R"({"environments": {"dev": {"port": )") + n + "}}}");
        const Error w = error_of([&] { load_profile(f, "dev"); });
        CHECK(w.code() == Code::ConfigWrongType);
        CHECK(contains(w.message(), "w.json#/environments/dev/port"));
        CHECK(contains(w.message(), "a decimal number"));
    }
    // Integers keep their value (beyond int64: refused by the range check).
    const std::string big = dir.write("big.json", R"({"environments": {"dev": {"port": 18446744073709551615}}})");
    CHECK(error_of([&] { load_profile(big, "dev"); }).code() == Code::ConfigInvalidValue);
}

TEST_CASE("profile: JSON reader details (escapes, UTF-8, comments, positions)") {
    ::unsetenv("VERROU_ENV");
    TempDir dir;
    const std::string ok = dir.write("ok.json", "\xEF\xBB\xBF/* head */ {\"environments\": {\"dev\": {\"host\": \"h\", \"user\": \"u\","
        " // the CA\n \"ssl_ca\": \"\\/ca\", \"ssl_cert\": \"/c\", \"ssl_key\": \"/k\","
        " \"database\": \"caf\\u00e9 \\ud83d\\ude00 \xC3\xA9\\t\\\"q\\\"\", \"port\": 3307}}}\n");
    const Profile p = load_profile(ok, "dev");
    CHECK(p.tls.ca == "/ca");
    CHECK(p.database == "caf\xC3\xA9 \xF0\x9F\x98\x80 \xC3\xA9\t\"q\"");

    struct Bad {
        const char* name;
        std::string text;
        const char* in;
    };
    const std::vector<Bad> cases = {
        {"empty.json", "  \n", "line 2, column 1"},
        {"bare.json", "{\"defaults\": {\"password\": hunter2}}", "line 1, column 27"},
        {"comment.json", "{\n/* open", "line 2, column 1"},
        {"escape.json", "{\"defaults\": {\"password\": \"hunter2\\x\"}}", "line 1, column 35"},
        {"nul.json", "{\"defaults\": {\"password\": \"hunter2\\u0000\"}}", "line 1, column 35"},
        {"surrogate.json", "{\"defaults\": {\"password\": \"hunter2\\ud800\"}}", "line 1, column 35"},
        {"utf8.json", "{\"defaults\": {\"password\": \"hunter2\xC3\x28\"}}", "line 1, column 35"},
        {"ctrl.json", "{\"defaults\": {\"password\": \"hunter2\x01\"}}", "line 1, column 35"},
        {"after.json", "{\"environments\": {}} hunter2", "line 1, column 22"},
        {"colon.json", "{\"defaults\" {}}", "line 1, column 13"},
        {"open.json", "{\"defaults\": {\"password\": \"hunter2", "line 1, column 27"},
        {"zero.json", "{\"defaults\": {\"port\": 0123}}", "line 1, column 23"},
        {"deep.json", std::string(40, '[') + std::string(40, ']'), "nested deeper than 16 levels"},
    };
    for (const Bad& b : cases) {
        const std::string name = b.name;
        CAPTURE(name);
        const Error e = error_of([&] { load_profile(dir.write(b.name, b.text), "dev"); });
        const std::string message(e.message());
        CAPTURE(message);
        CHECK(e.code() == Code::ConfigSyntax);
        CHECK(contains(e.message(), "malformed JSON at"));
        CHECK(contains(e.message(), b.in));
        CHECK_FALSE(contains(e.message(), "hunter"));
    }
}

namespace {

// Writes before + secret + after with plain write(2): no heap copy of the secret is made (and
// freed unwiped) before the scan, where a later allocation could find it as stale bytes.
std::string write_with_secret(const TempDir& dir, const std::string& name, const std::string& before,
                              std::string_view secret, const std::string& after) {
    const std::string path = (dir.path() / name).string();
    const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
    REQUIRE(fd >= 0);
    for (std::string_view part : {std::string_view(before), secret, std::string_view(after)}) {
        REQUIRE(::write(fd, part.data(), part.size()) == static_cast<ssize_t>(part.size()));
    }
    ::close(fd);
    return path;
}

}  // namespace

TEST_CASE("profile: an inline password leaves no unwiped copy in freed memory (INI and JSON)") {
    ::unsetenv("VERROU_ENV");
    TempDir dir;
    constexpr std::string_view secret = "Qx7-inline-secret-for-the-free-scan-0123456789-zz";
    const std::string json_head = R"({"environments": {"dev": {"host": "h", "user": "u", "ssl_ca": "/ca", "ssl_cert": "/c",)"
                                  R"( "ssl_key": "/k", "password": ")";
    // Bigger than one read chunk, the secret in the first one: the raw text grows while read.
    const std::string padding = "\n//" + std::string(40000, 'x') + "\n";
    struct Case {
        const char* name;
        std::string before, after;  // the file is before + secret + after
        bool loads;
    };
    const std::vector<Case> cases = {
        {"p.json", json_head, "\"}}}\n", true},
        {"big.json", json_head, "\"}}" + padding + "}\n", true},
        {"bad.json", json_head, "\"}}, \"port\": }}\n", false},         // syntax error after the secret
        {"unknown.json", json_head, "\"}}, \"charset\": 1}\n", false},  // schema error after the secret
        {"p.ini", kMinimal + "password = ", "\n", true},
        {"big.ini", kMinimal + "password = ", "\n;" + std::string(40000, 'x') + "\n", true},
        {"bad.ini", kMinimal + "password = '", "'\nport = x\n", false},
    };
    for (const Case& c : cases) {
        const std::string name = c.name;
        CAPTURE(name);
        const std::string f = write_with_secret(dir, name, c.before, secret, c.after);
        bool loaded = false;
        const int n = freed_scan::unwiped_blocks(secret, [&] {
            try {
                const Profile p = load_profile(f, "dev");
                loaded = p.password.inline_value.view() == secret;
            } catch (const Error&) {
            }
        });
        CHECK(loaded == c.loads);
        CHECK(n == 0);
    }
    // The scan itself works: a plain std::string copy freed unwiped is seen.
    CHECK(freed_scan::unwiped_blocks(secret, [&] { std::string copy(secret); (void)copy; }) == 1);
}

TEST_CASE("profile: reconnect is off unless asked, and must be a boolean") {
    ::unsetenv("VERROU_ENV");
    TempDir dir;
    CHECK_FALSE(load_profile(dir.write("a.ini", kMinimal), "dev").reconnect);
    const Profile on = load_profile(dir.write("b.ini", kMinimal + "reconnect = true\n"), "dev");
    CHECK(on.reconnect);
    CHECK(nlohmann::json::parse(profile_to_json(on))["reconnect"] == true);
    try {
        load_profile(dir.write("c.ini", kMinimal + "reconnect = sometimes\n"), "dev");
        FAIL("a non-boolean reconnect was accepted");
    } catch (const Error& e) {
        CHECK(e.code() == Code::ConfigWrongType);
        CHECK(std::string(e.what()).find("reconnect") != std::string::npos);
    }
}

// A value of the tree is never copied by accident: only clone() copies it.
static_assert(!std::is_copy_constructible_v<profile_detail::Value> && !std::is_copy_assignable_v<profile_detail::Value>);

TEST_CASE("profile: a secret pasted as an INI key leaves no unwiped copy in freed memory") {
    // Keys are text of the file too: the tree keeps them in wiping storage (profile/tree.hpp).
    ::unsetenv("VERROU_ENV");
    TempDir dir;
    constexpr std::string_view secret = "Qx7-pasted-as-a-key-for-the-free-scan-0123456789-zz";
    for (const std::string& after : {std::string(" = x\n"), std::string(" = x\n" + kMinimal.substr(10))}) {
        CAPTURE(after);
        const std::string f = write_with_secret(dir, "k.ini", kMinimal, secret, after);
        const int n = freed_scan::unwiped_blocks(secret, [&] {
            try {
                (void)load_profile(f, "dev");
            } catch (const Error& e) {
                CHECK(!contains(e.message(), secret.substr(0, 12)));
            }
        });
        CHECK(n == 0);
    }
}

TEST_CASE("secret: the wiping guard, buffer growth and allocator leave no unwiped copy") {
    constexpr std::string_view secret = "Qx7-guarded-secret-for-the-free-scan-0123456789-zz";
    CHECK(freed_scan::unwiped_blocks(secret, [&] {
              std::string s(secret);
              const WipeOnExit guard(s);
          }) == 0);
    CHECK(freed_scan::unwiped_blocks(secret, [&] {
              SecretBuffer b(secret);
              b.resize(b.size() * 8);  // moves to a bigger block: the old one is cleansed
              CHECK(b.view().substr(0, secret.size()) == secret);
              b.resize(4);
              CHECK(b.view() == secret.substr(0, 4));
          }) == 0);
    CHECK(freed_scan::unwiped_blocks(secret, [&] {
              WipedString s(secret);
              s.append(s);  // grows: the outgrown block goes back through the allocator
              s.clear();
              s.shrink_to_fit();
          }) == 0);
    // The guard can be disarmed once an owner that wipes has the bytes (and then the scan sees it).
    CHECK(freed_scan::unwiped_blocks(secret, [&] {
              std::string s(secret);
              WipeOnExit guard(s);
              guard.release();
          }) == 1);
}
