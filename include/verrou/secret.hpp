// verrou/secret.hpp — secret material and references to it.
//
// Profiles never hold a password, passphrase or pepper inline by design; they hold a
// SecretRef (a file, an environment variable, a Docker secret name). Resolving a reference
// yields a SecretBuffer, which wipes its bytes (OPENSSL_cleanse) when it dies and never
// prints itself. Error messages name the reference ("env var DB_PASSWORD", "file
// /run/secrets/app_pw"), never the value.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace verrou {

/// Bytes that must not outlive their use. Move-only; wiped on destruction and on clear().
class SecretBuffer {
public:
    SecretBuffer() = default;
    explicit SecretBuffer(std::string_view bytes);
    SecretBuffer(const SecretBuffer&) = delete;
    SecretBuffer& operator=(const SecretBuffer&) = delete;
    SecretBuffer(SecretBuffer&& other) noexcept;
    SecretBuffer& operator=(SecretBuffer&& other) noexcept;
    ~SecretBuffer();
    /// Takes over `bytes` without copying (e.g. a plaintext decrypted in place): the string's
    /// buffer is now this SecretBuffer's, wiped with it; `bytes` is left empty.
    static SecretBuffer adopt(std::string&& bytes) noexcept;

    std::string_view view() const noexcept { return {data_.data(), data_.size()}; }
    const unsigned char* bytes() const noexcept {
        return reinterpret_cast<const unsigned char*>(data_.data());
    }
    std::size_t size() const noexcept { return data_.size(); }
    bool empty() const noexcept { return data_.empty(); }
    /// NUL-terminated view for C APIs that need one (libmariadb, OpenSSL callbacks).
    const char* c_str() const noexcept { return data_.c_str(); }
    void clear() noexcept;

private:
    std::string data_;
};

/// Constant-time equality of two byte strings (CRYPTO_memcmp; lengths are not secret).
bool constant_time_equal(std::string_view a, std::string_view b) noexcept;

/// Wipes a std::string / vector in place (OPENSSL_cleanse) and empties it.
void wipe(std::string& s) noexcept;
void wipe(std::vector<unsigned char>& v) noexcept;

/// Where a secret lives. `Inline` exists only so profiles that still carry a literal can
/// be loaded with a warning; it is never the recommended form.
struct SecretRef {
    enum class Kind { None, File, Env, DockerSecret, Inline };
    Kind kind = Kind::None;
    std::string target;        // path, variable name or Docker secret name (empty for Inline)
    SecretBuffer inline_value; // only for Kind::Inline

    // Copyable so that a Profile is a plain value; the copy of an inline value is itself a
    // SecretBuffer, wiped when that copy dies.
    SecretRef() = default;
    SecretRef(Kind k, std::string t) : kind(k), target(std::move(t)) {}
    SecretRef(const SecretRef& other)
        : kind(other.kind), target(other.target), inline_value(other.inline_value.view()) {}
    SecretRef& operator=(const SecretRef& other) {
        if (this != &other) {
            kind = other.kind;
            target = other.target;
            inline_value = SecretBuffer(other.inline_value.view());
        }
        return *this;
    }
    SecretRef(SecretRef&&) noexcept = default;
    SecretRef& operator=(SecretRef&&) noexcept = default;

    bool present() const noexcept { return kind != Kind::None; }
    /// "file /run/secrets/x", "env var X", "Docker secret x (/run/secrets/x)", "inline value".
    std::string describe() const;
};

/// Directory Docker secrets are looked up in: $VERROU_SECRETS_DIR, else /run/secrets.
std::string docker_secrets_dir();

/// Reads the secret a reference points to. A trailing "\n" or "\r\n" (as left by `echo` or
/// editors in secret files) is stripped. Throws Error(SECRET_*) naming the reference.
/// `what` names the secret's purpose in messages ("password", "pepper k2025").
SecretBuffer resolve_secret(const SecretRef& ref, std::string_view what);

/// Reads a whole file into a SecretBuffer (no newline stripping); throws SECRET_* errors.
SecretBuffer read_secret_file(const std::string& path, std::string_view what);

}  // namespace verrou
