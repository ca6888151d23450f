// verrou/encryption.hpp — field-level encryption with versioned keys, rewrap and blind indexes.
//
// A database dump, a backup or a DBA's SELECT shows `verrou:v1:<key id>:<Base64>` instead of
// an IBAN. Keys are 32-byte AES-256 keys referenced by the profile (`encryption` section: file,
// environment variable or Docker secret, never inline), each with a short key id written into
// every ciphertext so keys can rotate without downtime: the current key encrypts, the others
// still decrypt, and rewrap() moves a value to the current key without handing its plaintext
// to the caller. blind_index() gives a deterministic token for equality search on an
// encrypted column. The exact construction is in docs/encryption.md.
//
// Every value is bound to its place by a `context` (e.g. "customers.iban#42") that enters the
// authenticated data: a ciphertext copied to another row or column does not decrypt.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "verrou/secret.hpp"

namespace verrou {

class Connection;

namespace limits {
/// Largest plaintext encrypt() accepts (and decrypt() can return): 1 MiB.
inline constexpr std::size_t field_plaintext_max_bytes = 1024 * 1024;
/// AES-256 keys and blind-index keys: exactly 32 bytes (44 characters of standard Base64).
inline constexpr std::size_t field_key_bytes = 32;
/// Key ids: 1..32 characters of [A-Za-z0-9_-].
inline constexpr std::size_t field_key_id_max_chars = 32;
/// Contexts: 1..1024 bytes, no NUL byte (the blind index separates context and value by 0x00).
inline constexpr std::size_t field_context_max_bytes = 1024;
/// AES-GCM nonce and tag sizes of the v1 format.
inline constexpr std::size_t field_nonce_bytes = 12;
inline constexpr std::size_t field_tag_bytes = 16;
/// Bytes of HMAC-SHA-256 kept in a blind index.
inline constexpr std::size_t blind_index_bytes = 16;
/// Longest ciphertext text accepted: the header of the longest key id plus the Base64 of
/// nonce + 1 MiB + tag. Anything longer is refused before it is decoded.
inline constexpr std::size_t field_ciphertext_max_chars =
    10 + field_key_id_max_chars + 1 +
    ((field_nonce_bytes + field_plaintext_max_bytes + field_tag_bytes) * 4 + 2) / 3;
}  // namespace limits

/// One versioned key: its id (written into ciphertexts / blind indexes) and its 32 bytes.
struct FieldKey {
    std::string id;
    SecretBuffer key;
};

/// Encrypts, decrypts, rewraps and indexes field values. Immutable once built: every method
/// is const and safe to call from several threads at once.
class FieldEncryptor {
public:
    /// `keys` decrypt; `current_key` (one of their ids) encrypts; `index_keys` and
    /// `current_index_key` do the same for blind indexes. Either set may be empty (then the
    /// matching operations throw ENCRYPTION_NO_KEY). Throws ENCRYPTION_KEY_INVALID for a key
    /// that is not 32 bytes or an invalid / duplicate id, ENCRYPTION_UNKNOWN_KEY_ID when a
    /// current id names no key.
    FieldEncryptor(std::vector<FieldKey> keys, std::string current_key, std::vector<FieldKey> index_keys = {},
                   std::string current_index_key = {});

    FieldEncryptor(FieldEncryptor&&) noexcept = default;
    FieldEncryptor& operator=(FieldEncryptor&&) noexcept = default;
    FieldEncryptor(const FieldEncryptor&) = delete;
    FieldEncryptor& operator=(const FieldEncryptor&) = delete;
    ~FieldEncryptor() = default;

    /// `verrou:v1:<current key id>:<B64(nonce ‖ ciphertext ‖ tag)>`. Binary-safe; empty
    /// plaintext allowed; more than 1 MiB is ENCRYPTION_TOO_LARGE.
    [[nodiscard]] std::string encrypt(std::string_view plaintext, std::string_view context) const;

    /// The plaintext, or ENCRYPTION_MALFORMED / ENCRYPTION_UNSUPPORTED_VERSION /
    /// ENCRYPTION_UNKNOWN_KEY_ID / ENCRYPTION_AUTH_FAILED (wrong context, tampered, wrong key).
    /// Never partial plaintext.
    [[nodiscard]] SecretBuffer decrypt(std::string_view ciphertext, std::string_view context) const;

    /// The same plaintext under the current key, with a fresh nonce (always re-encrypted, so
    /// the value is authenticated on the way); the plaintext is wiped, never returned.
    [[nodiscard]] std::string rewrap(std::string_view ciphertext, std::string_view context) const;

    /// True when the ciphertext is under another key than the current one. Parses it (same
    /// errors as decrypt for a malformed value or an unknown key id) but does not decrypt.
    [[nodiscard]] bool needs_rewrap(std::string_view ciphertext) const;

