// Strict parsing of untrusted stored strings: every malformed class and every bound.
#include <doctest/doctest.h>

#include "password/phc.hpp"
#include "test_password_util.hpp"
#include "verrou/error.hpp"
#include "verrou/password.hpp"

using namespace verrou;

namespace {

Code parse_code(const std::string& s) {
    try {
        pwd::parse_stored(s);
    } catch (const Error& e) {
        return e.code();
    }
    return Code::Ok;
}

std::string b64(std::size_t n, unsigned char fill = 0x5a) {
    const std::vector<unsigned char> v(n, fill);
    return pwd::b64_encode(v);
}

std::string argon(const std::string& params, std::size_t salt = 16, std::size_t hash = 32) {
    return "$argon2id$v=19$" + params + "$" + b64(salt) + "$" + b64(hash);
}

std::string pbkdf2(const std::string& params, std::size_t salt = 16, std::size_t hash = 32) {
    return "$pbkdf2-sha256$" + params + "$" + b64(salt) + "$" + b64(hash);
}

}  // namespace

TEST_CASE("password: base64 codec is strict and canonical") {
    const std::vector<unsigned char> data = {0xfb, 0xff, 0x00, 0x10};
    CHECK(pwd::b64_encode(data) == "+/8AEA");
    CHECK(pwd::b64_encode(data.data(), 4, pwd::B64Alphabet::Adapted) == "./8AEA");
    CHECK(pwd::b64_encode(data.data(), 4, pwd::B64Alphabet::Standard, true) == "+/8AEA==");
    CHECK(*pwd::b64_decode("+/8AEA") == data);
    CHECK(*pwd::b64_decode("./8AEA", pwd::B64Alphabet::Adapted) == data);
    CHECK(*pwd::b64_decode("+/8AEA==", pwd::B64Alphabet::Standard, pwd::B64Padding::Required) == data);
    CHECK_FALSE(pwd::b64_decode("+/8AEA==").has_value());                                   // padding forbidden
    CHECK_FALSE(pwd::b64_decode("+/8AEA", pwd::B64Alphabet::Standard, pwd::B64Padding::Required));
    CHECK_FALSE(pwd::b64_decode("+/8AEB").has_value());                                     // non-canonical bits
    CHECK_FALSE(pwd::b64_decode("+/8AE").has_value());                                      // 6 stray bits
    CHECK_FALSE(pwd::b64_decode("+/8A*A").has_value());
    CHECK_FALSE(pwd::b64_decode("./8AEA").has_value());                                     // '.' not standard
    CHECK_FALSE(pwd::b64_decode("+/8AEA", pwd::B64Alphabet::Adapted).has_value());          // '+' not adapted
    CHECK(pwd::b64_decode("").has_value());
    // Python's base64 agrees with the encoder on random data.
    std::mt19937_64 rng(7);
    const auto r = pwtest::random_bytes(rng, 47);
    CHECK(pwtest::run("python3 -c 'import base64;print(base64.b64encode(bytes.fromhex(\"" + pwtest::hex(r.data(), r.size()) +
                      "\")).decode().rstrip(\"=\"))'") == pwd::b64_encode(r));
}

