// Fuzz target: the TLS probe's reading of the server's first packet (tls::parse_greeting), the
// first thing an untrusted server says, and the sanitiser of server text.
// Properties: TLS_HANDSHAKE / SERVER_ERROR only; the version string and every message valid
// UTF-8, without control or line-breaking characters, and bounded.
#include <cstddef>
#include <cstdint>
#include <string>

#include "fuzz_check.hpp"
#include "tls/probe.hpp"

using namespace verrou;

namespace {

// No C0/C1 control, no DEL, none of the invisible characters that reorder or split lines.
void check_clean(std::string_view s, std::string_view what) {
    fuzz::check_utf8(s, what);
    std::size_t i = 0;
    while (i < s.size()) {
        char32_t cp = 0;
        const std::size_t n = platform::decode_utf8(s.substr(i), cp);
        const bool bad = cp < 0x20 || (cp >= 0x7F && cp <= 0x9F) || (cp >= 0x202A && cp <= 0x202E) ||
                         (cp >= 0x2066 && cp <= 0x2069) || cp == 0x2028 || cp == 0x2029 || cp == 0xFEFF;
        fuzz::check(!bad, what, s);
        i += n;
    }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view payload(reinterpret_cast<const char*>(data), size);
    const std::string sanitized = tls::sanitize_server_text(payload, 64);
    check_clean(sanitized, "sanitize_server_text left a control or invalid byte");
    fuzz::check(sanitized.size() <= 64 + 3, "sanitize_server_text exceeds its bound", sanitized);
    try {
        const tls::Greeting g = tls::parse_greeting(payload, "127.0.0.1:3306");
        check_clean(g.server_version, "server version not sanitised");
        fuzz::check(g.server_version.size() <= 203, "server version not bounded", g.server_version);
    } catch (const Error& e) {
        fuzz::check_error(e, {Code::TlsHandshake, Code::ServerError});
        check_clean(e.message(), "error message carries a control or invalid byte");
    }
    return 0;
}
