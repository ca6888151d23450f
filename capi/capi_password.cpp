// capi/capi_password.cpp — verrou_hasher_* / hash / verify / needs_rehash / verify_windev_legacy.
//
// Passwords are read in place (string_view over the caller's buffer): the C layer makes no
// copy to wipe, and never names the value in a message.
#include "capi_internal.hpp"
#include "capi_objects.hpp"
#include "handles.hpp"

using namespace verrou;
using namespace verrou::capi;

namespace {

// Stored hashes are short; anything this long is not one and is refused before parsing.
constexpr std::size_t kStoredMaxBytes = 64 * 1024;

std::string_view password_arg(const char* password) {
    return text_arg(password, "password", limits::password_max_bytes, Code::PasswordTooLong, /*secret=*/true);
}

std::string_view stored_arg(const char* stored) { return text_arg(stored, "stored hash", kStoredMaxBytes); }

// The legacy columns are not secret, but their values never go into messages either (the
// core names the field only); these bounds are the C layer's, the core's are tighter.
std::string_view salt_arg(const char* salt) { return text_arg(salt, "salt", kStoredMaxBytes); }
std::string_view stored_base64_arg(const char* stored) {
    return text_arg(stored, "stored Base64 hash", kStoredMaxBytes);
}

}  // namespace

extern "C" {

VERROU_API verrou_int VERROU_CALL verrou_hasher_open(const char* path, const char* environment) {
    return guarded([&] {
        const std::string p(text_arg(path, "profile path"));
        if (p.empty()) throw Error(Code::InvalidArgument, "profile path is empty");
        const std::string_view env = optional_text_arg(environment, "environment");
        auto object = std::make_shared<HasherObject>(load_password_hasher(p, env));
        return handle_insert(Kind::Hasher, std::move(object));
    });
}

VERROU_API verrou_int VERROU_CALL verrou_hasher_close(verrou_int hasher) {
    return guarded([&] {
        handle_remove(hasher, Kind::Hasher);
        return verrou_int{0};
    });
}

VERROU_API verrou_int VERROU_CALL verrou_hash(verrou_int hasher, const char* password, char* buf, verrou_int size) {
    return guarded([&] {
        if (size < 0) throw Error(Code::InvalidArgument, "buffer size is negative (" + std::to_string(size) + ")");
        const auto h = get_as<HasherObject>(hasher, Kind::Hasher);
        const std::string_view pw = password_arg(password);
        const std::string hashed = h->hasher.hash(pw);
        return write_out(hashed, buf, size);
    });
}

VERROU_API verrou_int VERROU_CALL verrou_verify(verrou_int hasher, const char* password, const char* stored) {
    return guarded([&] {
        const auto h = get_as<HasherObject>(hasher, Kind::Hasher);
        const std::string_view pw = password_arg(password);
        return static_cast<verrou_int>(h->hasher.verify(pw, stored_arg(stored)));
    });
}

VERROU_API verrou_int VERROU_CALL verrou_needs_rehash(verrou_int hasher, const char* stored) {
    return guarded([&] {
        const auto h = get_as<HasherObject>(hasher, Kind::Hasher);
        return static_cast<verrou_int>(h->hasher.needs_rehash(stored_arg(stored)) ? 1 : 0);
    });
}

VERROU_API verrou_int VERROU_CALL verrou_verify_windev_legacy(verrou_int hasher, const char* password, const char* salt,
                                                              const char* stored_base64) {
    return guarded([&] {
        const auto h = get_as<HasherObject>(hasher, Kind::Hasher);
        const std::string_view pw = password_arg(password);
        return static_cast<verrou_int>(
            h->hasher.verify_windev_legacy(pw, salt_arg(salt), stored_base64_arg(stored_base64)));
    });
}

}  // extern "C"
