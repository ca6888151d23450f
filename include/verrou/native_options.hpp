// WinDev's native MySQL/MariaDB access configured from a profile at run time.
//
// An application that keeps its native connection (a WLanguage `Connexion` variable,
// hAccèsNatifMySQL) still takes host, account and TLS material from the profile: native_options
// runs the same local validation as Connection::open (files, dates, chain, CRL, key match,
// environment guard, pins; cached the same way) and returns the values for the connection's
// options. The password is never part of it: native_password() resolves it separately, for a
// caller that writes it straight into the connection and wipes its copy.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "verrou/certificate.hpp"
#include "verrou/profile.hpp"
#include "verrou/secret.hpp"

namespace verrou {

struct NativeOptions {
    std::string server;            // SERVER (with a host list: the host a search reaches)
    std::uint16_t port = 3306;     // PORT
    std::string user;              // USER
    std::string database;          // DATABASE ("" when the profile names none)
    std::string ssl_ca;            // SSL_CA
    std::string ssl_cert;          // SSL_CERT: the pair the validator presents (rollover aware)
    std::string ssl_key;           // SSL_KEY
    std::string ssl_mode;          // SSL_MODE: "VERIFY_IDENTITY", ...
    std::string ssl_crl;           // "" when none (WinDev's native access may not take it)
    std::string tls_min_version;   // "TLSv1.3" / "TLSv1.2"
    bool using_next_certificate = false;
    bool password_configured = false;    // false: certificate-only account
    std::string password_reference;      // "file:/…", "env:NAME": never the value
    bool key_passphrase_configured = false;
    std::vector<CheckFinding> checks;    // every local check (the guard results), warnings included
};

/// The native options for `profile`, after the local validation a connect does. Throws that
/// validation's first failure (CERT_*, SECRET_*, ...) exactly as Connection::open would. For a
/// profile listing several hosts (or with a target) `server` / `port` are the host a search
/// reaches now (Connection::open is run, then closed): its errors (NO_USABLE_HOST, AUTH_*) are
/// thrown as they are.
NativeOptions native_options(const Profile& profile);

/// {"server", "port", "user", "database", "ssl_ca", "ssl_cert", "ssl_key", "ssl_mode",
///  "ssl_crl", "tls_min_version", "using_next_certificate", "password_configured",
///  "password_reference", "key_passphrase_configured", "checks": [{"check", "status", "code",
///  "code_name", "layer", "message"}]} — valid UTF-8, never a secret (the shape of
///  verrou_native_options' @json in include/verrou.h, encoded in src/json/output).
std::string native_options_to_json(const NativeOptions& options);

/// The profile's MariaDB password, resolved (file, environment, Docker secret, inline with its
/// warning). Throws SECRET_* naming the reference; CONFIG_MISSING_KEY when the profile has no
/// password (a certificate-only account has nothing to hand over).
SecretBuffer native_password(const Profile& profile);

}  // namespace verrou
