// Local validation of a profile's TLS material: everything that can be checked before any
// network traffic, so a support technician reads "client certificate /x/app.crt expired on
// 2026-11-12T07:21:21Z (10 days ago)" instead of a bare handshake failure.
//
// Shape: every check appends a CheckFinding. A check whose input failed (an unparsable
// certificate, an unreadable CA) is skipped rather than reported as a second failure, so the
// first failure is always the root cause. Errors thrown by the small helpers below are
// verrou::Error values turned into findings by `attempt`.
#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/x509v3.h>

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <cstring>
#include <ctime>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

#include <sys/stat.h>

#include "common/pem_no_prompt.hpp"
#include "secret/file_read.hpp"
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

using tls::BioPtr;
using tls::EvpPkeyPtr;
using tls::X509CrlPtr;
using tls::X509Ptr;
using tls::X509StoreCtxPtr;
using tls::X509StorePtr;

// PEM files are small; anything bigger is not what the profile meant (and would otherwise
// be read whole into memory).
constexpr std::size_t kMaxPemBytes = 1024 * 1024;
constexpr long long kDay = 86400;

// ---- small text helpers -----------------------------------------------------------------

std::string plural(long long n, std::string_view unit) {
    return std::to_string(n) + " " + std::string(unit) + (n == 1 || n == -1 ? "" : "s");
}

// "9 days", "2 hours 59 minutes", "42 seconds" for an absolute number of seconds.
std::string human_duration(long long seconds) {
    if (seconds < 0) seconds = -seconds;
    if (seconds >= kDay) return plural(seconds / kDay, "day");
    if (seconds >= 3600) {
        const long long minutes = (seconds % 3600) / 60;
        return plural(seconds / 3600, "hour") + (minutes ? " " + plural(minutes, "minute") : "");
    }
    if (seconds >= 60) return plural(seconds / 60, "minute");
    return plural(seconds, "second");
}

std::string now_iso8601() {
    const std::time_t now = std::time(nullptr);
    std::tm tm{};
#ifdef _WIN32
    gmtime_s(&tm, &now);
#else
    gmtime_r(&now, &tm);
#endif
    char buf[32];
    std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
    return buf;
}

// Signed seconds from now to `t`; ASN1_TIME_diff works in UTC on both sides.
long long seconds_from_now(const ASN1_TIME* t) {
    int days = 0;
    int secs = 0;
    if (t == nullptr || ASN1_TIME_diff(&days, &secs, nullptr, t) != 1) return 0;
    return static_cast<long long>(days) * kDay + secs;
}

std::string iso8601(const ASN1_TIME* t) {
    std::tm tm{};
    if (t == nullptr || ASN1_TIME_to_tm(t, &tm) != 1) return "?";
    char buf[32];
    std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
    return buf;
}

std::string with_openssl_reason(std::string message) {
    const std::string reason = tls::last_openssl_error();
    if (!reason.empty()) message += " (" + reason + ")";
    return message;
}

// ---- findings ---------------------------------------------------------------------------

CheckFinding finding(std::string_view check, CheckStatus status, Code code, std::string message) {
    CheckFinding f;
    f.check = std::string(check);
    f.status = status;
    f.code = code;
    f.message = std::move(message);
    return f;
}

CheckFinding ok(std::string_view check, std::string message) {
    return finding(check, CheckStatus::Ok, Code::Ok, std::move(message));
}

CheckFinding failed(std::string_view check, Code code, std::string message) {
    return finding(check, CheckStatus::Failed, code, std::move(message));
}

bool any_failed(const std::vector<CheckFinding>& findings) {
    return std::any_of(findings.begin(), findings.end(),
                       [](const CheckFinding& f) { return f.status == CheckStatus::Failed; });
}

const CheckFinding* first_failed(const std::vector<CheckFinding>& findings) {
    for (const auto& f : findings)
        if (f.status == CheckStatus::Failed) return &f;
    return nullptr;
}

// Runs `step`; a verrou::Error becomes a Failed finding (message prefixed with `prefix`,
// usually the profile key) and the result is empty, so dependent checks can be skipped.
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

// ---- files ------------------------------------------------------------------------------

