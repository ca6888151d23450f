// Legacy formats: Django, passlib and WinDev records, all produced by Python's hashlib.
#include <doctest/doctest.h>

#include <random>

#include "test_password_util.hpp"
#include "verrou/error.hpp"
#include "verrou/password.hpp"

using namespace verrou;

namespace {

Code code_of(auto&& fn) {
    try {
        fn();
    } catch (const Error& e) {
        return e.code();
    }
    return Code::Ok;
}

}  // namespace

TEST_CASE("password: Django pbkdf2_sha256 strings from hashlib verify as MatchRehash") {
    std::mt19937_64 rng(0xd1a90);
    PasswordHasher hasher(pwtest::small_argon2(), pwtest::peppers({{"k1", std::string(32, 'p')}}), "k1");
    for (int i = 0; i < 3; ++i) {
        const std::string pw = pwtest::random_word(rng, 5 + rng() % 20);
        const std::string salt = pwtest::random_word(rng, i == 0 ? 12 : 22);
        const int n = 1000 + static_cast<int>(rng() % 5000);
        // Django's documented encoding: algorithm$iterations$salt$base64(hash) (padded).
        const std::string py =
            "import hashlib,base64,sys\n"
            "h=hashlib.pbkdf2_hmac(\"sha256\",sys.argv[1].encode(),sys.argv[2].encode(),int(sys.argv[3]))\n"
            "print(\"pbkdf2_sha256$%s$%s$%s\"%(sys.argv[3],sys.argv[2],base64.b64encode(h).decode()))\n";
        const std::string stored = pwtest::run("python3 -c '" + py + "' " + pw + " " + salt + " " + std::to_string(n));
        CAPTURE(stored);
        CHECK(hasher.verify(pw, stored) == VerifyResult::MatchRehash);
        CHECK(hasher.verify(pw + "x", stored) == VerifyResult::Mismatch);
        CHECK(hasher.needs_rehash(stored));
        // Strictness: padding is required in Django's format; '$' count matters.
        std::string unpadded = stored;
        unpadded.pop_back();
        CHECK(code_of([&] { hasher.verify(pw, unpadded); }) == Code::HashMalformed);
        CHECK(code_of([&] { hasher.verify(pw, stored + "$"); }) == Code::HashMalformed);
    }
    CHECK(code_of([&] { hasher.verify("pw", "pbkdf2_sha256$1000$short$" + std::string(44, 'A')); }) ==
          Code::HashParameterOutOfRange);
    CHECK(code_of([&] { hasher.verify("pw", "pbkdf2_sha256$0$saltsaltsalt$AAAAAAAAAAAAAAAAAAAAAA==" ); }) ==
          Code::HashParameterOutOfRange);
}

TEST_CASE("password: passlib pbkdf2-sha256/512 strings (adapted base64) verify as MatchRehash") {
    std::mt19937_64 rng(0xab64);
    PasswordHasher hasher(pwtest::small_argon2(), {}, "");
    for (const char* digest : {"sha256", "sha512", "sha256", "sha512"}) {
        const std::string pw = pwtest::random_word(rng, 5 + rng() % 20);
        const auto salt = pwtest::random_bytes(rng, 16);
        const int n = 1000 + static_cast<int>(rng() % 30000);
        // passlib: $pbkdf2-<digest>$<rounds>$<ab64 salt>$<ab64 hash>, ab64 = base64 with '.'
        // for '+' and no padding; checksum size = digest size.
        const std::string py =
            "import hashlib,base64,sys\n"
            "ab=lambda b: base64.b64encode(b).decode().rstrip(\"=\").replace(\"+\",\".\")\n"
            "s=bytes.fromhex(sys.argv[3]); d=sys.argv[1]\n"
            "h=hashlib.pbkdf2_hmac(d,sys.argv[2].encode(),s,int(sys.argv[4]))\n"
            "print(\"$pbkdf2-%s$%s$%s$%s\"%(d,sys.argv[4],ab(s),ab(h)))\n";
        const std::string stored = pwtest::run("python3 -c '" + py + "' " + digest + " " + pw + " " +
                                               pwtest::hex(salt.data(), salt.size()) + " " + std::to_string(n));
        CAPTURE(stored);
        CHECK(hasher.verify(pw, stored) == VerifyResult::MatchRehash);
        CHECK(hasher.verify("x" + pw, stored) == VerifyResult::Mismatch);
        CHECK(hasher.needs_rehash(stored));
    }
    // A '+' belongs to standard base64, not ab64.
    CHECK(code_of([&] { hasher.verify("pw", "$pbkdf2-sha256$1000$+AAAAAAAAAAAAAAAAAAAAA$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"); }) ==
          Code::HashMalformed);
}

