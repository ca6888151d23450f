// Secret and PEM files are read with open/read into one buffer cleansed on every path
// (src/secret/file_read.hpp); the errors stay those of the former std::ifstream readers.
#include <doctest/doctest.h>

#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <string>

#include "secret/file_read.hpp"
#include "test_profile_support.hpp"
#include "verrou/certificate.hpp"
#include "verrou/error.hpp"
#include "verrou/pki.hpp"
#include "verrou/profile.hpp"
#include "verrou/secret.hpp"

using namespace verrou;
using profile_test::contains;
using profile_test::error_of;
using profile_test::TempDir;
using secret_detail::FileReadStatus;

namespace {

std::string bytes_0_to_255(std::size_t n) {
    std::string s(n, '\0');
    for (std::size_t i = 0; i < n; ++i) s[i] = static_cast<char>(i * 7 % 256);
    return s;
}

bool running_as_root() { return ::geteuid() == 0; }

}  // namespace

TEST_CASE("secret files: whole content, any bytes, several read() calls") {
    TempDir dir;
    for (std::size_t n : {std::size_t{1}, std::size_t{4095}, std::size_t{4096}, std::size_t{8193}, std::size_t{65536}}) {
        CAPTURE(n);
        const std::string content = bytes_0_to_255(n);
        const std::string path = dir.write("s" + std::to_string(n), content);
        const SecretBuffer b = read_secret_file(path, "password");
        CHECK(b.view() == content);  // no newline stripping here, NUL bytes kept
    }
}

TEST_CASE("secret files: resolve_secret strips one trailing newline, refuses empty") {
    TempDir dir;
    CHECK(resolve_secret(SecretRef(SecretRef::Kind::File, dir.write("a", "s3cret\n")), "pw").view() == "s3cret");
    CHECK(resolve_secret(SecretRef(SecretRef::Kind::File, dir.write("b", "s3cret\r\n")), "pw").view() == "s3cret");
    CHECK(resolve_secret(SecretRef(SecretRef::Kind::File, dir.write("c", "s3cret\n\n")), "pw").view() == "s3cret\n");
    const Error e = error_of([&] { resolve_secret(SecretRef(SecretRef::Kind::File, dir.write("d", "")), "pw"); });
    CHECK(e.code() == Code::SecretEmpty);
}

TEST_CASE("secret files: missing, directory, FIFO, too large — same codes and messages") {
    TempDir dir;
    const std::string missing = (dir.path() / "nope").string();
    Error e = error_of([&] { read_secret_file(missing, "password"); });
    CHECK(e.code() == Code::SecretNotFound);
    CHECK(std::string(e.message()) == "password: cannot open file " + missing + ": No such file or directory");

    e = error_of([&] { read_secret_file(dir.path().string(), "pepper k1"); });
    CHECK(e.code() == Code::SecretUnreadable);
    CHECK(std::string(e.message()) == "pepper k1: " + dir.path().string() + " is not a regular file");

    const std::string fifo = (dir.path() / "fifo").string();
    REQUIRE(::mkfifo(fifo.c_str(), 0600) == 0);
    e = error_of([&] { read_secret_file(fifo, "passphrase"); });  // refused before open: no hang
    CHECK(e.code() == Code::SecretUnreadable);
    CHECK(contains(e.message(), "is not a regular file"));

    const std::string at_limit = dir.write("64k", std::string(64 * 1024, 'x'));
    CHECK(read_secret_file(at_limit, "password").size() == 64 * 1024);
    const std::string big = dir.write("64k+1", std::string(64 * 1024 + 1, 'x'));
    e = error_of([&] { read_secret_file(big, "password"); });
    CHECK(e.code() == Code::SecretUnreadable);
    CHECK(std::string(e.message()) == "password: file " + big + " is larger than 64 KiB; a secret file holds one value");
}

