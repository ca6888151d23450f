// Profile `hashing` section → load_password_hasher.
#include <doctest/doctest.h>

#include "test_profile_support.hpp"
#include "verrou/error.hpp"
#include "verrou/password.hpp"

using namespace verrou;
using profile_test::contains;
using profile_test::error_of;
using profile_test::TempDir;

namespace {
const std::string kPepperA(40, 'a');
const std::string kPepperB = "0123456789abcdef0123456789abcdef-old";
}  // namespace

TEST_CASE("profile hashing: INI and JSON sections build the same policy with peppers") {
    ::unsetenv("VERROU_ENV");
    TempDir dir;
    dir.write("peppers/k2025", kPepperA + "\n");  // trailing newline is stripped by resolve_secret
    ::setenv("VERROU_TEST_OLD_PEPPER", kPepperB.c_str(), 1);
    // Hashing-only profile: no host/user/certificates needed.
    const std::string ini = dir.write("h.ini",
        "[defaults.hashing]\n"
        "algorithm = pbkdf2-sha512\n"
        "pbkdf2_sha512_iterations = 250000\n"
        "salt_bytes = 24\n"
        "current_pepper = k2025\n"
        "[defaults.hashing.peppers.k2025]\n"
        "file = peppers/k2025\n"
        "[defaults.hashing.peppers]\n"
        "k2024.env = VERROU_TEST_OLD_PEPPER\n"
        "[env.dev]\n"
        "[env.prod.hashing]\n"
        "algorithm = argon2id\n"
        "argon2_memory_kib = 20000\n"
        "argon2_iterations = 3\n"
        "hash_bytes = 48\n"
        "allow_empty_password = true\n");
    const std::string json = dir.write("h.json", R"({
      "defaults": { "hashing": {
        "algorithm": "pbkdf2-sha512", "pbkdf2_sha512_iterations": 250000, "salt_bytes": 24,
        "current_pepper": "k2025",
        "peppers": { "k2025": { "file": "peppers/k2025" }, "k2024": { "env": "VERROU_TEST_OLD_PEPPER" } } } },
      "environments": { "dev": {}, "prod": { "hashing": {
        "algorithm": "argon2id", "argon2_memory_kib": 20000, "argon2_iterations": 3,
        "hash_bytes": 48, "allow_empty_password": true } } }
    })");
    for (const std::string& f : {ini, json}) {
        CAPTURE(f);
        const PasswordHasher dev = load_password_hasher(f, "dev");
        CHECK(dev.policy().algorithm == HashAlgorithm::Pbkdf2Sha512);
        CHECK(dev.policy().pbkdf2_sha512_iterations == 250000);
        CHECK(dev.policy().salt_bytes == 24);
        CHECK(dev.policy().hash_bytes == 32);
        CHECK(dev.current_key_id() == "k2025");

        const PasswordHasher prod = load_password_hasher(f, "prod");
        CHECK(prod.policy().algorithm == HashAlgorithm::Argon2id);
        CHECK(prod.policy().argon2_memory_kib == 20000);
        CHECK(prod.policy().argon2_iterations == 3);
        CHECK(prod.policy().hash_bytes == 48);
        CHECK(prod.policy().salt_bytes == 24);  // inherited
        CHECK(prod.policy().allow_empty_password);
        CHECK(prod.current_key_id() == "k2025");

        const std::string stored = prod.hash("correct horse");
        CHECK(contains(stored, "keyid="));  // the id itself is Base64 in PHC strings
        CHECK(prod.verify("correct horse", stored) != VerifyResult::Mismatch);
        CHECK(prod.verify("wrong horse", stored) == VerifyResult::Mismatch);
    }
    ::unsetenv("VERROU_TEST_OLD_PEPPER");
}

