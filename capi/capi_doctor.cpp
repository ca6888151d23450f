// capi/capi_doctor.cpp — verrou_doctor and verrou_cert_check: diagnosis for support teams and
// monitoring, shaped like the rest of the ABI (JSON into (buf, size), length returned).
#include "capi_internal.hpp"
#include "capi_objects.hpp"
#include "handles.hpp"
#include "json/output.hpp"

using namespace verrou;
using namespace verrou::capi;

extern "C" {

VERROU_API verrou_int VERROU_CALL verrou_doctor(const char* path, const char* environment, char* buf,
                                                verrou_int size) {
    // A doctor run costs network round trips and a login: a report that did not fit is kept
    // for the immediate retry, like verrou_query's rows.
    const std::uint64_t previous_call = thread_state().call_seq;
    return guarded([&] {
        const std::string_view file = text_arg(path, "profile path");
        const std::string_view env = optional_text_arg(environment, "environment");
        std::string key = "verrou_doctor";
        key.append(1, '\0').append(file).append(1, '\0').append(env);
        return write_out_kept(std::move(key), previous_call, buf, size,
                              [&] { return json_output::render(json_output::encode(run_doctor(std::string(file), env))); });
    });
}

VERROU_API verrou_int VERROU_CALL verrou_cert_check(verrou_int profile, char* buf, verrou_int size) {
    return guarded([&] {
        const auto object = get_as<ProfileObject>(profile, Kind::Profile);
        const ValidationReport report = validate_tls_material_online(object->profile);
        return write_out(json_output::render(json_output::encode_cert_check(report, object->profile.environment)),
                         buf, size);
    });
}

}  // extern "C"
