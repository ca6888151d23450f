// PasswordHasher: policy and pepper validation, PBKDF2 formats, rehash rules, limits.
#include <doctest/doctest.h>

#include <openssl/evp.h>

#include "password/kdf.hpp"
#include "password/phc.hpp"
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

HashPolicy pbkdf2_policy(HashAlgorithm alg, std::uint32_t iterations = 1000) {
    HashPolicy p;
    p.algorithm = alg;
    p.pbkdf2_sha256_iterations = iterations;
    p.pbkdf2_sha512_iterations = iterations;
    return p;
}

const std::string kPepper1(32, 'a');
const std::string kPepper2 = "0123456789abcdef0123456789abcdef-longer";

}  // namespace

TEST_CASE("password: algorithm names") {
    CHECK(hash_algorithm_name(HashAlgorithm::Argon2id) == "argon2id");
    CHECK(hash_algorithm_name(HashAlgorithm::Pbkdf2Sha256) == "pbkdf2-sha256");
    CHECK(hash_algorithm_name(HashAlgorithm::Pbkdf2Sha512) == "pbkdf2-sha512");
}

TEST_CASE("password: policy validation names the parameter") {
    HashPolicy ok;
    CHECK_NOTHROW(ok.validate());
    auto bad = [](auto mutate) {
        HashPolicy p;
        mutate(p);
        return code_of([&] { p.validate(); });
    };
    CHECK(bad([](HashPolicy& p) { p.salt_bytes = 15; }) == Code::HashPolicy);
    CHECK(bad([](HashPolicy& p) { p.salt_bytes = 16; }) == Code::Ok);
    CHECK(bad([](HashPolicy& p) { p.salt_bytes = 65; }) == Code::HashPolicy);
    CHECK(bad([](HashPolicy& p) { p.hash_bytes = 15; }) == Code::HashPolicy);
    CHECK(bad([](HashPolicy& p) { p.hash_bytes = 64; }) == Code::Ok);
    CHECK(bad([](HashPolicy& p) { p.hash_bytes = 65; }) == Code::HashPolicy);
    CHECK(bad([](HashPolicy& p) { p.argon2_parallelism = 0; }) == Code::HashPolicy);
    CHECK(bad([](HashPolicy& p) { p.argon2_parallelism = 256; }) == Code::HashPolicy);
    CHECK(bad([](HashPolicy& p) { p.argon2_iterations = 0; }) == Code::HashPolicy);
    CHECK(bad([](HashPolicy& p) { p.argon2_memory_kib = 7; }) == Code::HashPolicy);
    CHECK(bad([](HashPolicy& p) { p.argon2_memory_kib = 8; }) == Code::Ok);
    CHECK(bad([](HashPolicy& p) { p.argon2_memory_kib = 4u * 1024 * 1024 + 1; }) == Code::HashPolicy);
    CHECK(bad([](HashPolicy& p) { p.pbkdf2_sha256_iterations = 999; }) == Code::HashPolicy);
    CHECK(bad([](HashPolicy& p) { p.pbkdf2_sha512_iterations = 100'000'001; }) == Code::HashPolicy);
    try {
        HashPolicy p;
        p.argon2_iterations = 0;
        p.validate();
    } catch (const Error& e) {
        CHECK(std::string(e.what()).find("argon2_iterations") != std::string::npos);
    }
}

