// Profile `hashing` section → load_password_hasher.
#include <doctest/doctest.h>

#include "test_password_util.hpp"
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


TEST_CASE("profile hashing: windev_legacy sections in INI and JSON give the same hasher") {
    ::unsetenv("VERROU_ENV");
    TempDir dir;
    const std::string old_pepper = "Gr4nd-Mere";  // the old application's: 10 bytes is accepted
    const std::string prod_pepper = "prodLegacyPepper2019";
    dir.write("legacy/prod_pepper", prod_pepper + "\n");
    ::setenv("VERROU_TEST_LEGACY_PEPPER", old_pepper.c_str(), 1);
    const std::string ini = dir.write("l.ini",
        "[defaults.hashing.windev_legacy]\n"
        "prf = sha512\n"
        "iterations = 5000\n"
        "[defaults.hashing.windev_legacy.pepper]\n"
        "env = VERROU_TEST_LEGACY_PEPPER\n"
        "[env.dev]\n"
        "[env.prod.hashing]\n"
        "windev_legacy.prf = SHA3_256\n"
        "windev_legacy.iterations = 1200\n"
        "windev_legacy.output_bytes = 20\n"
        "windev_legacy.pepper.file = legacy/prod_pepper\n"
        "[env.nopepper.hashing.windev_legacy]\n"
        "prf = sha256\n"
        "[env.nopepper.hashing.windev_legacy.pepper]\n"
        "env = VERROU_TEST_LEGACY_PEPPER\n");
    const std::string json = dir.write("l.json", R"({
      "defaults": { "hashing": { "windev_legacy": {
        "prf": "sha512", "iterations": 5000, "pepper": { "env": "VERROU_TEST_LEGACY_PEPPER" } } } },
      "environments": {
        "dev": {},
        "prod": { "hashing": { "windev_legacy": { "prf": "SHA3_256", "iterations": 1200, "output_bytes": 20,
                                                  "pepper": { "file": "legacy/prod_pepper" } } } },
        "nopepper": { "hashing": { "windev_legacy": { "prf": "sha256",
                                                      "pepper": { "env": "VERROU_TEST_LEGACY_PEPPER" } } } } }
    })");
    const std::string dev_record = pwtest::windev_legacy_oracle("sha512", "Motdepasse1", old_pepper, "SelDeLaLigne42", 5000, 64);
    const std::string prod_record = pwtest::windev_legacy_oracle("sha3_256", "Motdepasse1", prod_pepper, "SelProd", 1200, 20);
    const std::string nopepper_record = pwtest::windev_legacy_oracle("sha256", "Motdepasse1", old_pepper, "sel", 5000, 32);
    for (const std::string& f : {ini, json}) {
        CAPTURE(f);
        const PasswordHasher dev = load_password_hasher(f, "dev");
        REQUIRE(dev.windev_legacy_params().has_value());
        CHECK(dev.windev_legacy_params()->prf == LegacyPrf::Sha512);
        CHECK(dev.windev_legacy_params()->iterations == 5000);
        CHECK(dev.windev_legacy_params()->output_bytes == 64);  // default: the PRF's digest size
        CHECK(dev.verify_windev_legacy("Motdepasse1", "SelDeLaLigne42", dev_record) == VerifyResult::MatchRehash);
        CHECK(dev.verify_windev_legacy("Motdepasse2", "SelDeLaLigne42", dev_record) == VerifyResult::Mismatch);

        const PasswordHasher prod = load_password_hasher(f, "prod");
        REQUIRE(prod.windev_legacy_params().has_value());
        CHECK(prod.windev_legacy_params()->prf == LegacyPrf::Sha3_256);
        CHECK(prod.windev_legacy_params()->iterations == 1200);
        CHECK(prod.windev_legacy_params()->output_bytes == 20);
        // prod's pepper.file replaces the inherited pepper.env as a unit (no duplicate).
        CHECK(prod.verify_windev_legacy("Motdepasse1", "SelProd", prod_record) == VerifyResult::MatchRehash);

        // Keys are inherited one by one (iterations from defaults), the pepper as a unit.
        const PasswordHasher np = load_password_hasher(f, "nopepper");
        CHECK(np.windev_legacy_params()->prf == LegacyPrf::Sha256);
        CHECK(np.windev_legacy_params()->iterations == 5000);
        CHECK(np.windev_legacy_params()->output_bytes == 32);
        CHECK(np.verify_windev_legacy("Motdepasse1", "sel", nopepper_record) == VerifyResult::MatchRehash);
    }
    ::unsetenv("VERROU_TEST_LEGACY_PEPPER");
}

