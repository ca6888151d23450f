#include "ocsp/wire.hpp"

#include <algorithm>
#include <cctype>
#include <charconv>

#include "tls/probe.hpp"
#include "verrou/error.hpp"

namespace verrou::ocsp_detail {

std::string openssl_reason() {
    const std::string e = tls::last_openssl_error();
    return e.empty() ? std::string() : " (" + e + ")";
}

namespace {

bool all_digits(std::string_view s) {
    return std::all_of(s.begin(), s.end(), [](char c) { return std::isdigit(static_cast<unsigned char>(c)) != 0; });
}

std::string lower(std::string_view s) {
    std::string out(s);
    for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return out;
}

}  // namespace

Url parse_url(std::string_view url, const std::string& who) {
    constexpr std::string_view prefix = "http://";
    const auto bad = [&](const std::string& why) {
        // The URL may come from a certificate: shown printable, never as raw bytes.
        return Error(Code::CertOcspUnavailable,
                     who + ": the OCSP responder URL '" + tls::sanitize_server_text(url) + "' " + why);
    };
    if (url.size() <= prefix.size() || url.substr(0, prefix.size()) != prefix) throw bad("is not an http:// URL");
    Url u;
    const std::string_view rest = url.substr(prefix.size());
    const auto slash = rest.find('/');
    const std::string_view authority = rest.substr(0, slash);
    if (slash != std::string_view::npos) u.path = std::string(rest.substr(slash));
    std::string_view port_text;
    if (!authority.empty() && authority.front() == '[') {  // [::1]:8080
        const auto close = authority.find(']');
        if (close == std::string_view::npos) throw bad("has an unclosed IPv6 address");
        u.host = std::string(authority.substr(1, close - 1));
        if (close + 1 < authority.size()) {
            if (authority[close + 1] != ':') throw bad("has text after its IPv6 address");
            port_text = authority.substr(close + 2);
        }
    } else {
        const auto colon = authority.rfind(':');
        u.host = std::string(authority.substr(0, colon));
        if (colon != std::string_view::npos) port_text = authority.substr(colon + 1);
    }
    if (u.host.empty()) throw bad("names no host");
    if (u.host.find_first_of(" \t\r\n") != std::string::npos || u.path.find_first_of(" \t\r\n") != std::string::npos) {
        throw bad("contains white space");  // it would break the request line
    }
    if (!port_text.empty()) {
        int port = 0;
        if (port_text.size() > 5 || !all_digits(port_text)) throw bad("has an invalid port");
        std::from_chars(port_text.data(), port_text.data() + port_text.size(), port);
        if (port < 1 || port > 65535) throw bad("has an invalid port");
        u.port = static_cast<std::uint16_t>(port);
    }
    return u;
}

std::string http_request(const Url& u, std::string_view body) {
    std::string request = "POST " + u.path + " HTTP/1.0\r\nHost: " + u.host + ":" + std::to_string(u.port) +
                          "\r\nContent-Type: application/ocsp-request\r\nAccept: application/ocsp-response\r\n"
                          "Content-Length: " + std::to_string(body.size()) + "\r\nConnection: close\r\n\r\n";
    request.append(body);
    return request;
}

std::optional<std::size_t> http_reply_length(std::string_view in) {
    const auto end = in.find("\r\n\r\n");
    if (end == std::string_view::npos) return std::nullopt;
    const std::string head = lower(in.substr(0, end));
    const auto cl = head.find("\r\ncontent-length:");
    if (cl == std::string::npos) return std::nullopt;
    std::size_t at = cl + 17;
    while (at < head.size() && (head[at] == ' ' || head[at] == '\t')) ++at;
    std::uint64_t length = 0;
    const auto [stop, ec] = std::from_chars(head.data() + at, head.data() + head.size(), length);
    if (ec == std::errc::result_out_of_range || (ec == std::errc() && length > kMaxReplyBytes)) {
        throw Error(Code::CertOcspUnavailable, "the answer announces a body larger than 1 MiB: not an OCSP response");
    }
    if (ec != std::errc() || stop == head.data() + at) return std::nullopt;  // unreadable: read to the end
    const std::size_t whole = end + 4 + static_cast<std::size_t>(length);
    return in.size() >= whole ? std::optional<std::size_t>(whole) : std::nullopt;
}

std::string http_reply_body(std::string_view in) {
    const auto end = in.find("\r\n\r\n");
    if (in.substr(0, 5) != "HTTP/" || end == std::string_view::npos) {
        throw Error(Code::CertOcspUnavailable, "the answer is not HTTP");
    }
    const auto eol = in.find("\r\n");
    const std::string_view status_line = in.substr(0, eol);
    const auto space = status_line.find(' ');
    const std::string_view status = space == std::string_view::npos ? std::string_view() : status_line.substr(space + 1, 3);
    if (status != "200") {
        throw Error(Code::CertOcspUnavailable, "HTTP error: " + tls::sanitize_server_text(status_line, 100));
    }
    return std::string(in.substr(end + 4));
}

OcspBasicPtr decode_response(std::string_view der, const std::string& who, const std::string& url) {
    const auto invalid = [&](const std::string& why) {
        return Error(Code::CertOcspInvalid, who + ": the answer of OCSP responder " + url + " " + why);
    };
    const auto* p = reinterpret_cast<const unsigned char*>(der.data());
    OcspResponsePtr resp(d2i_OCSP_RESPONSE(nullptr, &p, static_cast<long>(der.size())));
    if (!resp) throw invalid("is not an OCSP response" + openssl_reason());
    const int rs = OCSP_response_status(resp.get());
    if (rs != OCSP_RESPONSE_STATUS_SUCCESSFUL) {
        throw Error(Code::CertOcspUnavailable, who + ": OCSP responder " + url + " answered '" +
                                                   OCSP_response_status_str(rs) + "' instead of a status");
    }
    OcspBasicPtr basic(OCSP_response_get1_basic(resp.get()));
    if (!basic) throw invalid("carries no basic OCSP response" + openssl_reason());
    return basic;
}

}  // namespace verrou::ocsp_detail
