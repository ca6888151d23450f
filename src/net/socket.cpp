#include "net/socket.hpp"

#include <cerrno>
#include <cstring>
#include <memory>
#include <string>

#ifndef _WIN32
#include <arpa/inet.h>
#include <fcntl.h>
#include <netdb.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/time.h>
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
    int rc;
    do {
        rc = ::poll(&p, 1, timeout_ms);
    } while (rc < 0 && errno == EINTR);
    return rc;
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

void set_io_timeout(socket_t s, int seconds) {
#ifdef _WIN32
    DWORD ms = static_cast<DWORD>(seconds) * 1000;
    setsockopt(s, SOL_SOCKET, SO_RCVTIMEO, reinterpret_cast<const char*>(&ms), sizeof ms);
    setsockopt(s, SOL_SOCKET, SO_SNDTIMEO, reinterpret_cast<const char*>(&ms), sizeof ms);
#else
    timeval tv{};
    tv.tv_sec = seconds;
    setsockopt(s, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    setsockopt(s, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
#endif
}

}  // namespace

TcpSocket TcpSocket::connect(const std::string& host, std::uint16_t port, int timeout_seconds) {
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
        socket_t s = ::socket(ai->ai_family, ai->ai_socktype, ai->ai_protocol);
        if (s == invalid_socket) continue;
        set_blocking(s, false);
        int rc = ::connect(s, ai->ai_addr, static_cast<socklen_t>(ai->ai_addrlen));
        int err = rc == 0 ? 0 : last_error();
        if (rc != 0 && would_block(err)) {
            const int ready = poll_one(s, POLLOUT, timeout_seconds * 1000);
            if (ready == 0) {
                close_socket(s);
                last_code = Code::NetworkTimeout;
                last_message = "TCP connection to " + host + " (" + where + ") timed out after " +
                               std::to_string(timeout_seconds) + " s (firewall, wrong port, or host down)";
                continue;
            }
            socklen_t len = sizeof err;
            getsockopt(s, SOL_SOCKET, SO_ERROR, reinterpret_cast<char*>(&err), &len);
        }
        if (err != 0) {
            close_socket(s);
            last_code = classify_connect_errno(err);
            last_message = "TCP connection to " + host + " (" + where + ") failed: " + std::strerror(err);
            if (last_code == Code::NetworkRefused) {
                last_message += " — nothing listens on that port (server stopped, or wrong port)";
            }
            continue;
        }
        set_blocking(s, true);
        set_io_timeout(s, timeout_seconds);
        return TcpSocket(s, where);
    }
    if (last_message.empty()) last_message = "no usable address for host '" + host + "'";
    throw Error(last_code, last_message);
}

TcpSocket::TcpSocket(TcpSocket&& other) noexcept : fd_(other.fd_), peer_(std::move(other.peer_)) {
    other.fd_ = invalid_socket;
}

TcpSocket& TcpSocket::operator=(TcpSocket&& other) noexcept {
    if (this != &other) {
        if (fd_ != invalid_socket) close_socket(fd_);
        fd_ = other.fd_;
        peer_ = std::move(other.peer_);
        other.fd_ = invalid_socket;
    }
    return *this;
}

TcpSocket::~TcpSocket() {
    if (fd_ != invalid_socket) close_socket(fd_);
}

void TcpSocket::read_exact(unsigned char* out, std::size_t n) {
    std::size_t done = 0;
    while (done < n) {
        const auto got = ::recv(fd_, reinterpret_cast<char*>(out + done), static_cast<int>(n - done), 0);
        if (got == 0) throw Error(Code::NetworkLost, "the server at " + peer_ + " closed the connection");
        if (got < 0) {
            const int e = last_error();
#ifndef _WIN32
            if (e == EINTR) continue;
#endif
            if (would_block(e)) throw Error(Code::NetworkTimeout, "no answer from " + peer_ + " (read timed out)");
            throw Error(Code::NetworkLost, "reading from " + peer_ + " failed: " + std::strerror(e));
        }
        done += static_cast<std::size_t>(got);
    }
}

void TcpSocket::write_all(const unsigned char* data, std::size_t n) {
    std::size_t done = 0;
    while (done < n) {
        const auto sent = ::send(fd_, reinterpret_cast<const char*>(data + done), static_cast<int>(n - done), 0);
        if (sent <= 0) {
            const int e = last_error();
#ifndef _WIN32
            if (sent < 0 && e == EINTR) continue;
#endif
            throw Error(Code::NetworkLost, "writing to " + peer_ + " failed: " + std::strerror(e));
        }
        done += static_cast<std::size_t>(sent);
    }
}

}  // namespace verrou::net
