// Internal: name resolution outside net::TcpSocket (the doctor's DNS step) on POSIX and
// Windows alike: the right headers, Winsock start-up, and an addrinfo owner.
#pragma once

#ifdef _WIN32
// Before any OpenSSL header: <wincrypt.h> defines X509_NAME & co. as macros, which OpenSSL's
// headers undo only when they come after it.
#include <winsock2.h>
#include <ws2tcpip.h>
#else
#include <arpa/inet.h>
#include <netdb.h>
#include <sys/socket.h>
#endif

#include <memory>
#include <string>

#include "verrou/error.hpp"

namespace verrou::platform {

/// Winsock must be started once per process before getaddrinfo or any socket call, or they
/// fail with WSANOTINITIALISED. Idempotent and thread-safe; the matching WSACleanup is left
/// to process exit (WSAStartup is reference-counted, so other callers are unaffected).
/// Nothing to do elsewhere. Throws Error(NETWORK_UNREACHABLE) if Winsock cannot start.
inline void start_sockets() {
#ifdef _WIN32
    static const int rc = [] {
        WSADATA data;
        return WSAStartup(MAKEWORD(2, 2), &data);
    }();
    if (rc != 0) {
        throw Error(Code::NetworkUnreachable, "Winsock could not be started (WSAStartup error " +
                                                  std::to_string(rc) + ")");
    }
#endif
}

/// A function object, so the type is the same everywhere (freeaddrinfo is __stdcall on
/// 32-bit Windows, which changes the type of its address).
struct AddrinfoFree {
    void operator()(addrinfo* a) const noexcept { freeaddrinfo(a); }
};
using AddrinfoPtr = std::unique_ptr<addrinfo, AddrinfoFree>;

}  // namespace verrou::platform
