// password/legacy.cpp — WinDev-style legacy records (salt and Base64 PBKDF2 in two columns).
//
// Construction the applications used: PBKDF2(PRF, password || pepper, salt string bytes,
// iterations, output length), Base64 of the output stored. Django and passlib strings are
// handled by the PHC parser (password/phc.cpp) and PasswordHasher::verify.
#include <openssl/crypto.h>

#include <string>

#include "password/kdf.hpp"
#include "password/pbkdf2_fast.hpp"
#include "password/phc.hpp"
#include "verrou/error.hpp"
#include "verrou/password.hpp"

namespace verrou {

namespace {
constexpr std::size_t kLegacySaltMaxBytes = 1024;
constexpr std::size_t kLegacyPepperMaxBytes = 4096;
}  // namespace

VerifyResult verify_windev_legacy(std::string_view password, std::string_view pepper,
                                  const WindevLegacyRecord& record) {
    if (password.size() > limits::password_max_bytes) {
        throw Error(Code::PasswordTooLong, "password is longer than " + std::to_string(limits::password_max_bytes) +
                                               " bytes");
    }
    if (password.empty()) throw Error(Code::PasswordEmpty, "WinDev legacy record: empty password refused");
    if (pepper.size() > kLegacyPepperMaxBytes) {
        throw Error(Code::InvalidArgument, "WinDev legacy record: pepper longer than 4096 bytes");
    }
    if (record.iterations < 1 || record.iterations > limits::pbkdf2_iterations_max) {
        throw Error(Code::HashParameterOutOfRange, "WinDev legacy record: iterations outside [1, " +
                                                       std::to_string(limits::pbkdf2_iterations_max) + "]");
    }
    if (record.output_bytes < limits::hash_min_bytes || record.output_bytes > limits::hash_max_bytes) {
        throw Error(Code::HashParameterOutOfRange, "WinDev legacy record: output_bytes outside [" +
                                                       std::to_string(limits::hash_min_bytes) + ", " +
                                                       std::to_string(limits::hash_max_bytes) + "]");
    }
    if (record.salt.size() > kLegacySaltMaxBytes) {
        throw Error(Code::HashParameterOutOfRange, "WinDev legacy record: salt longer than 1024 bytes");
    }
    // WinDev's Encode(..., encodeBASE64) pads and may wrap lines: accept padded or not,
    // ignore CR/LF, nothing else.
    std::string b64;
    for (char c : record.hash_base64) {
        if (c != '\r' && c != '\n') b64 += c;
    }
    if (b64.size() > 2 * (limits::hash_max_bytes + 2) / 3 * 4) {
        throw Error(Code::HashMalformed, "WinDev legacy record: field 'hash_base64' is too long");
    }
    auto stored = pwd::b64_decode(b64, pwd::B64Alphabet::Standard, pwd::B64Padding::Optional);
    if (!stored) throw Error(Code::HashMalformed, "WinDev legacy record: field 'hash_base64': invalid base64");
    if (stored->size() != record.output_bytes) {
        throw Error(Code::HashMalformed, "WinDev legacy record: field 'hash_base64' decodes to " +
                                             std::to_string(stored->size()) + " bytes, output_bytes says " +
                                             std::to_string(record.output_bytes));
    }

    std::string input;
    input.reserve(password.size() + pepper.size());
    input.append(password).append(pepper);
    pwd::WipedBytes derived;
    if (record.prf == LegacyPrf::Sha3_256) {
        derived = pwd::pbkdf2_openssl(pwd::HmacDigest::Sha3_256, input, record.salt, record.iterations,
                                      record.output_bytes);
    } else {
        derived = pwd::WipedBytes(record.output_bytes);
        pwd::pbkdf2_hmac(record.prf == LegacyPrf::Sha256 ? pwd::Pbkdf2Prf::Sha256 : pwd::Pbkdf2Prf::Sha512,
                         pwd::as_bytes(input), input.size(), pwd::as_bytes(record.salt), record.salt.size(),
                         record.iterations, derived.data(), derived.size());
    }
    wipe(input);
    const bool equal = CRYPTO_memcmp(derived.data(), stored->data(), stored->size()) == 0;
    wipe(*stored);
    return equal ? VerifyResult::MatchRehash : VerifyResult::Mismatch;
}

}  // namespace verrou