TEST_CASE("password: WinDev legacy records (SHA-256, SHA-512, SHA3-256) from hashlib") {
    std::mt19937_64 rng(0x3d);
    struct Case {
        LegacyPrf prf;
        const char* py;
        std::uint32_t len;
    };
    for (const Case& c : {Case{LegacyPrf::Sha256, "sha256", 32}, Case{LegacyPrf::Sha512, "sha512", 64},
                          Case{LegacyPrf::Sha3_256, "sha3_256", 32}, Case{LegacyPrf::Sha256, "sha256", 20}}) {
        const std::string pw = pwtest::random_word(rng, 12);
        const std::string pepper = pwtest::random_word(rng, 16);
        const std::string salt = pwtest::random_word(rng, 24);
        const std::uint32_t n = 1000 + static_cast<std::uint32_t>(rng() % 3000);
        const std::string py =
            "import hashlib,base64,sys\n"
            "h=hashlib.pbkdf2_hmac(sys.argv[1],(sys.argv[2]+sys.argv[3]).encode(),sys.argv[4].encode(),int(sys.argv[5]),int(sys.argv[6]))\n"
            "print(base64.b64encode(h).decode())\n";
        WindevLegacyRecord r;
        r.salt = salt;
        r.prf = c.prf;
        r.iterations = n;
        r.output_bytes = c.len;
        r.hash_base64 = pwtest::run("python3 -c '" + py + "' " + c.py + " " + pw + " " + pepper + " " + salt + " " +
                                    std::to_string(n) + " " + std::to_string(c.len));
        CAPTURE(r.hash_base64);
        CHECK(verify_windev_legacy(pw, pepper, r) == VerifyResult::MatchRehash);
        CHECK(verify_windev_legacy(pw, pepper + "x", r) == VerifyResult::Mismatch);
        CHECK(verify_windev_legacy(pw + "x", pepper, r) == VerifyResult::Mismatch);
        // Line-wrapped Base64 (as Encode may produce) still verifies.
        WindevLegacyRecord wrapped = r;
        wrapped.hash_base64.insert(10, "\r\n");
        CHECK(verify_windev_legacy(pw, pepper, wrapped) == VerifyResult::MatchRehash);
        // Wrong declared length, bad Base64, bounds.
        WindevLegacyRecord bad = r;
        bad.output_bytes = c.len == 32 ? 64 : 32;
        CHECK(code_of([&] { verify_windev_legacy(pw, pepper, bad); }) == Code::HashMalformed);
        bad = r;
        bad.hash_base64[3] = '*';
        CHECK(code_of([&] { verify_windev_legacy(pw, pepper, bad); }) == Code::HashMalformed);
    }
    WindevLegacyRecord r;
    r.salt = "s";
    r.hash_base64 = std::string(43, 'A') + "=";
    r.iterations = 0;
    CHECK(code_of([&] { verify_windev_legacy("pw", "", r); }) == Code::HashParameterOutOfRange);
    r.iterations = 100'000'001;
    CHECK(code_of([&] { verify_windev_legacy("pw", "", r); }) == Code::HashParameterOutOfRange);
    r.iterations = 1;
    r.output_bytes = 65;
    CHECK(code_of([&] { verify_windev_legacy("pw", "", r); }) == Code::HashParameterOutOfRange);
    r.output_bytes = 32;
    CHECK(code_of([&] { verify_windev_legacy(std::string(4097, 'p'), "", r); }) == Code::PasswordTooLong);
    CHECK(code_of([&] { verify_windev_legacy("", "", r); }) == Code::PasswordEmpty);
    CHECK(verify_windev_legacy("pw", "", r) == VerifyResult::Mismatch);
}

