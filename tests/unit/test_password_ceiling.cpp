// The verification ceiling (limits::verify_cost_factor): verify() and needs_rehash() refuse a
// stored string whose cost is above a few times the hasher's policy, before any derivation.
#include <doctest/doctest.h>

#include <openssl/evp.h>

#include <chrono>
#include <string>
#include <vector>

#include "password/phc.hpp"
#include "test_password_util.hpp"
#include "verrou/error.hpp"
#include "verrou/password.hpp"

using namespace verrou;

namespace {

struct Failure {
    Code code = Code::Ok;
    std::string message;
};

Failure failure_of(auto&& fn) {
    try {
        fn();
    } catch (const Error& e) {
        return {e.code(), std::string(e.message())};
    }
    return {};
}

bool contains(const std::string& s, const std::string& part) { return s.find(part) != std::string::npos; }

std::string replace_once(std::string s, const std::string& from, const std::string& to) {
    const auto pos = s.find(from);
    REQUIRE(pos != std::string::npos);
    return s.replace(pos, from.size(), to);
}

/// Refused with HASH_PARAMETER_OUT_OF_RANGE by verify() and needs_rehash(), with a message
/// naming the parameter, the stored value and the ceiling; and quickly (no derivation).
void check_refused(const PasswordHasher& h, const std::string& stored, const std::string& names_param,
                   const std::string& names_ceiling) {
    CAPTURE(stored);
    const auto start = std::chrono::steady_clock::now();
    const Failure v = failure_of([&] { (void)h.verify("pw", stored); });
    const auto elapsed = std::chrono::steady_clock::now() - start;
    CHECK(v.code == Code::HashParameterOutOfRange);
    CAPTURE(v.message);
    CHECK(contains(v.message, names_param));
    CHECK(contains(v.message, "verification ceiling of " + names_ceiling));
    CHECK(contains(v.message, "verify_cost_factor " + std::to_string(limits::verify_cost_factor)));
    CHECK(contains(v.message, "raise the hashing policy first"));
    // Nothing of the stored string beyond its parameters: not the salt, not the hash.
    const std::string last = stored.substr(stored.rfind('$') + 1);
    CHECK_FALSE(contains(v.message, last));
    CHECK(elapsed < std::chrono::seconds(1));  // refused before any work (the costs above take far longer)
    const Failure n = failure_of([&] { (void)h.needs_rehash(stored); });
    CHECK(n.code == Code::HashParameterOutOfRange);
    CHECK(n.message == v.message);
}

HashPolicy argon2_policy(std::uint32_t m, std::uint32_t t, std::uint32_t p) {
    HashPolicy policy;
    policy.argon2_memory_kib = m;
    policy.argon2_iterations = t;
    policy.argon2_parallelism = p;
    return policy;
}

HashPolicy pbkdf2_policy(HashAlgorithm alg, std::uint32_t sha256_i, std::uint32_t sha512_i) {
    HashPolicy policy;
    policy.algorithm = alg;
    policy.pbkdf2_sha256_iterations = sha256_i;
    policy.pbkdf2_sha512_iterations = sha512_i;
    return policy;
}

std::vector<unsigned char> pbkdf2(const EVP_MD* md, const std::string& pw, const std::string& salt, int iterations,
                                  int len) {
    std::vector<unsigned char> out(static_cast<std::size_t>(len));
    REQUIRE(PKCS5_PBKDF2_HMAC(pw.data(), static_cast<int>(pw.size()),
                              reinterpret_cast<const unsigned char*>(salt.data()), static_cast<int>(salt.size()),
                              iterations, md, len, out.data()) == 1);
    return out;
}

// Django: pbkdf2_sha256$<iterations>$<salt text>$<padded base64>.
std::string django(const std::string& pw, const std::string& salt, int iterations) {
    const auto h = pbkdf2(EVP_sha256(), pw, salt, iterations, 32);
    return "pbkdf2_sha256$" + std::to_string(iterations) + "$" + salt + "$" +
           pwd::b64_encode(h.data(), h.size(), pwd::B64Alphabet::Standard, true);
}

// passlib: $pbkdf2-<digest>$<rounds>$<ab64 salt>$<ab64 hash>.
std::string passlib(bool sha512, const std::string& pw, const std::string& salt, int rounds) {
    const auto h = pbkdf2(sha512 ? EVP_sha512() : EVP_sha256(), pw, salt, rounds, sha512 ? 64 : 32);
    const auto ab64 = [](const unsigned char* p, std::size_t n) { return pwd::b64_encode(p, n, pwd::B64Alphabet::Adapted); };
    return std::string("$pbkdf2-") + (sha512 ? "sha512" : "sha256") + "$" + std::to_string(rounds) + "$" +
           ab64(reinterpret_cast<const unsigned char*>(salt.data()), salt.size()) + "$" + ab64(h.data(), h.size());
}

}  // namespace