// PEM files are read with the same reader as secret files (secret/file_read.hpp): a private
// key never passes through an std::ifstream buffer, a stack chunk or a growing std::string
// that would be freed without being wiped.
SecretBuffer read_pem_secret(const std::string& path) {
    using secret_detail::FileReadStatus;
    if (path.empty()) throw Error(Code::CertFileMissing, "not set in the profile");
    secret_detail::FileReadResult r = secret_detail::read_file_wiped(path, kMaxPemBytes, /*regular_only=*/false);
    switch (r.status) {
        case FileReadStatus::Ok: break;
        case FileReadStatus::NotFound: throw Error(Code::CertFileMissing, "file " + path + " does not exist");
        case FileReadStatus::StatFailed: throw Error(Code::CertUnreadable, "cannot access " + path + ": " + r.reason);
        case FileReadStatus::IsDirectory: throw Error(Code::CertUnreadable, path + " is a directory, not a file");
        case FileReadStatus::NotRegular:  // not asked for (regular_only is false)
        case FileReadStatus::OpenFailed: throw Error(Code::CertUnreadable, "cannot read " + path + ": " + r.reason);
        case FileReadStatus::TooLarge: throw Error(Code::CertUnreadable, path + " is larger than 1 MiB; not a PEM file");
        case FileReadStatus::ReadFailed:
            throw Error(Code::CertUnreadable, "error while reading " + path + ": " + r.reason);
    }
    if (r.data.empty()) throw Error(Code::CertParse, path + " is empty");
    return std::move(r.data);
}

// Certificates, CAs and CRLs are public.
std::string read_pem_file(const std::string& path) { return std::string(read_pem_secret(path).view()); }

// A private key is secret material: it stays in a buffer that wipes itself.
SecretBuffer read_key_file(const std::string& path) { return read_pem_secret(path); }

BioPtr memory_bio(std::string_view data) {
    BioPtr bio(BIO_new_mem_buf(data.data(), static_cast<int>(data.size())));
    if (!bio) throw Error(Code::OutOfMemory, "BIO_new_mem_buf failed");
    return bio;
}

// ---- passphrases: never a prompt --------------------------------------------------------

// OpenSSL's default PEM callback asks "Enter PEM pass phrase:" on the terminal. Every PEM
// read below passes this callback instead: it hands over the resolved passphrase (or none)
// and records that OpenSSL asked, which is how an encrypted key is recognised.
struct PassphraseRequest {
    const SecretBuffer* passphrase = nullptr;
    bool asked = false;
};

int passphrase_callback(char* buf, int size, int /*rwflag*/, void* userdata) {
    auto* request = static_cast<PassphraseRequest*>(userdata);
    if (request == nullptr) return 0;
    request->asked = true;
    if (request->passphrase == nullptr || request->passphrase->empty()) return 0;
    const std::size_t len = request->passphrase->size();
    if (size < 0 || len > static_cast<std::size_t>(size)) return 0;
    std::memcpy(buf, request->passphrase->c_str(), len);
    return static_cast<int>(len);
}

// For certificates and CRLs, which are never encrypted: refuse rather than prompt.
// ---- certificates -------------------------------------------------------------------------

std::vector<X509Ptr> parse_certificates(std::string_view pem, const std::string& path) {
    BioPtr bio = memory_bio(pem);
    std::vector<X509Ptr> certs;
    while (X509* cert = PEM_read_bio_X509(bio.get(), nullptr, common::pem_no_prompt, nullptr)) {
        certs.emplace_back(cert);
    }
    const std::string reason = tls::last_openssl_error();  // also clears the end-of-file error
    if (certs.empty()) {
        std::string message = path + " holds no PEM certificate";
        if (pem.find("PRIVATE KEY-----") != std::string_view::npos) {
            message += ": it looks like a private key (are ssl_cert and ssl_key swapped?)";
        } else if (!reason.empty()) {
            message += " (" + reason + ")";
        }
        throw Error(Code::CertParse, message);
    }
    return certs;
}

struct Timing {
    long long seconds_left = 0;         // until notAfter; negative once expired
    long long seconds_until_valid = 0;  // until notBefore; > 0 when not yet valid
};

Timing timing_of(X509* cert) {
    return {seconds_from_now(X509_get0_notAfter(cert)), seconds_from_now(X509_get0_notBefore(cert))};
}

struct ValidityState {
    bool expired = false;
    bool not_yet_valid = false;
    bool expiring = false;  // inside the expiry warning window
};

