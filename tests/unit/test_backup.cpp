// verrou backup check: freshness by mtime, pattern, empty folder, .sha256 sidecars.
// Ages are set with utimensat (as `touch -d` would); sidecars written like `sha256sum`.
#include <doctest/doctest.h>

#include <nlohmann/json.hpp>

#include <cstdlib>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <string>

#include <fcntl.h>
#include <sys/stat.h>

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
