// Private keys: PEM through OpenSSL with our passphrase callback (never a terminal prompt),
// the passphrase resolved only for keys that need one; key file permissions on POSIX.
#include "tls/checks.hpp"

#include <openssl/pem.h>

#include <cstdio>
#include <cstring>

#include <sys/stat.h>

namespace verrou::validator_detail {

namespace {

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

}  // namespace

// ---- private keys -------------------------------------------------------------------------

EvpPkeyPtr try_load_key(std::string_view pem, PassphraseRequest& request) {
    BioPtr bio = memory_bio(pem);
    return EvpPkeyPtr(PEM_read_bio_PrivateKey(bio.get(), nullptr, passphrase_callback, &request));
}

bool looks_encrypted(std::string_view pem) {
    return pem.find("-----BEGIN ENCRYPTED PRIVATE KEY-----") != std::string_view::npos ||
           pem.find("Proc-Type: 4,ENCRYPTED") != std::string_view::npos;
}

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

}  // namespace verrou::validator_detail
