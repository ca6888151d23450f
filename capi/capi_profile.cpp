// capi/capi_profile.cpp — verrou_profile_*: load, describe, close.
#include <nlohmann/json.hpp>

#include "capi_internal.hpp"
#include "capi_objects.hpp"
#include "handles.hpp"
#include "verrou/certificate.hpp"

using namespace verrou;
using namespace verrou::capi;

namespace {

using json = nlohmann::ordered_json;

json certificate_json(const CertificateInfo& c) {
    json j;
    j["path"] = c.path;
    j["subject"] = c.subject;
    j["common_name"] = c.common_name;
    j["issuer"] = c.issuer;
    j["subject_alt_names"] = c.subject_alt_names;
    j["not_before"] = c.not_before;
    j["not_after"] = c.not_after;
    j["days_left"] = c.days_left;
    j["sha256_fingerprint"] = c.sha256_fingerprint;
    j["serial"] = c.serial_hex;
    j["is_ca"] = c.is_ca;
    return j;
}

json report_json(const ValidationReport& r) {
    json j;
    j["ok"] = r.ok();
    json findings = json::array();
    for (const CheckFinding& f : r.findings) {
        findings.push_back({{"check", f.check},
                            {"status", std::string(check_status_name(f.status))},
                            {"code", static_cast<int>(f.code)},
                            {"code_name", std::string(code_name(f.code))},
                            {"message", f.message}});
    }
    j["findings"] = std::move(findings);
    j["ca"] = r.ca ? certificate_json(*r.ca) : json(nullptr);
    j["client"] = r.client ? certificate_json(*r.client) : json(nullptr);
    j["cert_path"] = r.cert_path;
    j["key_path"] = r.key_path;
    j["using_next_certificate"] = r.using_next_certificate;
    return j;
}

}  // namespace

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
        json j;
        j["profile"] = json::parse(profile_to_json(object->profile));
        j["certificates"] = report_json(validate_tls_material(object->profile));
        // Paths and messages may carry bytes that are not UTF-8: replace, never throw.
        return write_out(j.dump(2, ' ', false, json::error_handler_t::replace), buf, size);
    });
}

}  // extern "C"
