// Hints are deliberately short: the step's message already says what was found; the hint
// says which knob to turn, on which side (client profile, certificate, server).
#include "doctor/hints.hpp"

namespace verrou::doctor_detail {

std::string hint_for(Code code, const Profile* p) {
    const std::string env = p ? p->environment : std::string("<env>");
    const std::string user = p ? p->user : std::string("<user>");
    const std::string endpoint = p ? p->host + ":" + std::to_string(p->port) : std::string("the server");
    switch (code) {
        case Code::ConfigUnreadable: return "check the path given to --profile and that this account can read the file";
        case Code::ConfigSyntax: return "fix the syntax at the line/pointer shown (docs/profiles.md)";
        case Code::ConfigUnknownKey: return "remove or correct the key (docs/profiles.md lists every key)";
        case Code::ConfigWrongType: return "write the value with the type docs/profiles.md gives for the key";
        case Code::ConfigMissingKey: return "add the missing key to the environment or to [defaults]";
        case Code::ConfigDuplicate: return "keep only one of the duplicated keys/sections";
        case Code::ConfigUnknownEnvironment: return "pass --env with one of the environments the file defines";
        case Code::ConfigInvalidValue: return "correct the value (docs/profiles.md gives the allowed values)";
        case Code::ConfigUnsafe: return "move secrets out of the profile (password_file/_env/_secret) and verify the server";
        case Code::SecretNotFound: return "create the secret file / set the variable / mount the Docker secret the profile names";
        case Code::SecretUnreadable: return "give the service account read access to the secret (and only it: mode 0600)";
        case Code::SecretEmpty: return "the secret exists but is empty: write the value into it";
        case Code::SecretTooShort: return "peppers must be at least 32 bytes: generate one with `openssl rand -hex 32`";
        case Code::SecretEnvMissing: return "set the environment variable in the service's environment (not only in your shell)";
        case Code::CertFileMissing: return "check ssl_ca / ssl_cert / ssl_key paths (relative paths are relative to the profile file)";
        case Code::CertUnreadable: return "give the service account read access to the certificate/key files";
        case Code::CertParse: return "the file is not a PEM certificate/key: re-export it in PEM format";
        case Code::CertExpired: return "renew the certificate (`verrou pki issue-client` for dev/recette) and set ssl_cert_next for a smooth switch";
        case Code::CertNotYetValid: return "check this machine's clock (timedatectl); if it is right, wait or reissue the certificate";
        case Code::CertUntrusted: return "the client certificate is not signed by ssl_ca: use the certificate issued by the " + env + " CA";
        case Code::CertKeyMismatch: return "ssl_key is not the key of ssl_cert: pair the files that were issued together";
        case Code::CertKeyEncrypted: return "set ssl_key_passphrase_file/_env/_secret (verrou never prompts)";
        case Code::CertKeyPassphrase: return "the passphrase does not open the key: check the passphrase secret";
        case Code::CertRevoked:
            return "the certificate was revoked (CRL or OCSP): a server's needs a new certificate and key before anyone "
                   "connects; a client's, a new certificate (`verrou pki issue-client`)";
        case Code::CertOcspUnavailable:
            return "no valid answer from the OCSP responder: check that it runs and is reachable from here (ocsp_url, "
                   "ocsp_timeout_ms), or keep ocsp = soft while it is down";
        case Code::CertOcspInvalid:
            return "the OCSP answer failed verification: the responder must sign with the CA's key or a certificate "
                   "the CA issued for OCSP signing, and its clock must be right";
        case Code::CertEnvironmentGuard: return "the certificate belongs to another user/environment: use the one with CN " + user + "-" + env;
        case Code::CertPinMismatch: return "the CA is not the pinned one: check ca_fingerprint or the ssl_ca file";
        case Code::CertPermissions: return "chmod 600 the key file (owned by the service account)";
        case Code::CertCrl: return "refresh ssl_crl from the CA that issued ssl_ca";
        case Code::CertRejectedByServer: return "the server refused the certificate: revoked, expired, or an issuer/subject the account does not require";
        case Code::NetworkDns: return "check the host name in the profile and the DNS/hosts configuration of this machine";
        case Code::NetworkRefused: return "nothing listens on " + endpoint + ": is mariadbd running, on this port, bound to this address?";
        case Code::NetworkTimeout:
            return "nothing answered in time at " + endpoint +
                   ": a firewall or routing dropping packets, or a server too slow or overloaded to answer "
                   "within connect_timeout; check the path, the port and the server's load";
        case Code::NetworkUnreachable: return "no route to " + endpoint + ": check the network/VPN";
        case Code::NetworkLost: return "the server closed the connection: check max_connections, the server's error log, a proxy in between";
        case Code::TlsHandshake: return "check the server's ssl_cert/ssl_key and its error log; compare tls_version/ssl_cipher on both sides";
        case Code::TlsUntrustedServer: return "the server's certificate does not chain to ssl_ca: use the " + env + " CA, or fix the server's certificate";
        case Code::TlsNameMismatch: return "connect with a host name listed in the server certificate's SAN, or reissue it with this name";
        case Code::TlsVersionTooLow: return "enable TLSv1.3 on the server (tls_version), or lower tls_version in the profile knowingly";
        case Code::TlsNotOffered: return "the server has no TLS: configure ssl_cert/ssl_key/ssl_ca on mariadbd (verrou never falls back to plaintext)";
        case Code::TlsServerCertExpired: return "renew the server certificate (and restart or FLUSH SSL on the server)";
        case Code::TlsServerPinMismatch: return "the server certificate changed: update server_fingerprint if the change is expected";
        case Code::AuthDenied: return "compare the password source and the certificate with SHOW CREATE USER '" + user + "'";
        case Code::AuthCertificateRequired: return "the account requires a client certificate: set ssl_cert/ssl_key";
        case Code::NoUsableHost:
            return "each host's line says why it is not usable: start the node or open the path to it, fix its certificate, "
                   "its role (read_only) or wait until the Galera node is Synced in the primary component";
        case Code::ServerError:
        case Code::QueryError:
        case Code::ServerGone: return "see the server's error log";
        default: return "";
    }
}

}  // namespace verrou::doctor_detail
