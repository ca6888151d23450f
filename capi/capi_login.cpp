// capi/capi_login.cpp — verrou_login / verrou_login_unlock: the C shape of verrou/login.hpp.
//
// The login section comes from the profile the connection was opened with (kept by the
// connection handle). An attempt is counted and cannot be replayed, so the output buffer is
// checked before anything runs: it must hold the longest verdict JSON (VERROU_LOGIN_JSON_SIZE).
#include "capi_internal.hpp"
#include "capi_objects.hpp"
#include "handles.hpp"
#include "json/output.hpp"
#include "verrou/login.hpp"

using namespace verrou;
using namespace verrou::capi;

namespace {

// The longest verdict JSON (json_output::encode(LoginResult), one line), NUL included:
// {"verdict":"granted_rehashed","retry_after_seconds":-9223372036854775808} is 72 + 1.
static_assert(VERROU_LOGIN_JSON_SIZE >= 73, "VERROU_LOGIN_JSON_SIZE must hold every verdict JSON");

std::string_view name_arg(const char* s, std::string_view what) {
    return text_arg(s, what, limits::login_name_max_bytes, Code::TooLarge);
}

}  // namespace

extern "C" {

VERROU_API verrou_int VERROU_CALL verrou_login(verrou_int connection, verrou_int hasher, const char* user,
                                               const char* password, const char* source, char* buf, verrou_int size) {
    return guarded([&] {
        if (size < 0) throw Error(Code::InvalidArgument, "buffer size is negative (" + std::to_string(size) + ")");
        if (buf == nullptr || size < VERROU_LOGIN_JSON_SIZE) {
            // Checked first: after the call the attempt has been counted and cannot be asked again.
            thread_state().required_size = VERROU_LOGIN_JSON_SIZE;
            if (buf != nullptr && size >= 1) buf[0] = '\0';
            throw Error(Code::BufferTooSmall, "verrou_login needs a buffer of at least VERROU_LOGIN_JSON_SIZE (" +
                                                  std::to_string(VERROU_LOGIN_JSON_SIZE) +
                                                  ") bytes, checked before the attempt is made; got " +
                                                  std::to_string(size));
        }
        const auto h = get_as<HasherObject>(hasher, Kind::Hasher);
        const auto object = get_as<ConnectionObject>(connection, Kind::Connection);
        const std::string_view u = name_arg(user, "user name");
        const std::string_view s = name_arg(source, "source");
        const std::string_view pw =
            text_arg(password, "password", limits::password_max_bytes, Code::PasswordTooLong, /*secret=*/true);
        std::lock_guard lock(object->mutex);
        const LoginResult r = login(object->connection(), h->hasher, object->profile->profile.login, u, pw, s);
        (void)write_out(json_output::render_compact(json_output::encode(r)), buf, size);
        return static_cast<verrou_int>(r.verdict);
    });
}

VERROU_API verrou_int VERROU_CALL verrou_login_unlock(verrou_int connection, const char* user) {
    return guarded([&] {
        const auto object = get_as<ConnectionObject>(connection, Kind::Connection);
        const std::string_view u = name_arg(user, "user name");
        std::lock_guard lock(object->mutex);
        return static_cast<verrou_int>(login_unlock(object->connection(), object->profile->profile.login, u) ? 1 : 0);
    });
}

}  // extern "C"
