// platform/: the one UTF-8 <-> UTF-16 conversion, UTF-8 validation of outgoing text, paths as
// UTF-8 through std::filesystem, and accented paths through PKI, profile and backup check.
// (The Windows side, CreateFileW against fopen under code page 1252, runs under Wine:
// tests/windows/.)
#include <doctest/doctest.h>

#include <cerrno>
#include <filesystem>
#include <fstream>
#include <string>

#include "platform/path.hpp"
#include "platform/system_error.hpp"
#include "platform/utf8.hpp"
#include "test_profile_support.hpp"
#include "verrou/backup.hpp"
#include "verrou/certificate.hpp"
#include "verrou/password.hpp"
#include "verrou/pki.hpp"
#include "verrou/profile.hpp"

using namespace verrou::platform;
using profile_test::TempDir;

namespace {
// "Données/Frédéric ☃ 日本 😀": two-, three- and four-byte sequences (the last a surrogate pair).
const std::string kAccented = "Donn\xC3\xA9""es/Fr\xC3\xA9""d\xC3\xA9ric \xE2\x98\x83 \xE6\x97\xA5\xE6\x9C\xAC \xF0\x9F\x98\x80";
const std::u16string kAccented16 = u"Données/Frédéric ☃ 日本 😀";
}  // namespace

TEST_CASE("platform: UTF-8 to UTF-16 and back, surrogate pairs included") {
    const auto u16 = utf8_to_utf16(kAccented);
    REQUIRE(u16.has_value());
    CHECK(*u16 == kAccented16);
    CHECK(u16->size() == kAccented16.size());
    CHECK(utf16_to_utf8(*u16) == kAccented);
    CHECK(utf8_to_utf16("")->empty());
    CHECK(*utf8_to_utf16("C:\\plain\\ascii.ini") == u"C:\\plain\\ascii.ini");
    // The edges of each sequence length.
    const std::string edges = "\x7F\xC2\x80\xDF\xBF\xE0\xA0\x80\xEF\xBF\xBF\xF0\x90\x80\x80\xF4\x8F\xBF\xBF";
    const auto e16 = utf8_to_utf16(edges);
    REQUIRE(e16.has_value());
    CHECK(*e16 == std::u16string(u"\u007F\u0080\u07FF\u0800\uFFFF\U00010000\U0010FFFF"));
    CHECK(utf16_to_utf8(*e16) == edges);
}

TEST_CASE("platform: malformed UTF-8 is refused, never guessed into another file name") {
    for (const std::string& bad : {
             std::string("caf\xE9.ini"),            // cp1252 é: the classic ANSI path
             std::string("\xC0\xAF"),               // overlong '/'
             std::string("\xE0\x80\xAF"),           // overlong three-byte
             std::string("\xED\xA0\x80"),           // encoded surrogate
             std::string("\xF4\x90\x80\x80"),       // beyond U+10FFFF
             std::string("\xE2\x98"),               // truncated
             std::string("\x80"),                   // stray continuation
             std::string("\xFF"),
         }) {
        CAPTURE(bad);
        CHECK_FALSE(utf8_to_utf16(bad).has_value());
        CHECK_FALSE(is_valid_utf8(bad));
    }
    std::size_t at = 99;
    CHECK_FALSE(is_valid_utf8("ok \xC3\xA9 then \xE9", &at));
    CHECK(at == 11);
    CHECK(is_valid_utf8(kAccented));
}

TEST_CASE("platform: unpaired UTF-16 surrogates become U+FFFD") {
    const std::u16string lone_high{u'a', char16_t(0xD83D), u'b'};
    const std::u16string lone_low{char16_t(0xDE00)};
    const std::u16string high_at_end{u'x', char16_t(0xD800)};
    CHECK(utf16_to_utf8(lone_high) == "a\xEF\xBF\xBD" "b");
    CHECK(utf16_to_utf8(lone_low) == "\xEF\xBF\xBD");
    CHECK(utf16_to_utf8(high_at_end) == "x\xEF\xBF\xBD");
}

