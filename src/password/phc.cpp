// password/phc.cpp — PHC string format, Django and passlib PBKDF2 strings, base64.
#include "password/phc.hpp"

#include <algorithm>
#include <array>
#include <cstdint>

#include "verrou/error.hpp"

namespace verrou::pwd {

// ---- base64 ---------------------------------------------------------------------------
namespace {

constexpr char kStd[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
constexpr char kAdapted[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789./";

constexpr int b64_value(char c, B64Alphabet a) noexcept {
    if (c >= 'A' && c <= 'Z') return c - 'A';
    if (c >= 'a' && c <= 'z') return c - 'a' + 26;
    if (c >= '0' && c <= '9') return c - '0' + 52;
    if (c == '/') return 63;
    if (a == B64Alphabet::Standard && c == '+') return 62;
    if (a == B64Alphabet::Adapted && c == '.') return 62;
    return -1;
}

}  // namespace

std::string b64_encode(const unsigned char* data, std::size_t n, B64Alphabet alphabet, bool pad) {
    const char* table = alphabet == B64Alphabet::Standard ? kStd : kAdapted;
    const std::size_t full = n / 3, rest = n % 3;
    // Sized once and written through a pointer: field ciphertexts run this over up to 1 MiB.
    std::string out((full * 4) + (rest ? (pad ? 4 : rest + 1) : 0), '\0');
    char* o = out.data();
    const unsigned char* d = data;
    for (std::size_t k = 0; k < full; ++k, d += 3) {
        const std::uint32_t v = (std::uint32_t{d[0]} << 16) | (std::uint32_t{d[1]} << 8) | d[2];
        *o++ = table[(v >> 18) & 63];
        *o++ = table[(v >> 12) & 63];
        *o++ = table[(v >> 6) & 63];
        *o++ = table[v & 63];
    }
    if (rest == 1) {
        const std::uint32_t v = std::uint32_t{d[0]} << 16;
        *o++ = table[(v >> 18) & 63];
        *o++ = table[(v >> 12) & 63];
        if (pad) {
            *o++ = '=';
            *o++ = '=';
        }
    } else if (rest == 2) {
        const std::uint32_t v = (std::uint32_t{d[0]} << 16) | (std::uint32_t{d[1]} << 8);
        *o++ = table[(v >> 18) & 63];
        *o++ = table[(v >> 12) & 63];
        *o++ = table[(v >> 6) & 63];
        if (pad) *o++ = '=';
    }
    return out;
}

namespace {

// Value of every byte in an alphabet, -1 outside it: one load per character instead of a chain
// of comparisons.
constexpr std::array<std::int8_t, 256> decode_table(B64Alphabet a) {
    std::array<std::int8_t, 256> t{};
    for (int c = 0; c < 256; ++c) t[static_cast<std::size_t>(c)] = static_cast<std::int8_t>(b64_value(static_cast<char>(c), a));
    return t;
}
constexpr std::array<std::int8_t, 256> kDecodeStd = decode_table(B64Alphabet::Standard);
constexpr std::array<std::int8_t, 256> kDecodeAdapted = decode_table(B64Alphabet::Adapted);

}  // namespace

std::optional<std::vector<unsigned char>> b64_decode(std::string_view s, B64Alphabet alphabet,
                                                     B64Padding padding) {
    std::size_t pads = 0;
    while (pads < s.size() && pads < 2 && s[s.size() - 1 - pads] == '=') ++pads;
    if (pads > 0) {
        if (padding == B64Padding::Forbidden) return std::nullopt;
        if (s.size() % 4 != 0) return std::nullopt;
        s.remove_suffix(pads);
    } else if (padding == B64Padding::Required && s.size() % 4 != 0) {
        return std::nullopt;
    }
    if (s.size() % 4 == 1) return std::nullopt;  // 6 bits cannot encode a byte
    const std::array<std::int8_t, 256>& t = alphabet == B64Alphabet::Standard ? kDecodeStd : kDecodeAdapted;
    auto value = [&](char c) { return static_cast<int>(t[static_cast<unsigned char>(c)]); };
    const std::size_t full = s.size() / 4, tail = s.size() % 4;
    // Sized once (never reallocated: no partial copy left behind in freed memory).
    std::vector<unsigned char> out(full * 3 + (tail ? tail - 1 : 0));
    unsigned char* o = out.data();
    const char* p = s.data();
    for (std::size_t k = 0; k < full; ++k, p += 4) {
        const int a = value(p[0]), b = value(p[1]), c = value(p[2]), d = value(p[3]);
        if ((a | b | c | d) < 0) return std::nullopt;
        const std::uint32_t v = (static_cast<std::uint32_t>(a) << 18) | (static_cast<std::uint32_t>(b) << 12) |
                                (static_cast<std::uint32_t>(c) << 6) | static_cast<std::uint32_t>(d);
        *o++ = static_cast<unsigned char>(v >> 16);
        *o++ = static_cast<unsigned char>(v >> 8);
        *o++ = static_cast<unsigned char>(v);
    }
    // Canonical form only: the leftover bits must be zero, so each byte string has exactly
    // one encoding (libargon2 and libsodium enforce the same).
    if (tail == 2) {
        const int a = value(p[0]), b = value(p[1]);
        if ((a | b) < 0 || (b & 0x0F) != 0) return std::nullopt;
        *o = static_cast<unsigned char>((a << 2) | (b >> 4));
    } else if (tail == 3) {
        const int a = value(p[0]), b = value(p[1]), c = value(p[2]);
        if ((a | b | c) < 0 || (c & 0x03) != 0) return std::nullopt;
        *o++ = static_cast<unsigned char>((a << 2) | (b >> 4));
        *o = static_cast<unsigned char>(((b & 0x0F) << 4) | (c >> 2));
    }
    return out;
}

// ---- helpers --------------------------------------------------------------------------
bool valid_key_id(std::string_view id) noexcept {
    if (id.empty() || id.size() > limits::key_id_max_chars) return false;
    return std::all_of(id.begin(), id.end(), [](char c) {
        return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
               c == '.' || c == '_' || c == '-';
    });
}

namespace {

[[noreturn]] void malformed(std::string_view what, std::string_view field, std::string_view why) {
    throw Error(Code::HashMalformed,
                std::string(what) + " hash: field '" + std::string(field) + "': " + std::string(why));
}
[[noreturn]] void out_of_range(std::string_view what, std::string_view field, std::string_view bound) {
    throw Error(Code::HashParameterOutOfRange,
                std::string(what) + " hash: " + std::string(field) + " " + std::string(bound));
}

std::vector<std::string_view> split(std::string_view s, char sep) {
    std::vector<std::string_view> parts;
    std::size_t start = 0;
    while (true) {
        const std::size_t pos = s.find(sep, start);
        if (pos == std::string_view::npos) {
            parts.push_back(s.substr(start));
            return parts;
        }
        parts.push_back(s.substr(start, pos - start));
        start = pos + 1;
    }
}

/// Strict unsigned decimal: digits only, no sign, no leading zero, at most 10 digits (so
/// the value fits 64 bits and bounds are checked without overflow).
std::uint64_t parse_decimal(std::string_view what, std::string_view field, std::string_view s) {
    if (s.empty()) malformed(what, field, "empty number");
    if (s.size() > 10) out_of_range(what, field, "is too large");
    if (s.size() > 1 && s[0] == '0') malformed(what, field, "leading zero");
    std::uint64_t v = 0;
    for (char c : s) {
        if (c < '0' || c > '9') malformed(what, field, "not a decimal number");
        v = v * 10 + static_cast<std::uint64_t>(c - '0');
    }
    return v;
}

std::uint32_t bounded(std::string_view what, std::string_view field, std::string_view s,
                      std::uint64_t lo, std::uint64_t hi) {
    const std::uint64_t v = parse_decimal(what, field, s);
    if (v < lo || v > hi) {
        out_of_range(what, field, "outside [" + std::to_string(lo) + ", " + std::to_string(hi) + "]");
    }
    return static_cast<std::uint32_t>(v);
}

std::vector<unsigned char> decode_field(std::string_view what, std::string_view field,
                                        std::string_view s, B64Alphabet alphabet,
                                        B64Padding padding, std::size_t min_bytes,
                                        std::size_t max_bytes) {
    // Bound the encoded size first so a huge field never gets decoded.
    if (s.size() > (max_bytes + 2) / 3 * 4) out_of_range(what, field, "longer than " + std::to_string(max_bytes) + " bytes");
    auto bytes = b64_decode(s, alphabet, padding);
    if (!bytes) malformed(what, field, "invalid base64");
    if (bytes->size() < min_bytes || bytes->size() > max_bytes) {
        out_of_range(what, std::string(field) + " length",
                     std::to_string(bytes->size()) + " bytes outside [" + std::to_string(min_bytes) +
                         ", " + std::to_string(max_bytes) + "]");
    }
    return std::move(*bytes);
}

std::vector<unsigned char> salt_field(std::string_view what, std::string_view s, B64Alphabet a,
                                      B64Padding p) {
    return decode_field(what, "salt", s, a, p, limits::stored_salt_min_bytes, limits::stored_salt_max_bytes);
}
std::vector<unsigned char> hash_field(std::string_view what, std::string_view s, B64Alphabet a,
                                      B64Padding p) {
    return decode_field(what, "hash", s, a, p, limits::hash_min_bytes, limits::hash_max_bytes);
}

/// "keyid=<B64 of the key id>" parameter value.
std::string key_id_field(std::string_view what, std::string_view value) {
    if (value.size() > (limits::key_id_max_chars + 2) / 3 * 4) malformed(what, "keyid", "too long");
    auto bytes = b64_decode(value);
    if (!bytes) malformed(what, "keyid", "invalid base64");
    std::string id(bytes->begin(), bytes->end());
    if (!valid_key_id(id)) malformed(what, "keyid", "not a valid key id");
    return id;
}

void expect_fields(std::string_view what, const std::vector<std::string_view>& parts, std::size_t n) {
    if (parts.size() != n) {
        throw Error(Code::HashMalformed, std::string(what) + " hash: expected " + std::to_string(n - 1) +
                                             " '$'-separated fields, found " + std::to_string(parts.size() - 1));
    }
}

/// "name=value"; the name must be exactly `name`.
std::string_view param(std::string_view what, std::string_view field, std::string_view name) {
    if (field.size() <= name.size() || field.substr(0, name.size()) != name || field[name.size()] != '=') {
        malformed(what, name, "expected '" + std::string(name) + "=<value>'");
    }
    return field.substr(name.size() + 1);
}

ParsedHash parse_argon2id(const std::vector<std::string_view>& parts) {
    constexpr std::string_view what = "argon2id";
    expect_fields(what, parts, 6);  // "", argon2id, v=19, m=..,t=..,p=..[,keyid=..], salt, hash
    ParsedHash h;
    h.algorithm = HashAlgorithm::Argon2id;
    const std::string_view version = param(what, parts[2], "v");
    if (parse_decimal(what, "v", version) != 19) out_of_range(what, "v", "must be 19 (Argon2 1.3)");
    const auto params = split(parts[3], ',');
    if (params.size() != 3 && params.size() != 4) malformed(what, "parameters", "expected m=,t=,p=[,keyid=]");
    h.argon2_parallelism = bounded(what, "p", param(what, params[2], "p"), 1, limits::argon2_parallelism_max);
    h.argon2_memory_kib = bounded(what, "m", param(what, params[0], "m"), 8ull * h.argon2_parallelism,
                                  limits::argon2_memory_max_kib);
    h.argon2_iterations = bounded(what, "t", param(what, params[1], "t"), 1, limits::argon2_iterations_max);
    if (params.size() == 4) h.key_id = key_id_field(what, param(what, params[3], "keyid"));
    h.salt = salt_field(what, parts[4], B64Alphabet::Standard, B64Padding::Forbidden);
    h.hash = hash_field(what, parts[5], B64Alphabet::Standard, B64Padding::Forbidden);
    return h;
}

ParsedHash parse_pbkdf2_phc(HashAlgorithm alg, const std::vector<std::string_view>& parts) {
    const std::string_view what = hash_algorithm_name(alg);
    expect_fields(what, parts, 5);  // "", id, i=..[,keyid=..], salt, hash
    ParsedHash h;
    h.algorithm = alg;
    const auto params = split(parts[2], ',');
    if (params.size() != 1 && params.size() != 2) malformed(what, "parameters", "expected i=[,keyid=]");
    h.pbkdf2_iterations = bounded(what, "i", param(what, params[0], "i"), 1, limits::pbkdf2_iterations_max);
    if (params.size() == 2) h.key_id = key_id_field(what, param(what, params[1], "keyid"));
    h.salt = salt_field(what, parts[3], B64Alphabet::Standard, B64Padding::Forbidden);
    h.hash = hash_field(what, parts[4], B64Alphabet::Standard, B64Padding::Forbidden);
    return h;
}

// passlib: $pbkdf2-sha256$<rounds>$<ab64 salt>$<ab64 hash>
ParsedHash parse_passlib(HashAlgorithm alg, const std::vector<std::string_view>& parts) {
    const std::string what = "passlib " + std::string(hash_algorithm_name(alg));
    expect_fields(what, parts, 5);
    ParsedHash h;
    h.format = StoredFormat::Passlib;
    h.algorithm = alg;
    h.pbkdf2_iterations = bounded(what, "rounds", parts[2], 1, limits::pbkdf2_iterations_max);
    h.salt = salt_field(what, parts[3], B64Alphabet::Adapted, B64Padding::Forbidden);
    h.hash = hash_field(what, parts[4], B64Alphabet::Adapted, B64Padding::Forbidden);
    return h;
}

// Django: pbkdf2_sha256$<iterations>$<salt text>$<padded base64 hash>
ParsedHash parse_django(std::string_view stored) {
    constexpr std::string_view what = "Django pbkdf2_sha256";
    const auto parts = split(stored, '$');
    if (parts.size() != 4) {
        throw Error(Code::HashMalformed, std::string(what) + " hash: expected 4 '$'-separated fields, found " +
                                             std::to_string(parts.size()));
    }
    ParsedHash h;
    h.format = StoredFormat::Django;
    h.algorithm = HashAlgorithm::Pbkdf2Sha256;
    h.pbkdf2_iterations = bounded(what, "iterations", parts[1], 1, limits::pbkdf2_iterations_max);
    // Django's salt is text used as its UTF-8 bytes; Django generates [A-Za-z0-9].
    const std::string_view salt = parts[2];
    if (salt.size() < limits::stored_salt_min_bytes || salt.size() > limits::stored_salt_max_bytes) {
        out_of_range(what, "salt length", std::to_string(salt.size()) + " bytes outside [" +
                                              std::to_string(limits::stored_salt_min_bytes) + ", " +
                                              std::to_string(limits::stored_salt_max_bytes) + "]");
    }
    for (char c : salt) {
        if (static_cast<unsigned char>(c) < 0x21 || static_cast<unsigned char>(c) > 0x7E) {
            malformed(what, "salt", "non-printable character");
        }
    }
    h.salt.assign(salt.begin(), salt.end());
    h.hash = hash_field(what, parts[3], B64Alphabet::Standard, B64Padding::Required);
    return h;
}

bool all_digits(std::string_view s) noexcept {
    return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

}  // namespace

ParsedHash parse_stored(std::string_view stored) {
    if (stored.empty()) throw Error(Code::HashMalformed, "stored hash is empty");
    if (stored.size() > stored_max_chars) {
        throw Error(Code::HashMalformed, "stored hash is longer than " + std::to_string(stored_max_chars) + " characters");
    }
    if (stored.substr(0, 14) == "pbkdf2_sha256$") return parse_django(stored);
    if (stored[0] != '$') {
        if (stored.find('$') != std::string_view::npos) {
            throw Error(Code::HashUnknownAlgorithm, "stored hash: unknown algorithm identifier");
        }
        throw Error(Code::HashMalformed, "stored hash: not a PHC string (must start with '$')");
    }
    const auto parts = split(stored, '$');
    if (parts.size() < 3) throw Error(Code::HashMalformed, "stored hash: too few '$'-separated fields");
    const std::string_view id = parts[1];
    if (id == "argon2id") return parse_argon2id(parts);
    HashAlgorithm alg;
    if (id == "pbkdf2-sha256") {
        alg = HashAlgorithm::Pbkdf2Sha256;
    } else if (id == "pbkdf2-sha512") {
        alg = HashAlgorithm::Pbkdf2Sha512;
    } else {
        throw Error(Code::HashUnknownAlgorithm,
                    "stored hash: unknown algorithm identifier (supported: argon2id, pbkdf2-sha256, "
                    "pbkdf2-sha512, Django pbkdf2_sha256, passlib pbkdf2-sha256/512)");
    }
    if (all_digits(parts[2])) return parse_passlib(alg, parts);
    return parse_pbkdf2_phc(alg, parts);
}

std::string format_phc(const ParsedHash& h) {
    std::string out = "$";
    out += hash_algorithm_name(h.algorithm);
    if (h.algorithm == HashAlgorithm::Argon2id) {
        out += "$v=19$m=" + std::to_string(h.argon2_memory_kib) + ",t=" + std::to_string(h.argon2_iterations) +
               ",p=" + std::to_string(h.argon2_parallelism);
    } else {
        out += "$i=" + std::to_string(h.pbkdf2_iterations);
    }
    if (!h.key_id.empty()) {
        out += ",keyid=" + b64_encode(reinterpret_cast<const unsigned char*>(h.key_id.data()), h.key_id.size());
    }
    out += '$';
    out += b64_encode(h.salt);
    out += '$';
    out += b64_encode(h.hash);
    return out;
}

}  // namespace verrou::pwd
