// tests/fuzz/fuzz_check.hpp — what every fuzz target asserts besides "no crash, no leak, no UB".
//
// A broken property prints what broke and aborts: libFuzzer then saves the input (crash-*) like
// any crash, and `scripts/fuzz` / the test command fail on it.
#pragma once

#include <cstdio>
#include <cstdlib>
#include <initializer_list>
#include <string>
#include <string_view>

#include "platform/utf8.hpp"
#include "verrou/error.hpp"

namespace verrou::fuzz {

[[noreturn]] inline void broken(std::string_view what, std::string_view detail = {}) {
    std::fprintf(stderr, "FUZZ PROPERTY BROKEN: %.*s\n", static_cast<int>(what.size()), what.data());
    if (!detail.empty()) {
        // The detail may itself be invalid UTF-8 (that is the point): printed escaped.
        std::string shown;
        for (unsigned char c : detail) {
            if (c >= 0x20 && c < 0x7F) shown += static_cast<char>(c);
            else {
                char buf[8];
                std::snprintf(buf, sizeof buf, "\\x%02X", c);
                shown += buf;
            }
        }
        std::fprintf(stderr, "  %s\n", shown.c_str());
    }
    std::abort();
}

inline void check(bool ok, std::string_view what, std::string_view detail = {}) {
    if (!ok) broken(what, detail);
}

/// Text that leaves the library (a message, a name shown to a user) must be valid UTF-8.
inline void check_utf8(std::string_view text, std::string_view what) {
    check(platform::is_valid_utf8(text), what, text);
}

/// An Error thrown by a parser: one of `allowed`, a valid UTF-8 message.
inline void check_error(const Error& e, std::initializer_list<Code> allowed) {
    bool known = false;
    for (Code c : allowed) known = known || c == e.code();
    check(known, "unexpected error code", std::string(code_name(e.code())) + ": " + e.what());
    check_utf8(e.message(), "error message is not valid UTF-8");
}

/// `secret` (which the input held where a secret goes) must not appear in `text`.
inline void check_not_echoed(std::string_view text, std::string_view secret, std::string_view what) {
    check(secret.empty() || text.find(secret) == std::string_view::npos, what, text);
}

}  // namespace verrou::fuzz