TEST_CASE("password ceiling: the factor is a named limit") {
    CHECK(limits::verify_cost_factor == 4);
    CHECK(limits::verify_parallelism_floor == 8);
}

TEST_CASE("password ceiling: argon2id m, t and p at the ceiling verify, above are refused") {
    const HashPolicy base = argon2_policy(256, 2, 1);  // ceilings: m 1024 KiB, t 8, p max(4, 8) = 8
    const PasswordHasher hasher(base, {}, "");

    // Made under stronger policies, exactly at each ceiling: Match (stronger never rehashes).
    const std::string at_m = PasswordHasher(argon2_policy(1024, 2, 1), {}, "").hash("correct horse");
    const std::string at_t = PasswordHasher(argon2_policy(256, 8, 1), {}, "").hash("correct horse");
    const std::string at_p = PasswordHasher(argon2_policy(256, 2, 8), {}, "").hash("correct horse");
    for (const std::string& s : {at_m, at_t, at_p}) {
        CAPTURE(s);
        CHECK(hasher.verify("correct horse", s) == VerifyResult::Match);
        CHECK(hasher.verify("wrong horse", s) == VerifyResult::Mismatch);
        CHECK_FALSE(hasher.needs_rehash(s));
    }

    // One above: refused, naming the parameter, the value and the ceiling.
    check_refused(hasher, replace_once(at_m, "m=1024,", "m=1025,"), "m = 1025 KiB", "1024 KiB");
    check_refused(hasher, replace_once(at_t, ",t=8,", ",t=9,"), "t = 9 ", "8 ");
    check_refused(hasher, replace_once(at_p, ",p=8$", ",p=9$"), "p = 9 ", "8 ");
    // The planted row of the audit: the absolute maximum memory, pinned on every login.
    check_refused(hasher, replace_once(at_m, "m=1024,", "m=4194304,"), "m = 4194304 KiB", "1024 KiB");
    check_refused(hasher, replace_once(at_t, ",t=8,", ",t=100000000,"), "t = 100000000", "8 ");
    check_refused(hasher, replace_once(at_p, ",p=8$", ",p=32$"), "p = 32 ", "8 ");  // m=256 allows p <= 32
    // The message names the policy value the ceiling derives from.
    const Failure f = failure_of([&] { (void)hasher.verify("pw", replace_once(at_m, "m=1024,", "m=1025,")); });
    CHECK(contains(f.message, "argon2id hash: m = 1025 KiB"));
    CHECK(contains(f.message, "argon2_memory_kib 256"));

    // Absolute bounds are still checked first, with their own message.
    const Failure abs = failure_of([&] { (void)hasher.verify("pw", replace_once(at_t, ",t=8,", ",t=100000001,")); });
    CHECK(abs.code == Code::HashParameterOutOfRange);
    CHECK(contains(abs.message, "outside [1, 100000000]"));
}

TEST_CASE("password ceiling: argon2id p is factor x policy p when that exceeds the floor of 8") {
    const PasswordHasher hasher(argon2_policy(256, 2, 3), {}, "");  // p ceiling 12, m ceiling 1024
    // needs_rehash parses and checks without deriving: cheap boundary checks.
    const std::string base = PasswordHasher(argon2_policy(256, 2, 3), {}, "").hash("pw");
    CHECK_FALSE(hasher.needs_rehash(replace_once(base, ",p=3$", ",p=12$")));
    check_refused(hasher, replace_once(base, ",p=3$", ",p=13$"), "p = 13 ", "12 ");
    const Failure f = failure_of([&] { (void)hasher.needs_rehash(replace_once(base, ",p=3$", ",p=13$")); });
    CHECK(contains(f.message, "argon2_parallelism 3 and 8"));
}

