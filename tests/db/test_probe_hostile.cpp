// The STARTTLS probe against hostile fake servers, in process (this binary keeps SIGPIPE at
// its default disposition, like a customer's service): a server that greets then closes must
// not kill the process; a server that drips its greeting or its handshake must not hold the
// probe past its one deadline; server text is sanitised. tests/python/test_hostile_server.py
// drives the same servers through `verrou doctor` and the C ABI.
//
// Each fake server binds 127.0.0.1 on a free port, serves ONE connection and stops by itself
// (after at most kServerLifetime, or as soon as the client is gone).
#include <doctest/doctest.h>

#include <atomic>
#include <chrono>
#include <csignal>
#include <cstring>
#include <functional>
#include <string>
#include <thread>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include "db/bed_profile.hpp"
#include "tls/probe.hpp"

using verrou::Code;
using verrou::tls::ProbeOptions;
using verrou::tls::ProbeResult;
using verrou::tls::probe_server;
using verrou::tls::sanitize_server_text;

namespace {

constexpr auto kServerLifetime = std::chrono::seconds(20);

bool contains(const std::string& haystack, const std::string& needle) {
    return haystack.find(needle) != std::string::npos;
}

std::string packet(unsigned char seq, const std::string& payload) {
    std::string p;
    p.push_back(static_cast<char>(payload.size() & 0xFF));
    p.push_back(static_cast<char>((payload.size() >> 8) & 0xFF));
    p.push_back(static_cast<char>((payload.size() >> 16) & 0xFF));
    p.push_back(static_cast<char>(seq));
    return p + payload;
}

/// A MariaDB 10 greeting advertising CLIENT_SSL (and PROTOCOL_41, SECURE_CONNECTION, PLUGIN_AUTH).
std::string greeting(const std::string& version) {
    std::string p("\x0a", 1);
    p += version;
    p.push_back('\0');
    p += std::string("\x2a\0\0\0", 4) + "abcdefgh" + std::string(1, '\0');
    p += std::string("\x01\xAA", 2);  // capabilities, low: LONG_PASSWORD | PROTOCOL_41 | SSL | SECURE_CONNECTION
    p += std::string("\x2d\x02\x00", 3);  // charset, status
    p += std::string("\x08\x00", 2);      // capabilities, high: PLUGIN_AUTH
    p += std::string(1, '\x15') + std::string(10, '\0') + "ijklmnopqrst" + std::string(1, '\0');
    p += std::string("mysql_native_password") + std::string(1, '\0');
    return packet(0, p);
}

/// A fake server on 127.0.0.1 (free port) running `serve` on its one connection in a thread.
class FakeServer {
public:
    using Serve = std::function<void(int fd, const FakeServer& self)>;

