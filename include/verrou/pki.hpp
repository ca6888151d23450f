// verrou/pki.hpp — a small certificate authority for dev and recette environments, built on
// OpenSSL's C API (no `openssl` process). One CA per environment, EC P-256, SHA-256.
//
// Layout under `root` (the --dir of `verrou pki`):
//   <root>/<env>/ca.crt, ca.key         the environment's CA ("verrou <env> CA")
//   <root>/<env>/crl.pem                its CRL, regenerated on every revocation
//   <root>/<env>/index.json             issued and revoked serials (the CA's database)
//   <root>/<env>/index.txt              the same in `openssl ca` format, rewritten on every
//                                       change: what `openssl ocsp -index` serves (docs/ocsp.md)
//   <root>/<env>/issued/<name>.crt|key  issued certificates and keys
// Keys are written mode 0600 through a temporary file (O_EXCL, write, fsync) that is then
// linked into place, so a file is either complete or absent, and an existing file is never
// overwritten (Error(INVALID_ARGUMENT) naming it). Windows keeps both guarantees (CREATE_NEW,
// FlushFileBuffers, a move that never replaces) but has no mode bits: files get their folder's
// ACL. An encrypted CA key is refused (CERT_KEY_ENCRYPTED): verrou never prompts for a passphrase.
#pragma once

#include <string>
#include <vector>

namespace verrou::pki {

struct Issued {
    std::string cert_path;
    std::string key_path;
    std::string subject;     // "/CN=app_user-prod"
    std::string serial_hex;  // upper-case hex
    std::string not_after;   // ISO 8601 UTC
};

/// Creates <root>/<env>/ with a self-signed CA (CN "verrou <env> CA") and an empty CRL.
Issued init_ca(const std::string& root, const std::string& env, int days = 3650);

/// Server certificate: CN = first host (or first IP), SAN DNS:hosts + IP:ips, EKU serverAuth.
/// `ocsp_url` (an http:// URL, or "" for none) goes into the Authority Information Access: the
/// responder clients ask about this certificate (verrou's ocsp = soft by default then).
Issued issue_server(const std::string& root, const std::string& env, const std::vector<std::string>& hosts,
                    const std::vector<std::string>& ips, int days = 397, const std::string& ocsp_url = "");

/// Client certificate for MariaDB's REQUIRE SUBJECT: CN "<user>-<env>", EKU clientAuth;
/// `ocsp_url` as for issue_server.
Issued issue_client(const std::string& root, const std::string& env, const std::string& user, int days = 365,
                    const std::string& ocsp_url = "");

/// The CA's delegated OCSP responder: CN "verrou <env> OCSP responder", EKU OCSPSigning,
/// id-pkix-ocsp-nocheck, written to <root>/<env>/issued/ocsp-responder.crt|key. With it,
/// `openssl ocsp -index <root>/<env>/index.txt -CA ca.crt -rsigner … -rkey …` answers for
/// this CA (docs/ocsp.md, "Running a responder").
Issued issue_ocsp_responder(const std::string& root, const std::string& env, int days = 90);

/// Revokes a certificate issued by this CA (by serial, upper/lower hex, or by its file),
/// regenerates the CRL and rewrites index.txt (a running `openssl ocsp` re-reads it). Returns
/// the CRL path. Unknown serial → Error(INVALID_ARGUMENT).
std::string revoke_serial(const std::string& root, const std::string& env, const std::string& serial_hex);
std::string revoke_certificate(const std::string& root, const std::string& env, const std::string& cert_path);

/// Rewrites <root>/<env>/crl.pem (valid `crl_days`) and index.txt from index.json. Returns the
/// CRL's path.
std::string generate_crl(const std::string& root, const std::string& env, int crl_days = 30);

}  // namespace verrou::pki
