// Internal: RAII owners for OpenSSL objects and X509 helpers shared by the validator and
// the TLS probe.
#pragma once

#include <openssl/asn1.h>
#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/evp.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>
#include <openssl/x509_vfy.h>

#include <memory>
#include <string>
#include <vector>

#include "verrou/certificate.hpp"

namespace verrou::tls {

template <auto Free>
struct Deleter {
    template <typename T>
    void operator()(T* p) const noexcept { Free(p); }
};

using X509Ptr = std::unique_ptr<X509, Deleter<X509_free>>;
using X509CrlPtr = std::unique_ptr<X509_CRL, Deleter<X509_CRL_free>>;
using EvpPkeyPtr = std::unique_ptr<EVP_PKEY, Deleter<EVP_PKEY_free>>;
using BioPtr = std::unique_ptr<BIO, Deleter<BIO_free_all>>;
using X509StorePtr = std::unique_ptr<X509_STORE, Deleter<X509_STORE_free>>;
using X509StoreCtxPtr = std::unique_ptr<X509_STORE_CTX, Deleter<X509_STORE_CTX_free>>;
using SslCtxPtr = std::unique_ptr<SSL_CTX, Deleter<SSL_CTX_free>>;
using SslPtr = std::unique_ptr<SSL, Deleter<SSL_free>>;
using BignumPtr = std::unique_ptr<BIGNUM, Deleter<BN_free>>;

/// ASN1_TIME (UTCTime or GeneralizedTime) as "2026-11-22T07:21:21Z"; "" when unreadable.
std::string iso8601(const ASN1_TIME* t);

/// Signed seconds from now to `t` (negative when `t` is in the past; 0 when unreadable).
/// ASN1_TIME_diff works in UTC on both sides, so the local time zone cannot skew it.
long long seconds_from_now(const ASN1_TIME* t);

/// Subject, issuer, SANs, dates (ISO 8601 UTC), days left, SHA-256 fingerprint of `cert`.
CertificateInfo describe(X509* cert, const std::string& path = {});

/// A certificate from its DER bytes (a probe's verified chain); null when they are not one.
X509Ptr x509_from_der(const std::string& der);

/// Upper-case hex SHA-256 (or SHA-1, for libmariadb's pin) of the DER encoding, no colons.
std::string fingerprint_sha256(X509* cert);
std::string fingerprint_sha1(X509* cert);

/// OpenSSL's one-line name form ("/CN=app_user-dev"), which MariaDB compares REQUIRE SUBJECT to.
std::string oneline(const X509_NAME* name);

/// The most recent OpenSSL error as text (and clears the queue); "" when none.
std::string last_openssl_error();

/// Every queued OpenSSL error code (oldest first) and the text of the most recent one; clears
/// the queue. Decisions read `codes` (ERR_GET_LIB / ERR_GET_REASON), messages show `last_text`.
struct OpenSslErrors {
    std::vector<unsigned long> codes;
    std::string last_text;
};
OpenSslErrors take_openssl_errors();

}  // namespace verrou::tls