    explicit FakeServer(Serve serve) : serve_(std::move(serve)) {
        listener_ = ::socket(AF_INET, SOCK_STREAM, 0);
        REQUIRE(listener_ >= 0);
        sockaddr_in a{};
        a.sin_family = AF_INET;
        a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        a.sin_port = 0;
        REQUIRE(::bind(listener_, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0);
        REQUIRE(::listen(listener_, 4) == 0);
        socklen_t len = sizeof a;
        REQUIRE(::getsockname(listener_, reinterpret_cast<sockaddr*>(&a), &len) == 0);
        port_ = ntohs(a.sin_port);
        deadline_ = std::chrono::steady_clock::now() + kServerLifetime;
        thread_ = std::thread([this] { run(); });
    }
    ~FakeServer() {
        stop_ = true;
        thread_.join();
        ::close(listener_);
    }
    FakeServer(const FakeServer&) = delete;
    FakeServer& operator=(const FakeServer&) = delete;

    std::uint16_t port() const { return port_; }
    bool alive() const { return !stop_ && std::chrono::steady_clock::now() < deadline_; }

    /// Sends all of `data` (MSG_NOSIGNAL: the client hanging up is expected); false when gone.
    static bool send_all(int fd, const std::string& data) {
        std::size_t done = 0;
        while (done < data.size()) {
            const auto n = ::send(fd, data.data() + done, data.size() - done, MSG_NOSIGNAL);
            if (n <= 0) return false;
            done += static_cast<std::size_t>(n);
        }
        return true;
    }

    /// Sends `data` one byte every 200 ms while alive and while the client listens.
    void drip(int fd, const std::string& data) const {
        for (char c : data) {
            if (!alive() || !send_all(fd, std::string(1, c))) return;
            std::this_thread::sleep_for(std::chrono::milliseconds(200));
        }
    }

    /// Reads `n` bytes (5 s at most); false when the client is gone.
    static bool recv_exactly(int fd, std::size_t n) {
        char buf[256];
        while (n > 0) {
            pollfd p{fd, POLLIN, 0};
            if (::poll(&p, 1, 5000) <= 0) return false;
            const auto got = ::recv(fd, buf, n < sizeof buf ? n : sizeof buf, 0);
            if (got <= 0) return false;
            n -= static_cast<std::size_t>(got);
        }
        return true;
    }

private:
    void run() {
        while (alive()) {
            pollfd p{listener_, POLLIN, 0};
            if (::poll(&p, 1, 100) <= 0) continue;
            const int fd = ::accept(listener_, nullptr, nullptr);
            if (fd < 0) continue;
            serve_(fd, *this);
            ::close(fd);
            return;  // one connection only
        }
    }

    Serve serve_;
    int listener_ = -1;
    std::uint16_t port_ = 0;
    std::chrono::steady_clock::time_point deadline_;
    std::atomic<bool> stop_{false};
    std::thread thread_;
};

ProbeOptions options_for(const FakeServer& server, int timeout_seconds) {
    ProbeOptions o;
    o.host = "127.0.0.1";
    o.port = server.port();
    o.timeout_seconds = timeout_seconds;
    o.ca_file = verrou::test::Testbed::get().pki("dev/ca.crt");
    o.mode = verrou::SslMode::VerifyCa;
    return o;
}

bool sigpipe_pending() {
    sigset_t pending;
    sigemptyset(&pending);
    sigpending(&pending);
    return sigismember(&pending, SIGPIPE) == 1;
}

}  // namespace

TEST_CASE("probe: sanitize_server_text neutralises control characters and caps the length") {
    CHECK(sanitize_server_text("10.11.19-MariaDB-0+deb12u1") == "10.11.19-MariaDB-0+deb12u1");
    CHECK(sanitize_server_text("a\r\nFAKE: [OK]\tb") == "a  FAKE: [OK] b");
    CHECK(sanitize_server_text("\x1b[31mred\x07\x7f") == "\\x1B[31mred\\x07\\x7F");
    CHECK(sanitize_server_text(std::string("nul\0byte", 8)) == "nul\\x00byte");
    // Valid UTF-8 is kept; C1 controls (8-bit CSI) and bidi overrides are escaped.
    CHECK(sanitize_server_text("\xc3\xa9t\xc3\xa9 \xe2\x82\xac \xf0\x9f\x94\x92") == "\xc3\xa9t\xc3\xa9 \xe2\x82\xac \xf0\x9f\x94\x92");
    CHECK(sanitize_server_text("\xc2\x9b" "31m") == "\\u009B31m");
    CHECK(sanitize_server_text("abc\xe2\x80\xae" "cba") == "abc\\u202Ecba");
    CHECK(sanitize_server_text("\xe2\x80\xa8") == "\\u2028");
    // Invalid UTF-8: stray continuation, truncated sequence, overlong, surrogate, > U+10FFFF.
    CHECK(sanitize_server_text("\x9b") == "\\x9B");
    CHECK(sanitize_server_text("x\xc3") == "x\\xC3");
    CHECK(sanitize_server_text("\xc0\xaf") == "\\xC0\\xAF");
    CHECK(sanitize_server_text("\xe0\x80\xaf") == "\\xE0\\x80\\xAF");
    CHECK(sanitize_server_text("\xed\xa0\x80") == "\\xED\\xA0\\x80");
    CHECK(sanitize_server_text("\xf4\x90\x80\x80") == "\\xF4\\x90\\x80\\x80");
    // The cap: at most max_bytes, then "…"; never inside a character or an escape.
    CHECK(sanitize_server_text(std::string(200, 'A')) == std::string(200, 'A'));
    CHECK(sanitize_server_text(std::string(201, 'A')) == std::string(200, 'A') + "\xe2\x80\xa6");
    CHECK(sanitize_server_text(std::string(199, 'A') + "\xc3\xa9") == std::string(199, 'A') + "\xe2\x80\xa6");
    CHECK(sanitize_server_text("ab\x1b", 4) == "ab\xe2\x80\xa6");
    CHECK(sanitize_server_text("", 10).empty());
}

TEST_CASE("probe: a server that greets then closes yields an error, not SIGPIPE") {
    // SIGPIPE stays at its default here: before the fix, the ClientHello written to the closed
    // socket killed this test binary.
    struct sigaction before {};
    REQUIRE(sigaction(SIGPIPE, nullptr, &before) == 0);
    for (int attempt = 0; attempt < 3; ++attempt) {
        CAPTURE(attempt);
        ProbeResult r;
        {
            FakeServer server([](int fd, const FakeServer&) { FakeServer::send_all(fd, greeting("10.11.6-fake")); });
            r = probe_server(options_for(server, 5));
        }
        CHECK_FALSE(r.ok());
        CHECK(r.tls_offered);
        CHECK_FALSE(r.handshake_done);
        CHECK((r.failure == Code::TlsHandshake || r.failure == Code::NetworkLost));
        CHECK(contains(r.message, r.peer_address));
    }
    struct sigaction after {};
    REQUIRE(sigaction(SIGPIPE, nullptr, &after) == 0);
    const bool same_disposition = after.sa_handler == before.sa_handler;
    CHECK(same_disposition);  // the library left SIGPIPE's disposition alone
    CHECK_FALSE(sigpipe_pending());
}

TEST_CASE("probe: a server that drips its greeting hits the one deadline") {
    FakeServer server([](int fd, const FakeServer& self) {
        // Announces a 60000-byte greeting, then sends it at 5 bytes a second.
        if (FakeServer::send_all(fd, std::string("\x60\xea\x00\x00", 4))) self.drip(fd, "\x0a" + std::string(200, '9'));
    });
    const auto start = std::chrono::steady_clock::now();
    const ProbeResult r = probe_server(options_for(server, 1));
    const auto elapsed = std::chrono::steady_clock::now() - start;
    CHECK(r.failure == Code::NetworkTimeout);
    CHECK(r.tcp_connected);
    CHECK(contains(r.message, "127.0.0.1:" + std::to_string(server.port())));
    CHECK(contains(r.message, "greeting"));
    CHECK(contains(r.message, "1 s"));
    CHECK(elapsed >= std::chrono::milliseconds(900));
    CHECK(elapsed < std::chrono::milliseconds(3000));
}

TEST_CASE("probe: a server that drips its TLS handshake hits the same deadline") {
    FakeServer server([](int fd, const FakeServer& self) {
        if (!FakeServer::send_all(fd, greeting("10.11.6-fake")) || !FakeServer::recv_exactly(fd, 36)) return;
        // A handshake record header announcing 16000 bytes of ServerHello, byte by byte.
        self.drip(fd, std::string("\x16\x03\x03\x3e\x80\x02", 6) + std::string(200, '\0'));
    });
    const auto start = std::chrono::steady_clock::now();
    const ProbeResult r = probe_server(options_for(server, 1));
    const auto elapsed = std::chrono::steady_clock::now() - start;
    CHECK(r.failure == Code::NetworkTimeout);
    CHECK(r.tls_offered);
    CHECK(contains(r.message, "TLS handshake"));
    CHECK(contains(r.message, "1 s"));
    CHECK(elapsed < std::chrono::milliseconds(3000));
}

TEST_CASE("probe: hostile text in the error packet and the version string is sanitised") {
    const std::string hostile = "Too many\x1b[2J\r\nFAKE: [OK] tls: all good\n" + std::string(500, 'A');
    SUBCASE("error packet") {
        FakeServer server([&](int fd, const FakeServer&) {
            FakeServer::send_all(fd, packet(0, std::string("\xff\x10\x04", 3) + hostile));
        });
        const ProbeResult r = probe_server(options_for(server, 5));
        CHECK(r.failure == Code::ServerError);
        CHECK(contains(r.message, "Too many\\x1B[2J  FAKE: [OK]"));
        CHECK_FALSE(contains(r.message, "\x1b"));
        CHECK_FALSE(contains(r.message, "\n"));
        CHECK(r.message.size() < 400);
    }
    SUBCASE("version string") {
        FakeServer server([&](int fd, const FakeServer&) { FakeServer::send_all(fd, greeting(hostile)); });
        const ProbeResult r = probe_server(options_for(server, 5));
        CHECK(r.tls_offered);
        CHECK(contains(r.server_version, "Too many\\x1B[2J  FAKE: [OK]"));
        CHECK_FALSE(contains(r.server_version, "\x1b"));
        CHECK(r.server_version.size() <= 203);
    }
}
