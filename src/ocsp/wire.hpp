// Internal: the OCSP exchange's wire formats, kept apart from the socket and the verdict so that
// each parser of untrusted input can be fuzzed on its own (tests/fuzz/fuzz_ocsp_wire.cpp):
//   parse_url()          the responder URL (from a certificate's AIA or the profile's ocsp_url);
//   http_request()       the HTTP/1.0 POST verrou sends;
//   http_reply_length()  whether the bytes read so far hold the whole reply (Content-Length);
//   http_reply_body()    the reply's status line and body;
//   decode_response()    the DER OCSP response, up to its basic response (before any
//                        signature check, which check() does with the profile's CA).
#pragma once

#include <openssl/ocsp.h>

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "tls/x509.hpp"

namespace verrou::ocsp_detail {

/// " (OpenSSL's reason)" for the error queue's last entry, "" when empty; clears the queue.
std::string openssl_reason();

/// A larger reply is refused: an OCSP response for one certificate is a few KiB.
inline constexpr std::size_t kMaxReplyBytes = 1024 * 1024;

struct Url {
    std::string host;
    std::uint16_t port = 80;
    std::string path = "/";
};

/// Throws CERT_OCSP_UNAVAILABLE naming `who` and the URL (made printable) when it is not an
/// http:// URL with a host and an optional port 1-65535.
Url parse_url(std::string_view url, const std::string& who);

std::string http_request(const Url& u, std::string_view body);

/// The length of the whole reply once `in` holds its header and the body its Content-Length
/// announces; nullopt while more is needed (or no Content-Length: read until the peer closes).
/// Throws CERT_OCSP_UNAVAILABLE when the announced body is over kMaxReplyBytes.
std::optional<std::size_t> http_reply_length(std::string_view in);

/// The body of a complete reply (`200` status). Throws CERT_OCSP_UNAVAILABLE: not HTTP, or an
/// HTTP error (its status line, made printable, in the message).
std::string http_reply_body(std::string_view in);

using OcspResponsePtr = std::unique_ptr<OCSP_RESPONSE, tls::Deleter<OCSP_RESPONSE_free>>;
using OcspBasicPtr = std::unique_ptr<OCSP_BASICRESP, tls::Deleter<OCSP_BASICRESP_free>>;

/// The basic response inside a DER OCSP response. Throws CERT_OCSP_INVALID (not an OCSP
/// response, no basic response) or CERT_OCSP_UNAVAILABLE (an error status such as trylater);
/// messages start with `who` and name the responder `url`.
OcspBasicPtr decode_response(std::string_view der, const std::string& who, const std::string& url);

}  // namespace verrou::ocsp_detail
