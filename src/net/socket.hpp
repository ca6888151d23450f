// Internal: a TCP client socket with ONE deadline, classified errors (NETWORK layer).
// Used by the TLS probe; libmariadb has its own socket code for real sessions.
//
// The deadline starts when connect() is called and covers everything done on the socket
// afterwards: connecting, then every read and write (the probe's own, and OpenSSL's through
// the probe's BIO, which calls read_some/write_some). Each call waits only for the time that
// remains, so a server that drips one byte at a time cannot stretch the exchange past
// `timeout_seconds` (a per-recv SO_RCVTIMEO would restart with every byte).
//
// Writes never raise SIGPIPE: MSG_NOSIGNAL where it exists (Linux), SO_NOSIGPIPE on the socket
// where that is the way (macOS, BSDs); Windows has no SIGPIPE. A write to a peer that has gone
// returns an error (EPIPE) like any other, instead of killing the whole process.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <string>

#ifdef _WIN32
#include <winsock2.h>
#include <ws2tcpip.h>
#endif

#include "verrou/error.hpp"

namespace verrou::net {

#ifdef _WIN32
using socket_t = SOCKET;
inline constexpr socket_t invalid_socket = INVALID_SOCKET;
#else
using socket_t = int;
inline constexpr socket_t invalid_socket = -1;
#endif

/// An open TCP connection (non-blocking underneath); closes on destruction.
class TcpSocket {
public:
    /// Resolves `host` and connects to the first address that answers, all within
    /// `timeout_seconds` from now — the deadline of everything done on the socket afterwards.
    /// Throws Error(NETWORK_DNS | NETWORK_REFUSED | NETWORK_TIMEOUT | NETWORK_UNREACHABLE).
    static TcpSocket connect(const std::string& host, std::uint16_t port, int timeout_seconds);
    /// The same with a deadline in milliseconds; `timeout_text` names it in messages
    /// ("2000 ms (ocsp_timeout_ms)").
    static TcpSocket connect_within(const std::string& host, std::uint16_t port, std::chrono::milliseconds timeout,
                                    const std::string& timeout_text);

    TcpSocket(TcpSocket&& other) noexcept;
    TcpSocket& operator=(TcpSocket&& other) noexcept;
    TcpSocket(const TcpSocket&) = delete;
    TcpSocket& operator=(const TcpSocket&) = delete;
    ~TcpSocket();

    socket_t native() const noexcept { return fd_; }
    const std::string& peer_address() const noexcept { return peer_; }

    /// What the exchange is doing now, for failure messages ("timed out <phase>", "closed the
    /// connection <phase>"): "while waiting for the MariaDB greeting", "in the TLS handshake"...
    /// `phase` must outlive the socket (a literal).
    void set_phase(const char* phase) noexcept { phase_ = phase; }

    /// Reads exactly `n` bytes; throws NETWORK_LOST / NETWORK_TIMEOUT.
    void read_exact(unsigned char* out, std::size_t n);
    /// Writes all `n` bytes; throws NETWORK_LOST / NETWORK_TIMEOUT.
    void write_all(const unsigned char* data, std::size_t n);

    /// Non-throwing I/O for C callbacks (OpenSSL's BIO), waiting at most until the deadline.
    /// read_some: bytes read (> 0), 0 when the server closed the connection, -1 on failure.
    /// write_some: bytes written (> 0), -1 on failure. After 0 or -1, failure_code() and
    /// failure_message() say what happened (NETWORK_LOST or NETWORK_TIMEOUT).
    long read_some(unsigned char* out, std::size_t n) noexcept;
    long write_some(const unsigned char* data, std::size_t n) noexcept;

    /// The last I/O failure (Code::Ok when none).
    Code failure_code() const noexcept { return failure_code_; }
    const std::string& failure_message() const noexcept { return failure_message_; }

private:
    using Clock = std::chrono::steady_clock;
    TcpSocket(socket_t fd, std::string host, std::string peer, Clock::time_point deadline, std::string timeout_text);

    /// Waits until the socket is ready for `events` (POLLIN/POLLOUT) or the deadline passes
    /// (then records the timeout and returns false).
    bool wait_ready(short events) noexcept;
    void fail(Code code, const std::string& what) noexcept;
    std::string where() const;

    socket_t fd_ = invalid_socket;
    std::string host_;
    std::string peer_;
    Clock::time_point deadline_{};
    std::string timeout_text_;  // "10 s (connect_timeout)"
    const char* phase_ = "after connecting";
    Code failure_code_ = Code::Ok;
    std::string failure_message_;
};

}  // namespace verrou::net
