#include "verrou/secret.hpp"

#include <openssl/crypto.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <sys/stat.h>

#include "verrou/error.hpp"

namespace verrou {

SecretBuffer::SecretBuffer(std::string_view bytes) : data_(bytes) {}

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

void SecretBuffer::clear() noexcept { wipe(data_); }

void wipe(std::string& s) noexcept {
    // Cleanse the whole capacity: a shorter string may sit in a longer allocation that
    // once held more of the secret.
    if (s.capacity() > 0) {
        s.resize(s.capacity());
        OPENSSL_cleanse(s.data(), s.size());
    }
    s.clear();
}

void wipe(std::vector<unsigned char>& v) noexcept {
    if (!v.empty()) OPENSSL_cleanse(v.data(), v.size());
    v.clear();
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
    struct stat st {};
    if (::stat(path.c_str(), &st) != 0) {
        const int err = errno;
        throw Error(err == ENOENT ? Code::SecretNotFound : Code::SecretUnreadable,
                    std::string(what) + ": cannot open file " + path + ": " + std::strerror(err));
    }
    if (!S_ISREG(st.st_mode)) {
        throw Error(Code::SecretUnreadable, std::string(what) + ": " + path + " is not a regular file");
    }
    if (st.st_size > 64 * 1024) {
        throw Error(Code::SecretUnreadable, std::string(what) + ": file " + path +
                    " is larger than 64 KiB; a secret file holds one value");
    }
    std::ifstream in(path, std::ios::binary);
    if (!in) {
        throw Error(Code::SecretUnreadable, std::string(what) + ": cannot read file " + path +
                    ": " + std::strerror(errno));
    }
    std::string data;
    data.reserve(static_cast<std::size_t>(st.st_size) + 1);
    char chunk[4096];
    while (in.read(chunk, sizeof chunk) || in.gcount() > 0) {
        data.append(chunk, static_cast<std::size_t>(in.gcount()));
    }
    OPENSSL_cleanse(chunk, sizeof chunk);
    SecretBuffer out(data);
    wipe(data);
    return out;
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
