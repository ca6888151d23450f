// password/kdf.hpp — the raw primitives behind PasswordHasher (internal).
#pragma once

#include <cstdint>
#include <string_view>

#include "password/bytes.hpp"

namespace verrou::pwd {

enum class HmacDigest { Sha256, Sha512, Sha3_256 };

/// HMAC(key, data) through OpenSSL 3's EVP_MAC. Throws Error(Crypto).
WipedBytes hmac(HmacDigest digest, std::string_view key, std::string_view data);

/// PBKDF2 through OpenSSL's generic PKCS5_PBKDF2_HMAC (used for SHA3-256, which has no
/// fast path, and as a reference). Throws Error(Crypto).
WipedBytes pbkdf2_openssl(HmacDigest digest, std::string_view password, std::string_view salt,
                          std::uint32_t iterations, std::size_t out_len);

struct Argon2idParams {
    std::uint32_t memory_kib = 0;
    std::uint32_t iterations = 0;
    std::uint32_t parallelism = 0;
    std::size_t out_len = 32;
};

/// Argon2id (version 0x13) through libargon2's argon2_ctx. `secret` is Argon2's secret
/// input K (the pepper), `associated_data` its X; both may be empty. Throws Error(Crypto)
/// or Error(OutOfMemory).
WipedBytes argon2id_raw(std::string_view password, std::string_view salt, std::string_view secret,
                        std::string_view associated_data, const Argon2idParams& params);

}  // namespace verrou::pwd
