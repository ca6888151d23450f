// verrou backup check: freshness by mtime, pattern, empty folder, .sha256 sidecars, and the
// portable glob matcher against glibc's fnmatch (which it replaced: Windows has none).
// Ages are set with utimensat (as `touch -d` would); sidecars written like `sha256sum`.
#include <doctest/doctest.h>

#include <nlohmann/json.hpp>

#include <cstdlib>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <string>

#include <fcntl.h>
#include <fnmatch.h>
#include <sys/stat.h>

#include "common/glob.hpp"
#include "verrou/backup.hpp"
#include "verrou/error.hpp"

namespace fs = std::filesystem;
using verrou::BackupChecksum;

namespace {

struct TempDir {
    fs::path dir;
    TempDir() {
        std::string t = (fs::temp_directory_path() / "verrou-backup-XXXXXX").string();
        REQUIRE(::mkdtemp(t.data()) != nullptr);
        dir = t;
    }
    ~TempDir() {
        std::error_code ec;
        fs::remove_all(dir, ec);
    }
    std::string file(const std::string& name, const std::string& content, long long age_seconds) const {
        const std::string p = (dir / name).string();
        std::ofstream(p, std::ios::binary) << content;
        const timespec t{static_cast<time_t>(std::time(nullptr) - age_seconds), 0};
        const timespec times[2] = {t, t};
        REQUIRE(::utimensat(AT_FDCWD, p.c_str(), times, 0) == 0);
        return p;
    }
};

verrou::BackupCheckOptions opts(const TempDir& d) {
    verrou::BackupCheckOptions o;
    o.dir = d.dir.string();
    return o;
}

// SHA-256("hello\n"), as `printf 'hello\n' | sha256sum` prints it.
constexpr const char* kHelloSha = "5891b5b522d5df086d0ff0b110fbd9d21bb4fc7163af34d08286a2e846f6be03";

}  // namespace

TEST_CASE("backup: durations") {
    CHECK(verrou::parse_duration("30h") == 30 * 3600);
    CHECK(verrou::parse_duration("90m") == 5400);
    CHECK(verrou::parse_duration("2d") == 172800);
    CHECK(verrou::parse_duration("15") == 15);
    CHECK(verrou::parse_duration("15s") == 15);
    CHECK_THROWS_AS(verrou::parse_duration("h"), verrou::Error);
    CHECK_THROWS_AS(verrou::parse_duration("30x"), verrou::Error);
    CHECK_THROWS_AS(verrou::parse_duration("-3h"), verrou::Error);
    CHECK_THROWS_AS(verrou::parse_duration(""), verrou::Error);
}

TEST_CASE("backup: none → 2, fresh → 0, too old → 1, unreadable folder → 3") {
    TempDir d;
    auto o = opts(d);
    CHECK(verrou::check_backups(o).exit_code == 2);
    d.file("notes.txt", "x", 10);  // does not match the default pattern
    CHECK(verrou::check_backups(o).exit_code == 2);

    d.file("mariadb_2026-01-01.sql.gz.gpg", "old", 3 * 86400);
    auto r = verrou::check_backups(o);
    CHECK(r.exit_code == 1);
    CHECK(r.status == "WARNING");
    CHECK(r.matching_files == 1);

    d.file("mariadb_2026-01-04.sql.gz.gpg", "new", 3600);
    r = verrou::check_backups(o);
    CHECK(r.exit_code == 0);
    CHECK(r.matching_files == 2);
    REQUIRE(r.newest);
    CHECK(fs::path(*r.newest).filename() == "mariadb_2026-01-04.sql.gz.gpg");
    CHECK(r.newest_age_seconds >= 3599);
    CHECK(r.newest_age_seconds < 3700);

    o.max_age_seconds = 1800;
    CHECK(verrou::check_backups(o).exit_code == 1);

    o.pattern = "*.txt";
    o.max_age_seconds = 3600;
    CHECK(verrou::check_backups(o).exit_code == 0);

    o.dir = (d.dir / "missing").string();
    CHECK(verrou::check_backups(o).exit_code == 3);
}

TEST_CASE("backup: newest decided by mtime, not by name") {
    TempDir d;
    d.file("mariadb_zzz.sql.gz.gpg", "a", 5 * 86400);
    d.file("mariadb_aaa.sql.gz.gpg", "b", 60);
    const auto r = verrou::check_backups(opts(d));
    REQUIRE(r.newest);
    CHECK(fs::path(*r.newest).filename() == "mariadb_aaa.sql.gz.gpg");
    CHECK(r.exit_code == 0);
}

