// Internal: a TCP client socket with connect/read timeouts, classified errors (NETWORK layer).
// Used by the TLS probe; libmariadb has its own socket code for real sessions.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>

#ifdef _WIN32
#include <winsock2.h>
#include <ws2tcpip.h>
#endif

namespace verrou::net {

#ifdef _WIN32
using socket_t = SOCKET;
inline constexpr socket_t invalid_socket = INVALID_SOCKET;
#else
using socket_t = int;
inline constexpr socket_t invalid_socket = -1;
#endif

/// An open TCP connection; closes on destruction.
class TcpSocket {
public:
    /// Resolves `host` and connects to the first address that answers within `timeout_seconds`.
    /// Throws Error(NETWORK_DNS | NETWORK_REFUSED | NETWORK_TIMEOUT | NETWORK_UNREACHABLE).
    static TcpSocket connect(const std::string& host, std::uint16_t port, int timeout_seconds);

    TcpSocket(TcpSocket&& other) noexcept;
    TcpSocket& operator=(TcpSocket&& other) noexcept;
    TcpSocket(const TcpSocket&) = delete;
    TcpSocket& operator=(const TcpSocket&) = delete;
    ~TcpSocket();

    socket_t native() const noexcept { return fd_; }
    const std::string& peer_address() const noexcept { return peer_; }

    /// Reads exactly `n` bytes; throws NETWORK_LOST / NETWORK_TIMEOUT.
    void read_exact(unsigned char* out, std::size_t n);
    void write_all(const unsigned char* data, std::size_t n);

private:
    TcpSocket(socket_t fd, std::string peer) : fd_(fd), peer_(std::move(peer)) {}
    socket_t fd_ = invalid_socket;
    std::string peer_;
};

}  // namespace verrou::net
