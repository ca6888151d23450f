// password/bytes.hpp — a byte vector that wipes itself (derived keys, pre-hashed passwords).
#pragma once

#include <cstddef>
#include <string_view>
#include <vector>

#include "verrou/secret.hpp"

namespace verrou::pwd {

/// Owns bytes that must not outlive their use: OPENSSL_cleanse on destruction. Move-only so
/// no stray copy escapes the wipe.
class WipedBytes {
public:
    WipedBytes() = default;
    explicit WipedBytes(std::size_t n) : bytes_(n) {}
    WipedBytes(const unsigned char* p, std::size_t n) : bytes_(p, p + n) {}
    WipedBytes(const WipedBytes&) = delete;
    WipedBytes& operator=(const WipedBytes&) = delete;
    WipedBytes(WipedBytes&& o) noexcept : bytes_(std::move(o.bytes_)) { o.bytes_.clear(); }
    WipedBytes& operator=(WipedBytes&& o) noexcept {
        if (this != &o) {
            wipe(bytes_);
            bytes_ = std::move(o.bytes_);
            o.bytes_.clear();
        }
        return *this;
    }
    ~WipedBytes() { wipe(bytes_); }

    unsigned char* data() noexcept { return bytes_.data(); }
    const unsigned char* data() const noexcept { return bytes_.data(); }
    std::size_t size() const noexcept { return bytes_.size(); }
    bool empty() const noexcept { return bytes_.empty(); }
    std::string_view view() const noexcept {
        return {reinterpret_cast<const char*>(bytes_.data()), bytes_.size()};
    }

private:
    std::vector<unsigned char> bytes_;
};

inline const unsigned char* as_bytes(std::string_view s) noexcept {
    return reinterpret_cast<const unsigned char*>(s.data());
}

}  // namespace verrou::pwd