TEST_CASE("platform: outgoing text is made valid UTF-8, one U+FFFD per bad byte") {
    CHECK(to_valid_utf8(kAccented) == kAccented);
    CHECK(to_valid_utf8("Acc\xE8s refus\xE9") == "Acc\xEF\xBF\xBDs refus\xEF\xBF\xBD");  // cp1252 text
    CHECK(to_valid_utf8("\xE2\x98") == "\xEF\xBF\xBD\xEF\xBF\xBD");
    CHECK(to_valid_utf8("\xC3\xA9\xC3") == "\xC3\xA9\xEF\xBF\xBD");
    CHECK(is_valid_utf8(to_valid_utf8(std::string("\x00\xFF\xC0\x80 ok", 7))));
    CHECK(is_valid_utf8(errno_text(ENOENT)));
    CHECK_FALSE(errno_text(ENOENT).empty());
    CHECK(is_valid_utf8(error_code_text(std::make_error_code(std::errc::permission_denied))));
}

TEST_CASE("platform: a UTF-8 path goes through std::filesystem and back unchanged") {
    const std::filesystem::path p = fs_path(kAccented + "/client.key");
    CHECK(path_utf8(p) == kAccented + "/client.key");
    CHECK(path_utf8(p.filename()) == "client.key");
    CHECK(path_utf8(p.parent_path().filename()) == "Fr\xC3\xA9""d\xC3\xA9ric \xE2\x98\x83 \xE6\x97\xA5\xE6\x9C\xAC \xF0\x9F\x98\x80");
}

TEST_CASE("platform: PKI, profile, hashing and backup check in an accented folder") {
    TempDir t;
    const std::string root = t.path().string() + "/" + kAccented;
    // PKI: the CA, a client certificate and its key are written under the accented root.
    const auto ca = verrou::pki::init_ca(root, "dev");
    const auto cli = verrou::pki::issue_client(root, "dev", "app_user");
    CHECK(ca.cert_path.find(kAccented) != std::string::npos);
    CHECK(verrou::inspect_certificate(cli.cert_path).subject == "/CN=app_user-dev");

    // Profile with relative paths, resolved against the profile's accented folder.
    const std::string dir = root + "/profils été";
    std::filesystem::create_directories(fs_path(dir));
    {
        std::ofstream(fs_path(dir + "/pepper é"), std::ios::binary) << std::string(64, 'p') << "\n";
        std::ofstream(fs_path(dir + "/mot de passe"), std::ios::binary) << "s3cret\n";
        std::ofstream ini(fs_path(dir + "/verrou-été.ini"), std::ios::binary);
        ini << "[env.dev]\nhost = 127.0.0.1\nuser = app_user\npassword_file = mot de passe\n"
               "ssl_ca = ../dev/ca.crt\nssl_cert = ../dev/app_user.crt\nssl_key = ../dev/app_user.key\n"
               "[env.dev.hashing]\ncurrent_pepper = k1\nargon2_memory_kib = 19456\nargon2_iterations = 2\n"
               "[env.dev.hashing.peppers.k1]\nfile = pepper é\n";
    }
    const verrou::Profile p = verrou::load_profile(dir + "/verrou-été.ini", "dev");
    CHECK(p.tls.ca == ca.cert_path);
    CHECK(p.tls.key == root + "/dev/app_user.key");
    CHECK(p.password.target == dir + "/mot de passe");
    const auto hasher = verrou::load_password_hasher(dir + "/verrou-été.ini", "dev");
    CHECK(hasher.verify("pw", hasher.hash("pw")) == verrou::VerifyResult::Match);

    // Backup check: an accented folder and file name, with its sha256sum sidecar.
    const std::string backups = root + "/sauvegardes";
    std::filesystem::create_directories(fs_path(backups));
    std::ofstream(fs_path(backups + "/mariadb_été.sql.gz.gpg"), std::ios::binary) << "abc";
    std::ofstream(fs_path(backups + "/mariadb_été.sql.gz.gpg.sha256"), std::ios::binary)
        << "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad  mariadb_été.sql.gz.gpg\n";
    verrou::BackupCheckOptions o;
    o.dir = backups;
    o.pattern = "mariadb_*.sql.gz.gpg";
    o.verify_checksums = true;
    const verrou::BackupCheckResult r = verrou::check_backups(o);
    CHECK_MESSAGE(r.exit_code == 0, r.message);
    CHECK(r.checksum == verrou::BackupChecksum::Ok);
    CHECK(r.newest == backups + "/mariadb_été.sql.gz.gpg");
    CHECK(r.message.find("mariadb_été.sql.gz.gpg") != std::string::npos);
}
