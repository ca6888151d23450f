// Fuzz target: the certificate inspector (tls::describe over OpenSSL's parse), the code that
// turns a certificate — a local PEM file, or a server's DER certificate seen by the probe before
// anyone verified it — into names, SANs, dates and fingerprints.
// The input is read both as PEM (validator_detail::parse_certificates, as inspect_certificate
// and the profile checks do) and as DER (d2i_X509, as the probe's peer chain).
// Properties: CERT_PARSE only, and every string of the result and of a message valid UTF-8.
#include <cstddef>
#include <cstdint>
#include <string>

#include <openssl/err.h>
#include <openssl/x509.h>

#include "fuzz_check.hpp"
#include "tls/checks.hpp"
#include "tls/x509.hpp"

using namespace verrou;

namespace {

void check_info(const CertificateInfo& i) {
    for (const std::string* s : {&i.path, &i.subject, &i.common_name, &i.issuer, &i.not_before, &i.not_after,
                                 &i.sha256_fingerprint, &i.serial_hex}) {
        fuzz::check_utf8(*s, "a certificate field is not valid UTF-8");
    }
    for (const auto& san : i.subject_alt_names) fuzz::check_utf8(san, "a subject alternative name is not valid UTF-8");
    fuzz::check(i.sha256_fingerprint.size() == 64, "SHA-256 fingerprint is not 64 hex digits", i.sha256_fingerprint);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view text(reinterpret_cast<const char*>(data), size);
    try {
        const auto certs = validator_detail::parse_certificates(text, "/fuzz/cert.pem");
        for (const auto& c : certs) check_info(tls::describe(c.get(), "/fuzz/cert.pem"));
    } catch (const Error& e) {
        fuzz::check_error(e, {Code::CertParse});
    }
    const unsigned char* p = data;
    tls::X509Ptr der(d2i_X509(nullptr, &p, static_cast<long>(size)));
    if (der) {
        try {
            check_info(tls::describe(der.get()));
        } catch (const Error& e) {
            fuzz::check_error(e, {Code::CertParse});
        }
    }
    ERR_clear_error();
    return 0;
}
