// password/legacy.cpp — WinDev-style legacy records (salt and Base64 PBKDF2 in two columns).
//
// Construction the applications used: PBKDF2(PRF, password || pepper, salt string bytes,
// iterations, output length), Base64 of the output stored. Django and passlib strings are
// handled by the PHC parser (password/phc.cpp) and PasswordHasher::verify.
#include <openssl/crypto.h>

#include <algorithm>
#include <string>

#include "password/kdf.hpp"
#include "password/legacy.hpp"
#include "password/pbkdf2_fast.hpp"
#include "password/phc.hpp"
#include "verrou/error.hpp"
#include "verrou/password.hpp"

namespace verrou {

std::string_view legacy_prf_name(LegacyPrf prf) noexcept {
    switch (prf) {
        case LegacyPrf::Sha256: return "sha256";
        case LegacyPrf::Sha512: return "sha512";
        case LegacyPrf::Sha3_256: return "sha3-256";
    }
    return "unknown";
}

namespace {

// Base64 of 64 bytes is 88 characters; line breaks included, a real column is far below this.
constexpr std::size_t kLegacyBase64RawMaxChars = 1024;

}  // namespace

namespace pwd {

// Shared by the free function and PasswordHasher::verify_windev_legacy. Messages name the
// fields, never the password, the pepper, the salt or the hash.
VerifyResult verify_windev_legacy_record(std::string_view password, std::string_view pepper, std::string_view salt,
                                         std::string_view hash_base64, const WindevLegacyParams& params) {
    if (password.size() > limits::password_max_bytes) {
        throw Error(Code::PasswordTooLong, "password is longer than " + std::to_string(limits::password_max_bytes) +
                                               " bytes");
    }
    if (password.empty()) throw Error(Code::PasswordEmpty, "WinDev legacy record: empty password refused");
    if (pepper.size() > limits::legacy_pepper_max_bytes) {
        throw Error(Code::InvalidArgument, "WinDev legacy record: pepper longer than " +
                                               std::to_string(limits::legacy_pepper_max_bytes) + " bytes");
    }
    if (params.iterations < 1 || params.iterations > limits::pbkdf2_iterations_max) {
        throw Error(Code::HashParameterOutOfRange, "WinDev legacy record: iterations outside [1, " +
                                                       std::to_string(limits::pbkdf2_iterations_max) + "]");
    }
    if (params.output_bytes < limits::hash_min_bytes || params.output_bytes > limits::hash_max_bytes) {
        throw Error(Code::HashParameterOutOfRange, "WinDev legacy record: output_bytes outside [" +
                                                       std::to_string(limits::hash_min_bytes) + ", " +
                                                       std::to_string(limits::hash_max_bytes) + "]");
    }
    if (params.prf != LegacyPrf::Sha256 && params.prf != LegacyPrf::Sha512 && params.prf != LegacyPrf::Sha3_256) {
        throw Error(Code::HashParameterOutOfRange, "WinDev legacy record: unknown PRF");
    }
    if (salt.size() > limits::legacy_salt_max_bytes) {
        throw Error(Code::HashParameterOutOfRange, "WinDev legacy record: salt longer than " +
                                                       std::to_string(limits::legacy_salt_max_bytes) + " bytes");
    }
    if (hash_base64.size() > kLegacyBase64RawMaxChars) {
        throw Error(Code::HashMalformed, "WinDev legacy record: field 'hash_base64' is too long");
    }
    // WinDev's Encode(..., encodeBASE64) pads and may wrap lines: accept padded or not,
    // ignore CR/LF, nothing else.
    std::string b64;
    b64.reserve(hash_base64.size());
    for (char c : hash_base64) {
        if (c != '\r' && c != '\n') b64 += c;
    }
    if (b64.size() > 2 * (limits::hash_max_bytes + 2) / 3 * 4) {
        throw Error(Code::HashMalformed, "WinDev legacy record: field 'hash_base64' is too long");
    }
    auto stored = pwd::b64_decode(b64, pwd::B64Alphabet::Standard, pwd::B64Padding::Optional);
    if (!stored) throw Error(Code::HashMalformed, "WinDev legacy record: field 'hash_base64': invalid base64");
    if (stored->size() != params.output_bytes) {
        const std::size_t got = stored->size();
        wipe(*stored);
        throw Error(Code::HashMalformed, "WinDev legacy record: field 'hash_base64' decodes to " +
                                             std::to_string(got) + " bytes, output_bytes says " +
                                             std::to_string(params.output_bytes));
    }

    // password || pepper in a buffer that is wiped whatever happens below.
    pwd::WipedBytes input(password.size() + pepper.size());
    std::copy(password.begin(), password.end(), input.data());
    std::copy(pepper.begin(), pepper.end(), input.data() + password.size());
    pwd::WipedBytes derived;
    if (params.prf == LegacyPrf::Sha3_256) {
        derived = pwd::pbkdf2_openssl(pwd::HmacDigest::Sha3_256, input.view(), salt, params.iterations,
                                      params.output_bytes);
    } else {
        derived = pwd::WipedBytes(params.output_bytes);
        pwd::pbkdf2_hmac(params.prf == LegacyPrf::Sha256 ? pwd::Pbkdf2Prf::Sha256 : pwd::Pbkdf2Prf::Sha512,
                         input.data(), input.size(), pwd::as_bytes(salt), salt.size(), params.iterations,
                         derived.data(), derived.size());
    }
    const bool equal = CRYPTO_memcmp(derived.data(), stored->data(), stored->size()) == 0;
    wipe(*stored);
    return equal ? VerifyResult::MatchRehash : VerifyResult::Mismatch;
}

}  // namespace pwd

VerifyResult verify_windev_legacy(std::string_view password, std::string_view pepper,
                                  const WindevLegacyRecord& record) {
    return pwd::verify_windev_legacy_record(password, pepper, record.salt, record.hash_base64,
                                            WindevLegacyParams{record.prf, record.iterations, record.output_bytes});
}

}  // namespace verrou