TEST_CASE("profile hashing: windev_legacy without pepper, and profiles without the section") {
    ::unsetenv("VERROU_ENV");
    TempDir dir;
    const std::string ini = dir.write("n.ini", "[env.dev.hashing.windev_legacy]\nprf = sha256\niterations = 1000\n");
    const std::string json =
        dir.write("n.json", R"({"environments": {"dev": {"hashing": {"windev_legacy": {"prf": "sha256", "iterations": 1000}}}}})");
    const std::string record = pwtest::windev_legacy_oracle("sha256", "secret99", "", "abcdefgh", 1000, 32);
    for (const std::string& f : {ini, json}) {
        CAPTURE(f);
        const PasswordHasher h = load_password_hasher(f, "dev");
        CHECK(h.verify_windev_legacy("secret99", "abcdefgh", record) == VerifyResult::MatchRehash);
    }

    const std::string plain = dir.write("p.ini", "[env.dev.hashing]\nalgorithm = argon2id\n");
    const PasswordHasher h = load_password_hasher(plain, "dev");
    CHECK_FALSE(h.has_windev_legacy());
    const Error e = error_of([&] { (void)h.verify_windev_legacy("secret99", "abcdefgh", record); });
    CHECK(e.code() == Code::HashPolicy);
    CHECK(contains(e.message(), "hashing.windev_legacy"));
    CHECK_FALSE(contains(e.message(), "secret99"));
}

