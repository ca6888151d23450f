// password/pbkdf2_fast.cpp — PBKDF2-HMAC with two compression calls per iteration.
//
// Why not PKCS5_PBKDF2_HMAC: per iteration OpenSSL runs a full HMAC through the EVP layer
// (context copies, Update/Final bookkeeping, padding), about 2.9x the cost of the two
// SHA compressions an iteration really needs. Here, as in the fastest implementations:
//   * the HMAC key is absorbed once: the inner (key^ipad) and outer (key^opad) states are
//     each one compression, computed before the loop;
//   * every later message has a fixed length (U_{j-1} for the inner hash, the inner digest
//     for the outer hash), so its single padded block is built once and only its first
//     digest-size bytes change per iteration;
//   * an iteration = restore inner state, compress; restore outer state, compress; XOR the
//     eight state words into the accumulator.
//
// The compression function is OpenSSL's SHA256_Transform / SHA512_Transform (assembly with
// SHA-NI/AVX2 where available). They are deprecated in OpenSSL 3 because they expose the
// raw block function, which is exactly what this file needs; there is no EVP equivalent.
// So deprecation warnings (errors under -Werror) are silenced for this file only.
#define OPENSSL_SUPPRESS_DEPRECATED 1

#include "password/pbkdf2_fast.hpp"

#include <openssl/crypto.h>
#include <openssl/sha.h>

#include <cstring>
#include <type_traits>
#if defined(__GNUC__) && (defined(__x86_64__) || defined(__i386__))
#include <immintrin.h>
#endif

#include "verrou/error.hpp"

