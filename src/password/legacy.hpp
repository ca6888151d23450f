// password/legacy.hpp — the WinDev legacy check shared by verify_windev_legacy() and
// PasswordHasher::verify_windev_legacy (internal).
#pragma once

#include <string_view>

#include "verrou/password.hpp"

namespace verrou::pwd {

/// Checks bounds (password, pepper, parameters, salt, Base64 column) before any work, then
/// compares Base64-decoded `hash_base64` with PBKDF2(prf, password || pepper, salt, iterations,
/// output_bytes) in constant time. MatchRehash or Mismatch; throws PASSWORD_*, HASH_*.
VerifyResult verify_windev_legacy_record(std::string_view password, std::string_view pepper, std::string_view salt,
                                         std::string_view hash_base64, const WindevLegacyParams& params);

}  // namespace verrou::pwd