TEST_CASE("backup: .sha256 sidecar of the newest backup") {
    TempDir d;
    auto o = opts(d);
    o.verify_checksums = true;
    const std::string name = "mariadb_1.sql.gz.gpg";
    d.file(name, "hello\n", 60);

    auto r = verrou::check_backups(o);
    CHECK(r.exit_code == 2);
    CHECK(r.checksum == BackupChecksum::Missing);

    d.file(name + ".sha256", std::string(kHelloSha) + "  " + name + "\n", 60);
    r = verrou::check_backups(o);
    CHECK(r.exit_code == 0);
    CHECK(r.checksum == BackupChecksum::Ok);
    CHECK(r.actual_sha256 == kHelloSha);

    // Binary-mode marker and a path prefix are sha256sum output too.
    d.file(name + ".sha256", std::string(kHelloSha) + " */backups/" + name + "\n", 60);
    CHECK(verrou::check_backups(o).exit_code == 0);

    d.file(name, "hellO\n", 60);  // corrupted content
    r = verrou::check_backups(o);
    CHECK(r.exit_code == 2);
    CHECK(r.checksum == BackupChecksum::Mismatch);

    d.file(name + ".sha256", "not a checksum\n", 60);
    r = verrou::check_backups(o);
    CHECK(r.exit_code == 2);
    CHECK(r.checksum == BackupChecksum::Malformed);

    const auto j = nlohmann::json::parse(verrou::backup_result_to_json(o, r));
    CHECK(j["exit_code"] == 2);
    CHECK(j["checksum"] == "malformed");
    CHECK(j["newest"]["path"].get<std::string>().find(name) != std::string::npos);
}

TEST_CASE("backup: an old backup with a good checksum is still WARNING (age first)") {
    TempDir d;
    auto o = opts(d);
    o.verify_checksums = true;
    d.file("mariadb_1.sql.gz.gpg", "hello\n", 2 * 86400);
    d.file("mariadb_1.sql.gz.gpg.sha256", std::string(kHelloSha) + "  mariadb_1.sql.gz.gpg\n", 2 * 86400);
    const auto r = verrou::check_backups(o);
    CHECK(r.exit_code == 1);
    CHECK(r.checksum == BackupChecksum::Ok);
}

TEST_CASE("backup: glob patterns") {
    using verrou::common::glob_match;
    CHECK(glob_match("mariadb_*.sql.gz.gpg", "mariadb_2026-01-04.sql.gz.gpg"));
    CHECK(glob_match("mariadb_*.sql.gz.gpg", "mariadb_.sql.gz.gpg"));
    CHECK_FALSE(glob_match("mariadb_*.sql.gz.gpg", "mariadb_1.sql.gz.gpg.sha256"));
    CHECK_FALSE(glob_match("mariadb_*.sql.gz.gpg", "xmariadb_1.sql.gz.gpg"));
    CHECK(glob_match("*", "anything"));
    CHECK(glob_match("*", ""));
    CHECK(glob_match("", ""));
    CHECK_FALSE(glob_match("", "a"));
    CHECK(glob_match("a*b*c", "aXXbYYc"));
    CHECK(glob_match("a*b*c", "abbbc"));
    CHECK_FALSE(glob_match("a*b*c", "aXXbYY"));
    CHECK(glob_match("*a*a*a*a*b", "aaaaaaaaaaaaaaaaab"));
    CHECK_FALSE(glob_match("*a*a*a*a*b", "aaaaaaaaaaaaaaaaaa"));

    CHECK(glob_match("db_??.gz", "db_01.gz"));
    CHECK_FALSE(glob_match("db_??.gz", "db_1.gz"));
    CHECK_FALSE(glob_match("db_??.gz", "db_001.gz"));

    CHECK(glob_match("db_[0-9][0-9].gz", "db_42.gz"));
    CHECK_FALSE(glob_match("db_[0-9][0-9].gz", "db_4x.gz"));
    CHECK(glob_match("db_[!0-9].gz", "db_x.gz"));
    CHECK(glob_match("db_[^0-9].gz", "db_x.gz"));
    CHECK_FALSE(glob_match("db_[!0-9].gz", "db_7.gz"));
    CHECK(glob_match("[abc]", "b"));
    CHECK_FALSE(glob_match("[abc]", "d"));
    CHECK(glob_match("[]]", "]"));        // ']' first is a member
    CHECK(glob_match("[!]]", "a"));
    CHECK(glob_match("[a-]", "-"));       // '-' last is a member
    CHECK(glob_match("[[:digit:]]x", "7x"));
    CHECK_FALSE(glob_match("[[:digit:]]x", "ax"));
    CHECK(glob_match("[[:upper:][:digit:]]", "Q"));
    CHECK_FALSE(glob_match("[[:nosuchclass:]]", "a"));
    CHECK(glob_match("a[b", "a[b"));      // no closing ']': an ordinary '['
    CHECK_FALSE(glob_match("a[b", "ab"));

    CHECK(glob_match("\\*", "*"));          // '\' quotes
    CHECK_FALSE(glob_match("\\*", "x"));
    CHECK(glob_match("[\\]]", "]"));
    CHECK_FALSE(glob_match("x\\", "x\\"));   // a trailing '\' matches nothing

    // FNM_PERIOD: a leading '.' only matches a literal '.'.
    CHECK_FALSE(glob_match("*", ".hidden"));
    CHECK_FALSE(glob_match("?hidden", ".hidden"));
    CHECK_FALSE(glob_match("[.]hidden", ".hidden"));
    CHECK(glob_match(".*", ".hidden"));
    CHECK(glob_match("a*", "a.b"));       // only the leading one
    CHECK(glob_match("*.gpg", "x.gpg"));
    CHECK_FALSE(glob_match("*.gpg", ".gpg"));
}