TEST_CASE("profile hashing: the pepper read from the file is the one used") {
    ::unsetenv("VERROU_ENV");
    TempDir dir;
    dir.write("p1", kPepperA);
    dir.write("p2", std::string(40, 'b'));
    auto profile = [&](const std::string& name, const std::string& pepper_file) {
        return dir.write(name, "[env.dev.hashing]\ncurrent_pepper = k1\n[env.dev.hashing.peppers.k1]\nfile = " +
                                   pepper_file + "\n");
    };
    const PasswordHasher a = load_password_hasher(profile("a.ini", "p1"), "dev");
    const PasswordHasher b = load_password_hasher(profile("b.ini", "p2"), "dev");
    const std::string stored = a.hash("pw");
    CHECK(a.verify("pw", stored) == VerifyResult::Match);
    CHECK(b.verify("pw", stored) == VerifyResult::Mismatch);  // same key id, other pepper bytes
}

TEST_CASE("profile hashing: pepper and policy errors") {
    ::unsetenv("VERROU_ENV");
    TempDir dir;
    dir.write("short", "too-short-pepper\n");
    const std::string s = dir.write("s.ini", "[env.dev.hashing]\ncurrent_pepper = k1\n[env.dev.hashing.peppers.k1]\nfile = short\n");
    const Error e = error_of([&] { load_password_hasher(s, "dev"); });
    CHECK(e.code() == Code::SecretTooShort);
    CHECK(contains(e.message(), "s.ini:4"));
    CHECK(contains(e.message(), "k1"));
    CHECK(contains(e.message(), "16 bytes"));
    CHECK_FALSE(contains(e.message(), "too-short-pepper"));

    ::unsetenv("VERROU_TEST_NO_PEPPER");
    const std::string m = dir.write("m.json",
        R"({"environments": {"dev": {"hashing": {"current_pepper": "k1", "peppers": {"k1": {"env": "VERROU_TEST_NO_PEPPER"}}}}}})");
    const Error me = error_of([&] { load_password_hasher(m, "dev"); });
    CHECK(me.code() == Code::SecretEnvMissing);
    CHECK(contains(me.message(), "m.json#/environments/dev/hashing/peppers/k1/env"));
    CHECK(contains(me.message(), "VERROU_TEST_NO_PEPPER"));

    const std::string c = dir.write("c.ini", "[env.dev.hashing]\ncurrent_pepper = k9\n");
    const Error ce = error_of([&] { load_password_hasher(c, "dev"); });
    CHECK(ce.code() == Code::ConfigMissingKey);
    CHECK(contains(ce.message(), "c.ini:2"));
    CHECK(contains(ce.message(), "'k9'"));

    const std::string nc = dir.write("nc.ini", "[env.dev.hashing.peppers.k1]\nsecret = pep\n");
    CHECK(error_of([&] { load_password_hasher(nc, "dev"); }).code() == Code::ConfigMissingKey);

    const std::string inl = dir.write("i.ini", "[env.dev.hashing.peppers.k1]\nvalue = abcdefabcdefabcdefabcdefabcdefabcdef\n");
    const Error ie = error_of([&] { load_password_hasher(inl, "dev"); });
    CHECK(ie.code() == Code::ConfigUnsafe);
    CHECK_FALSE(contains(ie.message(), "abcdefabcdef"));

    const std::string two = dir.write("t.ini", "[env.dev.hashing.peppers.k1]\nfile = /a\nenv = B\n");
    CHECK(error_of([&] { load_password_hasher(two, "dev"); }).code() == Code::ConfigDuplicate);

    const std::string alg = dir.write("a.ini", "[env.dev.hashing]\nalgorithm = bcrypt\n");
    const Error ae = error_of([&] { load_password_hasher(alg, "dev"); });
    CHECK(ae.code() == Code::ConfigInvalidValue);
    CHECK(contains(ae.message(), "a.ini:2"));
    CHECK(contains(ae.message(), "argon2id"));

    const std::string weak = dir.write("w.ini", "[env.dev.hashing]\nsalt_bytes = 4\n");
    const Error we = error_of([&] { load_password_hasher(weak, "dev"); });
    CHECK(we.code() == Code::HashPolicy);
    CHECK(contains(we.message(), "w.ini"));

    const std::string typ = dir.write("ty.ini", "[env.dev.hashing]\nargon2_iterations = two\n");
    CHECK(error_of([&] { load_password_hasher(typ, "dev"); }).code() == Code::ConfigWrongType);
}
