// password/bytes.hpp — byte helpers of the password code; its wiping buffer is SecretBuffer.
#pragma once

#include <string_view>

#include "verrou/secret.hpp"

namespace verrou::pwd {

/// Derived keys and pre-hashed passwords live in the one wiping buffer (verrou/secret.hpp).
using WipedBytes = SecretBuffer;

inline const unsigned char* as_bytes(std::string_view s) noexcept {
    return reinterpret_cast<const unsigned char*>(s.data());
}

}  // namespace verrou::pwd
