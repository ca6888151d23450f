// run_doctor: walks profile → secrets → certificates → dns → tcp → tls → revocation → auth
// and records one DoctorStep per layer. Each step turns the verrou::Error of the layer below
// it into a status + cause + hint; the first FAILED step stops the walk (later steps stay
// SKIPPED) so the report always names one root cause rather than a cascade of consequences.
#include "verrou/doctor.hpp"

#include "platform/sockets.hpp"  // first: Windows headers before OpenSSL's (see there)

#include <algorithm>
#include <memory>
#include <set>

#include "cluster/search.hpp"
#include "doctor/hints.hpp"
#include "doctor/revocation.hpp"
#include "ocsp/ocsp.hpp"
#include "net/socket.hpp"
#include "tls/probe.hpp"
#include "verrou/connection.hpp"
#include "verrou/password.hpp"
#include "verrou/secret.hpp"

namespace verrou {

namespace {

using doctor_detail::hint_for;

struct StepDef {
    const char* name;
    const char* title;
};
constexpr StepDef kSteps[] = {
    {"profile", "Profile"}, {"secrets", "Secrets"}, {"certificates", "Certificates"}, {"dns", "DNS"},
    {"tcp", "TCP"},         {"tls", "TLS"},         {"revocation", "Revocation"}, {"auth", "SQL authentication"},
};

DoctorReport empty_report(std::string path) {
    DoctorReport r;
    r.profile_path = std::move(path);
    for (const auto& s : kSteps) {
        DoctorStep step;
        step.name = s.name;
        step.title = s.title;
        r.steps.push_back(std::move(step));
    }
    return r;
}

DoctorStep& step_of(DoctorReport& r, std::string_view name) {
    for (auto& s : r.steps) {
        if (s.name == name) return s;
    }
    throw Error(Code::Internal, "doctor: no step " + std::string(name));
}

void set_ok(DoctorStep& s, std::string message) {
    s.status = DoctorStatus::Ok;
    s.code = Code::Ok;
    s.message = std::move(message);
}

void set_warning(DoctorStep& s, Code code, std::string message, const Profile* p) {
    s.status = DoctorStatus::Warning;
    s.code = code;
    s.message = std::move(message);
    s.hint = hint_for(code, p);
}

/// Marks the step FAILED and the report as stopped there. Returns false so callers can write
/// `return fail(...)`.
bool fail(DoctorReport& r, DoctorStep& s, Code code, std::string message, const Profile* p) {
    s.status = DoctorStatus::Failed;
    s.code = code;
    s.message = std::move(message);
    s.hint = hint_for(code, p);
    r.stopped_at = s.name;
    return false;
}

std::string endpoint(const Profile& p) { return p.host + ":" + std::to_string(p.port); }

// ---- 1. profile ------------------------------------------------------------------------

void describe_profile(DoctorStep& s, const Profile& p) {
    std::string summary = "environment '" + p.environment + "': " + p.user + "@" + endpoint(p) +
                          (p.database.empty() ? "" : "/" + p.database) + ", ssl_mode " +
                          std::string(ssl_mode_name(p.tls.mode)) + ", minimum " +
                          std::string(tls_version_name(p.tls.min_version));
    if (p.warnings.empty()) {
        set_ok(s, std::move(summary));
        return;
    }
    // The loader's warnings (inline secret, unverified server, guard disabled) are WARNINGs:
    // the profile works but is weaker than it should be.
    set_warning(s, Code::ConfigUnsafe, summary + "; " + std::to_string(p.warnings.size()) + " warning(s)", &p);
    for (const auto& w : p.warnings) s.details.push_back(w.code + ": " + w.message);
}

// ---- 2. secrets ------------------------------------------------------------------------

bool check_secrets(DoctorReport& r, const Profile& p, const std::string* path, std::string_view env) {
    DoctorStep& s = step_of(r, "secrets");
    std::vector<std::string> found;
    try {
        if (p.password.present()) {
            // Resolved and wiped at once: the doctor only proves it can be read (resolve_secret
            // refuses an empty one). Not even its length is shown: reports end up in tickets,
            // and a length narrows a guess.
            const SecretBuffer pw = resolve_secret(p.password, "password");
            found.push_back("password: " + p.password.describe() + " (readable, not empty)");
        } else {
            found.push_back("password: none configured (certificate-only account)");
        }
        if (p.tls.key_passphrase.present()) {
            const SecretBuffer pass = resolve_secret(p.tls.key_passphrase, "key passphrase");
            found.push_back("key passphrase: " + p.tls.key_passphrase.describe() + " (readable)");
        }
    } catch (const Error& e) {
        s.details = std::move(found);
        return fail(r, s, e.code(), std::string(e.message()), &p);
    }
    if (path) {
        // Peppers live in the hashing section; building the hasher resolves each one.
        try {
            const PasswordHasher h = load_password_hasher(*path, env);
            found.push_back("hashing: " + std::string(hash_algorithm_name(h.policy().algorithm)) +
                            (h.current_key_id().empty() ? ", no pepper"
                                                        : ", current pepper '" + h.current_key_id() + "' readable"));
        } catch (const Error& e) {
            s.details = std::move(found);
            return fail(r, s, e.code(), "hashing section: " + std::string(e.message()), &p);
        }
    }
    s.details = std::move(found);
    if (p.password.kind == SecretRef::Kind::Inline) {
        set_warning(s, Code::ConfigUnsafe, "password is written inline in the profile", &p);
    } else {
        set_ok(s, "every secret reference is readable (values not shown)");
    }
    return true;
}

// ---- 3. certificates -------------------------------------------------------------------

bool check_certificates(DoctorReport& r, const Profile& p) {
    DoctorStep& s = step_of(r, "certificates");
    // With the live revocation status of the certificate this machine presents (finding
    // "ocsp", after the CRL's "crl"): a revoked workstation learns it here first.
    ValidationReport v = validate_tls_material_online(p);
    for (const auto& f : v.findings) {
        s.details.push_back("[" + std::string(check_status_name(f.status)) + "] " + f.check + ": " + f.message);
    }
    const std::string which = v.using_next_certificate ? "next (ssl_cert_next)" : "current (ssl_cert)";
    std::string presented = "presents the " + which + " certificate " + v.cert_path;
    if (v.client) presented += " (" + v.client->subject + ", issuer " + v.client->issuer +
                               ", " + std::to_string(v.client->days_left) + " days left)";
    r.certificates = v;
    if (const CheckFinding* f = v.first_failure()) {
        return fail(r, s, f->code, f->check + ": " + f->message, &p);
    }
    const auto warnings = std::count_if(v.findings.begin(), v.findings.end(),
                                        [](const CheckFinding& f) { return f.status == CheckStatus::Warning; });
    if (warnings > 0) {
        const auto first = std::find_if(v.findings.begin(), v.findings.end(),
                                        [](const CheckFinding& f) { return f.status == CheckStatus::Warning; });
        set_warning(s, first->code, first->check + ": " + first->message, &p);
        s.details.insert(s.details.begin(), presented);
    } else {
        set_ok(s, presented);
    }
    return true;
}

// ---- revocation ------------------------------------------------------------------------

std::string revocation_line(const DoctorRevocation& e) {
    std::string line = e.certificate + " certificate" + (e.subject.empty() ? "" : " " + e.subject) +
                       (e.serial.empty() ? "" : " (serial " + e.serial + ")") + ": " +
                       (e.source == "crl" ? "CRL " : "OCSP ") + (e.location.empty() ? "(none named)" : e.location) +
                       ": ";
    if (e.answer == "none") return line + "no valid answer: " + e.message;
    if (e.answer == "revoked") return line + "REVOKED: " + e.message;
    line += "good";
    if (!e.this_update.empty()) {
        line += e.source == "crl" ? ", CRL issued " + e.this_update : ", answer valid from " + e.this_update;
        line += e.next_update.empty() ? std::string(", no next update given")
                                      : (e.source == "crl" ? ", next update " : " until ") + e.next_update;
    }
    if (e.cached) line += " [cached]";
    if (e.code != Code::Ok) line += "; " + e.message;
    return line;
}

/// "good (CRL, OCSP)" per certificate, for the step's one-line message.
std::string revocation_summary(const std::vector<DoctorRevocation>& entries) {
    std::string out;
    for (const char* which : {"server", "client"}) {
        std::string sources;
        for (const auto& e : entries) {
            if (e.certificate == which) sources += (sources.empty() ? "" : ", ") + std::string(e.source == "crl" ? "CRL" : "OCSP");
        }
        out += (out.empty() ? "" : "; ") + std::string(which) + " certificate " +
               (sources.empty() ? "not checked (no ssl_crl, no OCSP responder)" : "good (" + sources + ")");
    }
    return out;
}

bool check_revocation(DoctorReport& r, const Profile& p, const std::vector<std::string>& server_chain) {
    DoctorStep& s = step_of(r, "revocation");
    const std::string client = r.certificates ? r.certificates->cert_path : std::string();
    r.revocation = doctor_detail::revocation_status(p, server_chain, client);
    for (const auto& e : r.revocation) s.details.push_back(revocation_line(e));
    if (r.revocation.empty()) {
        set_ok(s, "not checked: no ssl_crl, and neither certificate nor ocsp_url names an OCSP responder "
                  "(docs/ocsp.md)");
        return true;
    }
    // Refused as a connection would refuse: revoked by any source; no valid OCSP answer under
    // ocsp = hard. Anything else short of "good" is a warning.
    for (const auto& e : r.revocation) {
        const bool refused = e.code == Code::CertRevoked ||
                             (e.source == "ocsp" && e.code != Code::Ok && !ocsp::tolerates_no_answer(p.tls.ocsp, e.code));
        if (refused) return fail(r, s, e.code, e.message, &p);
    }
    for (const auto& e : r.revocation) {
        if (e.code != Code::Ok) {
            set_warning(s, e.code, e.certificate + " certificate: " + e.message +
                                       (e.source == "ocsp" ? " (ocsp = soft: a warning, not a refusal)" : ""),
                        &p);
            return true;
        }
    }
    set_ok(s, revocation_summary(r.revocation));
    return true;
}

// ---- hosts (a profile listing several) --------------------------------------------------

/// The profile narrowed to one host, as the search connects it: that host's own name verified.
Profile only(const Profile& p, const HostPort& h) {
    Profile one = p;
    one.host = h.host;
    one.port = h.port;
    one.hosts = {h};
    one.target = Target::Any;  // judged here, with the profile's target (cluster::judge)
    return one;
}

DoctorHost visit(const Profile& p, const HostPort& h) {
    DoctorHost out;
    out.host = h.text();
    try {
        Connection c = Connection::open(only(p, h));
        out.reached = true;
        const cluster::NodeState n = cluster::node_state(c);
        out.read_only = n.read_only || n.innodb_read_only;
        out.wsrep_on = n.wsrep_on;
        if (n.wsrep_on) {
            out.wsrep_cluster_size = n.wsrep_cluster_size;
            out.wsrep_local_state_comment = n.wsrep_local_state_comment;
            out.wsrep_cluster_status = n.wsrep_cluster_status;
        }
        const std::optional<cluster::Unusable> why = cluster::judge(n, p.target);
        out.usable = !why;
        if (why) out.message = why->reason;
    } catch (const Error& e) {
        if (!out.reached) out.code = e.code();
        out.message = std::string(code_name(e.code())) + ": " + std::string(e.message());
    }
    return out;
}

/// One line in plain words for the text report.
std::string host_line(const DoctorHost& h) {
    std::string line = h.host + ": ";
    if (!h.reached) {
        return line + "not reached, " + std::string(layer_name(layer_of(h.code))) + " layer: " + h.message;
    }
    line += h.usable ? "reached, usable" : "reached, NOT usable: " + h.message;
    if (h.read_only) line += *h.read_only ? "; read-only" : "; writable";
    if (h.wsrep_on && *h.wsrep_on) {
        line += "; Galera as this node sees it: cluster size " + h.wsrep_cluster_size.value_or("?") + ", " +
                h.wsrep_local_state_comment.value_or("?") + ", " + h.wsrep_cluster_status.value_or("?");
    }
    return line;
}

/// Connects every host on its own (file order, no back-off: the doctor looks at each) and
/// returns the first usable one for the steps that follow, or nullopt when none is.
std::optional<HostPort> check_hosts(DoctorReport& r, const Profile& p) {
    DoctorStep& s = step_of(r, "hosts");
    std::optional<HostPort> first_usable;
    int usable = 0;
    std::vector<HostPort> listed = p.hosts;
    if (listed.empty()) listed.push_back(HostPort{p.host, p.port});
    for (const HostPort& h : listed) {
        DoctorHost d = visit(p, h);
        s.details.push_back(host_line(d));
        if (d.usable) {
            ++usable;
            if (!first_usable) first_usable = h;
        }
        r.hosts.push_back(std::move(d));
    }
    const std::string count = std::to_string(usable) + " of " + std::to_string(r.hosts.size()) +
                              " hosts usable (target = " + std::string(target_name(p.target)) + ")";
    if (usable == 0) {
        fail(r, s, Code::NoUsableHost, "no usable host: " + count, &p);
        return std::nullopt;
    }
    if (usable < static_cast<int>(r.hosts.size())) {
        std::string down;
        for (const DoctorHost& d : r.hosts) {
            if (!d.usable) down += (down.empty() ? "" : ", ") + d.host;
        }
        set_warning(s, Code::NoUsableHost, count + "; not usable: " + down, &p);
    } else {
        set_ok(s, count);
    }
    return first_usable;
}

// ---- 4. dns, 5. tcp ---------------------------------------------------------------------

bool check_dns(DoctorReport& r, const Profile& p) {
    DoctorStep& s = step_of(r, "dns");
    try {
        platform::start_sockets();
    } catch (const Error& e) {
        return fail(r, s, e.code(), std::string(e.message()), &p);
    }
    addrinfo hints{};
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    addrinfo* res = nullptr;
    const int rc = ::getaddrinfo(p.host.c_str(), nullptr, &hints, &res);
    if (rc != 0) {
        return fail(r, s, Code::NetworkDns,
                    "cannot resolve host '" + p.host + "': " + gai_strerror(rc), &p);
    }
    const platform::AddrinfoPtr guard(res);
    std::set<std::string> addresses;
    for (const addrinfo* a = res; a; a = a->ai_next) {
        char buf[INET6_ADDRSTRLEN] = {};
        const void* src = a->ai_family == AF_INET
                              ? static_cast<const void*>(&reinterpret_cast<const sockaddr_in*>(a->ai_addr)->sin_addr)
                              : static_cast<const void*>(&reinterpret_cast<const sockaddr_in6*>(a->ai_addr)->sin6_addr);
        if (::inet_ntop(a->ai_family, src, buf, sizeof buf)) addresses.insert(buf);
    }
    std::string list;
    for (const auto& a : addresses) list += (list.empty() ? "" : ", ") + a;
    set_ok(s, "'" + p.host + "' resolves to " + list);
    return true;
}

bool check_tcp(DoctorReport& r, const Profile& p) {
    DoctorStep& s = step_of(r, "tcp");
    try {
        const auto sock = net::TcpSocket::connect(p.host, p.port, p.connect_timeout_seconds);
        set_ok(s, "connected to " + sock.peer_address());
    } catch (const Error& e) {
        return fail(r, s, e.code(), std::string(e.message()), &p);
    }
    return true;
}

// ---- 6. tls -----------------------------------------------------------------------------

std::string chain_line(const CertificateInfo& c, std::size_t depth) {
    std::string sans;
    for (const auto& n : c.subject_alt_names) sans += (sans.empty() ? "" : ", ") + n;
    return "chain[" + std::to_string(depth) + "]: " + c.subject + " (SAN " + (sans.empty() ? "none" : sans) +
           "), issuer " + c.issuer + ", valid " + c.not_before + " .. " + c.not_after + " (" +
           std::to_string(c.days_left) + " days left), SHA-256 " + c.sha256_fingerprint;
}

/// `verified_chain` receives the server chain the probe verified (DER, leaf first), for the
/// revocation step.
bool check_tls(DoctorReport& r, const Profile& p, std::vector<std::string>& verified_chain) {
    DoctorStep& s = step_of(r, "tls");
    const tls::ProbeResult probe = tls::probe_server(tls::probe_options_for(p));
    verified_chain = probe.verified_chain_der;
    DoctorServerTls srv;
    srv.peer_address = probe.peer_address;
    srv.server_version = probe.server_version;
    srv.tls_offered = probe.tls_offered;
    srv.handshake_done = probe.handshake_done;
    srv.tls_version = probe.tls_version;
    srv.cipher = probe.cipher;
    srv.verify_error = probe.verify_error;
    srv.chain = probe.server_chain;
    r.server = srv;

    if (!probe.server_version.empty()) s.details.push_back("server: " + probe.server_version);
    if (!probe.tls_version.empty()) s.details.push_back("negotiated: " + probe.tls_version + " " + probe.cipher);
    for (std::size_t i = 0; i < probe.server_chain.size(); ++i) {
        s.details.push_back(chain_line(probe.server_chain[i], i));
    }
    if (!probe.verify_error.empty()) s.details.push_back("verification: " + probe.verify_error);
    if (!probe.ok()) return fail(r, s, probe.failure, probe.message, &p);

    std::string summary = probe.tls_version + " " + probe.cipher + " with " + probe.peer_address;
    summary += p.tls.mode == SslMode::VerifyIdentity ? ", server certificate verified for '" + p.host + "'"
               : p.tls.mode == SslMode::VerifyCa     ? ", server certificate chain verified (name not checked)"
                                                     : ", server NOT verified (ssl_mode REQUIRED)";
    // The server's certificate is part of the lifecycle too: warn before it expires.
    if (!probe.server_chain.empty()) {
        const auto& leaf = probe.server_chain.front();
        if (p.tls.expiry_warning_days > 0 && leaf.days_left < p.tls.expiry_warning_days) {
            set_warning(s, Code::TlsServerCertExpired,
                        summary + "; server certificate " + leaf.subject + " expires on " + leaf.not_after +
                            " (in " + std::to_string(leaf.days_left) + " days, inside the warning window of " +
                            std::to_string(p.tls.expiry_warning_days) + " days)",
                        &p);
            return true;
        }
    }
    if (p.tls.mode == SslMode::Required) {
        set_warning(s, Code::TlsUntrustedServer, summary, &p);
        return true;
    }
    set_ok(s, summary);
    return true;
}

// ---- 7. auth ----------------------------------------------------------------------------

// The causes of "Access denied" the doctor can check without the server's help.
void local_auth_checks(DoctorStep& s, const DoctorReport& r, const Profile& p) {
    const std::string expected = p.tls.expected_cert_cn.empty() ? p.user + "-" + p.environment
                                                                : p.tls.expected_cert_cn;
    if (r.certificates && r.certificates->client) {
        const auto& c = *r.certificates->client;
        s.details.push_back(std::string(c.common_name == expected ? "[OK] " : "[MISMATCH] ") +
                            "client certificate CN '" + c.common_name + "' vs expected '" + expected + "'");
        if (r.certificates->ca) {
            const auto& ca = *r.certificates->ca;
            s.details.push_back(std::string(c.issuer == ca.subject ? "[OK] " : "[MISMATCH] ") +
                                "client certificate issuer " + c.issuer + " vs environment CA " + ca.subject);
        }
    }
    s.details.push_back("password source: " +
                        (p.password.present() ? p.password.describe() + " (readable; compare with the account's password)"
                                              : std::string("none configured")));
    s.details.push_back("server side: SHOW CREATE USER '" + p.user + "' shows the REQUIRE SUBJECT/ISSUER it expects");
}

bool check_auth(DoctorReport& r, const Profile& p) {
    DoctorStep& s = step_of(r, "auth");
    try {
        Connection c = Connection::open(p);
        const ConnectionInfo& info = c.info();
        DoctorSession session;
        session.current_user = info.current_user;
        session.tls_version = info.tls_version;
        session.cipher = info.cipher;
        session.server_version = info.server_version;
        session.using_next_certificate = info.using_next_certificate;
        session.client_certificate = info.client_certificate;
        const ResultSet rs = c.query("SHOW SESSION STATUS WHERE Variable_name IN ('Ssl_version', 'Ssl_cipher')");
        for (const auto& row : rs.rows) {
            if (row.size() < 2 || !row[0] || !row[1]) continue;
            if (*row[0] == "Ssl_version") session.ssl_version = *row[1];
            if (*row[0] == "Ssl_cipher") session.ssl_cipher = *row[1];
        }
        std::string msg = "logged in as " + session.current_user + " over " + session.ssl_version + " " +
                          session.ssl_cipher;
        if (cluster::needs_search(p)) msg += " on " + info.reached + " (the host a connection reaches now)";
        if (session.client_certificate) {
            msg += " with the " + std::string(session.using_next_certificate ? "next" : "current") +
                   " certificate " + session.client_certificate->subject;
        }
        r.session = std::move(session);
        if (r.session->ssl_version.empty()) {
            // The server does not see TLS: must never happen (plaintext is impossible), say it loudly.
            return fail(r, s, Code::Internal, msg + "; the server reports no TLS for this session", &p);
        }
        set_ok(s, std::move(msg));
    } catch (const Error& e) {
        if (e.code() == Code::AuthDenied || e.code() == Code::CertRejectedByServer ||
            e.code() == Code::AuthCertificateRequired) {
            local_auth_checks(s, r, p);
        }
        return fail(r, s, e.code(), std::string(e.message()), &p);
    }
    return true;
}

void skip_rest(DoctorReport& r) {
    bool after = false;
    for (auto& s : r.steps) {
        if (after && s.status == DoctorStatus::Skipped) s.message = "skipped: stopped at " + r.stopped_at;
        if (s.name == r.stopped_at) after = true;
    }
}

// A bug or resource exhaustion: still a report, never an exception out of the doctor. The first
// step not yet run takes the blame; the rest are skipped.
void report_internal_error(DoctorReport& r, const std::exception& e) {
    for (auto& s : r.steps) {
        if (s.status == DoctorStatus::Skipped && r.stopped_at.empty()) {
            fail(r, s, Code::Internal, std::string("internal error: ") + e.what(), nullptr);
        }
    }
    skip_rest(r);
}

void run_from_profile(DoctorReport& r, const Profile& p, const std::string* path, std::string_view env) {
    r.environment = p.environment;
    describe_profile(step_of(r, "profile"), p);
    if (!(check_secrets(r, p, path, env) && check_certificates(r, p))) return skip_rest(r);
    // With a host list, dns / tcp / tls look at the first host a search could use (the others
    // are in the hosts step); auth is a real Connection::open, search included.
    Profile first = p;
    if (cluster::needs_search(p)) {
        const auto at = std::find_if(r.steps.begin(), r.steps.end(), [](const DoctorStep& s) { return s.name == "dns"; });
        DoctorStep hosts;
        hosts.name = "hosts";
        hosts.title = "Hosts";
        r.steps.insert(at, std::move(hosts));
        const std::optional<HostPort> usable = check_hosts(r, p);
        if (!usable) return skip_rest(r);
        first = only(p, *usable);
    }
    std::vector<std::string> server_chain;
    check_dns(r, first) && check_tcp(r, first) && check_tls(r, first, server_chain) &&
        check_revocation(r, first, server_chain) && check_auth(r, p);
    skip_rest(r);
}

}  // namespace

std::string_view doctor_status_name(DoctorStatus s) noexcept {
    switch (s) {
        case DoctorStatus::Ok: return "OK";
        case DoctorStatus::Warning: return "WARNING";
        case DoctorStatus::Failed: return "FAILED";
        case DoctorStatus::Skipped: return "SKIPPED";
    }
    return "FAILED";
}

DoctorStatus DoctorReport::status() const noexcept {
    DoctorStatus worst = DoctorStatus::Ok;
    for (const auto& s : steps) {
        if (s.status == DoctorStatus::Failed) return DoctorStatus::Failed;
        if (s.status == DoctorStatus::Warning) worst = DoctorStatus::Warning;
    }
    return worst;
}

NagiosCode DoctorReport::exit_code() const noexcept {
    const DoctorStep* p = step("profile");
    if (p && p->status == DoctorStatus::Failed &&
        (p->code == Code::ConfigUnreadable || p->code == Code::ConfigUnknownEnvironment ||
         p->code == Code::InvalidArgument)) {
        return NagiosCode::Unknown;  // nothing could be checked at all
    }
    switch (status()) {
        case DoctorStatus::Ok: return NagiosCode::Ok;
        case DoctorStatus::Warning: return NagiosCode::Warning;
        default: return NagiosCode::Critical;
    }
}

const DoctorStep* DoctorReport::step(std::string_view name) const noexcept {
    for (const auto& s : steps) {
        if (s.name == name) return &s;
    }
    return nullptr;
}

DoctorReport run_doctor(const std::string& profile_path, std::string_view environment) {
    DoctorReport r = empty_report(profile_path);
    try {
        std::optional<Profile> p;
        try {
            p = load_profile(profile_path, environment);
        } catch (const Error& e) {
            fail(r, step_of(r, "profile"), e.code(), std::string(e.message()), nullptr);
            skip_rest(r);
            return r;
        }
        r.profile_path = p->source_file.empty() ? profile_path : p->source_file;
        run_from_profile(r, *p, &profile_path, p->environment);
    } catch (const std::exception& e) {
        report_internal_error(r, e);
    }
    return r;
}

DoctorReport run_doctor(const Profile& profile) {
    DoctorReport r = empty_report(profile.source_file);
    try {
        run_from_profile(r, profile, nullptr, profile.environment);
    } catch (const std::exception& e) {
        report_internal_error(r, e);
    }
    return r;
}

}  // namespace verrou
