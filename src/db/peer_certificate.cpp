// db/peer_certificate.cpp — the server certificate of a live session, for expiry monitoring.
//
// Why internal headers: Connector/C 3.3 has no public accessor for the peer certificate
// (MARIADB_TLS_PEER_CERT_INFO arrives in 3.4). Its installed ma_pvio.h / ma_tls.h describe the
// session's TLS container, whose `ssl` member is the OpenSSL SSL* when libmariadb is built on
// OpenSSL. Those headers always come with the libmariadb this file links against, so the
// layout matches; the TLS library is checked by name before the cast, and the SSL is only
// read. Kept in this one file so the rest of the core sees only mysql.h.
#include "db/peer_certificate.hpp"

#include <openssl/ssl.h>

#include <cstring>

// ma_pvio.h declares the TLS container only under HAVE_TLS, and ma_tls.h uses `uchar`
// before ma_pvio.h defines it.
typedef unsigned char uchar;
#ifndef HAVE_TLS
#define HAVE_TLS 1
#endif
#include <ma_pvio.h>

#include "tls/x509.hpp"

namespace verrou::db {

std::optional<CertificateInfo> peer_certificate(MYSQL* m) {
    if (m == nullptr) return std::nullopt;
    const char* library = nullptr;
    if (mariadb_get_infov(m, MARIADB_TLS_LIBRARY, &library) != 0 || library == nullptr ||
        std::strncmp(library, "OpenSSL", 7) != 0) {
        return std::nullopt;
    }
    const MARIADB_PVIO* pvio = m->net.pvio;
    if (pvio == nullptr || pvio->ctls == nullptr || pvio->ctls->ssl == nullptr) return std::nullopt;
    X509* leaf = SSL_get0_peer_certificate(static_cast<const SSL*>(pvio->ctls->ssl));
    if (leaf == nullptr) return std::nullopt;
    return tls::describe(leaf);
}

}  // namespace verrou::db
