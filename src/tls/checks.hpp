// Internal: the pieces of local TLS validation (validate_tls_material, tls/validator.cpp),
// one file per concern:
//   findings.cpp     CheckFinding constructors, `attempt`, durations in words
//   pem_files.cpp    reading PEM files (through the wiping reader) and parsing certificates
//   validity.cpp     notBefore / notAfter against now and the warning window
//   ca_crl.cpp       the CA bundle, its pin, the CRL and its signature
//   private_key.cpp  private keys and their passphrase (never a prompt), key file permissions
// Shape: every check appends a CheckFinding. A check whose input failed (an unparsable
// certificate, an unreadable CA) is skipped rather than reported as a second failure, so the
// first failure is always the root cause.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

#include "tls/x509.hpp"
#include "verrou/certificate.hpp"
#include "verrou/error.hpp"
#include "verrou/profile.hpp"
#include "verrou/secret.hpp"

namespace verrou::validator_detail {

using tls::BioPtr;
using tls::EvpPkeyPtr;
using tls::X509CrlPtr;
using tls::X509Ptr;

// PEM files are small; anything bigger is not what the profile meant (and would otherwise
// be read whole into memory).
constexpr std::size_t kMaxPemBytes = 1024 * 1024;
constexpr long long kDay = 86400;

// ---- findings.cpp ---------------------------------------------------------------------

/// "1 day", "3 days".
std::string plural(long long n, std::string_view unit);
/// "9 days", "2 hours 59 minutes", "42 seconds" for an absolute number of seconds.
std::string human_duration(long long seconds);
/// `message` + " (<OpenSSL's last error>)" when there is one (the queue is cleared).
std::string with_openssl_reason(std::string message);

CheckFinding finding(std::string_view check, CheckStatus status, Code code, std::string message);
CheckFinding ok(std::string_view check, std::string message);
CheckFinding failed(std::string_view check, Code code, std::string message);
bool any_failed(const std::vector<CheckFinding>& findings);
const CheckFinding* first_failed(const std::vector<CheckFinding>& findings);

/// Runs `step`; a verrou::Error becomes a Failed finding (message prefixed with `prefix`,
/// usually the profile key) and the result is empty, so dependent checks can be skipped.
template <typename F>
auto attempt(std::vector<CheckFinding>& out, std::string_view check, std::string_view prefix, F&& step)
    -> std::optional<std::invoke_result_t<F>> {
    try {
        return step();
    } catch (const Error& e) {
        std::string message = prefix.empty() ? std::string(e.message())
                                             : std::string(prefix) + ": " + std::string(e.message());
        out.push_back(failed(check, e.code(), std::move(message)));
        return std::nullopt;
    }
}

// ---- pem_files.cpp --------------------------------------------------------------------

/// Certificates, CAs and CRLs are public.
std::string read_pem_file(const std::string& path);
/// A private key is secret material: it stays in a buffer that wipes itself.
SecretBuffer read_key_file(const std::string& path);
tls::BioPtr memory_bio(std::string_view data);
/// Every certificate of a PEM file, in order; CERT_PARSE naming the file when there is none.
std::vector<tls::X509Ptr> parse_certificates(std::string_view pem, const std::string& path);

// ---- validity.cpp ---------------------------------------------------------------------

struct Timing {
    long long seconds_left = 0;         // until notAfter; negative once expired
    long long seconds_until_valid = 0;  // until notBefore; > 0 when not yet valid
};
Timing timing_of(X509* cert);

struct ValidityState {
    bool expired = false;
    bool not_yet_valid = false;
    bool expiring = false;  // inside the expiry warning window
};

/// `label` is "client certificate", "CA certificate"...; `renew_hint` ends the warning.
CheckFinding validity_finding(std::string_view check, std::string_view label, const CertificateInfo& info,
                              const Timing& t, int warning_days, std::string_view renew_hint,
                              ValidityState& state);

// ---- ca_crl.cpp -----------------------------------------------------------------------

struct CaMaterial {
    std::string path;
    std::vector<tls::X509Ptr> certs;  // the whole ssl_ca bundle; the first one is "the" CA
    CertificateInfo info;
    X509* first() const { return certs.front().get(); }
};
std::optional<CaMaterial> load_ca(const TlsSettings& tls, std::vector<CheckFinding>& out);
void check_ca_pin(const TlsSettings& tls, const CaMaterial& ca, std::vector<CheckFinding>& out);

struct CrlMaterial {
    std::string path;
    tls::X509CrlPtr crl;
};
/// The CRL, when it is readable, parsable and signed by the profile's CA (findings say which).
std::optional<CrlMaterial> load_crl(const TlsSettings& tls, const CaMaterial* ca, std::vector<CheckFinding>& out);
/// RFC 5280 CRLReason in words ("keyCompromise").
std::string crl_reason_name(long reason);
/// `cert` in `crl`: listed (with the date and, when given, the reason) or not.
struct CrlEntry {
    bool revoked = false;
    std::string revoked_at;  // ISO 8601 UTC
    std::string reason;      // "keyCompromise"; "" when the CRL gives none
};
CrlEntry crl_entry(X509_CRL* crl, X509* cert);

// ---- private_key.cpp ------------------------------------------------------------------

struct LoadedKey {
    tls::EvpPkeyPtr key;
    bool encrypted = false;
};
/// Throws CERT_PARSE (not a key), CERT_KEY_ENCRYPTED (no passphrase configured),
/// SECRET_* (passphrase reference unresolvable), CERT_KEY_PASSPHRASE (wrong passphrase).
LoadedKey load_private_key(const SecretBuffer& pem, const std::string& path, const SecretRef& passphrase_ref);
std::string key_type_name(const EVP_PKEY* key);
/// A failure of the passphrase rather than of the key itself.
bool is_passphrase_code(Code code);
#ifndef _WIN32
/// Group/other access to a private key (POSIX mode bits; Windows has ACLs instead).
void check_key_permissions(const std::string& path, std::string_view key_name, bool strict,
                           std::vector<CheckFinding>& out);
#endif

}  // namespace verrou::validator_detail