    /// `vbi1:<current index key id>:<B64(first 16 bytes of HMAC-SHA-256(index key,
    /// context ‖ 0x00 ‖ value))>`: deterministic, reveals equality only.
    [[nodiscard]] std::string blind_index(std::string_view value, std::string_view context) const;

    /// Length of encrypt()'s (and rewrap()'s) output for a plaintext of `plaintext_bytes`
    /// under the current key, so a caller can size its buffer before any work.
    [[nodiscard]] std::size_t ciphertext_size(std::size_t plaintext_bytes) const;
    /// Length of decrypt()'s output for `ciphertext` (parsed, not decrypted: same errors as
    /// decrypt for a malformed value).
    [[nodiscard]] std::size_t plaintext_size(std::string_view ciphertext) const;
    /// Length of blind_index()'s output under the current index key.
    [[nodiscard]] std::size_t blind_index_size() const;

    const std::string& current_key_id() const noexcept { return current_key_; }
    const std::string& current_index_key_id() const noexcept { return current_index_key_; }
    /// Ids of the configured keys (encryption, then index), for diagnostics; never key bytes.
    std::vector<std::string> key_ids() const;
    std::vector<std::string> index_key_ids() const;

private:
    const FieldKey& key_for(std::string_view id) const;
    std::string encrypt_with(const FieldKey& key, std::string_view plaintext, std::string_view context) const;

    std::vector<FieldKey> keys_;
    std::string current_key_;
    std::vector<FieldKey> index_keys_;
    std::string current_index_key_;
};

/// The key-rotation day: re-encrypts one column of a table under the current key.
struct RewrapTableOptions {
    std::string table;             // "customers" or "appdb.customers": [A-Za-z0-9_$] names
    std::string column;            // the encrypted column
    std::string id_column;         // a unique, non-NULL key of the table (primary key)
    std::string context_template;  // "customers.iban#{id}": {id} becomes each row's id
    std::size_t batch_size = 500;  // rows read, rewrapped and committed per transaction
    std::size_t max_failures_listed = 20;
};

struct RewrapTableProgress {
    std::uint64_t total = 0;  // rows in the table when the run started (for a progress bar)
    std::uint64_t seen = 0;   // rows examined so far
    std::uint64_t rewrapped = 0, skipped = 0, failed = 0;
};

struct RewrapTableFailure {
    std::string id;       // the row's id as the server renders it
    std::string code;     // "ENCRYPTION_AUTH_FAILED", ...
    std::string message;  // never a value
};

struct RewrapTableSummary : RewrapTableProgress {
    std::uint64_t changed_meanwhile = 0;  // rows updated by someone else between read and write (left alone)
    std::vector<RewrapTableFailure> failures;  // the first max_failures_listed failed rows
};

/// Walks the table in id order, batch by batch (SELECT ... WHERE id > last ORDER BY id LIMIT n),
/// and in one transaction per batch replaces every value not under the current key by its
/// rewrap (UPDATE ... WHERE id = ? AND column = <the value read>, so a row changed meanwhile is
/// left alone and counted). NULL values and values already under the current key are skipped,
/// which makes the run resumable: after a crash or a kill, committed batches stay done and
/// running it again finishes the rest. A value that does not decrypt (wrong context, unknown
/// key, malformed) is counted as failed and left unchanged. `progress` is called after each
/// batch. Throws for a bad option (INVALID_ARGUMENT) or a database failure (the current batch
/// is rolled back).
RewrapTableSummary rewrap_table(Connection& connection, const FieldEncryptor& encryptor,
                                const RewrapTableOptions& options,
                                const std::function<void(const RewrapTableProgress&)>& progress = {});
/// One-line JSON of a run (`verrou field rewrap-table --json`): {"table", "column",
/// "current_key", "rows", "rewrapped", "skipped", "failed", "changed_meanwhile", "failures":
/// [{"id", "code", "message"}]}.
std::string rewrap_table_summary_json(const RewrapTableOptions& options, std::string_view current_key,
                                      const RewrapTableSummary& summary);

/// Builds a FieldEncryptor from a profile file's `encryption` section (same file, environment
/// choice and inheritance as load_profile; connection keys are not required). Every key is
/// resolved and checked now, so a bad key fails at start-up, naming its id.
FieldEncryptor load_field_encryptor(const std::string& profile_path, std::string_view environment = {});

/// A fresh random key (RAND_bytes) as the text a key file holds: 44 characters of standard
/// Base64 and "\n". Wipe it after writing.
SecretBuffer generate_field_key_text();

/// Writes a fresh key to `path` (generate_field_key_text): never overwrites an existing file
/// (INVALID_ARGUMENT), owner-only permissions (0600; on Windows the file inherits its folder's
/// ACL), written to a temporary file, flushed, then linked into place: complete or absent.
void write_new_field_key(const std::string& path);

}  // namespace verrou