namespace {

WindevLegacySettings legacy_settings(LegacyPrf prf, std::uint32_t n, std::uint32_t len, const std::string& pepper) {
    WindevLegacySettings s;
    s.params = WindevLegacyParams{prf, n, len};
    s.pepper = SecretBuffer(pepper);
    return s;
}

std::string message_of(auto&& fn) {
    try {
        fn();
    } catch (const Error& e) {
        return std::string(e.message());
    }
    return {};
}

}  // namespace

TEST_CASE("password: PasswordHasher::verify_windev_legacy with records from hashlib") {
    std::mt19937_64 rng(0x1e6ac7);
    struct Case {
        LegacyPrf prf;
        const char* py;
        std::uint32_t len;
        std::size_t pepper_len;  // 0: records made without a pepper
    };
    for (const Case& c : {Case{LegacyPrf::Sha256, "sha256", 32, 12}, Case{LegacyPrf::Sha512, "sha512", 64, 40},
                          Case{LegacyPrf::Sha3_256, "sha3_256", 32, 8}, Case{LegacyPrf::Sha256, "sha256", 24, 0},
                          Case{LegacyPrf::Sha512, "sha512", 16, 0}}) {
        const std::string pw = pwtest::random_word(rng, 6 + rng() % 14);
        const std::string pepper = pwtest::random_word(rng, c.pepper_len);  // shorter than 32 is fine here
        const std::string salt = pwtest::random_word(rng, 8 + rng() % 24);
        const std::uint32_t n = 1000 + static_cast<std::uint32_t>(rng() % 4000);
        const std::string stored = pwtest::windev_legacy_oracle(c.py, pw, pepper, salt, n, c.len);
        CAPTURE(stored);
        CAPTURE(c.py);
        const PasswordHasher hasher(pwtest::small_argon2(), pwtest::peppers({{"k1", std::string(32, 'p')}}), "k1",
                                    legacy_settings(c.prf, n, c.len, pepper));
        REQUIRE(hasher.has_windev_legacy());
        CHECK(hasher.windev_legacy_params()->iterations == n);
        CHECK(hasher.verify_windev_legacy(pw, salt, stored) == VerifyResult::MatchRehash);
        CHECK(hasher.verify_windev_legacy(pw + "x", salt, stored) == VerifyResult::Mismatch);
        CHECK(hasher.verify_windev_legacy(pw, salt + "x", stored) == VerifyResult::Mismatch);
        CHECK(hasher.verify_windev_legacy(pw, salt, stored.substr(0, 4) + "\r\n" + stored.substr(4)) ==
              VerifyResult::MatchRehash);
        // Same record, other settings: another pepper, iteration count or PRF never match.
        const PasswordHasher other_pepper(pwtest::small_argon2(), {}, "",
                                          legacy_settings(c.prf, n, c.len, pepper + "x"));
        CHECK(other_pepper.verify_windev_legacy(pw, salt, stored) == VerifyResult::Mismatch);
        const PasswordHasher other_n(pwtest::small_argon2(), {}, "", legacy_settings(c.prf, n + 1, c.len, pepper));
        CHECK(other_n.verify_windev_legacy(pw, salt, stored) == VerifyResult::Mismatch);
        // The free function agrees.
        WindevLegacyRecord r{salt, stored, c.prf, n, c.len};
        CHECK(verify_windev_legacy(pw, pepper, r) == VerifyResult::MatchRehash);

        // The new hash of a migrated user verifies normally.
        const std::string fresh = hasher.hash(pw);
        CHECK(hasher.verify(pw, fresh) == VerifyResult::Match);

        // Malformed columns: precise code, no value in the message.
        const std::string bad = stored.substr(0, 3) + "*" + stored.substr(4);
        CHECK(code_of([&] { hasher.verify_windev_legacy(pw, salt, bad); }) == Code::HashMalformed);
        const std::string m = message_of([&] { hasher.verify_windev_legacy(pw, salt, bad); });
        CHECK(m.find(pw) == std::string::npos);
        CHECK(m.find(salt) == std::string::npos);
        if (!pepper.empty()) CHECK(m.find(pepper) == std::string::npos);
    }
}