namespace verrou::pwd {
namespace {

struct Sha256 {
    using Ctx = SHA256_CTX;
    using Word = std::remove_all_extents_t<decltype(SHA256_CTX::h)>;
    static constexpr std::size_t block = 64, digest = 32, length_field = 8;
    static void init(Ctx* c) { SHA256_Init(c); }
    static void update(Ctx* c, const void* d, std::size_t n) { SHA256_Update(c, d, n); }
    static void final(unsigned char* md, Ctx* c) { SHA256_Final(md, c); }
    static void transform(Ctx* c, const unsigned char* b) { SHA256_Transform(c, b); }
};

struct Sha512 {
    using Ctx = SHA512_CTX;
    using Word = std::remove_all_extents_t<decltype(SHA512_CTX::h)>;
    static constexpr std::size_t block = 128, digest = 64, length_field = 16;
    static void init(Ctx* c) { SHA512_Init(c); }
    static void update(Ctx* c, const void* d, std::size_t n) { SHA512_Update(c, d, n); }
    static void final(unsigned char* md, Ctx* c) { SHA512_Final(md, c); }
    static void transform(Ctx* c, const unsigned char* b) { SHA512_Transform(c, b); }
};

template <class W>
inline void store_be(unsigned char* p, W w) noexcept {
    for (std::size_t i = 0; i < sizeof(W); ++i) {
        p[i] = static_cast<unsigned char>(w >> (8 * (sizeof(W) - 1 - i)));
    }
}

template <class W>
inline W load_be(const unsigned char* p) noexcept {
    W w = 0;
    for (std::size_t i = 0; i < sizeof(W); ++i) w = static_cast<W>((w << 8) | p[i]);
    return w;
}

/// Digest words (the hash state after the last block) → their big-endian byte form.
template <class H>
inline void store_state(unsigned char* p, const typename H::Word* h) noexcept {
    for (std::size_t i = 0; i < 8; ++i) store_be(p + i * sizeof(typename H::Word), h[i]);
}

/// Default state → block writer: byte order fixed word by word.
struct PlainStore {
    template <class H>
    static inline void store(unsigned char* p, const typename H::Word* h) noexcept {
        store_state<H>(p, h);
    }
};

#if defined(__GNUC__)
#define VERROU_ALWAYS_INLINE inline __attribute__((always_inline))
// SHA-256 state → block with 16-byte stores. The SHA-NI / AVX block functions read the block
// with 16-byte loads; feeding them from eight 4-byte stores defeats store-to-load
// forwarding and stalls every compression. A byte swap on 4 lanes at once (plain SSE2
// shifts, no CPU dispatch needed) keeps the loop near the compressions' pace.
typedef std::uint32_t U32x4 __attribute__((vector_size(16)));
template <>
inline void store_state<Sha256>(unsigned char* p, const Sha256::Word* h) noexcept {
    for (std::size_t i = 0; i < 8; i += 4) {
        U32x4 v;
        std::memcpy(&v, h + i, sizeof v);
        v = (v << 24) | ((v & 0xff00u) << 8) | ((v >> 8) & 0xff00u) | (v >> 24);
        std::memcpy(p + i * 4, &v, sizeof v);
    }
}
#else
#define VERROU_ALWAYS_INLINE inline
#endif

#if defined(__GNUC__) && (defined(__x86_64__) || defined(__i386__))
#define VERROU_PBKDF2_SSSE3 1
// The state → block hop is on the critical path of every compression (the next block is the
// previous digest), so its latency counts: one SSSE3 byte shuffle per 4 words (latency 1)
// instead of the shift/mask/or chain above took PBKDF2-HMAC-SHA256 from 1.14x to 1.08x the
// compression limit (docs/benchmarks.md). SSSE3 is not in the x86-64 baseline: used only
// when the CPU has it (every CPU with SHA-NI does), chosen once per call.
struct Ssse3Store {
    template <class H>
    __attribute__((target("ssse3"))) static inline void store(unsigned char* p,
                                                                              const std::uint32_t* h) noexcept {
        static_assert(std::is_same_v<H, Sha256>);
        const __m128i swap = _mm_set_epi8(12, 13, 14, 15, 8, 9, 10, 11, 4, 5, 6, 7, 0, 1, 2, 3);
        const __m128i lo = _mm_loadu_si128(reinterpret_cast<const __m128i*>(h));
        const __m128i hi = _mm_loadu_si128(reinterpret_cast<const __m128i*>(h + 4));
        _mm_storeu_si128(reinterpret_cast<__m128i*>(p), _mm_shuffle_epi8(lo, swap));
        _mm_storeu_si128(reinterpret_cast<__m128i*>(p + 16), _mm_shuffle_epi8(hi, swap));
    }
};
#endif

/// A block holding one digest (filled per iteration) then SHA padding for a message of
/// block + digest bytes (the key block was absorbed before).
template <class H>
void prepare_block(unsigned char* b) noexcept {
    std::memset(b, 0, H::block);
    b[H::digest] = 0x80;
    const std::uint64_t bits = static_cast<std::uint64_t>(H::block + H::digest) * 8;
    store_be(b + H::block - 8, bits);  // high half of a 128-bit length field stays zero
}

template <class H, class Store>
VERROU_ALWAYS_INLINE void pbkdf2(const unsigned char* pw, std::size_t pw_len, const unsigned char* salt, std::size_t salt_len,
            std::uint32_t iterations, unsigned char* out, std::size_t out_len) {
    using Word = typename H::Word;
    constexpr std::size_t nwords = 8;

    unsigned char key[H::block] = {};
    unsigned char pad[H::block];
    unsigned char iblock[H::block], oblock[H::block];
    unsigned char digest[H::digest];
    unsigned char counter[4];
    typename H::Ctx inner, outer, tmp, work;
    Word istate[nwords], ostate[nwords], acc[nwords];

    // HMAC key: hashed when longer than a block, then zero-padded.
    if (pw_len > H::block) {
        H::init(&tmp);
        H::update(&tmp, pw, pw_len);
        H::final(key, &tmp);
    } else if (pw_len > 0) {
        std::memcpy(key, pw, pw_len);
    }
    for (std::size_t i = 0; i < H::block; ++i) pad[i] = static_cast<unsigned char>(key[i] ^ 0x36);
    H::init(&inner);
    H::update(&inner, pad, H::block);
    for (std::size_t i = 0; i < H::block; ++i) pad[i] = static_cast<unsigned char>(key[i] ^ 0x5c);
    H::init(&outer);
    H::update(&outer, pad, H::block);
    std::memcpy(istate, inner.h, sizeof istate);
    std::memcpy(ostate, outer.h, sizeof ostate);
    work = inner;  // only work.h is used below; the rest just needs to be initialised

    prepare_block<H>(iblock);
    prepare_block<H>(oblock);

    std::uint32_t block_index = 1;
    for (std::size_t done = 0; done < out_len; ++block_index) {
        // U_1 = HMAC(P, S || INT_32_BE(i)): variable-length message, generic path.
        store_be(counter, block_index);
        tmp = inner;
        H::update(&tmp, salt, salt_len);
        H::update(&tmp, counter, sizeof counter);
        H::final(digest, &tmp);
        tmp = outer;
        H::update(&tmp, digest, H::digest);
        H::final(iblock, &tmp);  // U_1 lands where the next inner message goes
        for (std::size_t w = 0; w < nwords; ++w) acc[w] = load_be<Word>(iblock + w * sizeof(Word));

        // U_j = HMAC(P, U_{j-1}): two compressions on pre-padded blocks.
        for (std::uint32_t j = 1; j < iterations; ++j) {
            std::memcpy(work.h, istate, sizeof istate);
            H::transform(&work, iblock);
            Store::template store<H>(oblock, work.h);
            std::memcpy(work.h, ostate, sizeof ostate);
            H::transform(&work, oblock);
            Store::template store<H>(iblock, work.h);
            for (std::size_t w = 0; w < nwords; ++w) acc[w] ^= work.h[w];
        }

        store_state<H>(digest, acc);
        const std::size_t take = out_len - done < H::digest ? out_len - done : H::digest;
        std::memcpy(out + done, digest, take);
        done += take;
    }

    OPENSSL_cleanse(key, sizeof key);
    OPENSSL_cleanse(pad, sizeof pad);
    OPENSSL_cleanse(iblock, sizeof iblock);
    OPENSSL_cleanse(oblock, sizeof oblock);
    OPENSSL_cleanse(digest, sizeof digest);
    OPENSSL_cleanse(&inner, sizeof inner);
    OPENSSL_cleanse(&outer, sizeof outer);
    OPENSSL_cleanse(&tmp, sizeof tmp);
    OPENSSL_cleanse(&work, sizeof work);
    OPENSSL_cleanse(istate, sizeof istate);
    OPENSSL_cleanse(ostate, sizeof ostate);
    OPENSSL_cleanse(acc, sizeof acc);
}

#ifdef VERROU_PBKDF2_SSSE3
// The whole loop is compiled for SSSE3 so the shuffle inlines into it.
__attribute__((target("ssse3"))) void pbkdf2_sha256_ssse3(const unsigned char* pw, std::size_t pw_len,
                                                          const unsigned char* salt, std::size_t salt_len,
                                                          std::uint32_t iterations, unsigned char* out,
                                                          std::size_t out_len) {
    pbkdf2<Sha256, Ssse3Store>(pw, pw_len, salt, salt_len, iterations, out, out_len);
}
#endif

void check_arguments(const unsigned char* password, std::size_t password_len, const unsigned char* salt,
                     std::size_t salt_len, std::uint32_t iterations, const unsigned char* out, std::size_t out_len) {
    if (iterations == 0) throw Error(Code::InvalidArgument, "PBKDF2: iteration count must be at least 1");
    if (out_len == 0 || out == nullptr) throw Error(Code::InvalidArgument, "PBKDF2: output length must be at least 1");
    if ((password_len > 0 && password == nullptr) || (salt_len > 0 && salt == nullptr)) {
        throw Error(Code::InvalidArgument, "PBKDF2: null buffer with non-zero length");
    }
}

}  // namespace

void pbkdf2_hmac_portable(Pbkdf2Prf prf, const unsigned char* password, std::size_t password_len,
                          const unsigned char* salt, std::size_t salt_len, std::uint32_t iterations,
                          unsigned char* out, std::size_t out_len) {
    check_arguments(password, password_len, salt, salt_len, iterations, out, out_len);
    if (prf == Pbkdf2Prf::Sha256) {
        pbkdf2<Sha256, PlainStore>(password, password_len, salt, salt_len, iterations, out, out_len);
    } else {
        pbkdf2<Sha512, PlainStore>(password, password_len, salt, salt_len, iterations, out, out_len);
    }
}

void pbkdf2_hmac(Pbkdf2Prf prf, const unsigned char* password, std::size_t password_len,
                 const unsigned char* salt, std::size_t salt_len, std::uint32_t iterations,
                 unsigned char* out, std::size_t out_len) {
#ifdef VERROU_PBKDF2_SSSE3
    static const bool has_ssse3 = __builtin_cpu_supports("ssse3");
    if (prf == Pbkdf2Prf::Sha256 && has_ssse3) {
        check_arguments(password, password_len, salt, salt_len, iterations, out, out_len);
        return pbkdf2_sha256_ssse3(password, password_len, salt, salt_len, iterations, out, out_len);
    }
#endif
    pbkdf2_hmac_portable(prf, password, password_len, salt, salt_len, iterations, out, out_len);
}

}  // namespace verrou::pwd