TEST_CASE("secret files: permission denied on the file and on its folder") {
    if (running_as_root()) {
        MESSAGE("skipped: root reads files whatever their mode");
        return;
    }
    TempDir dir;
    const std::string file = dir.write("locked", "s3cret");
    REQUIRE(::chmod(file.c_str(), 0) == 0);
    Error e = error_of([&] { read_secret_file(file, "password"); });
    CHECK(e.code() == Code::SecretUnreadable);
    CHECK(std::string(e.message()) == "password: cannot read file " + file + ": Permission denied");

    const std::string inner = dir.write("closed/s", "s3cret");
    const std::string closed = (dir.path() / "closed").string();
    REQUIRE(::chmod(closed.c_str(), 0) == 0);
    e = error_of([&] { read_secret_file(inner, "password"); });
    ::chmod(closed.c_str(), 0700);
    CHECK(e.code() == Code::SecretUnreadable);
    CHECK(std::string(e.message()) == "password: cannot open file " + inner + ": Permission denied");
}

TEST_CASE("secret files: the reader's limit, growth and statuses") {
    TempDir dir;
    const std::string path = dir.write("f", std::string(100, 'a'));
    CHECK(secret_detail::read_file_wiped(path, 100, true).ok());
    CHECK(secret_detail::read_file_wiped(path, 99, true).status == FileReadStatus::TooLarge);
    CHECK(secret_detail::read_file_wiped(dir.path().string(), 100, false).status == FileReadStatus::IsDirectory);
    const auto missing = secret_detail::read_file_wiped((dir.path() / "x" / "y").string(), 100, true);
    CHECK(missing.status == FileReadStatus::NotFound);
    CHECK(missing.reason == "No such file or directory");
    // Files without a size (devices, /proc): read until end of file or one byte over the limit,
    // growing the buffer (each old one cleansed) on the way.
    CHECK(secret_detail::read_file_wiped("/dev/null", 100, true).status == FileReadStatus::NotRegular);
    const auto empty = secret_detail::read_file_wiped("/dev/null", 100, false);
    CHECK(empty.ok());
    CHECK(empty.data.empty());
    CHECK(secret_detail::read_file_wiped("/dev/zero", 20000, false).status == FileReadStatus::TooLarge);
    const auto status = secret_detail::read_file_wiped("/proc/self/status", 64 * 1024, true);
    CHECK(status.ok());
    CHECK(contains(status.data.view(), "Name:"));
}

TEST_CASE("PEM files: certificate and key readers keep their errors") {
    TempDir dir;
    const std::string missing = (dir.path() / "none.crt").string();
    Error e = error_of([&] { inspect_certificate(missing); });
    CHECK(e.code() == Code::CertFileMissing);
    CHECK(std::string(e.message()) == "file " + missing + " does not exist");

    e = error_of([&] { inspect_certificate(dir.path().string()); });
    CHECK(e.code() == Code::CertUnreadable);
    CHECK(std::string(e.message()) == dir.path().string() + " is a directory, not a file");

    const std::string empty = dir.write("empty.crt", "");
    e = error_of([&] { inspect_certificate(empty); });
    CHECK(e.code() == Code::CertParse);
    CHECK(std::string(e.message()) == empty + " is empty");

    const std::string big = dir.write("big.crt", std::string(1024 * 1024 + 1, 'A'));
    e = error_of([&] { inspect_certificate(big); });
    CHECK(e.code() == Code::CertUnreadable);
    CHECK(std::string(e.message()) == big + " is larger than 1 MiB; not a PEM file");

    // The happy path, through the same reader: a CA certificate issued here.
    const std::string root = (dir.path() / "pki").string();
    pki::init_ca(root, "dev");
    const CertificateInfo ca = inspect_certificate(root + "/dev/ca.crt");
    CHECK(contains(ca.subject, "dev"));

    // The private key goes through the same reader (into a SecretBuffer) during validation.
    const pki::Issued client = pki::issue_client(root, "dev", "app");
    Profile p;
    p.environment = "dev";
    p.tls.ca = root + "/dev/ca.crt";
    p.tls.cert = client.cert_path;
    p.tls.key = client.key_path;
    const ValidationReport ok = validate_tls_material(p);
    CAPTURE(ok.first_failure() ? ok.first_failure()->message : std::string());
    CHECK(ok.ok());
    p.tls.key = (dir.path() / "missing.key").string();
    const ValidationReport missing_key = validate_tls_material(p);
    REQUIRE(missing_key.first_failure() != nullptr);
    CHECK(missing_key.first_failure()->code == Code::CertFileMissing);
    CHECK(contains(missing_key.first_failure()->message, "missing.key does not exist"));
}
