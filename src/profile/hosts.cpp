// The `host` key: one server or a list of them (docs/clusters.md). Parsed after ${VAR}
// expansion, so that "host = ${DB_HOSTS}" may hold a list too.
#include <algorithm>
#include <cctype>
#include <charconv>

#include "verrou/error.hpp"
#include "verrou/profile.hpp"

namespace verrou {

namespace {

constexpr std::size_t kMaxHosts = 64;

std::string_view trim(std::string_view s) {
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
    return s;
}

// Names are resolved by the system, not judged here; only what cannot be part of one entry is
// refused (blanks, control characters, brackets).
bool is_name_char(char c) {
    const auto u = static_cast<unsigned char>(c);
    return u > 0x20 && u != 0x7F && c != '[' && c != ']';
}

bool is_ipv6_char(char c) {
    return std::isxdigit(static_cast<unsigned char>(c)) || c == ':' || c == '.' || c == '%' ||
           std::isalnum(static_cast<unsigned char>(c));  // zone ids (fe80::1%eth0)
}

}  // namespace

std::string HostPort::text() const {
    const bool v6 = host.find(':') != std::string::npos;
    return (v6 ? "[" + host + "]" : host) + ":" + std::to_string(port);
}

std::string_view host_order_name(HostOrder order) noexcept {
    return order == HostOrder::Random ? "random" : "in_order";
}

std::string_view target_name(Target target) noexcept {
    switch (target) {
        case Target::Any: return "any";
        case Target::Writable: return "writable";
        case Target::ReadOnly: return "read_only";
    }
    return "any";
}

std::vector<HostPort> parse_host_list(std::string_view text, std::uint16_t default_port, std::string_view where) {
    std::vector<HostPort> hosts;
    std::size_t index = 0;
    std::size_t start = 0;
    const bool several = text.find(',') != std::string_view::npos;
    while (start <= text.size()) {
        const std::size_t comma = std::min(text.find(',', start), text.size());
        const std::string_view entry = trim(text.substr(start, comma - start));
        start = comma + 1;
        ++index;
        const std::string label = several ? "entry " + std::to_string(index) + " " : std::string();
        auto bad = [&](const std::string& problem) -> Error {
            return Error(Code::ConfigInvalidValue, std::string(where) + "key 'host': " + label +
                                                       (entry.empty() ? "" : "'" + std::string(entry) + "' ") + problem);
        };
        if (entry.empty()) {
            throw bad(several ? "is empty (two commas in a row, or a comma at the start or end of the list)"
                              : "value is empty");
        }
        HostPort hp;
        hp.port = default_port;
        std::string_view name = entry;
        std::string_view port_text;
        bool has_port = false;
        if (entry.front() == '[') {
            const auto close = entry.find(']');
            if (close == std::string_view::npos) throw bad("has '[' without ']' (write IPv6 addresses as [::1]:3306)");
            name = entry.substr(1, close - 1);
            const std::string_view rest = entry.substr(close + 1);
            if (!rest.empty()) {
                if (rest.front() != ':') throw bad("has text after ']' that is not ':<port>'");
                port_text = rest.substr(1);
                has_port = true;
            }
            if (name.empty() || name.find(':') == std::string_view::npos ||
                !std::all_of(name.begin(), name.end(), is_ipv6_char)) {
                throw bad("is not an IPv6 address between the brackets");
            }
        } else {
            const auto colons = std::count(entry.begin(), entry.end(), ':');
            if (colons == 1) {
                const auto colon = entry.find(':');
                name = entry.substr(0, colon);
                port_text = entry.substr(colon + 1);
                has_port = true;
            } else if (colons > 1) {
                // A lone IPv6 literal: accepted without a port; with one it needs brackets.
                if (several || !std::all_of(entry.begin(), entry.end(), is_ipv6_char)) {
                    throw bad("looks like an IPv6 address: write it in brackets, as [::1] or [::1]:3306");
                }
            }
            if (name.empty()) throw bad("has no host name before ':'");
            if (colons <= 1 && !std::all_of(name.begin(), name.end(), is_name_char)) {
                throw bad("is not a host name or address (no blanks, control characters or brackets; IPv6 in brackets)");
            }
        }
        if (has_port) {
            unsigned value = 0;
            const auto r = std::from_chars(port_text.data(), port_text.data() + port_text.size(), value);
            if (port_text.empty() || r.ec != std::errc() || r.ptr != port_text.data() + port_text.size() ||
                value < 1 || value > 65535) {
                throw bad("has port '" + std::string(port_text) + "': expected a number from 1 to 65535");
            }
            hp.port = static_cast<std::uint16_t>(value);
        }
        hp.host = std::string(name);
        if (std::find(hosts.begin(), hosts.end(), hp) != hosts.end()) {
            throw bad("is listed twice (" + hp.text() + ")");
        }
        hosts.push_back(std::move(hp));
        if (hosts.size() > kMaxHosts) {
            throw Error(Code::ConfigInvalidValue, std::string(where) + "key 'host': more than " +
                                                      std::to_string(kMaxHosts) + " hosts");
        }
        if (comma == text.size()) break;
    }
    return hosts;
}

}  // namespace verrou
