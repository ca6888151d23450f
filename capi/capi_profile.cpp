// capi/capi_profile.cpp — verrou_profile_*: load, describe, close.
#include "capi_internal.hpp"
#include "capi_objects.hpp"
#include "handles.hpp"
#include "json/output.hpp"

using namespace verrou;
using namespace verrou::capi;

extern "C" {

VERROU_API verrou_int VERROU_CALL verrou_profile_open(const char* path, const char* environment) {
    return guarded([&] {
        const std::string p(text_arg(path, "profile path"));
        if (p.empty()) throw Error(Code::InvalidArgument, "profile path is empty");
        const std::string_view env = optional_text_arg(environment, "environment");
        auto object = std::make_shared<ProfileObject>(ProfileObject{load_profile(p, env)});
        return handle_insert(Kind::Profile, std::move(object));
    });
}

VERROU_API verrou_int VERROU_CALL verrou_profile_close(verrou_int profile) {
    return guarded([&] {
        handle_remove(profile, Kind::Profile);
        return verrou_int{0};
    });
}

VERROU_API verrou_int VERROU_CALL verrou_profile_describe(verrou_int profile, char* buf, verrou_int size) {
    return guarded([&] {
        const auto object = get_as<ProfileObject>(profile, Kind::Profile);
        const ValidationReport report = validate_tls_material(object->profile);
        return write_out(json_output::render(json_output::encode_profile_description(object->profile, report)), buf,
                         size);
    });
}

}  // extern "C"
