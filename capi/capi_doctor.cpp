// capi/capi_doctor.cpp — verrou_doctor and verrou_cert_check: diagnosis for support teams and
// monitoring, shaped like the rest of the ABI (JSON into (buf, size), length returned).
#include <nlohmann/json.hpp>

#include <openssl/crypto.h>

#include "capi_internal.hpp"
#include "capi_objects.hpp"
#include "handles.hpp"
#include "verrou/certificate.hpp"
#include "verrou/doctor.hpp"

using namespace verrou;
using namespace verrou::capi;

namespace {

using json = nlohmann::ordered_json;

}  // namespace

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
                              [&] { return doctor_report_to_json(run_doctor(std::string(file), env)); });
    });
}

VERROU_API verrou_int VERROU_CALL verrou_cert_check(verrou_int profile, char* buf, verrou_int size) {
    return guarded([&] {
        const auto object = get_as<ProfileObject>(profile, Kind::Profile);
        const ValidationReport report = validate_tls_material(object->profile);
        const CheckStatus worst = report.worst_status();
        // Nagios codes, as `verrou cert check` exits; "status" uses the doctor's words.
        const int exit_code = worst == CheckStatus::Failed ? 2 : worst == CheckStatus::Warning ? 1 : 0;
        json j;
        j["status"] = std::string(check_status_name(worst));
        j["exit_code"] = exit_code;
        j["environment"] = object->profile.environment;
        j["certificates"] = json::parse(validation_report_to_json(report));
        return write_out(j.dump(2, ' ', false, json::error_handler_t::replace), buf, size);
    });
}

}  // extern "C"
