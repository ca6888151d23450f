// The CA bundle (ssl_ca), its SHA-256 pin (ca_fingerprint) and the CRL (ssl_crl), which only
// counts when the CA signed it.
#include "tls/checks.hpp"

#include <openssl/pem.h>

#include <cctype>

#include "common/pem_no_prompt.hpp"

namespace verrou::validator_detail {

using tls::iso8601;
using tls::seconds_from_now;

// ---- the CA, its pin and the CRL ----------------------------------------------------------

std::string normalize_fingerprint(std::string_view pin) {
    std::string out;
    for (char c : pin) {
        if (c == ':' || c == ' ') continue;
        out.push_back(static_cast<char>(std::toupper(static_cast<unsigned char>(c))));
    }
    return out;
}

std::optional<CaMaterial> load_ca(const TlsSettings& tls, std::vector<CheckFinding>& out) {
    auto pem = attempt(out, "files", "ssl_ca", [&] { return read_pem_file(tls.ca); });
    if (!pem) return std::nullopt;
    out.push_back(ok("files", "ssl_ca: " + tls.ca + " is readable"));
    auto certs = attempt(out, "ca", "ssl_ca", [&] { return parse_certificates(*pem, tls.ca); });
    if (!certs) return std::nullopt;

    CaMaterial ca;
    ca.path = tls.ca;
    ca.certs = std::move(*certs);
    ca.info = tls::describe(ca.first(), tls.ca);
    std::string summary = "CA certificate " + tls.ca + ": subject '" + ca.info.subject + "', SHA-256 " +
                          ca.info.sha256_fingerprint;
    if (ca.certs.size() > 1) summary += " (+" + std::to_string(ca.certs.size() - 1) + " more in the bundle)";
    if (!ca.info.is_ca) {
        out.push_back(finding("ca", CheckStatus::Warning, Code::CertUntrusted,
                              summary + "; it is not a CA certificate (no basicConstraints CA:TRUE), "
                              "so no client certificate can chain to it"));
    } else {
        out.push_back(ok("ca", summary));
    }
    ValidityState state;
    out.push_back(validity_finding("ca", "CA certificate", ca.info, timing_of(ca.first()),
                                   tls.expiry_warning_days, "ask the PKI team for the renewed CA", state));
    return ca;
}

void check_ca_pin(const TlsSettings& tls, const CaMaterial& ca, std::vector<CheckFinding>& out) {
    if (tls.ca_fingerprint.empty()) return;
    const std::string expected = normalize_fingerprint(tls.ca_fingerprint);
    const std::string& actual = ca.info.sha256_fingerprint;
    // Constant time although a pin is not secret: no reason to leak how much of it matched.
    if (constant_time_equal(actual, expected)) {
        out.push_back(ok("ca_pin", "CA certificate " + ca.path + " matches the pinned SHA-256 fingerprint"));
        return;
    }
    out.push_back(failed("ca_pin", Code::CertPinMismatch,
                         "CA certificate " + ca.path + " has SHA-256 fingerprint " + actual +
                         " but the profile pins " + expected +
                         " (ca_fingerprint): the CA file was replaced, or the pin is out of date"));
}

X509CrlPtr parse_crl(std::string_view pem, const std::string& path) {
    BioPtr bio = memory_bio(pem);
    X509CrlPtr crl(PEM_read_bio_X509_CRL(bio.get(), nullptr, common::pem_no_prompt, nullptr));
    if (!crl) throw Error(Code::CertCrl, with_openssl_reason(path + " is not a PEM CRL"));
    tls::last_openssl_error();
    return crl;
}

std::optional<CrlMaterial> load_crl(const TlsSettings& tls, const CaMaterial* ca, std::vector<CheckFinding>& out) {
    if (tls.crl.empty()) return std::nullopt;
    auto pem = attempt(out, "files", "ssl_crl", [&] { return read_pem_file(tls.crl); });
    if (!pem) return std::nullopt;
    out.push_back(ok("files", "ssl_crl: " + tls.crl + " is readable"));
    auto crl = attempt(out, "crl", "ssl_crl", [&] { return parse_crl(*pem, tls.crl); });
    if (!crl || ca == nullptr) return std::nullopt;  // without a CA the signature cannot be judged

    const std::string issuer = tls::oneline(X509_CRL_get_issuer(crl->get()));
    // A CRL only counts when the profile's CA signed it; anyone can write a file that says
    // "nothing is revoked".
    bool signed_by_ca = false;
    for (const auto& cert : ca->certs) {
        if (X509_NAME_cmp(X509_get_subject_name(cert.get()), X509_CRL_get_issuer(crl->get())) != 0) continue;
        EVP_PKEY* pub = X509_get0_pubkey(cert.get());
        if (pub != nullptr && X509_CRL_verify(crl->get(), pub) == 1) {
            signed_by_ca = true;
            break;
        }
    }
    tls::last_openssl_error();
    if (!signed_by_ca) {
        out.push_back(failed("crl", Code::CertCrl,
                             "ssl_crl: " + tls.crl + " (issuer '" + issuer + "') is not signed by the CA in ssl_ca " +
                             ca->path + " ('" + ca->info.subject + "')"));
        return std::nullopt;
    }
    const ASN1_TIME* next_update = X509_CRL_get0_nextUpdate(crl->get());
    STACK_OF(X509_REVOKED)* revoked = X509_CRL_get_REVOKED(crl->get());
    const int revoked_count = revoked ? sk_X509_REVOKED_num(revoked) : 0;
    if (next_update != nullptr && seconds_from_now(next_update) < 0) {
        out.push_back(finding("crl", CheckStatus::Warning, Code::CertCrl,
                              "ssl_crl: " + tls.crl + " was due for renewal on " + iso8601(next_update) +
                              " (" + human_duration(seconds_from_now(next_update)) +
                              " ago); its revocation information may be stale"));
    } else {
        out.push_back(ok("crl", "ssl_crl: " + tls.crl + " from '" + issuer + "' is signed by the CA (" +
                                plural(revoked_count, "revoked certificate") +
                                (next_update ? ", next update " + iso8601(next_update) : std::string()) + ")"));
    }
    return CrlMaterial{tls.crl, std::move(*crl)};
}

CrlEntry crl_entry(X509_CRL* crl, X509* cert) {
    CrlEntry out;
    X509_REVOKED* entry = nullptr;
    // 1: listed; 2: listed as removeFromCRL (a delta CRL un-revoking it), i.e. not revoked.
    if (X509_CRL_get0_by_cert(crl, &entry, cert) == 1 && entry != nullptr) {
        out.revoked = true;
        out.revoked_at = iso8601(X509_REVOKED_get0_revocationDate(entry));
        if (auto* reason = static_cast<ASN1_ENUMERATED*>(
                X509_REVOKED_get_ext_d2i(entry, NID_crl_reason, nullptr, nullptr))) {
            out.reason = crl_reason_name(ASN1_ENUMERATED_get(reason));
            ASN1_ENUMERATED_free(reason);
        }
    }
    tls::last_openssl_error();
    return out;
}

std::string crl_reason_name(long reason) {
    switch (reason) {
        case 0: return "unspecified";
        case 1: return "keyCompromise";
        case 2: return "cACompromise";
        case 3: return "affiliationChanged";
        case 4: return "superseded";
        case 5: return "cessationOfOperation";
        case 6: return "certificateHold";
        case 8: return "removeFromCRL";
        case 9: return "privilegeWithdrawn";
        case 10: return "aACompromise";
        default: return "reason " + std::to_string(reason);
    }
}

}  // namespace verrou::validator_detail
