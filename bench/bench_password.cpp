// bench_password — verrou's password hashing against its baselines, in one process.
//
// PBKDF2-HMAC-SHA256/512: verrou's fast path vs OpenSSL PKCS5_PBKDF2_HMAC vs "the limit",
// a loop of the same number (2 per iteration) of chained SHA*_Transform calls — what any
// PBKDF2 must at least spend. Argon2id: verrou (libargon2 argon2_ctx) vs libsodium
// crypto_pwhash at the same parameters. Contenders alternate within each round (the order
// rotates) so frequency drift and neighbours' load hit all of them alike; medians reported.
//
// SHA*_Transform is deprecated in OpenSSL 3; the limit loop needs exactly that raw
// compression function, so deprecation is silenced for this file.
#define OPENSSL_SUPPRESS_DEPRECATED 1

#include <openssl/evp.h>
#include <openssl/sha.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <functional>
#include <string>
#include <vector>

#include "bench_support.hpp"
#include "password/kdf.hpp"
#include "password/pbkdf2_fast.hpp"

#ifdef VERROU_HAVE_SODIUM
#include <sodium.h>
#endif

namespace {

using bench::Contender;
using bench::median;




volatile unsigned char g_sink;

void race(const char* title, std::vector<Contender>& cs, int rounds) {
    bench::run_interleaved(cs, rounds);
    const double base = median(cs.back().ms);
    std::printf("\n### %s (%d rounds, median)\n\n| implementation | median ms | min ms | ratio to %s |\n|---|---:|---:|---:|\n",
                title, rounds, cs.back().name.c_str());
    for (auto& c : cs) {
        std::printf("| %s | %.1f | %.1f | %.3f |\n", c.name.c_str(), median(c.ms),
                    *std::min_element(c.ms.begin(), c.ms.end()), median(c.ms) / base);
    }
    std::fflush(stdout);
}

template <class Ctx, void (*Init)(Ctx*), void (*Transform)(Ctx*, const unsigned char*), std::size_t Block>
void chained_compressions(std::uint64_t n) {
    Ctx c;
    Init(&c);
    unsigned char block[Block] = {1, 2, 3};
    for (std::uint64_t i = 0; i < n; ++i) Transform(&c, block);  // each call depends on the last state
    g_sink = static_cast<unsigned char>(c.h[0]);
}

void init256(SHA256_CTX* c) { SHA256_Init(c); }
void tr256(SHA256_CTX* c, const unsigned char* b) { SHA256_Transform(c, b); }
void init512(SHA512_CTX* c) { SHA512_Init(c); }
void tr512(SHA512_CTX* c, const unsigned char* b) { SHA512_Transform(c, b); }

void bench_pbkdf2(bool sha256, std::uint32_t iterations, int rounds) {
    const std::string pw = "correct horse battery staple";
    const unsigned char salt[16] = {0x10, 0x32, 0x54, 0x76, 0x98, 0xba, 0xdc, 0xfe, 1, 2, 3, 4, 5, 6, 7, 8};
    const std::size_t out_len = sha256 ? 32 : 64;
    std::vector<unsigned char> a(out_len), b(out_len);
    verrou::pwd::pbkdf2_hmac(sha256 ? verrou::pwd::Pbkdf2Prf::Sha256 : verrou::pwd::Pbkdf2Prf::Sha512,
                             reinterpret_cast<const unsigned char*>(pw.data()), pw.size(), salt, sizeof salt,
                             iterations, a.data(), out_len);
    PKCS5_PBKDF2_HMAC(pw.data(), static_cast<int>(pw.size()), salt, sizeof salt, static_cast<int>(iterations),
                      sha256 ? EVP_sha256() : EVP_sha512(), static_cast<int>(out_len), b.data());
    if (a != b) {
        std::printf("MISMATCH between verrou and OpenSSL\n");
        std::exit(1);
    }
    std::vector<Contender> cs;
    cs.push_back({"verrou pbkdf2_hmac", [&] {
                      verrou::pwd::pbkdf2_hmac(sha256 ? verrou::pwd::Pbkdf2Prf::Sha256 : verrou::pwd::Pbkdf2Prf::Sha512,
                                               reinterpret_cast<const unsigned char*>(pw.data()), pw.size(), salt,
                                               sizeof salt, iterations, a.data(), out_len);
                  }, {}});
    if (sha256) {  // SHA-512 has one path; SHA-256 also has the SSSE3 one (pbkdf2_fast.cpp)
        cs.push_back({"verrou pbkdf2_hmac_portable (no SSSE3)", [&] {
                          verrou::pwd::pbkdf2_hmac_portable(verrou::pwd::Pbkdf2Prf::Sha256,
                                                            reinterpret_cast<const unsigned char*>(pw.data()),
                                                            pw.size(), salt, sizeof salt, iterations, a.data(),
                                                            out_len);
                      }, {}});
    }
    cs.push_back({"OpenSSL PKCS5_PBKDF2_HMAC", [&] {
                      PKCS5_PBKDF2_HMAC(pw.data(), static_cast<int>(pw.size()), salt, sizeof salt,
                                        static_cast<int>(iterations), sha256 ? EVP_sha256() : EVP_sha512(),
                                        static_cast<int>(out_len), b.data());
                  }, {}});
    const std::uint64_t calls = 2ull * iterations;
    cs.push_back({std::string("limit: ") + std::to_string(calls) + " chained SHA" + (sha256 ? "256" : "512") +
                      "_Transform",
                  [&] {
                      if (sha256) chained_compressions<SHA256_CTX, init256, tr256, 64>(calls);
                      else chained_compressions<SHA512_CTX, init512, tr512, 128>(calls);
                  }, {}});
    const std::string title = std::string("PBKDF2-HMAC-") + (sha256 ? "SHA256" : "SHA512") + ", " +
                              std::to_string(iterations) + " iterations, " + std::to_string(out_len) + "-byte output";
    race(title.c_str(), cs, rounds);
}

void bench_argon2(std::uint32_t m_kib, std::uint32_t t, int rounds) {
    const std::string pw = "correct horse battery staple";
    const std::string salt = "0123456789abcdef";
    std::vector<Contender> cs;
    cs.push_back({"verrou argon2id (libargon2 argon2_ctx)", [&] {
                      auto out = verrou::pwd::argon2id_raw(pw, salt, {}, {}, {m_kib, t, 1, 32});
                      g_sink = out.data()[0];
                  }, {}});
#ifdef VERROU_HAVE_SODIUM
    cs.push_back({"libsodium crypto_pwhash (ARGON2ID13)", [&] {
                      unsigned char out[32];
                      if (crypto_pwhash(out, sizeof out, pw.data(), pw.size(),
                                        reinterpret_cast<const unsigned char*>(salt.data()), t,
                                        static_cast<std::size_t>(m_kib) * 1024, crypto_pwhash_ALG_ARGON2ID13) != 0) {
                          std::printf("crypto_pwhash failed\n");
                          std::exit(1);
                      }
                      g_sink = out[0];
                  }, {}});
#endif
    const std::string title = "Argon2id m=" + std::to_string(m_kib) + " KiB, t=" + std::to_string(t) + ", p=1";
    race(title.c_str(), cs, rounds);
}

}  // namespace

int main(int argc, char** argv) {
    const int rounds = argc > 1 ? std::atoi(argv[1]) : 9;
#ifdef VERROU_HAVE_SODIUM
    if (sodium_init() < 0) return 1;
#endif
    std::printf("bench_password: %d rounds per contender, contenders alternate, order rotates each round\n", rounds);
    bench_pbkdf2(true, 600'000, rounds);
    bench_pbkdf2(false, 220'000, rounds);
    bench_argon2(19456, 2, rounds);
    return 0;
}
