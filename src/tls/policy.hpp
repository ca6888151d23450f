// Internal: the TLS policy of a profile — its minimum version and its ssl_cipher list — in one
// place. load_profile parses it once and the Profile keeps it (TlsSettings::policy);
// Connection::open and the STARTTLS probe apply it and judge the negotiated session with the
// same rules and the same words; handshake failures are explained from OpenSSL's reason codes.
#pragma once

#include <openssl/ssl.h>

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "verrou/error.hpp"
#include "verrou/profile.hpp"

namespace verrou::tls {

// ---- ssl_cipher: the profile's list of allowed ciphers, checked against this OpenSSL ----

/// A checked ssl_cipher list: exact OpenSSL names, in the profile's order, without duplicates.
struct CipherList {
    std::vector<std::string> tls13;  // TLS 1.3 suites (TLS_AES_256_GCM_SHA384, ...)
    std::vector<std::string> tls12;  // TLS 1.2 cipher names (ECDHE-ECDSA-AES256-GCM-SHA384, ...)
    std::vector<std::string> all;    // both, in the profile's order

    bool empty() const noexcept { return all.empty(); }
    bool allows(std::string_view negotiated) const;
    /// ':'-joined: all(), or only one half (libmariadb can restrict only one, see Policy).
    static std::string join(const std::vector<std::string>& names);
};

struct CipherListCheck {
    CipherList list;
    Code failure = Code::Ok;  // CONFIG_INVALID_VALUE, or CONFIG_UNSAFE for NULL / anonymous ciphers
    std::string bad_name;     // the offending entry
    bool unknown = false;     // OpenSSL does not know bad_name: a "did you mean" helps
    std::string problem;      // plain words, naming bad_name; no location (the caller adds it)
    bool ok() const noexcept { return failure == Code::Ok; }
};

/// Checks `text`, a ':'-separated list of cipher names (spaces around names ignored), name by
/// name against this build of OpenSSL on a scratch SSL_CTX: a TLS 1.3 suite must be accepted by
/// SSL_CTX_set_ciphersuites, a TLS 1.2 name by SSL_CTX_set_cipher_list as exactly that one
/// cipher (so cipher-string keywords such as HIGH or !aNULL are refused, and an unknown name is
/// never silently dropped). Under a TLS 1.3 minimum a TLS 1.2 name could never be used: refused.
CipherListCheck check_cipher_list(std::string_view text, TlsVersion min_version);

/// Every cipher name this OpenSSL knows (TLS 1.3 suites and TLS 1.2 names), for suggestions.
const std::vector<std::string>& known_cipher_names();

// ---- why a handshake failed, from OpenSSL's reason codes (never from its English text) ----

enum class HandshakeCause {
    Other,
    NoCommonCipher,   // handshake_failure alert, no shared cipher, no cipher available
    ProtocolVersion,  // protocol_version alert, unsupported protocol, no protocol available
};

/// The cause named by any of `errors` (packed ERR_get_error() codes, library SSL).
HandshakeCause handshake_cause(const std::vector<unsigned long>& errors) noexcept;

// ---- the policy -----------------------------------------------------------------------

/// What libmariadb is given: MARIADB_OPT_TLS_VERSION and MYSQL_OPT_SSL_CIPHER ("" = not set).
struct LibmariadbTls {
    const char* versions = "TLSv1.3";
    std::string cipher;
};

class Policy {
public:
    Policy(TlsVersion min_version, CipherList ciphers);

    TlsVersion min_version() const noexcept { return min_version_; }
    const CipherList& ciphers() const noexcept { return ciphers_; }
    /// The ssl_cipher text this policy stands for (canonical: checked names joined by ':').
    const std::string& cipher_text() const noexcept { return cipher_text_; }
    /// True when this policy was parsed from exactly these settings (a Profile edited in code
    /// after load_profile gets its policy parsed again by policy_of).
    bool matches(const TlsSettings& tls) const noexcept;

    /// The probe's SSL_CTX: TLS 1.2 as the floor (a too-old server is then described and
    /// refused by refuse_session, not a bare handshake failure); only the list's TLS 1.3
    /// suites, and its TLS 1.2 names or OpenSSL's default TLS 1.2 list when it names none.
    void apply_to_probe(SSL_CTX* ctx) const;

    /// libmariadb 3.3 hands MYSQL_OPT_SSL_CIPHER to SSL_CTX_set_ciphersuites and, only when that
    /// fails, to SSL_CTX_set_cipher_list (ma_tls_set_certs): one string restricts the TLS 1.3
    /// suites or the TLS 1.2 ciphers, never both, and the other protocol keeps OpenSSL's
    /// defaults. So the session is limited to the one protocol version whose ciphers the string
    /// restricts; for a list naming both kinds, the probe (which applies the whole list) says
    /// which version the server negotiates with it: needs_probed_version(), then pass it here.
    bool needs_probed_version() const noexcept { return !ciphers_.tls13.empty() && !ciphers_.tls12.empty(); }
    LibmariadbTls for_libmariadb(std::string_view probed_version = {}) const;

    /// The negotiated session judged by the policy: TLS_VERSION_TOO_LOW below the minimum,
    /// TLS_HANDSHAKE for a cipher ssl_cipher does not list; nullopt when it is acceptable.
    /// `version` is OpenSSL's number (TLS1_2_VERSION...), `peer` "host:port".
    std::optional<Error> refuse_session(int version, std::string_view version_name, std::string_view cipher,
                                        const std::string& peer) const;

    /// A failed handshake with `peer` explained from OpenSSL's `errors` (their text: `why`;
    /// `cause`: what the socket saw, or `why`): TLS_HANDSHAKE naming the cipher list when the
    /// server accepts none of it, TLS_VERSION_TOO_LOW when no version is common.
    Error explain_handshake_failure(const std::vector<unsigned long>& errors, const std::string& why,
                                    const std::string& cause, const std::string& peer) const;

private:
    TlsVersion min_version_;
    CipherList ciphers_;
    std::string cipher_text_;
};

/// Parses the policy of `min_version` and the ssl_cipher text `cipher`; a bad list throws the
/// check's Error ("ssl_cipher of the profile: ...").
std::shared_ptr<const Policy> parse_policy(TlsVersion min_version, std::string_view cipher);

/// The profile's policy: the one load_profile parsed when it still matches `tls`, else parsed now.
std::shared_ptr<const Policy> policy_of(const TlsSettings& tls);

/// OpenSSL's version number of a libmariadb protocol id (ma_tls.h: PROTOCOL_TLS_1_2 = 3, 1.3 = 4).
int openssl_version_of_mariadb_protocol(unsigned int protocol_id) noexcept;

}  // namespace verrou::tls
