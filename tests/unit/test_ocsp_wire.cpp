// The OCSP exchange's wire formats (src/ocsp/wire.hpp): responder URLs and HTTP replies, as a
// certificate or a responder may hand them over. Fuzzed by tests/fuzz/fuzz_ocsp_wire.cpp.
#include <doctest/doctest.h>

#include "error_of.hpp"
#include "ocsp/wire.hpp"
#include "platform/utf8.hpp"

using namespace verrou;
using namespace verrou::ocsp_detail;

namespace {

const std::string kWho = "server certificate '/CN=db' (serial 1A2B)";

using verrou::test::error_of;

}  // namespace

TEST_CASE("ocsp wire: responder URLs") {
    Url u = parse_url("http://ocsp.recette.local:8888/ocsp", kWho);
    CHECK(u.host == "ocsp.recette.local");
    CHECK(u.port == 8888);
    CHECK(u.path == "/ocsp");
    u = parse_url("http://[::1]/", kWho);
    CHECK(u.host == "::1");
    CHECK(u.port == 80);
    CHECK(http_request(u, "x").rfind("POST / HTTP/1.0\r\nHost: ::1:80\r\n", 0) == 0);

    for (const char* bad : {"https://ocsp/", "http://", "http://:80/", "http://h:0/", "http://h:65536/", "http://h:8x/",
                            "http://[::1/", "http://[::1]x/", "http://h/a b", "http://h\r\nX-Injected: 1/"}) {
        const Error e = error_of([&] { (void)parse_url(bad, kWho); });
        CHECK_MESSAGE(e.code() == Code::CertOcspUnavailable, bad);
        CHECK(std::string(e.message()).rfind(kWho, 0) == 0);
    }
    // A URL from a certificate is shown printable: no raw byte of it reaches a message.
    const Error e = error_of([] { (void)parse_url("ftp://\xff\xfe\r\n", kWho); });
    CHECK(platform::is_valid_utf8(e.message()));
    CHECK(std::string(e.message()).find('\r') == std::string::npos);
}

TEST_CASE("ocsp wire: HTTP replies — complete, partial, refused") {
    const std::string ok = "HTTP/1.0 200 OK\r\nContent-Type: application/ocsp-response\r\nContent-Length:  3\r\n\r\nabc";
    CHECK(http_reply_length(ok) == ok.size());
    CHECK_FALSE(http_reply_length(ok.substr(0, ok.size() - 1)).has_value());  // body not all there
    CHECK(http_reply_length(ok + "trailing") == ok.size());
    CHECK(http_reply_body(ok) == "abc");
    CHECK_FALSE(http_reply_length("HTTP/1.0 200 OK\r\n\r\nabc").has_value());  // no length: read to the end
    CHECK(http_reply_body("HTTP/1.0 200 OK\r\n\r\nabc") == "abc");

    // An announced length past 1 MiB, or past 2^64 (which once wrapped the end of the body).
    for (const char* length : {"1048577", "18446744073709551615", "99999999999999999999999"}) {
        const std::string huge = std::string("HTTP/1.0 200 OK\r\nContent-Length: ") + length + "\r\n\r\nabc";
        CHECK_MESSAGE(error_of([&] { (void)http_reply_length(huge); }).code() == Code::CertOcspUnavailable, length);
    }
    CHECK(error_of([] { (void)http_reply_body("SSH-2.0-OpenSSH\r\n\r\n"); }).code() == Code::CertOcspUnavailable);
    const Error e = error_of([] { (void)http_reply_body("HTTP/1.0 503 Service \xff Unavailable\r\n\r\n"); });
    CHECK(e.code() == Code::CertOcspUnavailable);
    CHECK(std::string(e.message()).rfind("HTTP error: HTTP/1.0 503 Service", 0) == 0);
    CHECK(platform::is_valid_utf8(e.message()));
}

TEST_CASE("ocsp wire: DER responses up to the basic response") {
    const std::string url = "http://127.0.0.1:8080/";
    Error e = error_of([&] { (void)decode_response("not DER", kWho, url); });
    CHECK(e.code() == Code::CertOcspInvalid);
    CHECK(std::string(e.message()).find("is not an OCSP response") != std::string::npos);
    // OCSPResponse { responseStatus tryLater (3) }: an error status, no answer to judge.
    e = error_of([&] { (void)decode_response(std::string("\x30\x03\x0a\x01\x03", 5), kWho, url); });
    CHECK(e.code() == Code::CertOcspUnavailable);
    CHECK(std::string(e.message()).find("answered 'trylater'") != std::string::npos);
}
