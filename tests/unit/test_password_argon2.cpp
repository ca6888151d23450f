// Argon2id against RFC 9106, the argon2 command-line tool, libargon2 and libsodium.
#include <doctest/doctest.h>

#include <argon2.h>

#include <random>

#include "password/kdf.hpp"
#include "password/phc.hpp"
#include "test_password_util.hpp"
#include "verrou/error.hpp"
#include "verrou/password.hpp"

#ifdef VERROU_HAVE_SODIUM
#include <sodium.h>
#endif

using namespace verrou;

TEST_CASE("password: Argon2id matches the RFC 9106 section 5.3 test vector (secret + associated data)") {
    const std::string password(32, '\x01'), salt(16, '\x02'), secret(8, '\x03'), ad(12, '\x04');
    const auto tag = pwd::argon2id_raw(password, salt, secret, ad, {32, 3, 4, 32});
    CHECK(pwtest::hex(tag.view()) == "0d640df58d78766c08c037a34a8b53c9d01ef0452d75b65eb52520e96b01e659");
}

TEST_CASE("password: Argon2id strings are byte-for-byte those of the argon2 CLI and libargon2") {
    const std::string pw = "correct horse battery staple";
    const std::string salt = "somesaltsomesalt";
    // The reference CLI, salt given as text, 256 KiB, t=2, p=1.
    const std::string cli = pwtest::run("printf %s '" + pw + "' | argon2 " + salt + " -id -t 2 -k 256 -p 1 -l 32 -e");
    pwd::ParsedHash h;
    h.argon2_memory_kib = 256;
    h.argon2_iterations = 2;
    h.argon2_parallelism = 1;
    h.salt.assign(salt.begin(), salt.end());
    const auto raw = pwd::argon2id_raw(pw, salt, {}, {}, {256, 2, 1, 32});
    h.hash.assign(raw.data(), raw.data() + raw.size());
    CHECK(pwd::format_phc(h) == cli);

    PasswordHasher hasher(pwtest::small_argon2(), {}, "");
    CHECK(hasher.verify(pw, cli) == VerifyResult::Match);
    CHECK(hasher.verify("wrong", cli) == VerifyResult::Mismatch);

    // verrou's own output, re-encoded by libargon2 from the same inputs, is identical, and
    // libargon2 verifies it.
    const std::string mine = hasher.hash(pw);
    const auto parsed = pwd::parse_stored(mine);
    std::vector<char> encoded(argon2_encodedlen(2, 256, 1, 16, 32, Argon2_id));
    REQUIRE(argon2id_hash_encoded(2, 256, 1, pw.data(), pw.size(), parsed.salt.data(), parsed.salt.size(), 32,
                                  encoded.data(), encoded.size()) == ARGON2_OK);
    CHECK(std::string(encoded.data()) == mine);
    CHECK(argon2id_verify(mine.c_str(), pw.data(), pw.size()) == ARGON2_OK);
    CHECK(argon2id_verify(mine.c_str(), "nope", 4) == ARGON2_VERIFY_MISMATCH);
}

#ifdef VERROU_HAVE_SODIUM
TEST_CASE("password: Argon2id interoperates with libsodium crypto_pwhash_str in both directions") {
    REQUIRE(sodium_init() >= 0);
    const std::string pw = "sodium interop";
    char str[crypto_pwhash_STRBYTES];
    REQUIRE(crypto_pwhash_str_alg(str, pw.data(), pw.size(), 2, 256 * 1024, crypto_pwhash_ALG_ARGON2ID13) == 0);
    PasswordHasher hasher(pwtest::small_argon2(), {}, "");
    CHECK(hasher.verify(pw, str) == VerifyResult::Match);
    CHECK(hasher.verify(pw + "x", str) == VerifyResult::Mismatch);

    const std::string mine = hasher.hash(pw);
    CHECK(crypto_pwhash_str_verify(mine.c_str(), pw.data(), pw.size()) == 0);
    CHECK(crypto_pwhash_str_verify(mine.c_str(), "other", 5) != 0);
    CHECK(crypto_pwhash_str_needs_rehash(mine.c_str(), 2, 256 * 1024) == 0);
}
#endif

TEST_CASE("password: OWASP default Argon2id policy (m=19456, t=2, p=1) round-trips") {
    PasswordHasher hasher(HashPolicy{}, {}, "");
    const std::string h = hasher.hash("owasp default");
    CHECK(h.rfind("$argon2id$v=19$m=19456,t=2,p=1$", 0) == 0);
    CHECK(hasher.verify("owasp default", h) == VerifyResult::Match);
    CHECK_FALSE(hasher.needs_rehash(h));
    CHECK(argon2id_verify(h.c_str(), "owasp default", 13) == ARGON2_OK);
}

TEST_CASE("password: peppered Argon2id uses the pepper as Argon2's secret K and names it by keyid") {
    const std::string pepper(32, 'P');
    PasswordHasher hasher(pwtest::small_argon2(), pwtest::peppers({{"k2025", pepper}}), "k2025");
    const std::string h = hasher.hash("pw with pepper");
    // keyid = B64("k2025") = "azIwMjU"
    CHECK(h.rfind("$argon2id$v=19$m=256,t=2,p=1,keyid=azIwMjU$", 0) == 0);
    CHECK(hasher.verify("pw with pepper", h) == VerifyResult::Match);
    CHECK(hasher.verify("pw with peppex", h) == VerifyResult::Mismatch);

    // Independent recomputation through argon2_ctx with the secret set.
    const auto parsed = pwd::parse_stored(h);
    std::vector<unsigned char> out(32);
    std::string pw = "pw with pepper";
    std::string sec = pepper;
    argon2_context ctx{};
    ctx.out = out.data();
    ctx.outlen = 32;
    ctx.pwd = reinterpret_cast<uint8_t*>(pw.data());
    ctx.pwdlen = static_cast<uint32_t>(pw.size());
    auto salt = parsed.salt;
    ctx.salt = salt.data();
    ctx.saltlen = static_cast<uint32_t>(salt.size());
    ctx.secret = reinterpret_cast<uint8_t*>(sec.data());
    ctx.secretlen = 32;
    ctx.t_cost = 2;
    ctx.m_cost = 256;
    ctx.lanes = ctx.threads = 1;
    ctx.version = ARGON2_VERSION_13;
    REQUIRE(argon2_ctx(&ctx, Argon2_id) == ARGON2_OK);
    CHECK(out == parsed.hash);

    // The same pepper under another key id, or another pepper: never a match.
    PasswordHasher wrong(pwtest::small_argon2(), pwtest::peppers({{"k2025", std::string(32, 'Q')}}), "k2025");
    CHECK(wrong.verify("pw with pepper", h) == VerifyResult::Mismatch);
    // A peppered hash is not verifiable without its pepper (libargon2 sees no secret).
    CHECK(argon2id_verify(h.c_str(), "pw with pepper", 14) != ARGON2_OK);
}

TEST_CASE("password: Argon2id with parallelism > 1 round-trips") {
    HashPolicy p = pwtest::small_argon2();
    p.argon2_parallelism = 4;
    PasswordHasher hasher(p, {}, "");
    const std::string h = hasher.hash("lanes");
    CHECK(h.rfind("$argon2id$v=19$m=256,t=2,p=4$", 0) == 0);
    CHECK(hasher.verify("lanes", h) == VerifyResult::Match);
    CHECK(argon2id_verify(h.c_str(), "lanes", 5) == ARGON2_OK);
}
