// field/format.hpp — the text forms of field encryption, parsed by pure functions (internal).
//
// Ciphertexts come from a database column and key files from disk: both are untrusted. Each
// parser takes a std::string_view and returns the parsed value or throws verrou::Error naming
// what is wrong (never the value: a key, and possibly a ciphertext's neighbour, are secret).
// No I/O, no global state: the fuzzers call them directly.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "verrou/encryption.hpp"
#include "verrou/secret.hpp"

namespace verrou::field {

inline constexpr std::string_view kCiphertextPrefix = "verrou:";
inline constexpr std::string_view kVersion1 = "v1";
inline constexpr std::string_view kBlindIndexPrefix = "vbi1:";

/// A v1 ciphertext taken apart. `header` is "verrou:v1:<key id>:", the first part of the AAD.
struct ParsedCiphertext {
    std::string header;
    std::string key_id;
    std::vector<unsigned char> nonce;       // field_nonce_bytes
    std::vector<unsigned char> sealed;      // AES-GCM ciphertext, as long as the plaintext
    std::vector<unsigned char> tag;         // field_tag_bytes
};

/// Parses `verrou:v1:<key id>:<B64(nonce ‖ ciphertext ‖ tag)>` (standard Base64, no padding,
/// canonical). Throws ENCRYPTION_TOO_LARGE (longer than limits::field_ciphertext_max_chars),
/// ENCRYPTION_UNSUPPORTED_VERSION ("verrou:v2:..."), ENCRYPTION_MALFORMED (anything else wrong,
/// with the part named: prefix, version, key id, Base64, length).
ParsedCiphertext parse_ciphertext(std::string_view text);

/// Parses the text of a key file / variable: exactly limits::field_key_bytes bytes in
/// standard Base64 (padding "=" optional; one trailing newline is stripped by the secret
/// reader, not here). Throws ENCRYPTION_KEY_INVALID naming `key_id` and what is wrong (not
/// Base64, N bytes instead of 32), never the text.
SecretBuffer parse_field_key(std::string_view text, std::string_view key_id);

/// Key ids: 1..limits::field_key_id_max_chars of [A-Za-z0-9_-].
bool valid_field_key_id(std::string_view id) noexcept;

/// "verrou:v1:<key id>:".
std::string ciphertext_header(std::string_view key_id);

}  // namespace verrou::field
