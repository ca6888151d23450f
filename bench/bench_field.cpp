// bench_field — field encryption throughput against raw OpenSSL, in one process.
//
// Each contender encrypts then decrypts N values of one size (64 bytes, 4 KiB) per run:
//   verrou   FieldEncryptor::encrypt + decrypt: RAND_bytes nonce, AES-256-GCM, AAD = header ‖
//            context, Base64 text out, strict parse back, plaintext in a wiped buffer;
//   raw EVP  the same AES-256-GCM work straight on EVP (fresh RAND_bytes nonce, a new
//            EVP_CIPHER_CTX per operation, the cipher fetched once, same AAD), binary out;
//   raw EVP + Base64  the same, plus OpenSSL's EVP_EncodeBlock / EVP_DecodeBlock: what a
//            program storing the result in a text column must add.
// The baseline is what a careful program spends on the cryptography alone: the ratio says what
// verrou's format (Base64, parsing, checks, wiping) costs on top (goal: >= 0.9x throughput).
// Contenders alternate within each round (the order rotates); medians reported.
#include <openssl/evp.h>
#include <openssl/rand.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <functional>
#include <stdexcept>
#include <string>
#include <vector>

#include "bench_support.hpp"
#include "verrou/encryption.hpp"

namespace {

using bench::Contender;
using bench::median;




volatile std::size_t g_sink;

void race(const std::string& title, std::vector<Contender>& cs, int rounds, std::size_t ops, std::size_t bytes) {
    bench::run_interleaved(cs, rounds);
    const double base = median(cs.back().ms);
    std::printf("\n#### %s (%d rounds of %zu encrypt+decrypt, median)\n\n"
                "| implementation | median ms | values/s | MB/s | throughput vs %s |\n|---|---:|---:|---:|---:|\n",
                title.c_str(), rounds, ops, cs.back().name.c_str());
    for (auto& c : cs) {
        const double m = median(c.ms);
        std::printf("| %s | %.2f | %.0f | %.1f | %.3f |\n", c.name.c_str(), m, static_cast<double>(ops) / (m / 1000.0),
                    static_cast<double>(ops * bytes) / (m / 1000.0) / 1e6, base / m);
    }
    std::fflush(stdout);
}

struct Raw {
    EVP_CIPHER* cipher = EVP_CIPHER_fetch(nullptr, "AES-256-GCM", nullptr);
    unsigned char key[32];
    std::string aad = "verrou:v1:k1:bench.column#42";

    Raw() { RAND_bytes(key, sizeof key); }
    ~Raw() { EVP_CIPHER_free(cipher); }

    // nonce ‖ ciphertext ‖ tag, then back.
    std::size_t round_trip(const std::string& plaintext, std::vector<unsigned char>& blob, std::string& out) const {
        const int n = static_cast<int>(plaintext.size());
        blob.resize(12 + plaintext.size() + 16);
        int len = 0;
        if (RAND_bytes(blob.data(), 12) != 1) throw std::runtime_error("RAND_bytes");
        EVP_CIPHER_CTX* c = EVP_CIPHER_CTX_new();
        EVP_EncryptInit_ex2(c, cipher, key, blob.data(), nullptr);
        EVP_EncryptUpdate(c, nullptr, &len, reinterpret_cast<const unsigned char*>(aad.data()), static_cast<int>(aad.size()));
        EVP_EncryptUpdate(c, blob.data() + 12, &len, reinterpret_cast<const unsigned char*>(plaintext.data()), n);
        EVP_EncryptFinal_ex(c, blob.data() + 12 + n, &len);
        EVP_CIPHER_CTX_ctrl(c, EVP_CTRL_GCM_GET_TAG, 16, blob.data() + 12 + n);
        EVP_CIPHER_CTX_free(c);

        out.resize(plaintext.size());
        c = EVP_CIPHER_CTX_new();
        EVP_DecryptInit_ex2(c, cipher, key, blob.data(), nullptr);
        EVP_DecryptUpdate(c, nullptr, &len, reinterpret_cast<const unsigned char*>(aad.data()), static_cast<int>(aad.size()));
        EVP_DecryptUpdate(c, reinterpret_cast<unsigned char*>(out.data()), &len, blob.data() + 12, n);
        EVP_CIPHER_CTX_ctrl(c, EVP_CTRL_GCM_SET_TAG, 16, blob.data() + 12 + n);
        const int ok = EVP_DecryptFinal_ex(c, reinterpret_cast<unsigned char*>(out.data()) + n, &len);
        EVP_CIPHER_CTX_free(c);
        if (ok != 1) throw std::runtime_error("raw EVP round trip failed");
        return out.size();
    }

    std::size_t round_trip_text(const std::string& plaintext, std::vector<unsigned char>& blob, std::string& out,
                                std::string& text) const {
        const std::size_t n = round_trip(plaintext, blob, out);
        text.resize(4 * ((blob.size() + 2) / 3) + 1);
        const int len = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(text.data()), blob.data(),
                                        static_cast<int>(blob.size()));
        std::vector<unsigned char> back(static_cast<std::size_t>(len));
        if (EVP_DecodeBlock(back.data(), reinterpret_cast<const unsigned char*>(text.data()), len) < 0) {
            throw std::runtime_error("EVP_DecodeBlock");
        }
        return n;
    }
};

}  // namespace

int main(int argc, char** argv) {
    const int rounds = argc > 1 ? std::atoi(argv[1]) : 15;
    std::vector<verrou::FieldKey> keys;
    std::string key(32, '\0');
    RAND_bytes(reinterpret_cast<unsigned char*>(key.data()), 32);
    keys.push_back({"k1", verrou::SecretBuffer(key)});
    const verrou::FieldEncryptor enc(std::move(keys), "k1");
    const Raw raw;
    const std::string context = "bench.column#42";

    std::printf("## Field encryption: encrypt + decrypt, verrou vs raw EVP AES-256-GCM\n");
    for (const std::size_t size : {std::size_t{64}, std::size_t{4096}}) {
        const std::size_t ops = size == 64 ? 20000 : 5000;
        const std::string value(size, 'v');
        std::vector<unsigned char> blob;
        std::string out, text;
        std::vector<Contender> cs{
            {"verrou FieldEncryptor", [&] {
                 std::size_t total = 0;
                 for (std::size_t i = 0; i < ops; ++i) total += enc.decrypt(enc.encrypt(value, context), context).size();
                 g_sink = total;
             }, {}},
            {"raw EVP AES-256-GCM + EVP_EncodeBlock/DecodeBlock", [&] {
                 std::size_t total = 0;
                 for (std::size_t i = 0; i < ops; ++i) total += raw.round_trip_text(value, blob, out, text);
                 g_sink = total;
             }, {}},
            {"raw EVP AES-256-GCM", [&] {
                 std::size_t total = 0;
                 for (std::size_t i = 0; i < ops; ++i) total += raw.round_trip(value, blob, out);
                 g_sink = total;
             }, {}},
        };
        race(std::to_string(size) + "-byte values", cs, rounds, ops, size);
    }
    return 0;
}
