// Fast PBKDF2 against RFC 7914 §11, OpenSSL's PKCS5_PBKDF2_HMAC and Python's hashlib.
#include <doctest/doctest.h>

#include <openssl/evp.h>

#include <random>

#include "password/kdf.hpp"
#include "password/pbkdf2_fast.hpp"
#include "test_password_util.hpp"
#include "verrou/error.hpp"

using namespace verrou;
using pwd::Pbkdf2Prf;

namespace {

std::string fast_hex(Pbkdf2Prf prf, std::string_view pw, std::string_view salt, std::uint32_t iter, std::size_t len) {
    std::vector<unsigned char> out(len);
    pwd::pbkdf2_hmac(prf, reinterpret_cast<const unsigned char*>(pw.data()), pw.size(),
                     reinterpret_cast<const unsigned char*>(salt.data()), salt.size(), iter, out.data(), len);
    return pwtest::hex(out.data(), out.size());
}

}  // namespace

TEST_CASE("password: fast PBKDF2-HMAC-SHA256 matches RFC 7914 section 11") {
    CHECK(fast_hex(Pbkdf2Prf::Sha256, "passwd", "salt", 1, 64) ==
          "55ac046e56e3089fec1691c22544b605f94185216dde0465e68b9d57c20dacbc"
          "49ca9cccf179b645991664b39d77ef317c71b845b1e30bd509112041d3a19783");
    CHECK(fast_hex(Pbkdf2Prf::Sha256, "Password", "NaCl", 80000, 64) ==
          "4ddcd8f60b98be21830cee5ef22701f9641a4418d04c0414aeff08876b34ab56"
          "a1d425a1225833549adb841b51c9b3176a272bdebba1d078478f62b397f33c8d");
}

TEST_CASE("password: fast PBKDF2 equals OpenSSL PKCS5_PBKDF2_HMAC on thousands of random cases") {
    std::mt19937_64 rng(0x5eed'0001);
    for (Pbkdf2Prf prf : {Pbkdf2Prf::Sha256, Pbkdf2Prf::Sha512}) {
        const EVP_MD* md = prf == Pbkdf2Prf::Sha256 ? EVP_sha256() : EVP_sha512();
        for (int i = 0; i < 2000; ++i) {
            // Passwords up to 300 bytes (over both block sizes: the key is hashed first),
            // salts up to 80, outputs up to 300 bytes (several hash blocks, partial last block).
            const auto pw = pwtest::random_bytes(rng, rng() % 301);
            const auto salt = pwtest::random_bytes(rng, rng() % 81);
            const auto iter = static_cast<std::uint32_t>(1 + rng() % 40);
            const std::size_t len = 1 + rng() % 300;
            std::vector<unsigned char> mine(len), portable(len), ref(len);
            pwd::pbkdf2_hmac(prf, pw.data(), pw.size(), salt.data(), salt.size(), iter, mine.data(), len);
            pwd::pbkdf2_hmac_portable(prf, pw.data(), pw.size(), salt.data(), salt.size(), iter, portable.data(),
                                      len);
            REQUIRE(PKCS5_PBKDF2_HMAC(reinterpret_cast<const char*>(pw.data()), static_cast<int>(pw.size()),
                                      salt.data(), static_cast<int>(salt.size()), static_cast<int>(iter), md,
                                      static_cast<int>(len), ref.data()) == 1);
            if (mine != ref || portable != ref) {
                FAIL_CHECK("case " << i << " prf " << (prf == Pbkdf2Prf::Sha256 ? 256 : 512) << " pw "
                                   << pw.size() << " salt " << salt.size() << " iter " << iter << " len " << len
                                   << (mine != ref ? " (fastest path)" : " (portable path)"));
                break;
            }
        }
    }
    // Boundary password lengths around the block sizes, with more iterations.
    for (std::size_t n : {0, 1, 63, 64, 65, 127, 128, 129, 4096}) {
        for (Pbkdf2Prf prf : {Pbkdf2Prf::Sha256, Pbkdf2Prf::Sha512}) {
            const auto pw = pwtest::random_bytes(rng, n);
            const std::string spw(pw.begin(), pw.end());
            const auto ref = pwd::pbkdf2_openssl(prf == Pbkdf2Prf::Sha256 ? pwd::HmacDigest::Sha256
                                                                           : pwd::HmacDigest::Sha512,
                                                 spw, "saltsaltsaltsalt", 1000, 100);
            CHECK(fast_hex(prf, spw, "saltsaltsaltsalt", 1000, 100) == pwtest::hex(ref.view()));
        }
    }
}

TEST_CASE("password: fast PBKDF2 equals Python hashlib.pbkdf2_hmac") {
    std::mt19937_64 rng(0x5eed'0002);
    std::string args;
    std::vector<std::string> expected_mine;
    for (int i = 0; i < 8; ++i) {
        const bool sha256 = i % 2 == 0;
        const auto pw = pwtest::random_bytes(rng, 1 + rng() % 150);
        const auto salt = pwtest::random_bytes(rng, 8 + rng() % 40);
        const auto iter = static_cast<std::uint32_t>(1 + rng() % 3000);
        const std::size_t len = 1 + rng() % 160;
        args += std::string(" ") + (sha256 ? "sha256" : "sha512") + ":" + pwtest::hex(pw.data(), pw.size()) + ":" +
                pwtest::hex(salt.data(), salt.size()) + ":" + std::to_string(iter) + ":" + std::to_string(len);
        std::vector<unsigned char> out(len);
        pwd::pbkdf2_hmac(sha256 ? Pbkdf2Prf::Sha256 : Pbkdf2Prf::Sha512, pw.data(), pw.size(), salt.data(),
                         salt.size(), iter, out.data(), len);
        expected_mine.push_back(pwtest::hex(out.data(), len));
    }
    const std::string py =
        "import hashlib,sys\n"
        "for a in sys.argv[1:]:\n"
        "  d,p,s,i,l=a.split(\":\")\n"
        "  print(hashlib.pbkdf2_hmac(d,bytes.fromhex(p),bytes.fromhex(s),int(i),int(l)).hex())\n";
    const auto got = pwtest::lines(pwtest::run("python3 -c '" + py + "'" + args));
    REQUIRE(got.size() == expected_mine.size());
    for (std::size_t i = 0; i < got.size(); ++i) CHECK(got[i] == expected_mine[i]);
}

TEST_CASE("password: fast PBKDF2 rejects zero iterations and zero length") {
    unsigned char out[32];
    CHECK_THROWS_AS(pwd::pbkdf2_hmac(Pbkdf2Prf::Sha256, out, 1, out, 1, 0, out, 32), Error);
    CHECK_THROWS_AS(pwd::pbkdf2_hmac(Pbkdf2Prf::Sha256, out, 1, out, 1, 1, out, 0), Error);
    CHECK_THROWS_AS(pwd::pbkdf2_hmac_portable(Pbkdf2Prf::Sha256, out, 1, out, 1, 0, out, 32), Error);
}
