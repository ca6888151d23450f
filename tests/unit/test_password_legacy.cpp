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