TEST_CASE("backup: glob matcher agrees with glibc fnmatch(FNM_PERIOD)") {
    // Malformed brackets included: a pattern must keep the meaning it had with fnmatch.
    const char* patterns[] = {
        "*",          "*.gz",       "mariadb_*.sql.gz.gpg", "?",         "??*",          ".*",
        "*.*",        "[a-c]*",     "[!a-c]*",              "[^.]*",     "[]a]*",        "[!]a]*",
        "[a-]*",      "[-a]*",      "[[:alpha:]]*",         "*[[:digit:]]", "[[:punct:]]*", "[[:foo:]]*",
        "[z-a]*",     "a[b",        "a[",                   "[",         "]",            "\\",
        "\\*",        "*\\",        "[\\]]*",               "[a\\-c]*",  "[[.a.]-c]*",   "[[=a=]]*",
        "[[.ab.]]*",  "*[",         "[[]",                  "[a-[:digit:]]*", "[1[:foo:]]", "*a*b?c*",
        "[!.]*",      "\\.*",       "[.]*",                 "*[!a]",     "[*]",          "[[",
    };
    const char* names[] = {
        "",     "a",      "b",      "ab",     "abc",    ".",      "..",     ".hidden", "a.b",
        "x.gz", ".gz",    "-",      "]",      "[",      "\\",     "*",      "1",       "a1",
        "a[b",  "a[",     "[]",     "[[",     "c",      "d",      "a-",     "!x",      "aXbYcZ",
        "A",    "z",      ":",      "^",      "\xc3\xa9t\xc3\xa9",  "mariadb_1.sql.gz.gpg",
        "mariadb_1.sql.gz.gpg.sha256",
    };
    for (const char* p : patterns) {
        for (const char* n : names) {
            const bool expected = ::fnmatch(p, n, FNM_PERIOD) == 0;
            CHECK_MESSAGE(verrou::common::glob_match(p, n) == expected,
                          (std::string("pattern '") + p + "' name '" + n + "'"));
        }
    }
}

TEST_CASE("backup: check uses the glob (brackets, dot files)") {
    TempDir d;
    auto o = opts(d);
    d.file("db_01.gz", "a", 60);
    d.file("db_0x.gz", "b", 30);
    d.file(".db_02.gz", "c", 10);  // a dot file: not matched by a leading '*' or '?'
    o.pattern = "db_[0-9][0-9].gz";
    auto r = verrou::check_backups(o);
    CHECK(r.matching_files == 1);
    REQUIRE(r.newest);
    CHECK(fs::path(*r.newest).filename() == "db_01.gz");
    o.pattern = "*db_*.gz";
    CHECK(verrou::check_backups(o).matching_files == 2);
    o.pattern = ".db_*";
    CHECK(verrou::check_backups(o).matching_files == 1);
}
