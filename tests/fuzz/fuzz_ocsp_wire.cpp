// Fuzz target: the wire formats of the OCSP exchange (src/ocsp/wire.hpp) — what a certificate's
// Authority Information Access and a responder on the network hand to verrou.
// First byte, modulo 3: 0 → parse_url(rest) and the request built from it; 1 → the HTTP reply
// (http_reply_length on the whole input and on its first half, then http_reply_body);
// 2 → decode_response(rest), the DER OCSP response up to its basic response.
// Properties: CERT_OCSP_UNAVAILABLE / CERT_OCSP_INVALID only, messages valid UTF-8; a parsed URL
// has a host, no white space, a port in 1-65535 and makes a one-line request line; a reply's
// length never exceeds what was read and its body is the tail of the input.
#include <cstddef>
#include <cstdint>
#include <string>

#include "fuzz_check.hpp"
#include "ocsp/wire.hpp"

using namespace verrou;

namespace {

const std::string kWho = "server certificate '/CN=fuzz' (serial 01)";

void url(std::string_view text) {
    const ocsp_detail::Url u = ocsp_detail::parse_url(text, kWho);
    fuzz::check(!u.host.empty() && u.port >= 1, "a parsed URL without host or port", text);
    fuzz::check(u.host.find_first_of(" \t\r\n") == std::string::npos, "white space in the host", u.host);
    fuzz::check(!u.path.empty() && u.path.front() == '/', "a path that does not start with '/'", u.path);
    const std::string request = ocsp_detail::http_request(u, "body");
    const std::string first_line = request.substr(0, request.find("\r\n"));
    fuzz::check(first_line == "POST " + u.path + " HTTP/1.0", "the request line was split", first_line);
}

void reply(std::string_view in) {
    for (std::string_view part : {in.substr(0, in.size() / 2), in}) {
        if (const auto whole = ocsp_detail::http_reply_length(part)) {
            fuzz::check(*whole <= part.size(), "a reply length beyond what was read", part);
        }
    }
    const std::string body = ocsp_detail::http_reply_body(in);
    fuzz::check(body.size() <= in.size() && in.substr(in.size() - body.size()) == body,
                "the body is not the tail of the reply", in);
}

void response(std::string_view der) {
    const ocsp_detail::OcspBasicPtr basic = ocsp_detail::decode_response(der, kWho, "http://127.0.0.1:8080/");
    fuzz::check(basic != nullptr, "a decoded response without its basic response");
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    if (size == 0) return 0;
    const std::string_view rest(reinterpret_cast<const char*>(data) + 1, size - 1);
    try {
        switch (data[0] % 3) {
            case 0: url(rest); break;
            case 1: reply(rest); break;
            default: response(rest); break;
        }
    } catch (const Error& e) {
        fuzz::check_error(e, {Code::CertOcspUnavailable, Code::CertOcspInvalid});
    }
    tls::last_openssl_error();  // clears OpenSSL's error queue, as the library does after a check
    return 0;
}
