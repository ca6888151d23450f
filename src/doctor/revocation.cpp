#include "doctor/revocation.hpp"

#include <openssl/x509.h>

#include <optional>

#include "ocsp/ocsp.hpp"
#include "tls/checks.hpp"
#include "tls/x509.hpp"

namespace verrou::doctor_detail {

namespace {

DoctorRevocation entry_for(const std::string& which, X509* cert, const char* source) {
    const CertificateInfo info = tls::describe(cert);
    DoctorRevocation r;
    r.certificate = which;
    r.subject = info.subject;
    r.serial = info.serial_hex;
    r.source = source;
    r.answer = "none";
    return r;
}

/// The profile's CRL, read once for both certificates; nullopt when it cannot be used.
std::optional<validator_detail::CrlMaterial> load_crl(const Profile& p) {
    // The certificates step already reported these findings; only the verdict matters here.
    std::vector<CheckFinding> seen;
    const auto ca = validator_detail::load_ca(p.tls, seen);
    return validator_detail::load_crl(p.tls, ca ? &*ca : nullptr, seen);
}

std::optional<DoctorRevocation> from_crl(const Profile& p, const std::optional<validator_detail::CrlMaterial>& crl,
                                         const std::string& which, X509* cert) {
    if (p.tls.crl.empty()) return std::nullopt;
    DoctorRevocation r = entry_for(which, cert, "crl");
    r.location = p.tls.crl;
    if (!crl) {
        r.code = Code::CertCrl;
        r.message = "ssl_crl " + p.tls.crl + " cannot be used (see the certificates step)";
        return r;
    }
    r.this_update = tls::iso8601(X509_CRL_get0_lastUpdate(crl->crl.get()));
    const ASN1_TIME* next = X509_CRL_get0_nextUpdate(crl->crl.get());
    if (next != nullptr) r.next_update = tls::iso8601(next);
    const validator_detail::CrlEntry listed = validator_detail::crl_entry(crl->crl.get(), cert);
    if (listed.revoked) {
        r.answer = "revoked";
        r.code = Code::CertRevoked;
        r.message = which + " certificate '" + r.subject + "' (serial " + r.serial + ") was revoked on " +
                    listed.revoked_at + (listed.reason.empty() ? "" : " (" + listed.reason + ")") +
                    " according to ssl_crl " + p.tls.crl;
    } else if (next != nullptr && tls::seconds_from_now(next) < 0) {
        r.answer = "good";
        r.code = Code::CertCrl;
        r.message = "not listed, but ssl_crl " + p.tls.crl + " was due for renewal on " + r.next_update +
                    ": its answer may be stale";
    } else {
        r.answer = "good";
        r.message = "not listed in ssl_crl " + p.tls.crl;
    }
    return r;
}

std::optional<DoctorRevocation> from_ocsp(const Profile& p, const std::string& which, X509* cert, X509* issuer) {
    const std::optional<ocsp::Outcome> o = ocsp::ask(p, cert, issuer, which + " certificate");
    if (!o) return std::nullopt;
    DoctorRevocation r = entry_for(which, cert, "ocsp");
    r.location = o->responder;
    if (const auto& a = o->answer) {
        r.answer = "good";
        r.this_update = a->this_update;
        r.next_update = a->next_update;
        r.cached = a->from_cache;
        r.message = "good according to OCSP responder " + a->responder;
    } else {
        if (o->code == Code::CertRevoked) r.answer = "revoked";
        r.code = o->code;
        r.message = o->message;
    }
    return r;
}

void add(std::vector<DoctorRevocation>& out, std::optional<DoctorRevocation> r) {
    if (r) out.push_back(std::move(*r));
}

using Crl = std::optional<validator_detail::CrlMaterial>;

void server_entries(const Profile& p, const Crl& crl, const std::vector<std::string>& chain,
                    std::vector<DoctorRevocation>& out) {
    if (chain.empty()) {
        // ssl_mode = REQUIRED verifies nothing: no issuer to ask about (ocsp::check_server says
        // the same when connecting).
        if (p.tls.ocsp == OcspMode::Soft || p.tls.ocsp == OcspMode::Hard) {
            DoctorRevocation r;
            r.certificate = "server";
            r.source = "ocsp";
            r.answer = "none";
            r.code = Code::CertOcspUnavailable;
            r.message = "the server certificate was not verified (ssl_mode = REQUIRED), so its revocation "
                        "cannot be checked";
            out.push_back(std::move(r));
        }
        return;
    }
    const tls::X509Ptr leaf = tls::x509_from_der(chain.front());
    const tls::X509Ptr issuer = chain.size() > 1 ? tls::x509_from_der(chain[1]) : nullptr;
    if (!leaf) return;
    add(out, from_crl(p, crl, "server", leaf.get()));
    add(out, from_ocsp(p, "server", leaf.get(), issuer.get()));
}

void client_entries(const Profile& p, const Crl& crl, const std::string& path, std::vector<DoctorRevocation>& out) {
    if (path.empty()) return;
    try {
        const auto certs = validator_detail::parse_certificates(validator_detail::read_pem_file(path), path);
        add(out, from_crl(p, crl, "client", certs.front().get()));
        add(out, from_ocsp(p, "client", certs.front().get(), nullptr));
    } catch (const Error&) {
        // Unreadable: the certificates step failed on it already, and the walk stopped there.
    }
}

}  // namespace

std::vector<DoctorRevocation> revocation_status(const Profile& profile,
                                                const std::vector<std::string>& server_chain_der,
                                                const std::string& client_cert_path) {
    std::vector<DoctorRevocation> out;
    const Crl crl = profile.tls.crl.empty() ? std::nullopt : load_crl(profile);
    server_entries(profile, crl, server_chain_der, out);
    client_entries(profile, crl, client_cert_path, out);
    tls::last_openssl_error();
    return out;
}

}  // namespace verrou::doctor_detail
