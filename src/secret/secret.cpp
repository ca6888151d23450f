#include "verrou/secret.hpp"

#include <openssl/crypto.h>

#include <cstdlib>

#include "secret/file_read.hpp"
#include "verrou/error.hpp"

namespace verrou {

namespace {
constexpr std::size_t kSecretFileMaxBytes = 64 * 1024;  // a secret file holds one value
}  // namespace

SecretBuffer::SecretBuffer(std::string_view bytes) : data_(bytes) {}

SecretBuffer::SecretBuffer(std::size_t n) : data_(n, '\0') {}

SecretBuffer::SecretBuffer(const unsigned char* p, std::size_t n)
    : data_(reinterpret_cast<const char*>(p), n) {}

SecretBuffer::SecretBuffer(SecretBuffer&& other) noexcept : data_(std::move(other.data_)) {
    other.clear();
}

SecretBuffer& SecretBuffer::operator=(SecretBuffer&& other) noexcept {
    if (this != &other) {
        clear();
        data_ = std::move(other.data_);
        other.clear();
    }
    return *this;
}

SecretBuffer::~SecretBuffer() { clear(); }

SecretBuffer SecretBuffer::adopt(std::string&& bytes) noexcept {
    SecretBuffer out;
    out.data_.swap(bytes);
    wipe(bytes);  // a short string lives inside the object (SSO): its bytes were copied, not moved
    return out;
}

void SecretBuffer::clear() noexcept { wipe(data_); }

void SecretBuffer::resize(std::size_t n) {
    if (n <= data_.capacity()) {
        if (n < data_.size()) wipe_bytes(data_.data() + n, data_.size() - n);
        data_.resize(n);  // within capacity: no new block
        return;
    }
    std::string bigger;
    bigger.reserve(n);
    bigger.assign(data_);
    bigger.resize(n);
    wipe(data_);
    data_.swap(bigger);
}

void wipe_bytes(void* p, std::size_t n) noexcept {
    if (p != nullptr && n > 0) OPENSSL_cleanse(p, n);
}

bool constant_time_equal(std::string_view a, std::string_view b) noexcept {
    if (a.size() != b.size()) return false;
    if (a.empty()) return true;
    return CRYPTO_memcmp(a.data(), b.data(), a.size()) == 0;
}

std::string SecretRef::describe() const {
    switch (kind) {
        case Kind::None: return "no reference";
        case Kind::File: return "file " + target;
        case Kind::Env: return "environment variable " + target;
        case Kind::DockerSecret: return "Docker secret '" + target + "' (" + docker_secrets_dir() + "/" + target + ")";
        case Kind::Inline: return "inline value";
    }
    return "unknown reference";
}

std::string docker_secrets_dir() {
    const char* dir = std::getenv("VERROU_SECRETS_DIR");
    return (dir && *dir) ? std::string(dir) : std::string("/run/secrets");
}

SecretBuffer read_secret_file(const std::string& path, std::string_view what) {
    using secret_detail::FileReadStatus;
    // open/read into a buffer that is cleansed on every path (secret/file_read.hpp): no
    // std::ifstream buffer and no reallocated prefix of the secret is left in freed memory.
    secret_detail::FileReadResult r = secret_detail::read_file_wiped(path, kSecretFileMaxBytes, /*regular_only=*/true);
    switch (r.status) {
        case FileReadStatus::Ok:
            return std::move(r.data);
        case FileReadStatus::NotFound:
            throw Error(Code::SecretNotFound, std::string(what) + ": cannot open file " + path + ": " + r.reason);
        case FileReadStatus::StatFailed:
            throw Error(Code::SecretUnreadable, std::string(what) + ": cannot open file " + path + ": " + r.reason);
        case FileReadStatus::IsDirectory:
        case FileReadStatus::NotRegular:
            throw Error(Code::SecretUnreadable, std::string(what) + ": " + path + " is not a regular file");
        case FileReadStatus::TooLarge:
            throw Error(Code::SecretUnreadable, std::string(what) + ": file " + path +
                        " is larger than 64 KiB; a secret file holds one value");
        case FileReadStatus::OpenFailed:
        case FileReadStatus::ReadFailed:
            break;
    }
    throw Error(Code::SecretUnreadable, std::string(what) + ": cannot read file " + path + ": " + r.reason);
}

namespace {
SecretBuffer strip_newline(SecretBuffer&& buffer) {
    std::string_view v = buffer.view();
    std::size_t n = v.size();
    if (n > 0 && v[n - 1] == '\n') --n;
    if (n > 0 && v[n - 1] == '\r') --n;
    if (n == v.size()) return std::move(buffer);
    return SecretBuffer(v.substr(0, n));
}
}  // namespace

SecretBuffer resolve_secret(const SecretRef& ref, std::string_view what) {
    SecretBuffer value;
    switch (ref.kind) {
        case SecretRef::Kind::None:
            throw Error(Code::SecretNotFound, std::string(what) + ": no reference given");
        case SecretRef::Kind::Inline:
            value = SecretBuffer(ref.inline_value.view());
            break;
        case SecretRef::Kind::Env: {
            const char* v = std::getenv(ref.target.c_str());
            if (!v) {
                throw Error(Code::SecretEnvMissing, std::string(what) + ": environment variable " +
                            ref.target + " is not set");
            }
            value = SecretBuffer(v);
            break;
        }
        case SecretRef::Kind::File:
            value = strip_newline(read_secret_file(ref.target, what));
            break;
        case SecretRef::Kind::DockerSecret:
            if (ref.target.empty() || ref.target.find('/') != std::string::npos ||
                ref.target == "." || ref.target == "..") {
                throw Error(Code::SecretNotFound, std::string(what) + ": Docker secret name '" +
                            ref.target + "' is not a plain name");
            }
            value = strip_newline(read_secret_file(docker_secrets_dir() + "/" + ref.target, what));
            break;
    }
    if (value.empty()) {
        throw Error(Code::SecretEmpty, std::string(what) + ": " + ref.describe() + " is empty");
    }
    return value;
}

}  // namespace verrou
