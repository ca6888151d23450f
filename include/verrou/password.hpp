// verrou/password.hpp — password storage: Argon2id and PBKDF2-HMAC, salt, pepper, PHC strings.
//
// Misuse-resistant in the libsodium way: hash() → self-describing string, verify() →
// Match / MatchRehash / Mismatch, needs_rehash(). Parameters come from a HashPolicy (the
// profile file's `hashing` section); peppers are secrets referenced by the profile, each
// with a short key id so they can rotate.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "verrou/secret.hpp"

namespace verrou {

enum class HashAlgorithm { Argon2id, Pbkdf2Sha256, Pbkdf2Sha512 };
std::string_view hash_algorithm_name(HashAlgorithm a) noexcept;  // "argon2id", "pbkdf2-sha256", ...

/// Named limits (libsodium style). Untrusted stored strings outside them are rejected
/// before any allocation or computation.
namespace limits {
inline constexpr std::size_t password_max_bytes = 4096;
inline constexpr std::size_t salt_min_bytes = 16;          // for new hashes (policy)
inline constexpr std::size_t stored_salt_min_bytes = 8;    // accepted when verifying
inline constexpr std::size_t stored_salt_max_bytes = 64;
inline constexpr std::size_t hash_min_bytes = 16;
inline constexpr std::size_t hash_max_bytes = 64;
inline constexpr std::uint64_t argon2_memory_max_kib = 4ull * 1024 * 1024;  // 4 GiB
inline constexpr std::uint32_t argon2_iterations_max = 100'000'000;
inline constexpr std::uint32_t argon2_parallelism_max = 255;
inline constexpr std::uint32_t pbkdf2_iterations_max = 100'000'000;
/// Verification ceiling, relative to the hasher's policy: verify() and needs_rehash() refuse
/// (HASH_PARAMETER_OUT_OF_RANGE) a stored string that would cost more than this factor times
/// the policy, before any derivation, so one planted row cannot pin CPU or RAM on every login.
/// Argon2id: m <= factor x argon2_memory_kib, t <= factor x argon2_iterations,
/// p <= max(factor x argon2_parallelism, verify_parallelism_floor). PBKDF2 (PHC, Django,
/// passlib): i <= factor x the policy's iterations for its PRF (pbkdf2_sha256_iterations or
/// pbkdf2_sha512_iterations). Hashes made under an older, stronger policy need that policy
/// raised first (docs/hashing.md, "Verification ceiling").
inline constexpr std::uint32_t verify_cost_factor = 4;
inline constexpr std::uint32_t verify_parallelism_floor = 8;
inline constexpr std::size_t pepper_min_bytes = 32;
inline constexpr std::size_t key_id_max_chars = 32;
inline constexpr std::size_t legacy_salt_max_bytes = 1024;    // WinDev legacy salt column
inline constexpr std::size_t legacy_pepper_max_bytes = 4096;  // WinDev legacy pepper (no minimum)
}  // namespace limits

/// Defaults are today's OWASP Password Storage Cheat Sheet values.
struct HashPolicy {
    HashAlgorithm algorithm = HashAlgorithm::Argon2id;
    std::uint32_t argon2_memory_kib = 19456;
    std::uint32_t argon2_iterations = 2;
    std::uint32_t argon2_parallelism = 1;
    std::uint32_t pbkdf2_sha256_iterations = 600'000;
    std::uint32_t pbkdf2_sha512_iterations = 220'000;
    std::uint32_t salt_bytes = 16;
    std::uint32_t hash_bytes = 32;
    bool allow_empty_password = false;

