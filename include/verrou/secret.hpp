// verrou/secret.hpp — secret material and references to it.
//
// Profiles never hold a password, passphrase or pepper inline by design; they hold a
// SecretRef (a file, an environment variable, a Docker secret name). Resolving a reference
// yields a SecretBuffer, which wipes its bytes (OPENSSL_cleanse) when it dies and never
// prints itself. Error messages name the reference ("env var DB_PASSWORD", "file
// /run/secrets/app_pw"), never the value.
#pragma once

#include <cstddef>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace verrou {

// ---- wiping: one function, one scope guard, one allocator ---------------------------------

/// Overwrites `n` bytes at `p` (OPENSSL_cleanse: not optimised away).
void wipe_bytes(void* p, std::size_t n) noexcept;

/// Wipes a string in place and empties it. The whole capacity is cleansed: a shorter string
/// may sit in a longer allocation that once held more of the secret.
template <class C, class Tr, class A>
void wipe(std::basic_string<C, Tr, A>& s) noexcept {
    if (s.capacity() > 0) {
        s.resize(s.capacity());  // within capacity: no allocation
        wipe_bytes(s.data(), s.size() * sizeof(C));
    }
    s.clear();
}

/// Same for a byte vector (its whole capacity).
template <class A>
void wipe(std::vector<unsigned char, A>& v) noexcept {
    if (v.capacity() > 0) {
        v.resize(v.capacity());
        wipe_bytes(v.data(), v.size());
    }
    v.clear();
}

/// Wipes `target` (anything `wipe` takes) when the scope ends, however it ends; release()
/// disarms it once the bytes have been handed to an owner that wipes them itself.
template <class T>
class WipeOnExit {
public:
    explicit WipeOnExit(T& target) noexcept : target_(&target) {}
    WipeOnExit(const WipeOnExit&) = delete;
    WipeOnExit& operator=(const WipeOnExit&) = delete;
    ~WipeOnExit() {
        if (target_ != nullptr) wipe(*target_);
    }
    void release() noexcept { target_ = nullptr; }

private:
    T* target_;
};

/// An allocator that cleanses every block before freeing it: containers of secrets (the
/// profile tree's keys and values) leave nothing behind when they grow, move or die.
template <class T>
struct WipingAllocator {
    using value_type = T;
    WipingAllocator() noexcept = default;
    template <class U>
    WipingAllocator(const WipingAllocator<U>&) noexcept {}
    T* allocate(std::size_t n) { return std::allocator<T>{}.allocate(n); }
    void deallocate(T* p, std::size_t n) noexcept {
        wipe_bytes(p, n * sizeof(T));
        std::allocator<T>{}.deallocate(p, n);
    }
    template <class U>
    bool operator==(const WipingAllocator<U>&) const noexcept {
        return true;
    }
};

/// A string whose every buffer is cleansed when freed. Its in-object (short string) bytes
/// are not an allocation: owners still wipe() it when it dies.
using WipedString = std::basic_string<char, std::char_traits<char>, WipingAllocator<char>>;

// ---- the wiping buffer ----------------------------------------------------------------------

/// Bytes that must not outlive their use (secrets, derived keys, file contents). Move-only;
/// wiped (whole capacity) on destruction, on clear() and when moved from.
class SecretBuffer {
public:
    SecretBuffer() = default;
    explicit SecretBuffer(std::string_view bytes);
    /// `n` zero bytes, to be filled through data() (derived keys, read buffers).
    explicit SecretBuffer(std::size_t n);
    SecretBuffer(const unsigned char* p, std::size_t n);
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
    unsigned char* data() noexcept { return reinterpret_cast<unsigned char*>(data_.data()); }
    const unsigned char* data() const noexcept { return bytes(); }
    std::size_t size() const noexcept { return data_.size(); }
    bool empty() const noexcept { return data_.empty(); }
    /// NUL-terminated view for C APIs that need one (libmariadb, OpenSSL callbacks).
    const char* c_str() const noexcept { return data_.c_str(); }
    void clear() noexcept;
    /// Changes the size to `n`. Shrinking keeps the allocation (wiped with the rest later);
    /// growing moves the bytes to a new block and cleanses the old one before it is freed.
    void resize(std::size_t n);

private:
    std::string data_;
};

/// Constant-time equality of two byte strings (CRYPTO_memcmp; lengths are not secret).
bool constant_time_equal(std::string_view a, std::string_view b) noexcept;

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
