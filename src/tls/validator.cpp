// Local validation of a profile's TLS material: everything that can be checked before any
// network traffic, so a support technician reads "client certificate /x/app.crt expired on
// 2026-11-12T07:21:21Z (10 days ago)" instead of a bare handshake failure.
//
// This file walks the checks (tls/checks.hpp: one file per concern) for the CA, the CRL and
// each certificate/key pair, chooses between ssl_cert and ssl_cert_next, and reports.
#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/x509v3.h>


#include <algorithm>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "tls/checks.hpp"
#include "tls/x509.hpp"
#include "verrou/certificate.hpp"
#include "verrou/error.hpp"
#include "verrou/secret.hpp"

namespace verrou {

std::string_view check_status_name(CheckStatus s) noexcept {
    switch (s) {
        case CheckStatus::Ok: return "OK";
        case CheckStatus::Warning: return "WARNING";
        case CheckStatus::Failed: return "FAILED";
    }
    return "FAILED";
}

namespace {

using namespace validator_detail;
using tls::X509Ptr;
using tls::X509StoreCtxPtr;
using tls::X509StorePtr;
using tls::iso8601;

// ---- one certificate/key pair (current, or next for rollover) --------------------------------

struct PairSpec {
    std::string cert_path;
    std::string key_path;
    std::string_view cert_key;  // "ssl_cert" / "ssl_cert_next"
    std::string_view key_key;   // "ssl_key" / "ssl_key_next"
    std::string_view label;     // "client certificate" / "next client certificate"
};

struct PairOutcome {
    std::vector<CheckFinding> findings;
    std::optional<CertificateInfo> info;
    ValidityState validity;
    Timing timing;
    bool failed() const { return any_failed(findings); }
};

struct Material {
    const Profile& profile;
    const CaMaterial* ca;    // null when the CA did not load
    const CrlMaterial* crl;  // null when no (usable) CRL
};

void check_chain(const Material& m, const PairSpec& spec, const std::vector<X509Ptr>& certs,
                 const CertificateInfo& info, std::vector<CheckFinding>& out) {
    const CaMaterial& ca = *m.ca;
    X509StorePtr store(X509_STORE_new());
    X509StoreCtxPtr ctx(X509_STORE_CTX_new());
    if (!store || !ctx) throw Error(Code::OutOfMemory, "X509_STORE_new failed");
    // Trust exactly the profile's CA bundle, never the system store.
    for (const auto& c : ca.certs) X509_STORE_add_cert(store.get(), c.get());
    // Certificates after the first in the ssl_cert file are intermediates the client sends.
    struct StackDeleter {
        void operator()(STACK_OF(X509) * s) const noexcept { sk_X509_free(s); }
    };
    std::unique_ptr<STACK_OF(X509), StackDeleter> untrusted(sk_X509_new_null());
    for (std::size_t i = 1; i < certs.size(); ++i) sk_X509_push(untrusted.get(), certs[i].get());

    if (X509_STORE_CTX_init(ctx.get(), store.get(), certs.front().get(), untrusted.get()) != 1) {
        throw Error(Code::Crypto, with_openssl_reason("X509_STORE_CTX_init failed"));
    }
    X509_STORE_CTX_set_purpose(ctx.get(), X509_PURPOSE_SSL_CLIENT);
    // Dates are the validity check's business; here only signatures and purpose count, so
    // an expired certificate is not also reported as untrusted.
    X509_VERIFY_PARAM_set_flags(X509_STORE_CTX_get0_param(ctx.get()), X509_V_FLAG_NO_CHECK_TIME);
    const int rc = X509_verify_cert(ctx.get());
    tls::last_openssl_error();
    if (rc == 1) {
        out.push_back(ok("chain", std::string(spec.label) + " " + spec.cert_path + " chains to the CA '" +
                                      ca.info.subject + "' of ssl_ca " + ca.path + " (client authentication)"));
        return;
    }
    const int err = X509_STORE_CTX_get_error(ctx.get());
    std::string reason = X509_verify_cert_error_string(err);
    if (err == X509_V_ERR_INVALID_PURPOSE) reason += ": it is not meant for TLS client authentication";
    out.push_back(failed("chain", Code::CertUntrusted,
                         std::string(spec.label) + " " + spec.cert_path + " (subject '" + info.subject +
                             "', issued by '" + info.issuer + "') does not chain to the CA of ssl_ca " + ca.path +
                             " ('" + ca.info.subject + "'): " + reason));
}

void check_environment_guard(const Profile& p, const PairSpec& spec, const CertificateInfo& info,
                             std::vector<CheckFinding>& out) {
    const std::string& expected = p.tls.expected_cert_cn;
    if (expected.empty()) return;
    if (info.common_name == expected) {
        out.push_back(ok("environment_guard", std::string(spec.label) + " CN '" + info.common_name +
                                                  "' matches environment '" + p.environment + "'"));
        return;
    }
    std::string message = std::string(spec.label) + " " + spec.cert_path + ": certificate CN '" + info.common_name +
                          "' but environment '" + p.environment + "' expects '" + expected + "'";
    // Name the environment the certificate seems to belong to: "<user>-<env>".
    const std::string user_prefix = p.user + "-";
    if (!p.user.empty() && info.common_name.rfind(user_prefix, 0) == 0 &&
        info.common_name.size() > user_prefix.size()) {
        const std::string other = info.common_name.substr(user_prefix.size());
        if (other != p.environment) {
            message += "; this looks like the certificate of environment '" + other +
                       "', refused so that one environment's credentials never reach another";
        }
    }
    out.push_back(failed("environment_guard", Code::CertEnvironmentGuard, std::move(message)));
}

void check_revocation(const Material& m, const PairSpec& spec, X509* cert, const CertificateInfo& info,
                      std::vector<CheckFinding>& out) {
    if (const CrlEntry entry = crl_entry(m.crl->crl.get(), cert); entry.revoked) {
        std::string message = std::string(spec.label) + " " + spec.cert_path + " (serial " + info.serial_hex +
                              ") was revoked on " + entry.revoked_at;
        if (!entry.reason.empty()) message += " (" + entry.reason + ")";
        message += " according to ssl_crl " + m.crl->path + "; ask the PKI team for a new certificate";
        out.push_back(failed("crl", Code::CertRevoked, std::move(message)));
        return;
    }
    out.push_back(ok("crl", std::string(spec.label) + " " + spec.cert_path + " (serial " + info.serial_hex +
                                ") is not on ssl_crl " + m.crl->path));
}

PairOutcome evaluate_pair(const Material& m, const PairSpec& spec) {
    PairOutcome r;
    auto& out = r.findings;
    const TlsSettings& tls = m.profile.tls;

    auto cert_pem = attempt(out, "files", spec.cert_key, [&] { return read_pem_file(spec.cert_path); });
    if (cert_pem) out.push_back(ok("files", std::string(spec.cert_key) + ": " + spec.cert_path + " is readable"));
    auto key_pem = attempt(out, "files", spec.key_key, [&] { return read_key_file(spec.key_path); });
    if (key_pem) out.push_back(ok("files", std::string(spec.key_key) + ": " + spec.key_path + " is readable"));

    std::optional<std::vector<X509Ptr>> certs;
    if (cert_pem) {
        certs = attempt(out, "client_cert", spec.cert_key, [&] { return parse_certificates(*cert_pem, spec.cert_path); });
    }
    if (certs) {
        r.info = tls::describe(certs->front().get(), spec.cert_path);
        r.timing = timing_of(certs->front().get());
        out.push_back(ok("client_cert", std::string(spec.label) + " " + spec.cert_path + ": subject '" +
                                            r.info->subject + "', issuer '" + r.info->issuer + "', serial " +
                                            r.info->serial_hex + ", SHA-256 " + r.info->sha256_fingerprint));
    }

    std::optional<LoadedKey> key;
    if (key_pem) {
        try {
            key = load_private_key(*key_pem, spec.key_path, tls.key_passphrase);
            if (key->encrypted) {
                out.push_back(ok("passphrase", "key " + spec.key_path + " is encrypted and the passphrase from " +
                                                   tls.key_passphrase.describe() + " decrypts it"));
            }
            out.push_back(ok("key", std::string(spec.key_key) + ": " + spec.key_path + " is a " +
                                        key_type_name(key->key.get()) + " private key (" +
                                        std::to_string(EVP_PKEY_get_bits(key->key.get())) + " bits)"));
        } catch (const Error& e) {
            out.push_back(failed(is_passphrase_code(e.code()) ? "passphrase" : "key", e.code(),
                                 std::string(spec.key_key) + ": " + std::string(e.message())));
        }
#ifndef _WIN32
        check_key_permissions(spec.key_path, spec.key_key, tls.strict_permissions, out);
#endif
    }

    if (certs && key) {
        X509* cert = certs->front().get();
        if (X509_check_private_key(cert, key->key.get()) == 1) {
            out.push_back(ok("key_match", std::string(spec.key_key) + " " + spec.key_path + " matches " +
                                              std::string(spec.cert_key) + " " + spec.cert_path));
        } else {
            out.push_back(failed("key_match", Code::CertKeyMismatch,
                                 "key " + spec.key_path + " (" + std::string(spec.key_key) +
                                     ") does not belong to certificate " + spec.cert_path + " (" +
                                     std::string(spec.cert_key) + ", subject '" + r.info->subject + "')"));
        }
        tls::last_openssl_error();
    }

    if (!certs) return r;
    X509* cert = certs->front().get();
    out.push_back(validity_finding("validity", spec.label, *r.info, r.timing, tls.expiry_warning_days,
                                   "renew it (ssl_cert_next lets verrou switch to the renewed one)", r.validity));
    if (m.ca) check_chain(m, spec, *certs, *r.info, out);
    check_environment_guard(m.profile, spec, *r.info, out);
    if (m.crl) check_revocation(m, spec, cert, *r.info, out);
    return r;
}

// ---- rollover -------------------------------------------------------------------------------

// Why the current certificate is due for replacement, for the rollover message.
std::string due_reason(const PairOutcome& current, int warning_days) {
    if (current.validity.expired) {
        return "expired on " + current.info->not_after + " (" + human_duration(current.timing.seconds_left) + " ago)";
    }
    return "expires on " + current.info->not_after + " (in " + human_duration(current.timing.seconds_left) +
           ", inside the warning window of " + plural(warning_days, "day") + ")";
}

void adopt(ValidationReport& report, PairOutcome&& pair, const PairSpec& spec) {
    report.findings.insert(report.findings.end(), std::make_move_iterator(pair.findings.begin()),
                           std::make_move_iterator(pair.findings.end()));
    report.client = std::move(pair.info);
    report.cert_path = spec.cert_path;
    report.key_path = spec.key_path;
}

// The renewed pair is used as soon as it is usable (valid now, matches its key, chains,
// passes every other check) AND the current one is expired or inside the warning window.
// Before that the current pair stays: a renewed certificate the servers do not know yet
// (new subject, new CA) must not be presented earlier than needed.
void choose_pair(ValidationReport& report, const Material& m, PairOutcome&& current, const PairSpec& current_spec,
                 PairOutcome&& next, const PairSpec& next_spec) {
    const int warning_days = m.profile.tls.expiry_warning_days;
    const bool current_due = current.info && (current.validity.expired || current.validity.expiring);
    const CheckFinding* next_problem = first_failed(next.findings);

    if (current_due && next_problem == nullptr) {
        CheckFinding f = ok("rollover", "using ssl_cert_next " + next_spec.cert_path + " (valid until " +
                                            next.info->not_after + ") because ssl_cert " + current_spec.cert_path +
                                            " " + due_reason(current, warning_days) +
                                            "; make it ssl_cert / ssl_key in the profile when convenient");
        adopt(report, std::move(next), next_spec);
        report.using_next_certificate = true;
        report.findings.push_back(std::move(f));
        return;
    }

    CheckFinding f;
    if (next_problem == nullptr) {
        f = ok("rollover", "using ssl_cert " + current_spec.cert_path + "; ssl_cert_next " + next_spec.cert_path +
                               " is ready and takes over once ssl_cert is within " +
                               plural(warning_days, "day") + " of expiry");
    } else if (!current_due && next_problem->code == Code::CertNotYetValid) {
        f = ok("rollover", "using ssl_cert " + current_spec.cert_path + "; ssl_cert_next is not valid yet: " +
                               next_problem->message);
    } else {
        std::string message = current_due ? "ssl_cert " + current_spec.cert_path + " " +
                                                due_reason(current, warning_days) +
                                                ", but ssl_cert_next cannot take over: "
                                          : "using ssl_cert " + current_spec.cert_path +
                                                "; ssl_cert_next is not usable: ";
        f = finding("rollover", CheckStatus::Warning, next_problem->code, message + next_problem->message);
    }
    adopt(report, std::move(current), current_spec);
    report.findings.push_back(std::move(f));
}

// The warning a finding with CheckStatus::Warning stands for. Only these checks warn (a new
// warning gets its own WarningCode); anything else would be a validity warning of a certificate.
WarningCode warning_code(const CheckFinding& f) {
    if (f.check == "ca") return f.code == Code::CertExpired ? WarningCode::CaExpiring : WarningCode::CaNotACa;
    if (f.check == "permissions") return WarningCode::KeyPermissions;
    if (f.check == "crl") return WarningCode::CrlStale;
    if (f.check == "ocsp") return WarningCode::OcspUnavailable;
    if (f.check == "rollover") return WarningCode::RolloverNextUnusable;
    if (f.check == "files") return WarningCode::NoClientCertificate;
    return WarningCode::CertExpiring;  // "validity"
}

}  // namespace

// ---- public API -------------------------------------------------------------------------------

CertificateInfo inspect_certificate(const std::string& pem_path) {
    const std::string pem = read_pem_file(pem_path);
    const auto certs = parse_certificates(pem, pem_path);
    return tls::describe(certs.front().get(), pem_path);
}

CheckStatus ValidationReport::worst_status() const noexcept {
    CheckStatus worst = CheckStatus::Ok;
    for (const auto& f : findings) {
        if (f.status == CheckStatus::Failed) return CheckStatus::Failed;
        if (f.status == CheckStatus::Warning) worst = CheckStatus::Warning;
    }
    return worst;
}

bool ValidationReport::ok() const noexcept { return first_failure() == nullptr; }

const CheckFinding* ValidationReport::first_failure() const noexcept { return first_failed(findings); }

std::vector<Warning> ValidationReport::warnings() const {
    std::vector<Warning> out;
    for (const auto& f : findings) {
        if (f.status == CheckStatus::Warning) out.push_back(make_warning(warning_code(f), f.message));
    }
    return out;
}

void ValidationReport::throw_if_failed() const {
    if (const CheckFinding* f = first_failure()) throw Error(f->code, f->message);
}

ValidationReport validate_tls_material(const Profile& profile) {
    const TlsSettings& tls = profile.tls;
    ValidationReport report;

    std::optional<CaMaterial> ca = load_ca(tls, report.findings);
    if (ca) {
        report.ca = ca->info;
        check_ca_pin(tls, *ca, report.findings);
    }
    std::optional<CrlMaterial> crl = load_crl(tls, ca ? &*ca : nullptr, report.findings);
    const Material material{profile, ca ? &*ca : nullptr, crl ? &*crl : nullptr};

    if (tls.cert.empty() && tls.key.empty() && tls.cert_next.empty() && tls.key_next.empty()) {
        report.findings.push_back(finding("files", CheckStatus::Warning, Code::CertFileMissing,
                                          "no client certificate (ssl_cert / ssl_key): the connection presents "
                                          "none, and a server account with REQUIRE X509/SUBJECT refuses it"));
        return report;
    }

    const PairSpec current_spec{tls.cert, tls.key, "ssl_cert", "ssl_key", "client certificate"};
    PairOutcome current = evaluate_pair(material, current_spec);
    if (tls.cert_next.empty() && tls.key_next.empty()) {
        adopt(report, std::move(current), current_spec);
        return report;
    }
    const PairSpec next_spec{tls.cert_next, tls.key_next, "ssl_cert_next", "ssl_key_next",
                             "next client certificate"};
    PairOutcome next = evaluate_pair(material, next_spec);
    choose_pair(report, material, std::move(current), current_spec, std::move(next), next_spec);
    return report;
}

}  // namespace verrou
