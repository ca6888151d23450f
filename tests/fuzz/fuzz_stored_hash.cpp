// Fuzz target: stored password strings read from a database column — PHC ($argon2id$,
// $pbkdf2-sha256$ ...), Django (pbkdf2_sha256$...), passlib ($pbkdf2-sha256$ ab64) — and the
// WinDev legacy record (salt + Base64 hash column).
// First byte: even → parse_stored(rest); odd → verify_windev_legacy_record(password, "", salt,
// hash) with rest = "<salt>\n<hash Base64>", PRF and encoding from the first byte, 1 iteration.
// Properties: only PASSWORD-layer errors (and INVALID_UTF8 for a legacy salt), messages valid UTF-8, never a field's content (a salt
// or hash) nor the password in a message; a parsed PHC string formats and parses back the same.
#include <cstddef>
#include <cstdint>
#include <string>

#include "fuzz_check.hpp"
#include "password/legacy.hpp"
#include "password/phc.hpp"

using namespace verrou;

namespace {

/// Base64 (standard or passlib's "./" alphabet) or hex: what a salt or a hash is stored as.
bool looks_like_base64(std::string_view field) {
    return field.find_first_not_of("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/.=") ==
           std::string_view::npos;
}


constexpr std::string_view kPassword = "Pw canary!Zq9-legacy";

// PASSWORD-layer codes, or INVALID_UTF8 for a legacy salt that is not UTF-8 (it is an argument
// string of the API, like the password).
void check_password_error(const Error& e) {
    fuzz::check(e.layer() == Layer::Password || e.code() == Code::InvalidUtf8, "unexpected error layer", std::string(code_name(e.code())) + ": " + e.what());
    fuzz::check_utf8(e.message(), "error message is not valid UTF-8");
}

void stored(std::string_view s) {
    try {
        const pwd::ParsedHash h = pwd::parse_stored(s);
        if (h.format == pwd::StoredFormat::Phc) {
            const pwd::ParsedHash again = pwd::parse_stored(pwd::format_phc(h));
            fuzz::check(again.algorithm == h.algorithm && again.salt == h.salt && again.hash == h.hash &&
                            again.key_id == h.key_id && again.argon2_memory_kib == h.argon2_memory_kib &&
                            again.argon2_iterations == h.argon2_iterations &&
                            again.argon2_parallelism == h.argon2_parallelism &&
                            again.pbkdf2_iterations == h.pbkdf2_iterations,
                        "a PHC string does not survive format_phc + parse_stored", s);
        }
    } catch (const Error& e) {
        check_password_error(e);
        // Fields ('$'-separated) that look like a salt or a hash (16+ Base64 characters) are
        // never quoted. (The message may list the supported identifiers: other fields are not
        // judged, the fuzzer finds "pbkdf2-sha256/512)" too.)
        std::size_t pos = 0;
        while (pos <= s.size()) {
            auto end = s.find('$', pos);
            if (end == std::string_view::npos) end = s.size();
            const std::string_view field = s.substr(pos, end - pos);
            if (field.size() >= 16 && looks_like_base64(field)) {
                fuzz::check_not_echoed(e.message(), field, "a stored hash's field is quoted in a message");
            }
            pos = end + 1;
        }
    }
}

void legacy(std::uint8_t selector, std::string_view rest) {
    const auto nl = rest.find('\n');
    const std::string_view salt = rest.substr(0, nl);
    const std::string_view hash = nl == std::string_view::npos ? std::string_view() : rest.substr(nl + 1);
    WindevLegacyParams params;
    params.prf = static_cast<LegacyPrf>((selector >> 1) % 3);
    params.encoding = static_cast<LegacyEncoding>((selector >> 3) % 3);
    params.iterations = 1;
    params.output_bytes = 32;
    try {
        (void)pwd::verify_windev_legacy_record(kPassword, {}, salt, hash, params);
    } catch (const Error& e) {
        check_password_error(e);
        fuzz::check_not_echoed(e.message(), kPassword, "the password is echoed in a message");
        // Judged when it looks like a stored hash (Base64 or hex, 16+ characters): a "hash" made
        // of the message's own words ("field 'hash_base64'") is found in it by construction.
        if (hash.size() >= 16 && looks_like_base64(hash))
            fuzz::check_not_echoed(e.message(), hash, "the stored hash is echoed in a message");
    }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    if (size == 0) return 0;
    const std::string_view rest(reinterpret_cast<const char*>(data) + 1, size - 1);
    if ((data[0] & 1) == 0) stored(rest);
    else legacy(data[0], rest);
    return 0;
}
