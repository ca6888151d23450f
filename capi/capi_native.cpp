// capi/capi_native.cpp — verrou_native_options / verrou_native_password: WinDev's native
// MySQL/MariaDB access configured from a profile (core: include/verrou/native_options.hpp).
#include "capi_internal.hpp"
#include "capi_objects.hpp"
#include "handles.hpp"
#include "json/output.hpp"
#include "verrou/native_options.hpp"

using namespace verrou;
using namespace verrou::capi;

extern "C" {

VERROU_API verrou_int VERROU_CALL verrou_native_options(verrou_int profile, char* buf, verrou_int size) {
    return guarded([&] {
        const auto object = get_as<ProfileObject>(profile, Kind::Profile);
        return write_out(json_output::render(json_output::encode(native_options(object->profile))), buf, size);
    });
}

VERROU_API verrou_int VERROU_CALL verrou_native_password(verrou_int profile, char* buf, verrou_int size) {
    return guarded([&] {
        const auto object = get_as<ProfileObject>(profile, Kind::Profile);
        // Resolved into a wiping buffer and written straight from it: no other copy is made
        // here. A buffer too small gets only the needed size (the secret is not kept).
        const SecretBuffer password = native_password(object->profile);
        return write_out(password.view(), buf, size);
    });
}

}  // extern "C"
