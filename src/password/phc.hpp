// password/phc.hpp — strict parsing and formatting of stored password hashes.
//
// Stored strings come from a database and are untrusted: every field is bounded before it
// is decoded or used, and every failure is an Error naming the field (never its content).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "verrou/password.hpp"

namespace verrou::pwd {

// ---- base64 ---------------------------------------------------------------------------
enum class B64Alphabet { Standard, Adapted };  // Adapted = passlib "ab64": '.' instead of '+'
enum class B64Padding { Forbidden, Required, Optional };

std::string b64_encode(const unsigned char* data, std::size_t n,
                       B64Alphabet alphabet = B64Alphabet::Standard, bool pad = false);
inline std::string b64_encode(const std::vector<unsigned char>& v) {
    return b64_encode(v.data(), v.size());
}
/// Strict decoding: only alphabet characters, canonical (unused trailing bits are zero),
/// padding as requested. nullopt on any violation.
std::optional<std::vector<unsigned char>> b64_decode(std::string_view s,
                                                     B64Alphabet alphabet = B64Alphabet::Standard,
                                                     B64Padding padding = B64Padding::Forbidden);

// ---- stored hashes --------------------------------------------------------------------
enum class StoredFormat { Phc, Django, Passlib };

struct ParsedHash {
    StoredFormat format = StoredFormat::Phc;
    HashAlgorithm algorithm = HashAlgorithm::Argon2id;
    std::uint32_t argon2_memory_kib = 0;
    std::uint32_t argon2_iterations = 0;
    std::uint32_t argon2_parallelism = 0;
    std::uint32_t pbkdf2_iterations = 0;
    std::string key_id;  // empty: no pepper
    std::vector<unsigned char> salt;
    std::vector<unsigned char> hash;
};

/// Longest stored string accepted (the longest legitimate one is about 300 characters).
inline constexpr std::size_t stored_max_chars = 512;

/// Parses any supported stored form. Throws Error(HashMalformed | HashUnknownAlgorithm |
/// HashParameterOutOfRange) naming the offending field.
ParsedHash parse_stored(std::string_view stored);

/// PHC string of a Phc-format ParsedHash (Argon2id output is exactly libargon2's).
std::string format_phc(const ParsedHash& h);

/// Key ids: 1..limits::key_id_max_chars of [A-Za-z0-9._-].
bool valid_key_id(std::string_view id) noexcept;

}  // namespace verrou::pwd
