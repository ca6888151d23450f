// json/output.cpp — see output.hpp. Fields are only ever added to these shapes, never renamed
// (docs/doctor.md, docs/capi.md, include/verrou.h's @json blocks).
#include "json/output.hpp"

#include "platform/utf8.hpp"

namespace verrou::json_output {

namespace {

Json text(std::string_view s) { return std::string(s); }

Json null_if_empty(const std::string& s) { return s.empty() ? Json(nullptr) : Json(s); }

template <class T>
Json optional(const std::optional<T>& v) {
    return v ? encode(*v) : Json(nullptr);
}

template <class T>
Json optional_value(const std::optional<T>& v) {
    return v ? Json(*v) : Json(nullptr);
}

// A JSON string literal for `s`, written by hand for verrou_query's streamed rendering: bytes
// that are not UTF-8 become U+FFFD, as render's error_handler_t::replace does.
void append_string(std::string& out, std::string_view s) {
    static const char* const hex = "0123456789abcdef";
    out += '"';
    std::size_t i = 0;
    while (i < s.size()) {
        const auto c = static_cast<unsigned char>(s[i]);
        if (c >= 0x80) {
            // Copy one whole well-formed sequence, or replace one bad byte by U+FFFD.
            std::size_t len = c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : 2;
            if (i + len <= s.size() && platform::is_valid_utf8(s.substr(i, len))) {
                out.append(s.substr(i, len));
                i += len;
            } else {
                out += "\xEF\xBF\xBD";
                ++i;
            }
            continue;
        }
        switch (c) {
            case '"': out += "\\\""; break;
            case '\\': out += "\\\\"; break;
            case '\n': out += "\\n"; break;
            case '\r': out += "\\r"; break;
            case '\t': out += "\\t"; break;
            default:
                if (c < 0x20) {
                    out += "\\u00";
                    out += hex[c >> 4];
                    out += hex[c & 0xF];
                } else {
                    out += static_cast<char>(c);
                }
        }
        ++i;
    }
    out += '"';
}

// A numeric column's text goes out as a JSON number only if it is one (exact decimal text:
// 12.50 stays 12.50, no binary rounding). inf/nan and anything odd stays a string.
bool is_json_number(std::string_view s) {
    std::size_t i = 0;
    if (i < s.size() && s[i] == '-') ++i;
    if (i >= s.size()) return false;
    if (s[i] == '0') ++i;
    else if (s[i] >= '1' && s[i] <= '9') while (i < s.size() && s[i] >= '0' && s[i] <= '9') ++i;
    else return false;
    if (i < s.size() && s[i] == '.') {
        ++i;
        const std::size_t start = i;
        while (i < s.size() && s[i] >= '0' && s[i] <= '9') ++i;
        if (i == start) return false;
    }
    if (i < s.size() && (s[i] == 'e' || s[i] == 'E')) {
        ++i;
        if (i < s.size() && (s[i] == '+' || s[i] == '-')) ++i;
        const std::size_t start = i;
        while (i < s.size() && s[i] >= '0' && s[i] <= '9') ++i;
        if (i == start) return false;
    }
    return i == s.size();
}

Json encode_finding(const CheckFinding& f) {
    return {{"check", f.check},
            {"status", text(check_status_name(f.status))},
            {"code", static_cast<int>(f.code)},
            {"code_name", text(code_name(f.code))},
            {"layer", text(layer_name(layer_of(f.code)))},
            {"message", f.message}};
}

Json encode_findings(const std::vector<CheckFinding>& findings) {
    Json out = Json::array();
    for (const CheckFinding& f : findings) out.push_back(encode_finding(f));
    return out;
}

Json encode_warnings(const std::vector<Warning>& warnings) {
    Json out = Json::array();
    for (const Warning& w : warnings) out.push_back({{"code", w.code}, {"message", w.message}});
    return out;
}

Json encode_step(const DoctorStep& s) {
    return {{"step", s.name},
            {"title", s.title},
            {"status", text(doctor_status_name(s.status))},
            {"code", static_cast<int>(s.code)},
            {"code_name", text(code_name(s.code))},
            {"layer", s.code == Code::Ok ? std::string() : std::string(layer_name(layer_of(s.code)))},
            {"message", s.message},
            {"hint", s.hint},
            {"details", s.details}};
}

Json encode_revocation(const DoctorRevocation& e) {
    return {{"certificate", e.certificate},
            {"subject", e.subject},
            {"serial", e.serial},
            {"source", e.source},
            {"location", e.location},
            {"answer", e.answer},
            {"this_update", null_if_empty(e.this_update)},
            {"next_update", null_if_empty(e.next_update)},
            {"cached", e.cached},
            {"code", static_cast<int>(e.code)},
            {"code_name", text(code_name(e.code))},
            {"message", e.message}};
}

Json encode_host(const DoctorHost& h) {
    return {{"host", h.host},
            {"reached", h.reached},
            {"usable", h.usable},
            {"code", static_cast<int>(h.code)},
            {"code_name", text(code_name(h.code))},
            {"layer", h.code == Code::Ok ? std::string() : std::string(layer_name(layer_of(h.code)))},
            {"message", h.message},
            {"read_only", optional_value(h.read_only)},
            {"wsrep_on", optional_value(h.wsrep_on)},
            {"wsrep_cluster_size", optional_value(h.wsrep_cluster_size)},
            {"wsrep_local_state_comment", optional_value(h.wsrep_local_state_comment)},
            {"wsrep_cluster_status", optional_value(h.wsrep_cluster_status)}};
}

Json encode_server(const DoctorServerTls& s) {
    Json chain = Json::array();
    for (const CertificateInfo& c : s.chain) chain.push_back(encode(c));
    return {{"address", s.peer_address},
            {"server_version", s.server_version},
            {"tls_offered", s.tls_offered},
            {"handshake_done", s.handshake_done},
            {"tls_version", s.tls_version},
            {"cipher", s.cipher},
            {"verify_error", s.verify_error},
            {"chain", std::move(chain)}};
}

Json encode_session(const DoctorSession& s) {
    return {{"current_user", s.current_user},
            {"ssl_version", s.ssl_version},
            {"ssl_cipher", s.ssl_cipher},
            {"tls_version", s.tls_version},
            {"cipher", s.cipher},
            {"server_version", s.server_version},
            {"using_next_certificate", s.using_next_certificate},
            {"client_certificate", optional(s.client_certificate)}};
}

Json encode_ref(const SecretRef& ref) {
    switch (ref.kind) {
        case SecretRef::Kind::None: return nullptr;
        case SecretRef::Kind::File: return "file:" + ref.target;
        case SecretRef::Kind::Env: return "env:" + ref.target;
        case SecretRef::Kind::DockerSecret: return "secret:" + ref.target;
        case SecretRef::Kind::Inline: return "inline:***";  // never the value
    }
    return nullptr;
}

Json encode_tls(const TlsSettings& t) {
    return {{"ssl_ca", t.ca},
            {"ssl_cert", t.cert},
            {"ssl_key", t.key},
            {"ssl_key_passphrase", encode_ref(t.key_passphrase)},
            {"ssl_crl", null_if_empty(t.crl)},
            {"ssl_cipher", null_if_empty(t.cipher)},
            {"tls_version", text(tls_version_name(t.min_version))},
            {"ssl_mode", text(ssl_mode_name(t.mode))},
            {"allow_unverified_server", t.allow_unverified_server},
            {"expected_cert_cn", t.expected_cert_cn},
            {"ca_fingerprint", null_if_empty(t.ca_fingerprint)},
            {"server_fingerprint", null_if_empty(t.server_fingerprint)},
            {"strict_permissions", t.strict_permissions},
            {"expiry_warning_days", t.expiry_warning_days},
            {"ssl_cert_next", null_if_empty(t.cert_next)},
            {"ssl_key_next", null_if_empty(t.key_next)}};
}

Json encode_login_settings(const LoginSettings& l) {
    return {{"users_table", l.users_table},
            {"user_column", l.user_column},
            {"hash_column", l.hash_column},
            {"legacy_salt_column", null_if_empty(l.legacy_salt_column)},
            {"legacy_hash_column", null_if_empty(l.legacy_hash_column)},
            {"guard_table", l.guard_table},
            {"max_failures_per_account", l.max_failures_per_account},
            {"backoff_initial_seconds", l.backoff_initial_seconds},
            {"backoff_max_seconds", l.backoff_max_seconds},
            {"lockout_after", l.lockout_after},
            {"lockout_seconds", l.lockout_seconds},
            {"max_failures_per_source", l.max_failures_per_source},
            {"source_window_seconds", l.source_window_seconds}};
}

Json encode_pool_settings(const PoolSettings& s) {
    return {{"min_idle", s.min_idle},
            {"max_size", s.max_size},
            {"acquire_timeout_ms", s.acquire_timeout_ms},
            {"idle_check_seconds", s.idle_check_seconds},
            {"max_lifetime_seconds", s.max_lifetime_seconds},
            {"max_idle_seconds", s.max_idle_seconds}};
}

}  // namespace

Json encode(const CertificateInfo& c) {
    return {{"path", c.path},
            {"subject", c.subject},
            {"common_name", c.common_name},
            {"issuer", c.issuer},
            {"subject_alt_names", c.subject_alt_names},
            {"not_before", c.not_before},
            {"not_after", c.not_after},
            {"days_left", c.days_left},
            {"seconds_until_valid", c.seconds_until_valid},
            {"sha256_fingerprint", c.sha256_fingerprint},
            {"serial", c.serial_hex},
            {"is_ca", c.is_ca}};
}

Json encode(const ValidationReport& r) {
    return {{"ok", r.ok()},
            {"cert_path", r.cert_path},
            {"key_path", r.key_path},
            {"using_next_certificate", r.using_next_certificate},
            {"findings", encode_findings(r.findings)},
            {"ca", optional(r.ca)},
            {"client", optional(r.client)}};
}

Json encode(const DoctorReport& r) {
    Json steps = Json::array();
    for (const DoctorStep& s : r.steps) steps.push_back(encode_step(s));
    Json hosts = Json::array();
    for (const DoctorHost& h : r.hosts) hosts.push_back(encode_host(h));
    Json revocation = Json::array();
    for (const DoctorRevocation& e : r.revocation) revocation.push_back(encode_revocation(e));
    return {{"schema", 1},
            {"profile", r.profile_path},
            {"environment", r.environment},
            {"status", text(doctor_status_name(r.status()))},
            {"exit_code", static_cast<int>(r.exit_code())},
            {"stopped_at", null_if_empty(r.stopped_at)},
            {"steps", std::move(steps)},
            {"certificates", optional(r.certificates)},
            {"server", r.server ? encode_server(*r.server) : Json(nullptr)},
            {"session", r.session ? encode_session(*r.session) : Json(nullptr)},
            {"hosts", std::move(hosts)},
            {"revocation", std::move(revocation)}};
}

Json encode(const Profile& p) {
    Json hosts = Json::array();
    if (p.hosts.empty()) hosts.push_back(HostPort{p.host, p.port}.text());
    for (const HostPort& h : p.hosts) hosts.push_back(h.text());
    return {{"source_file", p.source_file},
            {"environment", p.environment},
            {"host", p.host},
            {"port", p.port},
            {"hosts", std::move(hosts)},
            {"host_order", text(host_order_name(p.host_order))},
            {"target", text(target_name(p.target))},
            {"failover_timeout_seconds", p.failover_timeout_seconds},
            {"host_backoff_seconds", p.host_backoff_seconds},
            {"user", p.user},
            {"database", null_if_empty(p.database)},
            {"connect_timeout", p.connect_timeout_seconds},
            {"read_timeout", p.read_timeout_seconds},
            {"reconnect", p.reconnect},
            {"pool", encode_pool_settings(p.pool)},
            {"password", encode_ref(p.password)},
            {"tls", encode_tls(p.tls)},
            {"login", encode_login_settings(p.login)},
            {"warnings", encode_warnings(p.warnings)}};
}

Json encode(const NativeOptions& o) {
    return {{"server", o.server},
            {"port", o.port},
            {"user", o.user},
            {"database", o.database},
            {"ssl_ca", o.ssl_ca},
            {"ssl_cert", o.ssl_cert},
            {"ssl_key", o.ssl_key},
            {"ssl_mode", o.ssl_mode},
            {"ssl_crl", o.ssl_crl},
            {"tls_min_version", o.tls_min_version},
            {"using_next_certificate", o.using_next_certificate},
            {"password_configured", o.password_configured},
            {"password_reference", o.password_reference},
            {"key_passphrase_configured", o.key_passphrase_configured},
            {"checks", encode_findings(o.checks)}};
}

Json encode(const BackupCheckOptions& o, const BackupCheckResult& r) {
    Json newest = nullptr;
    if (r.newest) {
        newest = {{"path", *r.newest},
                  {"age_seconds", r.newest_age_seconds},
                  {"size", r.newest_size},
                  {"mtime", r.newest_mtime},
                  {"expected_sha256", r.expected_sha256},
                  {"actual_sha256", r.actual_sha256}};
    }
    return {{"status", r.status},
            {"exit_code", r.exit_code},
            {"message", r.message},
            {"dir", o.dir},
            {"pattern", o.pattern},
            {"max_age_seconds", o.max_age_seconds},
            {"matching_files", r.matching_files},
            {"checksum", text(backup_checksum_name(r.checksum))},
            {"newest", std::move(newest)}};
}

Json encode(const LoginResult& r) {
    return {{"verdict", text(login_verdict_name(r.verdict))},
            {"retry_after_seconds", optional_value(r.retry_after_seconds)}};
}

Json encode(std::string_view kind, std::string_view name, const LoginGuardState& st) {
    Json j = {{"kind", text(kind)}, {"name", text(name)}, {"known", st.known}, {"failures", st.failures}};
    if (kind == "account") j["last_failure"] = optional_value(st.last_failure);
    else j["window_start"] = optional_value(st.window_start);
    j["state"] = st.verdict == LoginVerdict::Granted ? std::string("free") : std::string(login_verdict_name(st.verdict));
    j["retry_after_seconds"] = optional_value(st.retry_after_seconds);
    return j;
}

Json encode(const RewrapTableOptions& o, std::string_view current_key, const RewrapTableSummary& s) {
    Json failures = Json::array();
    for (const RewrapTableFailure& f : s.failures) {
        failures.push_back({{"id", f.id}, {"code", f.code}, {"message", f.message}});
    }
    return {{"table", o.table},
            {"column", o.column},
            {"current_key", text(current_key)},
            {"rows", s.seen},
            {"rewrapped", s.rewrapped},
            {"skipped", s.skipped},
            {"failed", s.failed},
            {"changed_meanwhile", s.changed_meanwhile},
            {"failures", std::move(failures)}};
}

Json encode(const Connection& connection) {
    const ConnectionInfo& i = connection.info();
    return {{"host", i.host},
            {"port", i.port},
            {"reached", i.reached},
            {"user", i.user},
            {"current_user", i.current_user},
            {"server_version", i.server_version},
            {"tls_version", i.tls_version},
            {"cipher", i.cipher},
            {"ssl_mode", i.ssl_mode},
            {"client_certificate", optional(i.client_certificate)},
            {"server_certificate", optional(i.server_certificate)},
            {"using_next_certificate", i.using_next_certificate},
            {"warnings", encode_warnings(i.warnings)},
            {"in_transaction", connection.in_transaction()},
            {"lost", connection.lost()},
            {"reconnects", connection.reconnects()}};
}

Json encode(const PoolStats& s) {
    return {{"size", s.size},
            {"idle", s.idle},
            {"in_use", s.in_use},
            {"waiting", s.waiting},
            {"acquired", s.acquired},
            {"waits", s.waits},
            {"timeouts", s.timeouts},
            {"created", s.created},
            {"replaced", s.replaced},
            {"retired", s.retired},
            {"discarded", s.discarded},
            {"failed_creations", s.failed_creations},
            {"last_error", s.last_error.empty() ? Json(nullptr) : Json(text(s.last_error))}};
}

Json encode_cert_check(const ValidationReport& report, std::string_view environment) {
    const CheckStatus worst = report.worst_status();
    // Nagios codes, as `verrou cert check` exits; "status" uses the doctor's words.
    const int exit_code = worst == CheckStatus::Failed ? 2 : worst == CheckStatus::Warning ? 1 : 0;
    return {{"status", text(check_status_name(worst))},
            {"exit_code", exit_code},
            {"environment", text(environment)},
            {"certificates", encode(report)}};
}

Json encode_profile_description(const Profile& profile, const ValidationReport& report) {
    return {{"profile", encode(profile)}, {"certificates", encode(report)}};
}

std::string render(const Json& j) { return j.dump(2, ' ', false, Json::error_handler_t::replace); }

std::string render_compact(const Json& j) { return j.dump(-1, ' ', false, Json::error_handler_t::replace); }

std::string render(const ResultSet& rs) {
    std::string out = "{\"columns\":[";
    for (std::size_t c = 0; c < rs.columns.size(); ++c) {
        if (c) out += ',';
        append_string(out, rs.columns[c].name);
    }
    out += "],\"rows\":[";
    for (std::size_t r = 0; r < rs.rows.size(); ++r) {
        if (r) out += ',';
        out += '[';
        const auto& row = rs.rows[r];
        for (std::size_t c = 0; c < row.size(); ++c) {
            if (c) out += ',';
            if (!row[c]) out += "null";
            else if (c < rs.columns.size() && rs.columns[c].numeric && is_json_number(*row[c])) out += *row[c];
            else append_string(out, *row[c]);
        }
        out += ']';
    }
    out += "]}";
    return out;
}

}  // namespace verrou::json_output

// ---- the public renderings (include/verrou/*.hpp) ------------------------------------------

namespace verrou {

using json_output::encode;
using json_output::render;

std::string validation_report_to_json(const ValidationReport& report) { return render(encode(report)); }
std::string doctor_report_to_json(const DoctorReport& report) { return render(encode(report)); }
std::string profile_to_json(const Profile& profile) { return render(encode(profile)); }
std::string native_options_to_json(const NativeOptions& options) { return render(encode(options)); }
std::string backup_result_to_json(const BackupCheckOptions& options, const BackupCheckResult& result) {
    return render(encode(options, result));
}
std::string login_result_json(const LoginResult& result) { return json_output::render_compact(encode(result)); }
std::string rewrap_table_summary_json(const RewrapTableOptions& options, std::string_view current_key,
                                      const RewrapTableSummary& summary) {
    return json_output::render_compact(encode(options, current_key, summary));
}
std::string login_state_json(std::string_view kind, std::string_view name, const LoginGuardState& state) {
    return render(encode(kind, name, state));
}

}  // namespace verrou
