// verrou/certificate.hpp — local certificate material: inspection and the checks a profile's
// environment demands before any network traffic (files, parse, key match, dates, chain,
// CRL, environment guard, CA pin, key permissions, passphrase, rollover).
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "verrou/error.hpp"
#include "verrou/profile.hpp"

namespace verrou {

struct CertificateInfo {
    std::string path;                 // file it was read from ("" for a peer certificate)
    std::string subject;              // OpenSSL one-line form, as MariaDB's REQUIRE SUBJECT: "/CN=app_user-dev"
    std::string common_name;          // "app_user-dev"
    std::string issuer;               // "/CN=verrou test CA dev"
    std::vector<std::string> subject_alt_names;  // "DNS:localhost", "IP:127.0.0.1"
    std::string not_before;           // ISO 8601 UTC, "2026-11-22T07:21:21Z"
    std::string not_after;
    long long days_left = 0;          // whole days until notAfter; negative once expired
    long long seconds_until_valid = 0;  // > 0 when notBefore is still in the future
    std::string sha256_fingerprint;   // upper-case hex, no colons
    std::string serial_hex;
    bool is_ca = false;
};

/// Reads the first certificate of a PEM file. Throws CERT_FILE_MISSING / CERT_UNREADABLE / CERT_PARSE.
CertificateInfo inspect_certificate(const std::string& pem_path);

enum class CheckStatus { Ok, Warning, Failed };
std::string_view check_status_name(CheckStatus s) noexcept;  // "OK", "WARNING", "FAILED"

/// One check of the validator, e.g. {"validity", Failed, CertExpired, "client certificate
/// /x/app.crt expired on 2026-11-12T07:21:21Z (10 days ago)"}.
struct CheckFinding {
    std::string check;     // files, ca, client_cert, key, key_match, validity, chain, crl,
                           // environment_guard, ca_pin, permissions, passphrase, rollover
    CheckStatus status = CheckStatus::Ok;
    Code code = Code::Ok;  // the error code a failure (or warning) corresponds to
    std::string message;
};

struct ValidationReport {
    std::vector<CheckFinding> findings;
    std::optional<CertificateInfo> ca;
    std::optional<CertificateInfo> client;  // the certificate that will be presented
    std::string cert_path;                  // the pair to present: current or next (rollover)
    std::string key_path;
    bool using_next_certificate = false;

    bool ok() const noexcept;                          // no Failed finding
    CheckStatus worst_status() const noexcept;         // Failed > Warning > Ok (monitoring)
    const CheckFinding* first_failure() const noexcept;
    std::vector<Warning> warnings() const;             // every Warning finding
    void throw_if_failed() const;                      // Error(first failure's code, message)
};

/// Runs every local check of the profile's TLS material. Never opens a connection, never
/// prompts for a passphrase. Failures and warnings are findings; it throws only for
/// programming errors.
ValidationReport validate_tls_material(const Profile& profile);

/// validate_tls_material, plus the live revocation status of the certificate presented: the
/// finding "ocsp" (docs/ocsp.md), when the profile's `ocsp` is not off and the certificate's
/// Authority Information Access or `ocsp_url` names a responder — OK with the responder and the
/// answer's validity window, FAILED when revoked (CERT_REVOKED) or, under ocsp = hard, when no
/// valid answer can be had, else WARNING (ocsp_unavailable). What the doctor and
/// `verrou cert check` run; connections check the server's certificate instead.
ValidationReport validate_tls_material_online(const Profile& profile);

/// The report as JSON (for `verrou doctor` and the C ABI): {"ok", "cert_path", "key_path",
/// "using_next_certificate", "findings": [{"check", "status", "code", "code_name", "layer",
/// "message"}], "ca": {...} | null, "client": {...} | null}. Never contains secret material.
std::string validation_report_to_json(const ValidationReport& report);

}  // namespace verrou
