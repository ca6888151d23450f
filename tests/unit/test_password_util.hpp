// Helpers shared by the password tests: run an external oracle, hex, random bytes.
#pragma once

#include <cstdio>
#include <random>
#include <stdexcept>
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "verrou/password.hpp"

namespace pwtest {

/// Runs a shell command, returns its stdout without the trailing newline; throws when the
/// command fails so a missing oracle is loud, never a silent pass.
inline std::string run(const std::string& cmd) {
    FILE* f = ::popen(cmd.c_str(), "r");
    if (!f) throw std::runtime_error("popen failed: " + cmd);
    std::string out;
    char buf[4096];
    std::size_t n;
    while ((n = std::fread(buf, 1, sizeof buf, f)) > 0) out.append(buf, n);
    const int rc = ::pclose(f);
    if (rc != 0) throw std::runtime_error("command failed (" + std::to_string(rc) + "): " + cmd);
    while (!out.empty() && (out.back() == '\n' || out.back() == '\r')) out.pop_back();
    return out;
}

inline std::vector<std::string> lines(const std::string& s) {
    std::vector<std::string> v;
    std::size_t start = 0;
    while (start <= s.size()) {
        const std::size_t nl = s.find('\n', start);
        if (nl == std::string::npos) {
            v.push_back(s.substr(start));
            break;
        }
        v.push_back(s.substr(start, nl - start));
        start = nl + 1;
    }
    return v;
}

inline std::string hex(const unsigned char* p, std::size_t n) {
    static const char* d = "0123456789abcdef";
    std::string s;
    for (std::size_t i = 0; i < n; ++i) {
        s += d[p[i] >> 4];
        s += d[p[i] & 15];
    }
    return s;
}
inline std::string hex(std::string_view s) {
    return hex(reinterpret_cast<const unsigned char*>(s.data()), s.size());
}

inline std::vector<unsigned char> random_bytes(std::mt19937_64& rng, std::size_t n) {
    std::vector<unsigned char> v(n);
    for (auto& b : v) b = static_cast<unsigned char>(rng() & 0xFF);
    return v;
}

/// Printable ASCII without shell or '$' specials, for strings passed on a command line.
inline std::string random_word(std::mt19937_64& rng, std::size_t n) {
    static const char* alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
    std::string s;
    for (std::size_t i = 0; i < n; ++i) s += alphabet[rng() % 62];
    return s;
}

inline std::vector<verrou::Pepper> peppers(std::vector<std::pair<std::string, std::string>> list) {
    std::vector<verrou::Pepper> v;
    for (auto& [id, secret] : list) v.push_back(verrou::Pepper{id, verrou::SecretBuffer(secret)});
    return v;
}

/// A cheap Argon2id policy for tests (the OWASP default is exercised separately).
inline verrou::HashPolicy small_argon2() {
    verrou::HashPolicy p;
    p.argon2_memory_kib = 256;
    p.argon2_iterations = 2;
    p.argon2_parallelism = 1;
    return p;
}

/// Base64(PBKDF2-HMAC-<digest>(password + pepper, salt, n, len)) by Python's hashlib: the
/// independent oracle for WinDev legacy records. Arguments must hold no shell specials
/// (random words); an empty pepper is passed as ''.
inline std::string windev_legacy_oracle(const char* digest, const std::string& pw, const std::string& pepper,
                                        const std::string& salt, std::uint32_t n, std::uint32_t len) {
    const std::string py =
        "import hashlib,base64,sys\n"
        "h=hashlib.pbkdf2_hmac(sys.argv[1],(sys.argv[2]+sys.argv[3]).encode(),sys.argv[4].encode(),int(sys.argv[5]),int(sys.argv[6]))\n"
        "print(base64.b64encode(h).decode())\n";
    return run("python3 -c '" + py + "' " + digest + " " + pw + " '" + pepper + "' " + salt + " " +
               std::to_string(n) + " " + std::to_string(len));
}

}  // namespace pwtest
