#include "net/socket.hpp"

#include <cerrno>
#include <chrono>
#include <cstring>
#include <memory>
#include <string>

#ifndef _WIN32
#include <arpa/inet.h>
#include <fcntl.h>
#include <netdb.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>
#endif

#include "platform/sockets.hpp"
#include "verrou/error.hpp"

namespace verrou::net {
namespace {

#ifdef _WIN32
int last_error() { return WSAGetLastError(); }
void close_socket(socket_t s) { closesocket(s); }
bool would_block(int e) { return e == WSAEWOULDBLOCK || e == WSAEINPROGRESS; }
int poll_one(socket_t s, short events, int timeout_ms) {
    WSAPOLLFD p{};
    p.fd = s;
    p.events = events;
    return WSAPoll(&p, 1, timeout_ms);
}
void set_blocking(socket_t s, bool blocking) {
    u_long mode = blocking ? 0 : 1;
    ioctlsocket(s, FIONBIO, &mode);
}
#else
int last_error() { return errno; }
void close_socket(socket_t s) { ::close(s); }
bool would_block(int e) { return e == EINPROGRESS || e == EWOULDBLOCK || e == EAGAIN; }
int poll_one(socket_t s, short events, int timeout_ms) {
    pollfd p{};
    p.fd = s;
    p.events = events;
    return ::poll(&p, 1, timeout_ms);  // EINTR: the caller retries with the time that remains
}
void set_blocking(socket_t s, bool blocking) {
    const int flags = fcntl(s, F_GETFL, 0);
    fcntl(s, F_SETFL, blocking ? (flags & ~O_NONBLOCK) : (flags | O_NONBLOCK));
}
#endif

std::string address_text(const sockaddr* sa) {
    char buf[INET6_ADDRSTRLEN] = {};
    if (sa->sa_family == AF_INET) {
        inet_ntop(AF_INET, &reinterpret_cast<const sockaddr_in*>(sa)->sin_addr, buf, sizeof buf);
    } else if (sa->sa_family == AF_INET6) {
        inet_ntop(AF_INET6, &reinterpret_cast<const sockaddr_in6*>(sa)->sin6_addr, buf, sizeof buf);
    }
    return buf;
}

Code classify_connect_errno(int e) {
#ifdef _WIN32
    if (e == WSAECONNREFUSED) return Code::NetworkRefused;
    if (e == WSAETIMEDOUT) return Code::NetworkTimeout;
    return Code::NetworkUnreachable;
#else
    if (e == ECONNREFUSED) return Code::NetworkRefused;
    if (e == ETIMEDOUT) return Code::NetworkTimeout;
    return Code::NetworkUnreachable;
#endif
}

#ifdef MSG_NOSIGNAL
constexpr int kSendFlags = MSG_NOSIGNAL;  // Linux: EPIPE instead of SIGPIPE, per call
#else
constexpr int kSendFlags = 0;  // Windows has no SIGPIPE; macOS/BSD: SO_NOSIGPIPE (no_sigpipe)
#endif

/// Where MSG_NOSIGNAL does not exist but SO_NOSIGPIPE does (macOS, BSDs), the socket itself
/// is told never to raise SIGPIPE.
void no_sigpipe([[maybe_unused]] socket_t s) {
#if !defined(MSG_NOSIGNAL) && defined(SO_NOSIGPIPE)
    const int on = 1;
    setsockopt(s, SOL_SOCKET, SO_NOSIGPIPE, &on, sizeof on);
#endif
}

/// Milliseconds left until `deadline`, rounded up (so 0 means "passed"), capped for poll().
int remaining_ms(std::chrono::steady_clock::time_point deadline) {
    const auto left = deadline - std::chrono::steady_clock::now();
    if (left <= std::chrono::steady_clock::duration::zero()) return 0;
    const auto ms = std::chrono::ceil<std::chrono::milliseconds>(left).count();
    return ms > 24 * 3600 * 1000 ? 24 * 3600 * 1000 : static_cast<int>(ms);
}

/// One recv/send moves at most this much (their length is an int on Windows).
int io_length(std::size_t n) { return n > (1U << 30) ? (1 << 30) : static_cast<int>(n); }

std::string error_text(int e) {
#ifdef _WIN32
    return "socket error " + std::to_string(e);
#else
    return std::strerror(e);
#endif
}

bool is_interrupted([[maybe_unused]] int e) {
#ifdef _WIN32
    return false;
#else
    return e == EINTR;
#endif
}

}  // namespace

TcpSocket TcpSocket::connect(const std::string& host, std::uint16_t port, int timeout_seconds) {
    return connect_within(host, port, std::chrono::seconds(timeout_seconds > 0 ? timeout_seconds : 0),
                          std::to_string(timeout_seconds) + " s (connect_timeout)");
}

TcpSocket TcpSocket::connect_within(const std::string& host, std::uint16_t port, std::chrono::milliseconds timeout,
                                    const std::string& timeout_text) {
    // The one deadline: connecting to every address in turn, then everything done on the socket.
    const auto deadline = Clock::now() + (timeout.count() > 0 ? timeout : std::chrono::milliseconds(0));
    platform::start_sockets();
    addrinfo hints{};
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    addrinfo* found = nullptr;
    const std::string service = std::to_string(port);
    if (const int rc = getaddrinfo(host.c_str(), service.c_str(), &hints, &found); rc != 0) {
        throw Error(Code::NetworkDns, "cannot resolve host '" + host + "': " + gai_strerror(rc));
    }
    const platform::AddrinfoPtr guard(found);

    Code last_code = Code::NetworkUnreachable;
    std::string last_message;
    for (addrinfo* ai = found; ai != nullptr; ai = ai->ai_next) {
        const std::string where = address_text(ai->ai_addr) + ":" + service;
        const std::string timed_out = "TCP connection to " + host + " (" + where + ") timed out after " +
                                      timeout_text + " (firewall, wrong port, or host down)";
        if (remaining_ms(deadline) == 0) {
            if (last_message.empty()) {
                last_code = Code::NetworkTimeout;
                last_message = timed_out;
            }
            break;
        }
        socket_t s = ::socket(ai->ai_family, ai->ai_socktype, ai->ai_protocol);
        if (s == invalid_socket) continue;
        set_blocking(s, false);  // for good: every later read and write polls against the deadline
        no_sigpipe(s);
        int rc = ::connect(s, ai->ai_addr, static_cast<socklen_t>(ai->ai_addrlen));
        int err = rc == 0 ? 0 : last_error();
        if (rc != 0 && would_block(err)) {
            int ready = 0;
            for (;;) {
                const int ms = remaining_ms(deadline);
                if (ms == 0) break;
                ready = poll_one(s, POLLOUT, ms);
                if (ready >= 0 || !is_interrupted(last_error())) break;
            }
            if (ready == 0) {
                close_socket(s);
                last_code = Code::NetworkTimeout;
                last_message = timed_out;
                continue;
            }
            socklen_t len = sizeof err;
            getsockopt(s, SOL_SOCKET, SO_ERROR, reinterpret_cast<char*>(&err), &len);
        }
        if (err != 0) {
            close_socket(s);
            last_code = classify_connect_errno(err);
            last_message = "TCP connection to " + host + " (" + where + ") failed: " + error_text(err);
            if (last_code == Code::NetworkRefused) {
                last_message += " — nothing listens on that port (server stopped, or wrong port)";
            }
            continue;
        }
        return TcpSocket(s, host, where, deadline, timeout_text);
    }
    if (last_message.empty()) last_message = "no usable address for host '" + host + "'";
    throw Error(last_code, last_message);
}

TcpSocket::TcpSocket(socket_t fd, std::string host, std::string peer, Clock::time_point deadline,
                     std::string timeout_text)
    : fd_(fd), host_(std::move(host)), peer_(std::move(peer)), deadline_(deadline), timeout_text_(std::move(timeout_text)) {}

TcpSocket::TcpSocket(TcpSocket&& other) noexcept
    : fd_(other.fd_),
      host_(std::move(other.host_)),
      peer_(std::move(other.peer_)),
      deadline_(other.deadline_),
      timeout_text_(std::move(other.timeout_text_)),
      phase_(other.phase_),
      failure_code_(other.failure_code_),
      failure_message_(std::move(other.failure_message_)) {
    other.fd_ = invalid_socket;
}

TcpSocket& TcpSocket::operator=(TcpSocket&& other) noexcept {
    if (this != &other) {
        if (fd_ != invalid_socket) close_socket(fd_);
        fd_ = other.fd_;
        host_ = std::move(other.host_);
        peer_ = std::move(other.peer_);
        deadline_ = other.deadline_;
        timeout_text_ = std::move(other.timeout_text_);
        phase_ = other.phase_;
        failure_code_ = other.failure_code_;
        failure_message_ = std::move(other.failure_message_);
        other.fd_ = invalid_socket;
    }
    return *this;
}

TcpSocket::~TcpSocket() {
    if (fd_ != invalid_socket) close_socket(fd_);
}

std::string TcpSocket::where() const {
    // "127.0.0.1:3306", or "db.example:3306 (10.0.0.5:3306)" when connected by name.
    const std::string named = host_ + peer_.substr(peer_.rfind(':'));
    return named == peer_ ? peer_ : named + " (" + peer_ + ")";
}

void TcpSocket::fail(Code code, const std::string& what) noexcept {
    failure_code_ = code;
    try {
        failure_message_ = what;
    } catch (...) {
        failure_message_.clear();  // out of memory: the code alone still says what happened
    }
}

bool TcpSocket::wait_ready(short events) noexcept {
    for (;;) {
        const int ms = remaining_ms(deadline_);
        if (ms == 0) {
            try {
                fail(Code::NetworkTimeout, "the exchange with " + where() + " did not finish within " +
                                               timeout_text_ + ": timed out " +
                                               phase_ + "; the server accepts connections but answers too slowly "
                                                        "or not at all");
            } catch (...) {
                fail(Code::NetworkTimeout, {});
            }
            return false;
        }
        const int rc = poll_one(fd_, events, ms);
        if (rc > 0) return true;  // ready, or an error/hang-up the next recv/send reports
        if (rc < 0 && !is_interrupted(last_error())) {
            const int e = last_error();
            try {
                fail(Code::NetworkLost, "waiting for " + where() + " failed " + phase_ + ": " + error_text(e));
            } catch (...) {
                fail(Code::NetworkLost, {});
            }
            return false;
        }
    }
}

long TcpSocket::read_some(unsigned char* out, std::size_t n) noexcept {
    if (n == 0) return 0;
    for (;;) {
        if (!wait_ready(POLLIN)) return -1;
        const auto got = ::recv(fd_, reinterpret_cast<char*>(out), io_length(n), 0);
        if (got > 0) return static_cast<long>(got);
        try {
            if (got == 0) {
                fail(Code::NetworkLost, "the server at " + where() + " closed the connection " + phase_);
                return 0;
            }
            const int e = last_error();
            if (is_interrupted(e) || would_block(e)) continue;
            fail(Code::NetworkLost, "reading from " + where() + " failed " + phase_ + ": " + error_text(e));
        } catch (...) {
            fail(Code::NetworkLost, {});
        }
        return -1;
    }
}

long TcpSocket::write_some(const unsigned char* data, std::size_t n) noexcept {
    if (n == 0) return 0;
    for (;;) {
        if (!wait_ready(POLLOUT)) return -1;
        const auto sent = ::send(fd_, reinterpret_cast<const char*>(data), io_length(n), kSendFlags);
        if (sent > 0) return static_cast<long>(sent);
        try {
            const int e = last_error();
            if (sent < 0 && (is_interrupted(e) || would_block(e))) continue;
#ifndef _WIN32
            if (sent < 0 && (e == EPIPE || e == ECONNRESET)) {
                fail(Code::NetworkLost, "the server at " + where() + " closed the connection " + phase_ + " (" +
                                            error_text(e) + ")");
                return -1;
            }
#endif
            fail(Code::NetworkLost, "writing to " + where() + " failed " + phase_ + ": " + error_text(e));
        } catch (...) {
            fail(Code::NetworkLost, {});
        }
        return -1;
    }
}

void TcpSocket::read_exact(unsigned char* out, std::size_t n) {
    std::size_t done = 0;
    while (done < n) {
        const long got = read_some(out + done, n - done);
        if (got <= 0) throw Error(failure_code_, failure_message_);
        done += static_cast<std::size_t>(got);
    }
}

void TcpSocket::write_all(const unsigned char* data, std::size_t n) {
    std::size_t done = 0;
    while (done < n) {
        const long sent = write_some(data + done, n - done);
        if (sent <= 0) throw Error(failure_code_, failure_message_);
        done += static_cast<std::size_t>(sent);
    }
}

}  // namespace verrou::net
