// Fuzz target: field encryption's text forms (src/field/format.hpp) — a ciphertext read from a
// database column ("verrou:v1:<key id>:<Base64>") and a key file's text.
// First byte: even → parse_ciphertext(rest); odd → parse_field_key(rest, "k1").
// Properties: ENCRYPTION_* only, messages valid UTF-8 that never quote the Base64 part or the key
// text; a parsed ciphertext has the header of its key id and nonce / tag of the fixed sizes; a
// key is 32 bytes.
#include <cstddef>
#include <cstdint>
#include <string>

#include "field/format.hpp"
#include "fuzz_check.hpp"
#include "verrou/encryption.hpp"

using namespace verrou;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    if (size == 0) return 0;
    const std::string_view rest(reinterpret_cast<const char*>(data) + 1, size - 1);
    if ((data[0] & 1) == 0) {
        try {
            const field::ParsedCiphertext c = field::parse_ciphertext(rest);
            fuzz::check(c.header == field::ciphertext_header(c.key_id) && field::valid_field_key_id(c.key_id),
                        "ciphertext header / key id inconsistent", rest);
            fuzz::check(c.nonce.size() == limits::field_nonce_bytes && c.tag.size() == limits::field_tag_bytes,
                        "nonce or tag of the wrong size", rest);
        } catch (const Error& e) {
            fuzz::check_error(e, {Code::EncryptionMalformed, Code::EncryptionUnsupportedVersion, Code::EncryptionTooLarge});
            const auto last = rest.rfind(':');
            const std::string_view b64 = last == std::string_view::npos ? rest : rest.substr(last + 1);
            if (b64.size() >= 16 && b64.find(' ') == std::string_view::npos) fuzz::check_not_echoed(e.message(), b64, "the ciphertext is quoted in a message");
        }
        return 0;
    }
    try {
        const SecretBuffer key = field::parse_field_key(rest, "k1");
        fuzz::check(key.size() == limits::field_key_bytes, "a field key is not 32 bytes");
    } catch (const Error& e) {
        fuzz::check_error(e, {Code::EncryptionKeyInvalid});
        // Long enough and without blanks, the text cannot be one of the message's own words.
        if (rest.size() >= 16 && rest.find(' ') == std::string_view::npos) fuzz::check_not_echoed(e.message(), rest, "the key text is quoted in a message");
    }
    return 0;
}
