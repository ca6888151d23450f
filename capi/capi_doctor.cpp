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

// A doctor run costs network round trips and a login: when its JSON does not fit, it is kept
// for the caller's immediate retry with the same arguments (same rule as verrou_query).
struct PendingDoctor {
    std::uint64_t seq = 0;
    std::string path, environment, rendered;
    bool valid = false;
    void drop() noexcept {
        valid = false;
        path.clear();
        environment.clear();
        rendered.clear();
    }
};

PendingDoctor& pending_doctor() noexcept {
    thread_local PendingDoctor p;
    return p;
}

}  // namespace

extern "C" {

VERROU_API verrou_int VERROU_CALL verrou_doctor(const char* path, const char* environment, char* buf,
                                                verrou_int size) {
    PendingDoctor& p = pending_doctor();
    const std::uint64_t previous_call = thread_state().call_seq;
    return guarded([&] {
        const std::string_view file = text_arg(path, "profile path");
        const std::string_view env = optional_text_arg(environment, "environment");
        if (size < 0) throw Error(Code::InvalidArgument, "buffer size is negative (" + std::to_string(size) + ")");
        std::string rendered;
        if (p.valid && p.seq == previous_call && p.path == file && p.environment == env) {
            rendered.swap(p.rendered);
        } else {
            rendered = doctor_report_to_json(run_doctor(std::string(file), env));
        }
        p.drop();
        if (buf == nullptr || static_cast<std::size_t>(size) < rendered.size() + 1) {
            p.path.assign(file);
            p.environment.assign(env);
            p.rendered.swap(rendered);
            p.seq = thread_state().call_seq;
            p.valid = true;
            return write_out(p.rendered, buf, size);
        }
        return write_out(rendered, buf, size);
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