TEST_CASE("password: malformed stored strings are rejected with the right code") {
    CHECK(parse_code("") == Code::HashMalformed);
    CHECK(parse_code(std::string(513, '$')) == Code::HashMalformed);
    CHECK(parse_code("plaintext") == Code::HashMalformed);
    CHECK(parse_code("$") == Code::HashMalformed);
    CHECK(parse_code("$argon2i$v=19$m=256,t=2,p=1$" + b64(16) + "$" + b64(32)) == Code::HashUnknownAlgorithm);
    CHECK(parse_code("$argon2d$v=19$m=256,t=2,p=1$" + b64(16) + "$" + b64(32)) == Code::HashUnknownAlgorithm);
    CHECK(parse_code("$2b$12$abcdefghijklmnopqrstuu") == Code::HashUnknownAlgorithm);
    CHECK(parse_code("pbkdf2_sha1$1000$saltsalt$" + b64(20)) == Code::HashUnknownAlgorithm);
    CHECK(parse_code("$pbkdf2$1000$c2FsdHNhbHQ$" + b64(20)) == Code::HashUnknownAlgorithm);

    // Field counts.
    CHECK(parse_code(argon("m=256,t=2,p=1")) == Code::Ok);
    CHECK(parse_code(argon("m=256,t=2,p=1") + "$") == Code::HashMalformed);
    CHECK(parse_code("$argon2id$v=19$m=256,t=2,p=1$" + b64(16)) == Code::HashMalformed);
    CHECK(parse_code("$argon2id$m=256,t=2,p=1$" + b64(16) + "$" + b64(32)) == Code::HashMalformed);  // no v=
    CHECK(parse_code(pbkdf2("i=1000") + "$" + b64(4)) == Code::HashMalformed);
    CHECK(parse_code("$pbkdf2-sha256$i=1000$" + b64(16)) == Code::HashMalformed);

    // Parameters: names, order, syntax.
    CHECK(parse_code("$argon2id$v=16$m=256,t=2,p=1$" + b64(16) + "$" + b64(32)) == Code::HashParameterOutOfRange);
    CHECK(parse_code(argon("t=2,m=256,p=1")) == Code::HashMalformed);
    CHECK(parse_code(argon("m=256,t=2")) == Code::HashMalformed);
    CHECK(parse_code(argon("m=256,t=2,p=1,data=YWJj")) == Code::HashMalformed);
    CHECK(parse_code(argon("m=256,t=2,p=1,keyid=azE,x=1")) == Code::HashMalformed);
    CHECK(parse_code(argon("m=0256,t=2,p=1")) == Code::HashMalformed);
    CHECK(parse_code(argon("m=-256,t=2,p=1")) == Code::HashMalformed);
    CHECK(parse_code(argon("m=+256,t=2,p=1")) == Code::HashMalformed);
    CHECK(parse_code(argon("m=25 6,t=2,p=1")) == Code::HashMalformed);
    CHECK(parse_code(argon("m=,t=2,p=1")) == Code::HashMalformed);
    CHECK(parse_code(argon("m256,t=2,p=1")) == Code::HashMalformed);
    CHECK(parse_code(pbkdf2("rounds=1000")) == Code::HashMalformed);
    CHECK(parse_code(pbkdf2("i=1000,")) == Code::HashMalformed);

    // Key ids.
    CHECK(pwd::parse_stored(argon("m=256,t=2,p=1,keyid=azIwMjU")).key_id == "k2025");
    CHECK(parse_code(argon("m=256,t=2,p=1,keyid=")) == Code::HashMalformed);
    CHECK(parse_code(argon("m=256,t=2,p=1,keyid=a*E")) == Code::HashMalformed);
    CHECK(parse_code(argon("m=256,t=2,p=1,keyid=YSBi")) == Code::HashMalformed);  // "a b"
    CHECK(parse_code(argon("m=256,t=2,p=1,keyid=" + b64(33, 'k'))) == Code::HashMalformed);
    CHECK(parse_code(pbkdf2("i=1000,keyid=azE")) == Code::Ok);

    // Base64 fields.
    const std::string ok = argon("m=256,t=2,p=1");
    CHECK(parse_code("$argon2id$v=19$m=256,t=2,p=1$" + b64(16) + "==$" + b64(32)) == Code::HashMalformed);
    CHECK(parse_code("$argon2id$v=19$m=256,t=2,p=1$" + b64(16) + "$" + b64(32) + "=") == Code::HashMalformed);
    CHECK(parse_code("$argon2id$v=19$m=256,t=2,p=1$" + b64(16) + "$" + b64(32).replace(3, 1, "!")) ==
          Code::HashMalformed);
    CHECK(parse_code("$argon2id$v=19$m=256,t=2,p=1$$" + b64(32)) == Code::HashParameterOutOfRange);
    CHECK(parse_code("$argon2id$v=19$m=256,t=2,p=1$" + b64(16) + "$") == Code::HashParameterOutOfRange);
}

