// Internal: the certificate the server presented in a live libmariadb session.
#pragma once

#include <mysql.h>

#include <optional>

#include "verrou/certificate.hpp"

namespace verrou::db {

/// The server's leaf certificate as the TLS session holds it (subject, SANs, dates, days left,
/// SHA-256 fingerprint), or nullopt when it cannot be read: no TLS session, or a libmariadb
/// built on another TLS library (Schannel on Windows, GnuTLS) — never a guess.
std::optional<CertificateInfo> peer_certificate(MYSQL* m);

}  // namespace verrou::db