// `label` is "client certificate", "CA certificate"...; `renew_hint` ends the warning.
CheckFinding validity_finding(std::string_view check, std::string_view label, const CertificateInfo& info,
                              const Timing& t, int warning_days, std::string_view renew_hint,
                              ValidityState& state) {
    const std::string who = std::string(label) + " " + info.path;
    if (t.seconds_until_valid > 0) {
        state.not_yet_valid = true;
        std::string message = who + " is not valid before " + info.not_before + " (in " +
                              human_duration(t.seconds_until_valid) + ")";
        if (t.seconds_until_valid < kDay) {
            // A certificate issued "in the future" by a few hours is almost always a clock
            // that is off, here or on the CA that signed it; waiting is not the fix.
            message += "; less than a day ahead, this is probably a clock problem: check the clock "
                       "of this machine (now " + now_iso8601() + ") or of the CA that issued it";
        }
        return failed(check, Code::CertNotYetValid, std::move(message));
    }
    if (t.seconds_left <= 0) {
        state.expired = true;
        return failed(check, Code::CertExpired,
                      who + " expired on " + info.not_after + " (" + human_duration(t.seconds_left) + " ago)");
    }
    if (warning_days > 0 && t.seconds_left < static_cast<long long>(warning_days) * kDay) {
        state.expiring = true;
        std::string message = who + " expires on " + info.not_after + " (in " +
                              human_duration(t.seconds_left) + ", inside the warning window of " +
                              plural(warning_days, "day") + ")";
        if (!renew_hint.empty()) message += "; " + std::string(renew_hint);
        return finding(check, CheckStatus::Warning, Code::CertExpired, std::move(message));
    }
    return ok(check, who + " is valid from " + info.not_before + " until " + info.not_after + " (" +
                         human_duration(t.seconds_left) + " left)");
}

// ---- the CA, its pin and the CRL ----------------------------------------------------------

struct CaMaterial {
    std::string path;
    std::vector<X509Ptr> certs;  // the whole ssl_ca bundle; the first one is "the" CA
    CertificateInfo info;
    X509* first() const { return certs.front().get(); }
};

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

struct CrlMaterial {
    std::string path;
    X509CrlPtr crl;
};

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

// ---- private keys -------------------------------------------------------------------------

EvpPkeyPtr try_load_key(std::string_view pem, PassphraseRequest& request) {
    BioPtr bio = memory_bio(pem);
    return EvpPkeyPtr(PEM_read_bio_PrivateKey(bio.get(), nullptr, passphrase_callback, &request));
}

bool looks_encrypted(std::string_view pem) {
    return pem.find("-----BEGIN ENCRYPTED PRIVATE KEY-----") != std::string_view::npos ||
           pem.find("Proc-Type: 4,ENCRYPTED") != std::string_view::npos;
}

struct LoadedKey {
    EvpPkeyPtr key;
    bool encrypted = false;
};

// Throws CERT_PARSE (not a key), CERT_KEY_ENCRYPTED (no passphrase configured),
// SECRET_* (passphrase reference unresolvable), CERT_KEY_PASSPHRASE (wrong passphrase).
LoadedKey load_private_key(const SecretBuffer& pem, const std::string& path, const SecretRef& passphrase_ref) {
    // First without a passphrase: the callback tells us whether OpenSSL wanted one, so the
    // passphrase secret is only resolved for keys that need it.
    PassphraseRequest probe;
    EvpPkeyPtr key = try_load_key(pem.view(), probe);
    const std::string reason = tls::last_openssl_error();
    if (key) return {std::move(key), false};
    if (!probe.asked && !looks_encrypted(pem.view())) {
        std::string message = path + " holds no PEM private key";
        if (pem.view().find("CERTIFICATE-----") != std::string_view::npos) {
            message += ": it looks like a certificate (are ssl_cert and ssl_key swapped?)";
        } else if (!reason.empty()) {
            message += " (" + reason + ")";
        }
        throw Error(Code::CertParse, message);
    }
    if (!passphrase_ref.present()) {
        throw Error(Code::CertKeyEncrypted,
                    "key " + path + " is encrypted; set ssl_key_passphrase_file (or ssl_key_passphrase_env / "
                    "ssl_key_passphrase_secret) in the profile; verrou never prompts for a passphrase");
    }
    const SecretBuffer passphrase = resolve_secret(passphrase_ref, "passphrase of key " + path);
    PassphraseRequest with_passphrase{&passphrase, false};
    key = try_load_key(pem.view(), with_passphrase);
    const std::string decrypt_reason = tls::last_openssl_error();
    if (!key) {
        throw Error(Code::CertKeyPassphrase, "the passphrase from " + passphrase_ref.describe() +
                                                 " does not decrypt key " + path +
                                                 (decrypt_reason.empty() ? "" : " (" + decrypt_reason + ")"));
    }
    return {std::move(key), true};
}

std::string key_type_name(const EVP_PKEY* key) {
    const char* name = EVP_PKEY_get0_type_name(key);  // "EC", "RSA", "ED25519"; may be null
    return name ? name : "unknown-type";
}