TEST_CASE("password ceiling: pbkdf2 PHC strings, per PRF") {
    // sha256 policy 1000 -> ceiling 4000; sha512 policy 2000 -> ceiling 8000.
    const PasswordHasher hasher(pbkdf2_policy(HashAlgorithm::Pbkdf2Sha256, 1000, 2000), {}, "");
    const std::string sha256_at = PasswordHasher(pbkdf2_policy(HashAlgorithm::Pbkdf2Sha256, 4000, 2000), {}, "").hash("pw1");
    const std::string sha512_at = PasswordHasher(pbkdf2_policy(HashAlgorithm::Pbkdf2Sha512, 1000, 8000), {}, "").hash("pw1");
    CHECK(hasher.verify("pw1", sha256_at) == VerifyResult::Match);
    CHECK(hasher.verify("pw1", sha512_at) == VerifyResult::MatchRehash);  // another algorithm than the policy's
    CHECK(hasher.verify("pw2", sha512_at) == VerifyResult::Mismatch);

    check_refused(hasher, replace_once(sha256_at, "$i=4000$", "$i=4001$"), "pbkdf2-sha256 hash: i = 4001 ", "4000 ");
    check_refused(hasher, replace_once(sha512_at, "$i=8000$", "$i=8001$"), "pbkdf2-sha512 hash: i = 8001 ", "8000 ");
    // The ceiling follows the string's PRF: 8000 is fine for sha512, not for sha256.
    check_refused(hasher, replace_once(sha256_at, "$i=4000$", "$i=8000$"), "i = 8000 ", "4000 ");
    check_refused(hasher, replace_once(sha256_at, "$i=4000$", "$i=100000000$"), "i = 100000000 ", "4000 ");
    const Failure f = failure_of([&] { (void)hasher.verify("pw", replace_once(sha512_at, "$i=8000$", "$i=8001$")); });
    CHECK(contains(f.message, "pbkdf2_sha512_iterations 2000"));

    // A peppered string is checked the same way (before the pepper is even looked up).
    const PasswordHasher peppered(pbkdf2_policy(HashAlgorithm::Pbkdf2Sha256, 1000, 2000),
                                  pwtest::peppers({{"k1", std::string(32, 'p')}}), "k1");
    const std::string with_key = PasswordHasher(pbkdf2_policy(HashAlgorithm::Pbkdf2Sha256, 4000, 2000),
                                                pwtest::peppers({{"k1", std::string(32, 'p')}}), "k1").hash("pw1");
    CHECK(peppered.verify("pw1", with_key) == VerifyResult::Match);
    check_refused(peppered, replace_once(with_key, "$i=4000,", "$i=4001,"), "i = 4001 ", "4000 ");
}

TEST_CASE("password ceiling: Django and passlib strings, relative to the PBKDF2 policy") {
    const PasswordHasher hasher(pbkdf2_policy(HashAlgorithm::Argon2id, 1000, 2000), {}, "");
    // Django: sha256 only.
    CHECK(hasher.verify("secret", django("secret", "saltsaltsalt", 4000)) == VerifyResult::MatchRehash);
    CHECK(hasher.verify("Secret", django("secret", "saltsaltsalt", 4000)) == VerifyResult::Mismatch);
    check_refused(hasher, django("secret", "saltsaltsalt", 4001), "Django pbkdf2_sha256 hash: iterations = 4001 ",
                  "4000 ");
    // passlib sha256 (ceiling 4000) and sha512 (ceiling 8000).
    CHECK(hasher.verify("secret", passlib(false, "secret", "0123456789abcdef", 4000)) == VerifyResult::MatchRehash);
    CHECK(hasher.verify("secret", passlib(true, "secret", "0123456789abcdef", 8000)) == VerifyResult::MatchRehash);
    check_refused(hasher, passlib(false, "secret", "0123456789abcdef", 4001), "passlib pbkdf2-sha256 hash: rounds = 4001 ",
                  "4000 ");
    check_refused(hasher, passlib(true, "secret", "0123456789abcdef", 8001), "passlib pbkdf2-sha512 hash: rounds = 8001 ",
                  "8000 ");
}

TEST_CASE("password ceiling: strings at or below the policy verify as before") {
    const HashPolicy policy = argon2_policy(512, 2, 2);
    const PasswordHasher hasher(policy, {}, "");
    const std::string own = hasher.hash("pw");
    CHECK(hasher.verify("pw", own) == VerifyResult::Match);
    CHECK_FALSE(hasher.needs_rehash(own));
    // Weaker ones still verify and ask for a rehash.
    const std::string weaker = PasswordHasher(argon2_policy(64, 1, 1), {}, "").hash("pw");
    CHECK(hasher.verify("pw", weaker) == VerifyResult::MatchRehash);
    CHECK(hasher.needs_rehash(weaker));
    const std::string old_pbkdf2 = PasswordHasher(pbkdf2_policy(HashAlgorithm::Pbkdf2Sha256, 1000, 1000), {}, "").hash("pw");
    CHECK(hasher.verify("pw", old_pbkdf2) == VerifyResult::MatchRehash);  // 1000 << 4 x 600000
    // With the OWASP defaults, common third-party costs stay well inside the ceiling:
    // libsodium's moderate Argon2id (m = 256 MiB) is above 4 x 19 MiB and is refused, while
    // Django 5's 1 000 000 PBKDF2-SHA256 iterations (< 4 x 600 000) verify.
    const PasswordHasher owasp(HashPolicy{}, {}, "");
    CHECK(owasp.needs_rehash("pbkdf2_sha256$1000000$saltsaltsalt$" + std::string(43, 'A') + "="));
    check_refused(owasp, replace_once(own, "m=512,t=2,p=2", "m=262144,t=3,p=1"), "m = 262144 KiB", "77824 KiB");
    // Raising the policy first (what docs/hashing.md recommends) accepts them again.
    HashPolicy raised;
    raised.argon2_memory_kib = 262144 / limits::verify_cost_factor;
    CHECK_FALSE(PasswordHasher(raised, {}, "").needs_rehash(replace_once(own, "m=512,t=2,p=2", "m=262144,t=3,p=1")));
}
