// Internal: RAII owners for OpenSSL objects and X509 helpers shared by the validator and
// the TLS probe.
#pragma once

#include <openssl/bio.h>
#include <openssl/evp.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>
#include <openssl/x509_vfy.h>

#include <memory>
#include <string>

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

/// Subject, issuer, SANs, dates (ISO 8601 UTC), days left, SHA-256 fingerprint of `cert`.
CertificateInfo describe(X509* cert, const std::string& path = {});

/// Upper-case hex SHA-256 (or SHA-1, for libmariadb's pin) of the DER encoding, no colons.
std::string fingerprint_sha256(X509* cert);
std::string fingerprint_sha1(X509* cert);

/// OpenSSL's one-line name form ("/CN=app_user-dev"), which MariaDB compares REQUIRE SUBJECT to.
std::string oneline(const X509_NAME* name);

/// The most recent OpenSSL error as text (and clears the queue); "" when none.
std::string last_openssl_error();

}  // namespace verrou::tls