TEST_CASE("password: pepper and key id validation in the constructor") {
    CHECK(code_of([] { PasswordHasher(HashPolicy{}, pwtest::peppers({{"k1", std::string(31, 'x')}}), "k1"); }) ==
          Code::SecretTooShort);
    CHECK(code_of([] { PasswordHasher(HashPolicy{}, pwtest::peppers({{"k1", kPepper1}}), "k2"); }) == Code::HashPolicy);
    CHECK(code_of([] { PasswordHasher(HashPolicy{}, pwtest::peppers({{"k1", kPepper1}, {"k1", kPepper2}}), "k1"); }) ==
          Code::HashPolicy);
    CHECK(code_of([] { PasswordHasher(HashPolicy{}, pwtest::peppers({{"bad id", kPepper1}}), ""); }) ==
          Code::HashPolicy);
    CHECK(code_of([] { PasswordHasher(HashPolicy{}, pwtest::peppers({{std::string(33, 'k'), kPepper1}}), ""); }) ==
          Code::HashPolicy);
    CHECK(code_of([] { PasswordHasher(HashPolicy{}, pwtest::peppers({{"k1", kPepper1}}), "k1"); }) == Code::Ok);
    try {
        PasswordHasher(HashPolicy{}, pwtest::peppers({{"k1", "short-secret-value"}}), "k1");
    } catch (const Error& e) {
        CHECK(std::string(e.what()).find("short-secret-value") == std::string::npos);
    }
}

TEST_CASE("password: PBKDF2 PHC strings round-trip and equal the documented construction") {
    for (HashAlgorithm alg : {HashAlgorithm::Pbkdf2Sha256, HashAlgorithm::Pbkdf2Sha512}) {
        const bool sha256 = alg == HashAlgorithm::Pbkdf2Sha256;
        PasswordHasher plain(pbkdf2_policy(alg), {}, "");
        const std::string h = plain.hash("hunter2");
        CHECK(h.rfind(sha256 ? "$pbkdf2-sha256$i=1000$" : "$pbkdf2-sha512$i=1000$", 0) == 0);
        CHECK(plain.verify("hunter2", h) == VerifyResult::Match);
        CHECK(plain.verify("hunter3", h) == VerifyResult::Mismatch);
        // Hash field = PBKDF2 of the password (OpenSSL as the reference), 32 bytes by default.
        auto p = pwd::parse_stored(h);
        CHECK(p.salt.size() == 16);
        const std::string salt(p.salt.begin(), p.salt.end());
        const auto ref = pwd::pbkdf2_openssl(sha256 ? pwd::HmacDigest::Sha256 : pwd::HmacDigest::Sha512, "hunter2",
                                             salt, 1000, 32);
        CHECK(pwtest::hex(p.hash.data(), p.hash.size()) == pwtest::hex(ref.view()));

        // Peppered: hash = PBKDF2(HMAC(pepper, password)), keyid = B64(key id).
        PasswordHasher peppered(pbkdf2_policy(alg), pwtest::peppers({{"k1", kPepper1}}), "k1");
        const std::string hp = peppered.hash("hunter2");
        CHECK(hp.find("$i=1000,keyid=azE$") != std::string::npos);
        CHECK(peppered.verify("hunter2", hp) == VerifyResult::Match);
        CHECK(peppered.verify("hunter2x", hp) == VerifyResult::Mismatch);
        p = pwd::parse_stored(hp);
        const std::string salt2(p.salt.begin(), p.salt.end());
        const auto pre = pwd::hmac(sha256 ? pwd::HmacDigest::Sha256 : pwd::HmacDigest::Sha512, kPepper1, "hunter2");
        const auto ref2 = pwd::pbkdf2_openssl(sha256 ? pwd::HmacDigest::Sha256 : pwd::HmacDigest::Sha512,
                                              pre.view(), salt2, 1000, 32);
        CHECK(pwtest::hex(p.hash.data(), p.hash.size()) == pwtest::hex(ref2.view()));
        // Python confirms the HMAC pre-hash construction.
        const std::string py = std::string("import hmac,hashlib;print(hashlib.pbkdf2_hmac(\"") +
                               (sha256 ? "sha256" : "sha512") + "\",hmac.new(b\"" + kPepper1 +
                               "\",b\"hunter2\",\"" + (sha256 ? "sha256" : "sha512") + "\").digest(),bytes.fromhex(\"" +
                               pwtest::hex(salt2) + "\"),1000,32).hex())";
        CHECK(pwtest::run("python3 -c '" + py + "'") == pwtest::hex(p.hash.data(), p.hash.size()));
        // Unpeppered hasher cannot verify a peppered hash; peppered one can verify plain ones.
        CHECK(code_of([&] { plain.verify("hunter2", hp); }) == Code::HashUnknownKeyId);
        CHECK(peppered.verify("hunter2", h) == VerifyResult::MatchRehash);
    }
}