bool is_passphrase_code(Code code) {
    return layer_of(code) == Layer::Secret || code == Code::CertKeyEncrypted || code == Code::CertKeyPassphrase;
}

#ifndef _WIN32
// Group/other access to a private key is how keys leak on shared servers. Windows has ACLs
// instead of mode bits, so the check is POSIX-only.
void check_key_permissions(const std::string& path, std::string_view key_name, bool strict,
                           std::vector<CheckFinding>& out) {
    struct stat st {};
    if (::stat(path.c_str(), &st) != 0) return;  // the files check already reported it
    const unsigned mode = static_cast<unsigned>(st.st_mode) & 0777U;
    char octal[8];
    std::snprintf(octal, sizeof octal, "%04o", mode);
    if ((mode & 077U) == 0) {
        out.push_back(ok("permissions", std::string(key_name) + ": key " + path + " is private to its owner (mode " +
                                            octal + ")"));
        return;
    }
    std::string message = std::string(key_name) + ": key " + path + " is accessible by group/others (mode " + octal +
                          "); restrict it with: chmod 600 " + path;
    if (strict) message += " (strict_permissions is on)";
    out.push_back(finding("permissions", strict ? CheckStatus::Failed : CheckStatus::Warning, Code::CertPermissions,
                          std::move(message)));
}
#endif

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
    X509_REVOKED* entry = nullptr;
    // 1: listed; 2: listed as removeFromCRL (a delta CRL un-revoking it), i.e. not revoked.
    if (X509_CRL_get0_by_cert(m.crl->crl.get(), &entry, cert) == 1 && entry != nullptr) {
        std::string message = std::string(spec.label) + " " + spec.cert_path + " (serial " + info.serial_hex +
                              ") was revoked on " + iso8601(X509_REVOKED_get0_revocationDate(entry));
        if (auto* reason = static_cast<ASN1_ENUMERATED*>(
                X509_REVOKED_get_ext_d2i(entry, NID_crl_reason, nullptr, nullptr))) {
            message += " (" + crl_reason_name(ASN1_ENUMERATED_get(reason)) + ")";
            ASN1_ENUMERATED_free(reason);
        }
        message += " according to ssl_crl " + m.crl->path + "; ask the PKI team for a new certificate";
        out.push_back(failed("crl", Code::CertRevoked, std::move(message)));
        return;
    }
    tls::last_openssl_error();
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

// Stable short identifiers for warnings (Warning::code).
std::string warning_id(const CheckFinding& f) {
    if (f.check == "validity") return "cert_expiring";
    if (f.check == "ca") return f.code == Code::CertExpired ? "ca_expiring" : "ca_not_a_ca";
    if (f.check == "permissions") return "key_permissions";
    if (f.check == "crl") return "crl_stale";
    if (f.check == "rollover") return "rollover_next_unusable";
    if (f.check == "files") return "no_client_certificate";
    return "cert_" + f.check;
}

nlohmann::json info_to_json(const CertificateInfo& i) {
    return {{"path", i.path},
            {"subject", i.subject},
            {"common_name", i.common_name},
            {"issuer", i.issuer},
            {"subject_alt_names", i.subject_alt_names},
            {"not_before", i.not_before},
            {"not_after", i.not_after},
            {"days_left", i.days_left},
            {"seconds_until_valid", i.seconds_until_valid},
            {"sha256_fingerprint", i.sha256_fingerprint},
            {"serial", i.serial_hex},
            {"is_ca", i.is_ca}};
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
        if (f.status == CheckStatus::Warning) out.push_back(Warning{warning_id(f), f.message});
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

std::string validation_report_to_json(const ValidationReport& report) {
    nlohmann::json findings = nlohmann::json::array();
    for (const auto& f : report.findings) {
        findings.push_back({{"check", f.check},
                            {"status", check_status_name(f.status)},
                            {"code", static_cast<int>(f.code)},
                            {"code_name", code_name(f.code)},
                            {"layer", layer_name(layer_of(f.code))},
                            {"message", f.message}});
    }
    nlohmann::json j = {{"ok", report.ok()},
                        {"cert_path", report.cert_path},
                        {"key_path", report.key_path},
                        {"using_next_certificate", report.using_next_certificate},
                        {"findings", std::move(findings)},
                        {"ca", report.ca ? info_to_json(*report.ca) : nlohmann::json(nullptr)},
                        {"client", report.client ? info_to_json(*report.client) : nlohmann::json(nullptr)}};
    // Paths may hold bytes that are not UTF-8: replace them rather than throw.
    return j.dump(2, ' ', false, nlohmann::json::error_handler_t::replace);
}

}  // namespace verrou
