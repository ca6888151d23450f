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
#include "platform/utf8.hpp"
#include "verrou/error.hpp"
#include "verrou/password.hpp"

namespace verrou {

std::string_view legacy_encoding_name(LegacyEncoding e) noexcept {
    switch (e) {
        case LegacyEncoding::Utf8: return "utf-8";
        case LegacyEncoding::Cp1252: return "cp1252";
        case LegacyEncoding::Utf16le: return "utf-16le";
    }
    return "unknown";
}

std::string_view legacy_prf_name(LegacyPrf prf) noexcept {
    switch (prf) {
        case LegacyPrf::Sha256: return "sha256";
        case LegacyPrf::Sha512: return "sha512";
        case LegacyPrf::Sha3_256: return "sha3-256";
    }
    return "unknown";
}

namespace {

// Windows-1252 bytes 0x80..0x9F (0 where the code page has no character); 0xA0..0xFF are
// U+00A0..U+00FF, below 0x80 is ASCII.
constexpr char16_t kCp1252High[32] = {
    0x20AC, 0,      0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021, 0x02C6, 0x2030, 0x0160,
    0x2039, 0x0152, 0,      0x017D, 0,      0,      0x2018, 0x2019, 0x201C, 0x201D, 0x2022,
    0x2013, 0x2014, 0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0,      0x017E, 0x0178};

bool cp1252_byte(char16_t u, unsigned char& out) {
    if (u < 0x80 || (u >= 0xA0 && u <= 0xFF)) {
        out = static_cast<unsigned char>(u);
        return true;
    }
    for (unsigned i = 0; i < 32; ++i) {
        if (kCp1252High[i] != 0 && kCp1252High[i] == u) {
            out = static_cast<unsigned char>(0x80 + i);
            return true;
        }
    }
    return false;
}

// `text` (UTF-8) as the old application's bytes, in a buffer wiped when it dies. False when a
// character has no form in that encoding (cp1252: no best-fit guess, "日" is not "?").
bool encode_legacy(std::string_view text, LegacyEncoding encoding, const char* what, pwd::WipedBytes& out) {
    if (encoding == LegacyEncoding::Utf8) {
        out = pwd::WipedBytes(pwd::as_bytes(text), text.size());
        return true;
    }
    // The library's one UTF-8 -> UTF-16 conversion. Its result holds the password, so it is
    // wiped; it is reserved at its final size up front, so no reallocated copy is left behind.
    std::optional<std::u16string> units = platform::utf8_to_utf16(text);
    if (!units) throw Error(Code::InvalidUtf8, std::string("WinDev legacy record: the ") + what + " is not valid UTF-8");
    const WipeOnExit wipe_units(*units);
    if (encoding == LegacyEncoding::Utf16le) {
        out = pwd::WipedBytes(units->size() * 2);
        for (std::size_t i = 0; i < units->size(); ++i) {
            out.data()[2 * i] = static_cast<unsigned char>((*units)[i] & 0xFF);
            out.data()[2 * i + 1] = static_cast<unsigned char>((*units)[i] >> 8);
        }
        return true;
    }
    out = pwd::WipedBytes(units->size());
    for (std::size_t i = 0; i < units->size(); ++i) {
        if (!cp1252_byte((*units)[i], out.data()[i])) return false;
    }
    return true;
}


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

    // The salt and the password as the old application's bytes (password_encoding).
    pwd::WipedBytes salt_bytes;
    if (!encode_legacy(salt, params.encoding, "salt", salt_bytes)) {
        wipe(*stored);
        throw Error(Code::HashMalformed, "WinDev legacy record: the salt has characters that " +
                                             std::string(legacy_encoding_name(params.encoding)) + " cannot encode");
    }
    pwd::WipedBytes pw_bytes;
    if (!encode_legacy(password, params.encoding, "password", pw_bytes)) {
        // An ANSI application could not have stored this password as typed: never a match (and
        // no best-fit guess, which would let "日本" match a record of "??").
        wipe(*stored);
        return VerifyResult::Mismatch;
    }
    // password || pepper in a buffer that is wiped whatever happens below.
    pwd::WipedBytes input(pw_bytes.size() + pepper.size());
    std::copy(pw_bytes.data(), pw_bytes.data() + pw_bytes.size(), input.data());
    std::copy(pepper.begin(), pepper.end(), input.data() + pw_bytes.size());
    const std::string_view salt_view = salt_bytes.view();
    pwd::WipedBytes derived;
    if (params.prf == LegacyPrf::Sha3_256) {
        derived = pwd::pbkdf2_openssl(pwd::HmacDigest::Sha3_256, input.view(), salt_view, params.iterations,
                                      params.output_bytes);
    } else {
        derived = pwd::WipedBytes(params.output_bytes);
        pwd::pbkdf2_hmac(params.prf == LegacyPrf::Sha256 ? pwd::Pbkdf2Prf::Sha256 : pwd::Pbkdf2Prf::Sha512,
                         input.data(), input.size(), pwd::as_bytes(salt_view), salt_view.size(), params.iterations,
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
                                            WindevLegacyParams{record.prf, record.iterations, record.output_bytes, record.encoding});
}

}  // namespace verrou