TEST_CASE("password: PasswordHasher windev_legacy settings are checked, and required") {
    const std::string b64_32(std::string(43, 'A') + "=");
    // No settings: a configuration error, not a Mismatch that would lock every legacy user out.
    const PasswordHasher none(pwtest::small_argon2(), {}, "");
    CHECK_FALSE(none.has_windev_legacy());
    CHECK_FALSE(none.windev_legacy_params().has_value());
    CHECK(code_of([&] { none.verify_windev_legacy("pw", "salt", b64_32); }) == Code::HashPolicy);
    CHECK(message_of([&] { none.verify_windev_legacy("pw", "salt", b64_32); }).find("windev_legacy") !=
          std::string::npos);

    auto build = [](LegacyPrf prf, std::uint32_t n, std::uint32_t len, const std::string& pepper) {
        return PasswordHasher(pwtest::small_argon2(), {}, "", legacy_settings(prf, n, len, pepper));
    };
    CHECK(code_of([&] { build(LegacyPrf::Sha256, 0, 32, ""); }) == Code::HashPolicy);
    CHECK(code_of([&] { build(LegacyPrf::Sha256, 100'000'001, 32, ""); }) == Code::HashPolicy);
    CHECK(code_of([&] { build(LegacyPrf::Sha256, 1000, 15, ""); }) == Code::HashPolicy);
    CHECK(code_of([&] { build(LegacyPrf::Sha256, 1000, 65, ""); }) == Code::HashPolicy);
    CHECK(code_of([&] { build(static_cast<LegacyPrf>(7), 1000, 32, ""); }) == Code::HashPolicy);
    const std::string long_pepper(4097, 'q');
    CHECK(code_of([&] { build(LegacyPrf::Sha256, 1000, 32, long_pepper); }) == Code::HashPolicy);
    CHECK(message_of([&] { build(LegacyPrf::Sha256, 1000, 32, long_pepper); }).find("qqqq") == std::string::npos);
    CHECK(code_of([&] { build(LegacyPrf::Sha256, 1000, 32, std::string(4096, 'q')); }) == Code::Ok);
    CHECK(code_of([&] { build(LegacyPrf::Sha256, 1000, 32, "short"); }) == Code::Ok);  // no 32-byte minimum

    const PasswordHasher h = build(LegacyPrf::Sha256, 1000, 32, "pep");
    CHECK(code_of([&] { h.verify_windev_legacy("", "salt", b64_32); }) == Code::PasswordEmpty);
    CHECK(code_of([&] { h.verify_windev_legacy(std::string(4097, 'p'), "salt", b64_32); }) == Code::PasswordTooLong);
    CHECK(code_of([&] { h.verify_windev_legacy("pw", std::string(1025, 's'), b64_32); }) ==
          Code::HashParameterOutOfRange);
    CHECK(code_of([&] { h.verify_windev_legacy("pw", "salt", std::string(2000, 'A')); }) == Code::HashMalformed);
    CHECK(code_of([&] { h.verify_windev_legacy("pw", "salt", std::string(86, 'A') + "=="); }) ==
          Code::HashMalformed);  // 64 bytes where output_bytes says 32
    CHECK(h.verify_windev_legacy("pw", "", b64_32) == VerifyResult::Mismatch);  // an empty salt column is a salt
}