TEST_CASE("password: OWASP default PBKDF2 iteration counts") {
    HashPolicy p;
    p.algorithm = HashAlgorithm::Pbkdf2Sha256;
    PasswordHasher h256(p, {}, "");
    const std::string s = h256.hash("x-owasp");
    CHECK(s.rfind("$pbkdf2-sha256$i=600000$", 0) == 0);
    CHECK(h256.verify("x-owasp", s) == VerifyResult::Match);
    p.algorithm = HashAlgorithm::Pbkdf2Sha512;
    PasswordHasher h512(p, {}, "");
    CHECK(h512.hash("x-owasp").rfind("$pbkdf2-sha512$i=220000$", 0) == 0);
}

TEST_CASE("password: rehash rules") {
    const auto pp = [] { return pwtest::peppers({{"old", kPepper1}, {"new", kPepper2}}); };
    HashPolicy base = pwtest::small_argon2();
    PasswordHasher current(base, pp(), "new");
    const std::string good = current.hash("pw");
    CHECK(current.verify("pw", good) == VerifyResult::Match);
    CHECK_FALSE(current.needs_rehash(good));

    // Older key id → rehash (and it still verifies).
    PasswordHasher old_writer(base, pp(), "old");
    const std::string with_old = old_writer.hash("pw");
    CHECK(current.verify("pw", with_old) == VerifyResult::MatchRehash);
    CHECK(current.needs_rehash(with_old));
    // No pepper while policy has one → rehash; and the reverse.
    PasswordHasher unpeppered(base, pp(), "");
    const std::string plain = unpeppered.hash("pw");
    CHECK(current.verify("pw", plain) == VerifyResult::MatchRehash);
    CHECK(unpeppered.verify("pw", good) == VerifyResult::MatchRehash);

    // Each weaker parameter → rehash; stronger ones do not.
    auto weaker = [&](auto mutate) {
        HashPolicy p = base;
        mutate(p);
        return current.needs_rehash(PasswordHasher(p, pp(), "new").hash("pw"));
    };
    CHECK(weaker([](HashPolicy& p) { p.argon2_memory_kib = 128; }));
    CHECK(weaker([](HashPolicy& p) { p.argon2_iterations = 1; }));
    CHECK_FALSE(weaker([](HashPolicy& p) { p.argon2_iterations = 3; }));
    CHECK_FALSE(weaker([](HashPolicy& p) { p.argon2_memory_kib = 512; }));
    CHECK_FALSE(weaker([](HashPolicy& p) { p.salt_bytes = 32; }));
    CHECK(weaker([](HashPolicy& p) { p.algorithm = HashAlgorithm::Pbkdf2Sha256; }));
    {
        HashPolicy strong = base;
        strong.salt_bytes = 32;
        strong.hash_bytes = 64;
        strong.argon2_parallelism = 2;
        PasswordHasher s(strong, pp(), "new");
        CHECK(s.verify("pw", good) == VerifyResult::MatchRehash);  // salt 16 < 32
        HashPolicy s2 = base;
        s2.hash_bytes = 64;
        CHECK(PasswordHasher(s2, pp(), "new").needs_rehash(good));  // hash 32 < 64
        HashPolicy s3 = base;
        s3.argon2_parallelism = 2;
        CHECK(PasswordHasher(s3, pp(), "new").needs_rehash(good));  // p 1 < 2
    }
    // PBKDF2 iteration count below policy.
    PasswordHasher p1000(pbkdf2_policy(HashAlgorithm::Pbkdf2Sha256, 1000), {}, "");
    PasswordHasher p2000(pbkdf2_policy(HashAlgorithm::Pbkdf2Sha256, 2000), {}, "");
    const std::string weak = p1000.hash("pw");
    CHECK(p2000.verify("pw", weak) == VerifyResult::MatchRehash);
    CHECK(p1000.verify("pw", p2000.hash("pw")) == VerifyResult::Match);
    // Mismatch stays Mismatch even when weaker.
    CHECK(p2000.verify("pX", weak) == VerifyResult::Mismatch);
}

