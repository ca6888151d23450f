// password/hasher.cpp — PasswordHasher: policy, peppers, hash / verify / needs_rehash.
#include <openssl/crypto.h>
#include <openssl/rand.h>

#include <algorithm>

#include "password/kdf.hpp"
#include "password/legacy.hpp"
#include "password/pbkdf2_fast.hpp"
#include "password/phc.hpp"
#include "verrou/error.hpp"
#include "verrou/password.hpp"

namespace verrou {

std::string_view hash_algorithm_name(HashAlgorithm a) noexcept {
    switch (a) {
        case HashAlgorithm::Argon2id: return "argon2id";
        case HashAlgorithm::Pbkdf2Sha256: return "pbkdf2-sha256";
        case HashAlgorithm::Pbkdf2Sha512: return "pbkdf2-sha512";
    }
    return "unknown";
}

namespace {

// Floors of a policy. Argon2's are the algorithm's own (libargon2: m >= 8*p KiB, t >= 1) so
// small test policies stay possible; PBKDF2's is NIST SP 800-132's absolute minimum. The
// OWASP values are the defaults, not the floors.
constexpr std::uint32_t kPbkdf2PolicyMinIterations = 1000;

[[noreturn]] void policy_error(const std::string& what) {
    throw Error(Code::HashPolicy, "hashing policy: " + what);
}

void check_range(const char* name, std::uint64_t value, std::uint64_t lo, std::uint64_t hi) {
    if (value < lo || value > hi) {
        policy_error(std::string(name) + " = " + std::to_string(value) + " is outside [" + std::to_string(lo) +
                     ", " + std::to_string(hi) + "]");
    }
}

void check_password(std::string_view password, bool allow_empty) {
    if (password.size() > limits::password_max_bytes) {
        throw Error(Code::PasswordTooLong, "password is longer than " + std::to_string(limits::password_max_bytes) +
                                               " bytes");
    }
    if (password.empty() && !allow_empty) {
        throw Error(Code::PasswordEmpty, "empty password refused (policy allow_empty_password is off)");
    }
}

/// The derived bytes for `h`'s algorithm, parameters and salt.
pwd::WipedBytes derive(const pwd::ParsedHash& h, std::string_view password, const SecretBuffer* pepper,
                       std::size_t out_len) {
    const std::string_view salt(reinterpret_cast<const char*>(h.salt.data()), h.salt.size());
    if (h.algorithm == HashAlgorithm::Argon2id) {
        // The pepper is Argon2's secret input K.
        return pwd::argon2id_raw(password, salt, pepper ? pepper->view() : std::string_view{}, {},
                                 {h.argon2_memory_kib, h.argon2_iterations, h.argon2_parallelism, out_len});
    }
    const bool sha256 = h.algorithm == HashAlgorithm::Pbkdf2Sha256;
    // OWASP pre-hashing pepper: P' = HMAC-SHA-256/512(pepper, password), then PBKDF2 on P'.
    pwd::WipedBytes prehashed;
    std::string_view input = password;
    if (pepper) {
        prehashed = pwd::hmac(sha256 ? pwd::HmacDigest::Sha256 : pwd::HmacDigest::Sha512, pepper->view(), password);
        input = prehashed.view();
    }
    pwd::WipedBytes out(out_len);
    pwd::pbkdf2_hmac(sha256 ? pwd::Pbkdf2Prf::Sha256 : pwd::Pbkdf2Prf::Sha512, pwd::as_bytes(input), input.size(),
                     h.salt.data(), h.salt.size(), h.pbkdf2_iterations, out.data(), out.size());
    return out;
}

}  // namespace

void HashPolicy::validate() const {
    check_range("salt_bytes", salt_bytes, limits::salt_min_bytes, limits::stored_salt_max_bytes);
    check_range("hash_bytes", hash_bytes, limits::hash_min_bytes, limits::hash_max_bytes);
    check_range("argon2_parallelism", argon2_parallelism, 1, limits::argon2_parallelism_max);
    check_range("argon2_memory_kib", argon2_memory_kib, 8ull * argon2_parallelism, limits::argon2_memory_max_kib);
    check_range("argon2_iterations", argon2_iterations, 1, limits::argon2_iterations_max);
    check_range("pbkdf2_sha256_iterations", pbkdf2_sha256_iterations, kPbkdf2PolicyMinIterations,
                limits::pbkdf2_iterations_max);
    check_range("pbkdf2_sha512_iterations", pbkdf2_sha512_iterations, kPbkdf2PolicyMinIterations,
                limits::pbkdf2_iterations_max);
    switch (algorithm) {
        case HashAlgorithm::Argon2id:
        case HashAlgorithm::Pbkdf2Sha256:
        case HashAlgorithm::Pbkdf2Sha512: break;
        default: policy_error("unknown algorithm");
    }
}

PasswordHasher::PasswordHasher(HashPolicy policy, std::vector<Pepper> peppers, std::string current_key_id,
                               std::optional<WindevLegacySettings> windev_legacy)
    : policy_(policy),
      peppers_(std::move(peppers)),
      current_key_id_(std::move(current_key_id)),
      windev_legacy_(std::move(windev_legacy)) {
    policy_.validate();
    if (windev_legacy_) {
        // The old application's values: bounded like stored records, no OWASP floor (they are
        // only ever verified, never used for new hashes), and no minimum pepper length.
        const WindevLegacyParams& p = windev_legacy_->params;
        switch (p.prf) {
            case LegacyPrf::Sha256:
            case LegacyPrf::Sha512:
            case LegacyPrf::Sha3_256: break;
            default: policy_error("windev_legacy.prf is not sha256, sha512 or sha3-256");
        }
        check_range("windev_legacy.iterations", p.iterations, 1, limits::pbkdf2_iterations_max);
        check_range("windev_legacy.output_bytes", p.output_bytes, limits::hash_min_bytes, limits::hash_max_bytes);
        if (windev_legacy_->pepper.size() > limits::legacy_pepper_max_bytes) {
            policy_error("windev_legacy pepper is " + std::to_string(windev_legacy_->pepper.size()) +
                         " bytes; at most " + std::to_string(limits::legacy_pepper_max_bytes) + " are accepted");
        }
    }
    for (std::size_t i = 0; i < peppers_.size(); ++i) {
        const Pepper& p = peppers_[i];
        if (!pwd::valid_key_id(p.key_id)) {
            policy_error("pepper key id must be 1.." + std::to_string(limits::key_id_max_chars) +
                         " characters of [A-Za-z0-9._-]");
        }
        if (p.secret.size() < limits::pepper_min_bytes) {
            throw Error(Code::SecretTooShort, "pepper '" + p.key_id + "' is " + std::to_string(p.secret.size()) +
                                                  " bytes; at least " + std::to_string(limits::pepper_min_bytes) +
                                                  " are required");
        }
        for (std::size_t j = 0; j < i; ++j) {
            if (peppers_[j].key_id == p.key_id) policy_error("pepper key id '" + p.key_id + "' appears twice");
        }
    }
    if (!current_key_id_.empty()) {
        const bool known = std::any_of(peppers_.begin(), peppers_.end(),
                                       [&](const Pepper& p) { return p.key_id == current_key_id_; });
        if (!known) policy_error("current key id '" + current_key_id_ + "' has no pepper");
    }
}

namespace {

const SecretBuffer* find_pepper(const std::vector<Pepper>& peppers, const std::string& key_id) {
    if (key_id.empty()) return nullptr;
    for (const Pepper& p : peppers) {
        if (p.key_id == key_id) return &p.secret;
    }
    // A configuration problem (the pepper was removed or not loaded), not a wrong password:
    // answering Mismatch would lock every user of that key out silently.
    throw Error(Code::HashUnknownKeyId, "stored hash uses pepper key id '" + key_id +
                                            "', which this hasher does not have");
}

bool weaker_than_policy(const pwd::ParsedHash& h, const HashPolicy& policy, const std::string& current_key_id) {
    if (h.format != pwd::StoredFormat::Phc) return true;  // legacy formats always migrate
    if (h.algorithm != policy.algorithm) return true;
    if (h.key_id != current_key_id) return true;
    if (h.salt.size() < policy.salt_bytes || h.hash.size() < policy.hash_bytes) return true;
    switch (h.algorithm) {
        case HashAlgorithm::Argon2id:
            return h.argon2_memory_kib < policy.argon2_memory_kib || h.argon2_iterations < policy.argon2_iterations ||
                   h.argon2_parallelism < policy.argon2_parallelism;
        case HashAlgorithm::Pbkdf2Sha256: return h.pbkdf2_iterations < policy.pbkdf2_sha256_iterations;
        case HashAlgorithm::Pbkdf2Sha512: return h.pbkdf2_iterations < policy.pbkdf2_sha512_iterations;
    }
    return true;
}

/// The verification ceiling (limits::verify_cost_factor): a stored string costing more than a
/// few times the policy is refused before any derivation, so a planted or corrupted row cannot
/// pin CPU or memory on every login. Absolute bounds (limits::argon2_memory_max_kib, ...) were
/// already checked by the parser; this one is relative to the hasher's policy.
void check_cost_ceiling(const pwd::ParsedHash& h, const HashPolicy& policy) {
    constexpr std::uint64_t factor = limits::verify_cost_factor;
    const auto refuse = [&](std::string_view what, std::string_view field, std::uint64_t value, std::string_view unit,
                            std::uint64_t ceiling, const std::string& rule) {
        throw Error(Code::HashParameterOutOfRange,
                    std::string(what) + " hash: " + std::string(field) + " = " + std::to_string(value) +
                        std::string(unit) + " is above the verification ceiling of " + std::to_string(ceiling) +
                        std::string(unit) + " (" + rule +
                        "); refused before any work. If such hashes are legitimate (made under an older, "
                        "stronger policy), raise the hashing policy first (docs/hashing.md)");
    };
    const auto times = [&](std::string_view key, std::uint64_t v) {
        return "verify_cost_factor " + std::to_string(factor) + " x the policy's " + std::string(key) + " " +
               std::to_string(v);
    };
    if (h.algorithm == HashAlgorithm::Argon2id) {
        const std::uint64_t m_max = factor * policy.argon2_memory_kib;
        if (h.argon2_memory_kib > m_max) {
            refuse("argon2id", "m", h.argon2_memory_kib, " KiB", m_max, times("argon2_memory_kib", policy.argon2_memory_kib));
        }
        const std::uint64_t t_max = factor * policy.argon2_iterations;
        if (h.argon2_iterations > t_max) {
            refuse("argon2id", "t", h.argon2_iterations, "", t_max, times("argon2_iterations", policy.argon2_iterations));
        }
        const std::uint64_t p_max =
            std::max<std::uint64_t>(factor * policy.argon2_parallelism, limits::verify_parallelism_floor);
        if (h.argon2_parallelism > p_max) {
            refuse("argon2id", "p", h.argon2_parallelism, "", p_max,
                   "the larger of " + times("argon2_parallelism", policy.argon2_parallelism) + " and " +
                       std::to_string(limits::verify_parallelism_floor));
        }
        return;
    }
    const bool sha256 = h.algorithm == HashAlgorithm::Pbkdf2Sha256;
    const std::uint64_t policy_i = sha256 ? policy.pbkdf2_sha256_iterations : policy.pbkdf2_sha512_iterations;
    const std::uint64_t i_max = factor * policy_i;
    if (h.pbkdf2_iterations <= i_max) return;
    // Named as in each format: PHC "i", passlib "rounds", Django "iterations".
    const std::string alg(hash_algorithm_name(h.algorithm));
    switch (h.format) {
        case pwd::StoredFormat::Phc:
            refuse(alg, "i", h.pbkdf2_iterations, "", i_max, times(sha256 ? "pbkdf2_sha256_iterations"
                                                                          : "pbkdf2_sha512_iterations", policy_i));
            break;
        case pwd::StoredFormat::Passlib:
            refuse("passlib " + alg, "rounds", h.pbkdf2_iterations, "", i_max,
                   times(sha256 ? "pbkdf2_sha256_iterations" : "pbkdf2_sha512_iterations", policy_i));
            break;
        case pwd::StoredFormat::Django:
            refuse("Django pbkdf2_sha256", "iterations", h.pbkdf2_iterations, "", i_max,
                   times("pbkdf2_sha256_iterations", policy_i));
            break;
    }
}

}  // namespace

std::string PasswordHasher::hash(std::string_view password) const {
    check_password(password, policy_.allow_empty_password);
    pwd::ParsedHash h;
    h.algorithm = policy_.algorithm;
    h.argon2_memory_kib = policy_.argon2_memory_kib;
    h.argon2_iterations = policy_.argon2_iterations;
    h.argon2_parallelism = policy_.argon2_parallelism;
    h.pbkdf2_iterations = policy_.algorithm == HashAlgorithm::Pbkdf2Sha512 ? policy_.pbkdf2_sha512_iterations
                                                                           : policy_.pbkdf2_sha256_iterations;
    h.key_id = current_key_id_;
    h.salt.resize(policy_.salt_bytes);
    if (RAND_bytes(h.salt.data(), static_cast<int>(h.salt.size())) != 1) {
        throw Error(Code::Crypto, "RAND_bytes failed: no salt could be generated");
    }
    const pwd::WipedBytes derived = derive(h, password, find_pepper(peppers_, current_key_id_), policy_.hash_bytes);
    h.hash.assign(derived.data(), derived.data() + derived.size());
    std::string out = pwd::format_phc(h);
    wipe(h.hash);
    return out;
}

VerifyResult PasswordHasher::verify(std::string_view password, std::string_view stored) const {
    check_password(password, policy_.allow_empty_password);
    pwd::ParsedHash h = pwd::parse_stored(stored);
    check_cost_ceiling(h, policy_);
    const SecretBuffer* pepper = find_pepper(peppers_, h.key_id);
    const pwd::WipedBytes derived = derive(h, password, pepper, h.hash.size());
    const bool equal = CRYPTO_memcmp(derived.data(), h.hash.data(), h.hash.size()) == 0;
    const bool weaker = weaker_than_policy(h, policy_, current_key_id_);
    if (!equal) return VerifyResult::Mismatch;
    return weaker ? VerifyResult::MatchRehash : VerifyResult::Match;
}

VerifyResult PasswordHasher::verify_windev_legacy(std::string_view password, std::string_view salt,
                                                  std::string_view stored_base64) const {
    if (!windev_legacy_) {
        policy_error("no WinDev legacy settings: add a hashing.windev_legacy section (prf, iterations, "
                     "output_bytes, pepper reference) to the profile's environment to verify legacy records");
    }
    return pwd::verify_windev_legacy_record(password, windev_legacy_->pepper.view(), salt, stored_base64,
                                            windev_legacy_->params);
}

std::optional<WindevLegacyParams> PasswordHasher::windev_legacy_params() const {
    if (!windev_legacy_) return std::nullopt;
    return windev_legacy_->params;
}

bool PasswordHasher::needs_rehash(std::string_view stored) const {
    const pwd::ParsedHash h = pwd::parse_stored(stored);
    check_cost_ceiling(h, policy_);          // same refusal as verify(): never "just rehash it"
    (void)find_pepper(peppers_, h.key_id);  // unknown key id: same error as verify()
    return weaker_than_policy(h, policy_, current_key_id_);
}

}  // namespace verrou
