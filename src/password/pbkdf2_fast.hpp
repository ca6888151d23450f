// password/pbkdf2_fast.hpp — PBKDF2-HMAC-SHA256/512 at (almost) the cost of the compressions.
#pragma once

#include <cstddef>
#include <cstdint>

namespace verrou::pwd {

enum class Pbkdf2Prf { Sha256, Sha512 };

/// RFC 8018 PBKDF2 with HMAC-SHA-256 or HMAC-SHA-512; output identical to OpenSSL's
/// PKCS5_PBKDF2_HMAC. `iterations` >= 1, `out_len` >= 1 (Error(InvalidArgument) otherwise).
/// Every intermediate buffer is wiped before returning.
void pbkdf2_hmac(Pbkdf2Prf prf, const unsigned char* password, std::size_t password_len,
                 const unsigned char* salt, std::size_t salt_len, std::uint32_t iterations,
                 unsigned char* out, std::size_t out_len);

/// The same without CPU-specific code (pbkdf2_hmac picks the fastest path the CPU has); kept
/// callable so the tests hold every path to OpenSSL's output, whatever the test machine.
void pbkdf2_hmac_portable(Pbkdf2Prf prf, const unsigned char* password, std::size_t password_len,
                          const unsigned char* salt, std::size_t salt_len, std::uint32_t iterations,
                          unsigned char* out, std::size_t out_len);

}  // namespace verrou::pwd