TEST_CASE("profile hashing: windev_legacy errors name the file, the line or pointer and the key") {
    ::unsetenv("VERROU_ENV");
    TempDir dir;
    struct Bad {
        const char* name;
        const char* text;
        Code code;
        std::vector<std::string> in;   // the message contains each
        std::vector<std::string> out;  // and none of these (secrets)
    };
    const std::vector<Bad> cases = {
        {"prf.ini", "[env.dev.hashing.windev_legacy]\nprf = md5\niterations = 1000\n", Code::ConfigInvalidValue,
         {"prf.ini:2", "hashing.windev_legacy.prf", "sha256, sha512 or sha3-256"}, {}},
        {"prf.json", R"({"environments": {"dev": {"hashing": {"windev_legacy": {"prf": "md5", "iterations": 1000}}}}})",
         Code::ConfigInvalidValue, {"prf.json#/environments/dev/hashing/windev_legacy/prf", "sha256"}, {}},
        {"prft.json", R"({"environments": {"dev": {"hashing": {"windev_legacy": {"prf": 256, "iterations": 1000}}}}})",
         Code::ConfigWrongType, {"#/environments/dev/hashing/windev_legacy/prf"}, {}},
        {"it0.ini", "[env.dev.hashing.windev_legacy]\nprf = sha256\niterations = 0\n", Code::ConfigInvalidValue,
         {"it0.ini:3", "hashing.windev_legacy.iterations", "out of range"}, {}},
        {"it0.json", R"({"environments": {"dev": {"hashing": {"windev_legacy": {"prf": "sha256", "iterations": 0}}}}})",
         Code::ConfigInvalidValue, {"it0.json#/environments/dev/hashing/windev_legacy/iterations", "out of range"}, {}},
        {"its.json", R"({"environments": {"dev": {"hashing": {"windev_legacy": {"prf": "sha256", "iterations": "1000"}}}}})",
         Code::ConfigWrongType, {"#/environments/dev/hashing/windev_legacy/iterations"}, {}},
        {"itw.ini", "[env.dev.hashing.windev_legacy]\nprf = sha256\niterations = many\n", Code::ConfigWrongType,
         {"itw.ini:3", "hashing.windev_legacy.iterations"}, {}},
        {"out.ini", "[env.dev.hashing.windev_legacy]\nprf = sha256\niterations = 10\noutput_bytes = 65\n",
         Code::ConfigInvalidValue, {"out.ini:4", "hashing.windev_legacy.output_bytes", "16..64"}, {}},
        {"typo.ini", "[env.dev.hashing.windev_legacy]\nprf = sha256\niteration = 10\n", Code::ConfigUnknownKey,
         {"typo.ini:3", "did you mean 'hashing.windev_legacy.iterations'"}, {}},
        {"typo.json", R"({"environments": {"dev": {"hashing": {"windev_legacy": {"prf": "sha256", "iteratoins": 10}}}}})",
         Code::ConfigUnknownKey, {"#/environments/dev/hashing/windev_legacy/iteratoins", "windev_legacy.iterations"}, {}},
        {"pf.ini", "[env.dev.hashing.windev_legacy.pepper]\nfil = /x\n", Code::ConfigUnknownKey,
         {"pf.ini:2", "did you mean 'pepper.file'"}, {}},
        {"inl.ini", "[env.dev.hashing.windev_legacy.pepper]\nvalue = Hunter2-Legacy\n", Code::ConfigUnsafe,
         {"inl.ini:2", "pepper.file, pepper.env or pepper.secret"}, {"Hunter2"}},
        {"inl.json", R"({"environments": {"dev": {"hashing": {"windev_legacy": {"pepper": {"value": "Hunter2-Legacy"}}}}}})",
         Code::ConfigUnsafe, {"#/environments/dev/hashing/windev_legacy/pepper/value"}, {"Hunter2"}},
        {"val.ini", "[env.dev.hashing.windev_legacy]\npepper = Hunter2-Legacy\n", Code::ConfigWrongType,
         {"val.ini:2", "hashing.windev_legacy.pepper"}, {"Hunter2"}},
        {"val.json", R"({"environments": {"dev": {"hashing": {"windev_legacy": {"pepper": "Hunter2-Legacy"}}}}})",
         Code::ConfigWrongType, {"#/environments/dev/hashing/windev_legacy/pepper"}, {"Hunter2"}},
        {"two.ini", "[env.dev.hashing.windev_legacy.pepper]\nfile = /a\nenv = B\n", Code::ConfigDuplicate,
         {"two.ini:3", "WinDev legacy pepper"}, {}},
        {"noit.ini", "[env.dev.hashing.windev_legacy]\nprf = sha256\n", Code::ConfigMissingKey,
         {"noit.ini:2", "'iterations'", "'dev'"}, {}},
        {"noprf.json", R"({"environments": {"dev": {"hashing": {"windev_legacy": {"iterations": 1000}}}}})",
         Code::ConfigMissingKey, {"noprf.json#/environments/dev/hashing/windev_legacy/iterations", "'prf'"}, {}},
        {"noenv.json",
         R"({"environments": {"dev": {"hashing": {"windev_legacy": {"prf": "sha256", "iterations": 1000, "pepper": {"env": "VERROU_TEST_NO_LEGACY"}}}}}})",
         Code::SecretEnvMissing, {"#/environments/dev/hashing/windev_legacy/pepper/env", "VERROU_TEST_NO_LEGACY"}, {}},
    };
    ::unsetenv("VERROU_TEST_NO_LEGACY");
    for (const Bad& b : cases) {
        CAPTURE(b.name);
        const std::string f = dir.write(b.name, b.text);
        const Error e = error_of([&] { load_password_hasher(f, "dev"); });
        CAPTURE(e.message());
        CHECK(e.code() == b.code);
        for (const std::string& s : b.in) CHECK(contains(e.message(), s));
        for (const std::string& s : b.out) CHECK_FALSE(contains(e.message(), s));
    }

    // A typo in another environment fails on this one too (validate_tree checks every section).
    const std::string other = dir.write("o.ini", "[env.dev]\n[env.prod.hashing.windev_legacy]\nprf = sha256\nrounds = 9\n");
    CHECK(error_of([&] { load_password_hasher(other, "dev"); }).code() == Code::ConfigUnknownKey);

    // An empty pepper file is an error (a pepper-less profile simply has no reference).
    dir.write("empty_pepper", "");
    const std::string ep = dir.write("ep.ini", "[env.dev.hashing.windev_legacy]\nprf = sha256\niterations = 5\npepper.file = empty_pepper\n");
    const Error ee = error_of([&] { load_password_hasher(ep, "dev"); });
    CHECK(ee.code() == Code::SecretEmpty);
    CHECK(contains(ee.message(), "ep.ini:4"));
}