    /// Throws Error(HASH_POLICY) naming the parameter when a value is below the minimums
    /// or above the limits.
    void validate() const;
};

/// An application pepper: secret bytes (>= limits::pepper_min_bytes) and the key id written
/// into every hash made with it.
struct Pepper {
    std::string key_id;
    SecretBuffer secret;
};

enum class VerifyResult : int { Mismatch = 0, Match = 1, MatchRehash = 2 };

/// Legacy WinDev-style records: salt string and Base64 PBKDF2(PRF, password + pepper, salt,
/// iterations, output_bytes) stored in two columns (docs/hashing.md, "Migrating a WinDev table").
enum class LegacyPrf { Sha256, Sha512, Sha3_256 };
std::string_view legacy_prf_name(LegacyPrf prf) noexcept;  // "sha256", "sha512", "sha3-256"

/// The bytes the old application hashed for its password and salt strings: a Unicode WinDev
/// project (or one using UTF-8 explicitly) -> Utf8; an ANSI project on a Western Windows ->
/// Cp1252; a Unicode project that hashed its strings' memory as is -> Utf16le. The pepper is
/// used as stored (bytes). Passwords come in as UTF-8 and are converted before hashing.
enum class LegacyEncoding { Utf8, Cp1252, Utf16le };
std::string_view legacy_encoding_name(LegacyEncoding e) noexcept;  // "utf-8", "cp1252", "utf-16le"

/// How the old application derived its records (the same for every row of its table).
struct WindevLegacyParams {
    LegacyPrf prf = LegacyPrf::Sha256;
    std::uint32_t iterations = 0;     // 1 .. limits::pbkdf2_iterations_max
    std::uint32_t output_bytes = 32;  // limits::hash_min_bytes .. limits::hash_max_bytes
    LegacyEncoding encoding = LegacyEncoding::Utf8;  // hashing.windev_legacy.password_encoding
};

/// The profile's `hashing.windev_legacy` section, resolved: parameters and the old
/// application's pepper (any length up to limits::legacy_pepper_max_bytes; empty when the
/// records were made without one).
struct WindevLegacySettings {
    WindevLegacyParams params;
    SecretBuffer pepper;
};

class PasswordHasher {
public:
    /// `current_key_id` names the pepper used for new hashes; empty means "no pepper".
    /// Older peppers stay in `peppers` for verification. `windev_legacy` enables
    /// verify_windev_legacy(). Throws HASH_POLICY / SECRET_TOO_SHORT.
    PasswordHasher(HashPolicy policy, std::vector<Pepper> peppers, std::string current_key_id,
                   std::optional<WindevLegacySettings> windev_legacy = std::nullopt);

    /// A fresh random salt from RAND_bytes; returns the PHC string.
    std::string hash(std::string_view password) const;
    /// Constant-time comparison; MatchRehash when the stored string is weaker than the
    /// policy, uses another key id, or is a legacy format. Throws HASH_PARAMETER_OUT_OF_RANGE,
    /// before any derivation, when the stored cost is above the verification ceiling
    /// (limits::verify_cost_factor x the policy).
    VerifyResult verify(std::string_view password, std::string_view stored) const;
    /// True when `stored` (well-formed) is below the current policy. Throws on malformed input
    /// and, like verify(), on a stored cost above the verification ceiling.
    bool needs_rehash(std::string_view stored) const;

    /// A WinDev legacy record (the salt column and the Base64 hash column as stored), with the
    /// PRF, iterations, output length and pepper of the hasher's windev_legacy settings.
    /// MatchRehash (right password: store hash(password) instead) or Mismatch. Throws
    /// HASH_POLICY when the hasher has no windev_legacy settings, HASH_MALFORMED for a bad
    /// Base64 column, PASSWORD_EMPTY / PASSWORD_TOO_LONG like verify().
    VerifyResult verify_windev_legacy(std::string_view password, std::string_view salt,
                                      std::string_view stored_base64) const;
    bool has_windev_legacy() const noexcept { return windev_legacy_.has_value(); }
    /// The legacy parameters (never the pepper), or nullopt without windev_legacy settings.
    std::optional<WindevLegacyParams> windev_legacy_params() const;

    const HashPolicy& policy() const noexcept { return policy_; }
    const std::string& current_key_id() const noexcept { return current_key_id_; }

private:
    HashPolicy policy_;
    std::vector<Pepper> peppers_;
    std::string current_key_id_;
    std::optional<WindevLegacySettings> windev_legacy_;
};

/// One legacy record with explicit parameters and pepper (the profile-free form of
/// PasswordHasher::verify_windev_legacy). Always reports MatchRehash on success.
struct WindevLegacyRecord {
    std::string salt;            // the salt string exactly as stored
    std::string hash_base64;     // the stored Base64 output
    LegacyPrf prf = LegacyPrf::Sha256;
    std::uint32_t iterations = 0;
    std::uint32_t output_bytes = 32;
    LegacyEncoding encoding = LegacyEncoding::Utf8;
};
VerifyResult verify_windev_legacy(std::string_view password, std::string_view pepper,
                                  const WindevLegacyRecord& record);

/// Builds the hasher from a profile file's hashing section (same environment rules and
/// secret resolver as load_profile), including the optional `hashing.windev_legacy` section.
PasswordHasher load_password_hasher(const std::string& profile_path, std::string_view environment = {});

}  // namespace verrou
