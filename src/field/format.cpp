#include "field/format.hpp"

#include <algorithm>
#include <cctype>

#include "password/phc.hpp"
#include "verrou/error.hpp"

namespace verrou::field {

namespace {

[[noreturn]] void malformed(const std::string& what) {
    throw Error(Code::EncryptionMalformed, "not a verrou ciphertext: " + what);
}

int b64_digit(char c) noexcept {
    if (c >= 'A' && c <= 'Z') return c - 'A';
    if (c >= 'a' && c <= 'z') return c - 'a' + 26;
    if (c >= '0' && c <= '9') return c - '0' + 52;
    if (c == '+') return 62;
    if (c == '/') return 63;
    return -1;
}

bool is_version_token(std::string_view s) {
    return s.size() >= 2 && s.size() <= 4 && s[0] == 'v' &&
           std::all_of(s.begin() + 1, s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

}  // namespace

bool valid_field_key_id(std::string_view id) noexcept {
    if (id.empty() || id.size() > limits::field_key_id_max_chars) return false;
    return std::all_of(id.begin(), id.end(), [](char c) {
        return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '-';
    });
}

std::string ciphertext_header(std::string_view key_id) {
    std::string h;
    h.reserve(kCiphertextPrefix.size() + kVersion1.size() + key_id.size() + 2);
    h.append(kCiphertextPrefix).append(kVersion1).append(1, ':').append(key_id).append(1, ':');
    return h;
}

ParsedCiphertext parse_ciphertext(std::string_view text) {
    if (text.size() > limits::field_ciphertext_max_chars) {
        throw Error(Code::EncryptionTooLarge, "ciphertext is " + std::to_string(text.size()) +
                                                  " characters; at most " +
                                                  std::to_string(limits::field_ciphertext_max_chars) +
                                                  " (a 1 MiB plaintext) are accepted");
    }
    if (text.substr(0, kCiphertextPrefix.size()) != kCiphertextPrefix) {
        malformed(text.empty() ? std::string("the value is empty") : "it does not start with 'verrou:'");
    }
    std::string_view rest = text.substr(kCiphertextPrefix.size());
    const auto colon1 = rest.find(':');
    if (colon1 == std::string_view::npos) malformed("no ':' after the version");
    const std::string_view version = rest.substr(0, colon1);
    if (version != kVersion1) {
        if (is_version_token(version)) {
            throw Error(Code::EncryptionUnsupportedVersion,
                        "ciphertext format '" + std::string(version) +
                            "' is not supported by this verrou (it reads v1); upgrade verrou");
        }
        malformed("the version is not of the form v1");
    }
    rest.remove_prefix(colon1 + 1);
    const auto colon2 = rest.find(':');
    if (colon2 == std::string_view::npos) malformed("no ':' after the key id");
    const std::string_view key_id = rest.substr(0, colon2);
    // The key id is quoted in later messages only once it is known to be a plain name.
    if (!valid_field_key_id(key_id)) malformed("the key id is not 1-32 letters, digits, '_' or '-'");
    const std::string_view b64 = rest.substr(colon2 + 1);
    constexpr std::size_t overhead = limits::field_nonce_bytes + limits::field_tag_bytes;
    // Standard Base64 without padding: 4n+1 characters never decode, and a nonce + tag
    // (28 bytes) need at least 38.
    if (b64.size() < (overhead * 4 + 2) / 3) {
        malformed("the Base64 part is " + std::to_string(b64.size()) +
                  " characters, shorter than a nonce and a tag (truncated?)");
    }
    auto bytes = pwd::b64_decode(b64, pwd::B64Alphabet::Standard, pwd::B64Padding::Forbidden);
    if (!bytes) malformed("the part after the key id is not canonical standard Base64 without padding");
    if (bytes->size() < overhead) malformed("the decoded value is shorter than a nonce and a tag (truncated?)");

    ParsedCiphertext p;
    p.header = ciphertext_header(key_id);
    p.key_id = std::string(key_id);
    const auto* b = bytes->data();
    const std::size_t sealed_len = bytes->size() - overhead;
    p.nonce.assign(b, b + limits::field_nonce_bytes);
    p.sealed.assign(b + limits::field_nonce_bytes, b + limits::field_nonce_bytes + sealed_len);
    p.tag.assign(b + limits::field_nonce_bytes + sealed_len, b + bytes->size());
    return p;
}

SecretBuffer parse_field_key(std::string_view text, std::string_view key_id) {
    const std::string who = "key '" + std::string(key_id) + "'";
    const std::string example = " (e.g. verrou keys new --out FILE)";
    // 32 bytes are 43 characters of Base64, 44 with the '=' padding. Everything is checked
    // before decoding, so the decoder never gives up half-way with key bytes in a vector that
    // would be freed unwiped.
    std::string_view body = text;
    if (body.size() % 4 == 0) {
        for (int i = 0; i < 2 && !body.empty() && body.back() == '='; ++i) body.remove_suffix(1);
    }
    const bool alphabet_ok = std::all_of(body.begin(), body.end(), [](char c) { return b64_digit(c) >= 0; });
    if (!alphabet_ok) {
        throw Error(Code::EncryptionKeyInvalid, who + " is not standard Base64 (A-Z a-z 0-9 + /, optional '=' "
                                                      "padding; the text is not shown): a key is 32 random bytes "
                                                      "in Base64" + example);
    }
    if (body.size() != 43) {
        throw Error(Code::EncryptionKeyInvalid, who + " decodes to " + std::to_string(body.size() * 3 / 4) +
                                                    " bytes; AES-256 needs exactly 32 (44 characters of Base64)" +
                                                    example);
    }
    // 43 characters carry 258 bits: the last character's 2 low bits must be zero (canonical).
    if ((b64_digit(body.back()) & 0x3) != 0) {
        throw Error(Code::EncryptionKeyInvalid, who + " is not canonical Base64 (its last character has "
                                                      "unused bits set): a key is 32 random bytes in Base64" +
                                                      example);
    }
    auto bytes = pwd::b64_decode(body, pwd::B64Alphabet::Standard, pwd::B64Padding::Forbidden);
    if (!bytes || bytes->size() != limits::field_key_bytes) {
        if (bytes) wipe(*bytes);
        throw Error(Code::Internal, who + ": Base64 decoding disagrees with its pre-check");
    }
    SecretBuffer key(std::string_view(reinterpret_cast<const char*>(bytes->data()), bytes->size()));
    wipe(*bytes);
    return key;
}

}  // namespace verrou::field
