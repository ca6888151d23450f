// password/hmac.cpp — HMAC via EVP_MAC and the generic PBKDF2, with RAII OpenSSL handles.
#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/params.h>

#include <memory>

#include "password/kdf.hpp"
#include "verrou/error.hpp"

namespace verrou::pwd {
namespace {

struct MacFree {
    void operator()(EVP_MAC* m) const noexcept { EVP_MAC_free(m); }
};
struct MacCtxFree {
    void operator()(EVP_MAC_CTX* c) const noexcept { EVP_MAC_CTX_free(c); }  // cleanses the key
};

const char* digest_name(HmacDigest d) noexcept {
    switch (d) {
        case HmacDigest::Sha256: return "SHA2-256";
        case HmacDigest::Sha512: return "SHA2-512";
        case HmacDigest::Sha3_256: return "SHA3-256";
    }
    return "SHA2-256";
}

const EVP_MD* digest_md(HmacDigest d) noexcept {
    switch (d) {
        case HmacDigest::Sha256: return EVP_sha256();
        case HmacDigest::Sha512: return EVP_sha512();
        case HmacDigest::Sha3_256: return EVP_sha3_256();
    }
    return EVP_sha256();
}

}  // namespace

WipedBytes hmac(HmacDigest digest, std::string_view key, std::string_view data) {
    std::unique_ptr<EVP_MAC, MacFree> mac(EVP_MAC_fetch(nullptr, "HMAC", nullptr));
    if (!mac) throw Error(Code::Crypto, "HMAC: EVP_MAC_fetch failed");
    std::unique_ptr<EVP_MAC_CTX, MacCtxFree> ctx(EVP_MAC_CTX_new(mac.get()));
    if (!ctx) throw Error(Code::Crypto, "HMAC: EVP_MAC_CTX_new failed");
    OSSL_PARAM params[] = {
        OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST, const_cast<char*>(digest_name(digest)), 0),
        OSSL_PARAM_construct_end(),
    };
    // An empty key is legal HMAC; OpenSSL wants a non-null pointer for it.
    static const unsigned char empty = 0;
    const unsigned char* k = key.empty() ? &empty : as_bytes(key);
    if (EVP_MAC_init(ctx.get(), k, key.size(), params) != 1) throw Error(Code::Crypto, "HMAC: init failed");
    if (!data.empty() && EVP_MAC_update(ctx.get(), as_bytes(data), data.size()) != 1) {
        throw Error(Code::Crypto, "HMAC: update failed");
    }
    WipedBytes out(EVP_MAC_CTX_get_mac_size(ctx.get()));
    std::size_t len = 0;
    if (EVP_MAC_final(ctx.get(), out.data(), &len, out.size()) != 1 || len != out.size()) {
        throw Error(Code::Crypto, "HMAC: final failed");
    }
    return out;
}

WipedBytes pbkdf2_openssl(HmacDigest digest, std::string_view password, std::string_view salt,
                          std::uint32_t iterations, std::size_t out_len) {
    if (iterations == 0 || iterations > static_cast<std::uint32_t>(INT32_MAX) || out_len == 0 ||
        out_len > static_cast<std::size_t>(INT32_MAX) || password.size() > static_cast<std::size_t>(INT32_MAX) ||
        salt.size() > static_cast<std::size_t>(INT32_MAX)) {
        throw Error(Code::InvalidArgument, "PBKDF2: argument out of range");
    }
    WipedBytes out(out_len);
    if (PKCS5_PBKDF2_HMAC(password.data(), static_cast<int>(password.size()), as_bytes(salt),
                          static_cast<int>(salt.size()), static_cast<int>(iterations), digest_md(digest),
                          static_cast<int>(out_len), out.data()) != 1) {
        throw Error(Code::Crypto, "PBKDF2: PKCS5_PBKDF2_HMAC failed");
    }
    return out;
}

}  // namespace verrou::pwd