TEST_CASE("password: every stored parameter at and beyond its bound") {
    using C = Code;
    // Argon2 m: [8*p, 4 GiB in KiB]
    CHECK(parse_code(argon("m=8,t=1,p=1")) == C::Ok);
    CHECK(parse_code(argon("m=7,t=1,p=1")) == C::HashParameterOutOfRange);
    CHECK(parse_code(argon("m=4194304,t=1,p=1")) == C::Ok);
    CHECK(parse_code(argon("m=4194305,t=1,p=1")) == C::HashParameterOutOfRange);
    CHECK(parse_code(argon("m=99999999999999999999,t=1,p=1")) == C::HashParameterOutOfRange);
    CHECK(parse_code(argon("m=31,t=1,p=4")) == C::HashParameterOutOfRange);
    // t: [1, 1e8]
    CHECK(parse_code(argon("m=256,t=0,p=1")) == C::HashParameterOutOfRange);
    CHECK(parse_code(argon("m=256,t=100000000,p=1")) == C::Ok);
    CHECK(parse_code(argon("m=256,t=100000001,p=1")) == C::HashParameterOutOfRange);
    // p: [1, 255]
    CHECK(parse_code(argon("m=4096,t=1,p=0")) == C::HashParameterOutOfRange);
    CHECK(parse_code(argon("m=4096,t=1,p=255")) == C::Ok);
    CHECK(parse_code(argon("m=4096,t=1,p=256")) == C::HashParameterOutOfRange);
    // PBKDF2 i: [1, 1e8]
    CHECK(parse_code(pbkdf2("i=0")) == C::HashParameterOutOfRange);
    CHECK(parse_code(pbkdf2("i=1")) == C::Ok);
    CHECK(parse_code(pbkdf2("i=100000000")) == C::Ok);
    CHECK(parse_code(pbkdf2("i=100000001")) == C::HashParameterOutOfRange);
    CHECK(parse_code("$pbkdf2-sha512$i=4294967296$" + b64(16) + "$" + b64(64)) == C::HashParameterOutOfRange);
    // salt: [8, 64] bytes; hash: [16, 64] bytes
    CHECK(parse_code(argon("m=256,t=2,p=1", 7)) == C::HashParameterOutOfRange);
    CHECK(parse_code(argon("m=256,t=2,p=1", 8)) == C::Ok);
    CHECK(parse_code(argon("m=256,t=2,p=1", 64)) == C::Ok);
    CHECK(parse_code(argon("m=256,t=2,p=1", 65)) == C::HashParameterOutOfRange);
    CHECK(parse_code(argon("m=256,t=2,p=1", 16, 15)) == C::HashParameterOutOfRange);
    CHECK(parse_code(argon("m=256,t=2,p=1", 16, 16)) == C::Ok);
    CHECK(parse_code(argon("m=256,t=2,p=1", 16, 64)) == C::Ok);
    CHECK(parse_code(argon("m=256,t=2,p=1", 16, 65)) == C::HashParameterOutOfRange);
    CHECK(parse_code(pbkdf2("i=1000", 7)) == C::HashParameterOutOfRange);
    CHECK(parse_code(pbkdf2("i=1000", 16, 65)) == C::HashParameterOutOfRange);
    CHECK(parse_code(pbkdf2("i=1000", 100)) == C::HashParameterOutOfRange);  // bounded before decoding
    CHECK(parse_code(pbkdf2("i=1000", 4000)) == C::HashMalformed);           // whole string too long

    // The message names the field.
    try {
        pwd::parse_stored(argon("m=256,t=0,p=1"));
    } catch (const Error& e) {
        CHECK(std::string(e.what()).find(" t ") != std::string::npos);
    }
    try {
        pwd::parse_stored(argon("m=256,t=2,p=1", 7));
    } catch (const Error& e) {
        CHECK(std::string(e.what()).find("salt") != std::string::npos);
    }
}

TEST_CASE("password: a truncated or altered hash never verifies") {
    PasswordHasher hasher(pwtest::small_argon2(), {}, "");
    const std::string h = hasher.hash("pw");
    for (std::size_t cut = 1; cut <= 30; ++cut) {
        const std::string t = h.substr(0, h.size() - cut);
        try {
            const VerifyResult r = hasher.verify("pw", t);
            CHECK(r == VerifyResult::Mismatch);
        } catch (const Error& e) {
            CHECK((e.code() == Code::HashMalformed || e.code() == Code::HashParameterOutOfRange));
        }
    }
    std::string flipped = h;
    flipped[flipped.size() - 5] = flipped[flipped.size() - 5] == 'A' ? 'B' : 'A';
    CHECK(hasher.verify("pw", flipped) == VerifyResult::Mismatch);
    // Same hash bytes, different parameters: mismatch.
    std::string other = h;
    other.replace(other.find("t=2"), 3, "t=3");
    CHECK(hasher.verify("pw", other) == VerifyResult::Mismatch);
    // Parameters beyond their bounds through verify(): the right code, no computation.
    CHECK_THROWS_AS(hasher.verify("pw", argon("m=4194305,t=1,p=1")), Error);
    try {
        hasher.verify("pw", pbkdf2("i=100000001"));
    } catch (const Error& e) {
        CHECK(e.code() == Code::HashParameterOutOfRange);
    }
}
