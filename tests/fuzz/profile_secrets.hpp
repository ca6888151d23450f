// tests/fuzz/profile_secrets.hpp — the "no secret echo" check of the two profile targets.
//
// The fuzzer writes the placeholder @SECRET@ as the value of a key that holds a secret (an
// inline password, or a *_env / *_secret name where people paste the secret itself); the target
// replaces it with a canary before parsing, and no message may contain the canary. Only exact
// `key = @SECRET@` values are replaced, so a canary quoted elsewhere (a section name, an
// unknown key: those are echoed on purpose) is never mistaken for a leak; an input already
// holding the canary's bytes is not judged.
#pragma once

#include <string>
#include <string_view>

namespace verrou::fuzz {

inline constexpr std::string_view kPlaceholder = "@SECRET@";
inline constexpr std::string_view kCanary = "Zq9pw CANARY!4fx";  // not a valid name of any kind

inline bool is_secret_key(std::string_view key) {
    const auto dot = key.rfind('.');
    const std::string_view last = dot == std::string_view::npos ? key : key.substr(dot + 1);
    for (std::string_view k : {"password", "password_env", "password_secret", "ssl_key_passphrase_env",
                               "ssl_key_passphrase_secret", "secret", "env"}) {
        if (last == k) return true;
    }
    return false;
}

inline std::string_view trim_blanks(std::string_view s) {
    const auto b = s.find_first_not_of(" \t\r");
    if (b == std::string_view::npos) return {};
    return s.substr(b, s.find_last_not_of(" \t\r") - b + 1);
}

/// INI: every line `<secret key> = @SECRET@` (the value possibly quoted) gets the canary.
inline std::string plant_canary_ini(std::string_view text, bool& planted) {
    std::string out;
    std::size_t pos = 0;
    while (pos <= text.size()) {
        auto nl = text.find('\n', pos);
        if (nl == std::string_view::npos) nl = text.size();
        std::string line(text.substr(pos, nl - pos));
        const auto eq = line.find('=');
        if (eq != std::string::npos && is_secret_key(trim_blanks(std::string_view(line).substr(0, eq)))) {
            std::string_view v = trim_blanks(std::string_view(line).substr(eq + 1));
            if (v.size() >= 2 && (v.front() == '"' || v.front() == '\'') && v.back() == v.front()) {
                v = v.substr(1, v.size() - 2);
            }
            if (v == kPlaceholder) {
                line.replace(line.find(kPlaceholder), kPlaceholder.size(), kCanary);
                planted = true;
            }
        }
        out += line;
        if (nl == text.size()) break;
        out += '\n';
        pos = nl + 1;
    }
    return out;
}

/// JSON: every `"<secret key>": "@SECRET@"` gets the canary.
inline std::string plant_canary_json(std::string_view text, bool& planted) {
    std::string out(text);
    const std::string quoted = "\"" + std::string(kPlaceholder) + "\"";
    std::size_t at = 0;
    while ((at = out.find(quoted, at)) != std::string::npos) {
        std::size_t i = at;
        while (i > 0 && (out[i - 1] == ' ' || out[i - 1] == '\t' || out[i - 1] == '\n' || out[i - 1] == '\r')) --i;
        bool ok = i > 0 && out[i - 1] == ':';
        if (ok) {
            --i;
            while (i > 0 && (out[i - 1] == ' ' || out[i - 1] == '\t' || out[i - 1] == '\n' || out[i - 1] == '\r')) --i;
            ok = i > 0 && out[i - 1] == '"';
        }
        if (ok) {
            const std::size_t close = i - 1;
            const std::size_t open = close == 0 ? std::string::npos : out.rfind('"', close - 1);
            ok = open != std::string::npos && is_secret_key(std::string_view(out).substr(open + 1, close - open - 1));
        }
        if (ok) {
            out.replace(at + 1, kPlaceholder.size(), kCanary);
            planted = true;
        }
        at += 1;
    }
    return out;
}

}  // namespace verrou::fuzz
