// Builds verrou::Profile values that point at the test bed, for connection tests that must not
// depend on the profile loader (the loader has its own tests; tests/db/test_profile_connect.cpp
// goes through real files).
#pragma once

#include <fstream>
#include <sstream>
#include <string>

#include "testbed.hpp"
#include "verrou/profile.hpp"

namespace verrou::test {

inline std::string read_file(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

inline std::string app_password() { return read_file(Testbed::get().dir() + "/secrets/app_user_password"); }

/// app_user on `server` with the dev client certificate `cert` (a path under pki/ without
/// extension, e.g. "dev/app_user"), VERIFY_IDENTITY, TLS 1.3, dev CRL, guard app_user-dev.
inline Profile bed_profile(const std::string& server = "strict", const std::string& cert = "dev/app_user") {
    const auto& bed = Testbed::get();
    Profile p;
    p.source_file = bed.dir() + "/in-memory-profile";
    p.environment = "dev";
    p.host = "127.0.0.1";
    p.port = static_cast<std::uint16_t>(bed.port(server));
    p.user = "app_user";
    p.database = "appdb";
    p.connect_timeout_seconds = 10;
    p.read_timeout_seconds = 30;
    p.password.kind = SecretRef::Kind::File;
    p.password.target = bed.dir() + "/secrets/app_user_password";
    p.tls.ca = bed.pki("dev/ca.crt");
    p.tls.cert = bed.pki(cert + ".crt");
    p.tls.key = bed.pki(cert + ".key");
    p.tls.crl = bed.pki("dev/crl.pem");
    p.tls.expected_cert_cn = "app_user-dev";
    return p;
}

/// True when no secret of the bed (passwords, key passphrase) appears in `text`.
inline bool free_of_secrets(const std::string& text) {
    const auto& bed = Testbed::get();
    for (const char* name : {"app_user_password", "backup_user_password", "plain_user_password", "pepper_k1"}) {
        const std::string secret = read_file(bed.dir() + "/secrets/" + name);
        if (!secret.empty() && text.find(secret) != std::string::npos) return false;
    }
    const std::string pass = read_file(bed.pki("dev/encrypted.pass"));
    return pass.empty() || text.find(pass) == std::string::npos;
}

}  // namespace verrou::test