TEST_CASE("password: unknown key id is an error, not a mismatch") {
    PasswordHasher writer(pwtest::small_argon2(), pwtest::peppers({{"gone", kPepper1}}), "gone");
    const std::string h = writer.hash("pw");
    PasswordHasher reader(pwtest::small_argon2(), pwtest::peppers({{"k2", kPepper2}}), "k2");
    CHECK(code_of([&] { reader.verify("pw", h); }) == Code::HashUnknownKeyId);
    CHECK(code_of([&] { reader.needs_rehash(h); }) == Code::HashUnknownKeyId);
}

TEST_CASE("password: password length limits and empty password") {
    PasswordHasher hasher(pwtest::small_argon2(), {}, "");
    const std::string max(limits::password_max_bytes, 'p');
    const std::string h = hasher.hash(max);
    CHECK(hasher.verify(max, h) == VerifyResult::Match);
    CHECK(code_of([&] { hasher.hash(max + "p"); }) == Code::PasswordTooLong);
    CHECK(code_of([&] { hasher.verify(max + "p", h); }) == Code::PasswordTooLong);
    CHECK(code_of([&] { hasher.hash(""); }) == Code::PasswordEmpty);
    CHECK(code_of([&] { hasher.verify("", h); }) == Code::PasswordEmpty);
    HashPolicy allow = pwtest::small_argon2();
    allow.allow_empty_password = true;
    PasswordHasher lax(allow, {}, "");
    const std::string he = lax.hash("");
    CHECK(lax.verify("", he) == VerifyResult::Match);
    CHECK(lax.verify("x", he) == VerifyResult::Mismatch);
    // Binary passwords (NUL bytes) are bytes like any other.
    const std::string bin("a\0b", 3);
    CHECK(hasher.verify(bin, hasher.hash(bin)) == VerifyResult::Match);
    CHECK(hasher.verify("a", hasher.hash(bin)) == VerifyResult::Mismatch);
}

TEST_CASE("password: salts are fresh for every hash") {
    PasswordHasher hasher(pbkdf2_policy(HashAlgorithm::Pbkdf2Sha256), {}, "");
    CHECK(hasher.hash("same") != hasher.hash("same"));
}

TEST_CASE("password: error messages never contain the password, pepper or hash") {
    const std::string secret_pw = "Sup3rSecretPassw0rd";
    PasswordHasher hasher(pwtest::small_argon2(), pwtest::peppers({{"k1", kPepper2}}), "k1");
    const std::string good = hasher.hash(secret_pw);
    const auto p = pwd::parse_stored(good);
    const std::string hash_b64 = pwd::b64_encode(p.hash);
    const std::string salt_b64 = pwd::b64_encode(p.salt);
    const std::vector<std::string> bad = {
        good.substr(0, good.size() - 30),                      // truncated hash (too short)
        good + "$extra",                                        // field count
        "$" + secret_pw + "$x$y",                               // password typed in the wrong column
        secret_pw,                                              // not a PHC string
        "$argon2id$v=19$m=256,t=2,p=1,keyid=Zm9v$" + salt_b64 + "$" + hash_b64,  // unknown key id
        "$argon2id$v=19$m=256,t=2,p=1,keyid=azE$" + salt_b64 + "$" + hash_b64 + "!",
    };
    for (const auto& s : bad) {
        try {
            hasher.verify(secret_pw, s);
            FAIL("expected an error");
        } catch (const Error& e) {
            const std::string m = e.what();
            CHECK(m.find(secret_pw) == std::string::npos);
            CHECK(m.find(kPepper2) == std::string::npos);
            CHECK(m.find(hash_b64.substr(0, 20)) == std::string::npos);
            CHECK(m.find(salt_b64) == std::string::npos);
        }
    }
    try {
        hasher.hash(std::string(5000, 'Z'));
    } catch (const Error& e) {
        CHECK(std::string(e.what()).find("ZZZZ") == std::string::npos);
    }
}
