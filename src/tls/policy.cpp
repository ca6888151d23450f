// The TLS policy (tls/policy.hpp): the ssl_cipher check, the rules the probe and
// Connection::open share for the negotiated session, and handshake failures read from
// OpenSSL's reason codes.
#include "tls/policy.hpp"

#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/objects.h>

#include <algorithm>
#include <cctype>
#include <cstring>

#include "tls/x509.hpp"

namespace verrou::tls {
namespace {

bool is_cipher_name_char(char c) {
    return std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '-' || c == '_';
}

std::string_view trim(std::string_view s) {
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
    return s;
}

bool is_tls13(const SSL_CIPHER* c) { return std::strcmp(SSL_CIPHER_get_version(c), "TLSv1.3") == 0; }

/// The cipher of `ctx`'s list named exactly `name` (TLS 1.3 or not, as asked), or nullptr.
const SSL_CIPHER* find_in(SSL_CTX* ctx, std::string_view name, bool tls13) {
    STACK_OF(SSL_CIPHER)* list = SSL_CTX_get_ciphers(ctx);
    for (int i = 0; i < sk_SSL_CIPHER_num(list); ++i) {
        const SSL_CIPHER* c = sk_SSL_CIPHER_value(list, i);
        if (is_tls13(c) == tls13 && name == SSL_CIPHER_get_name(c)) return c;
    }
    return nullptr;
}

SslCtxPtr scratch_ctx() {
    SslCtxPtr ctx(SSL_CTX_new(TLS_client_method()));
    if (!ctx) throw Error(Code::Crypto, "SSL_CTX_new failed: " + last_openssl_error());
    return ctx;
}

// Every suite and cipher this OpenSSL can use, with the IANA names: suggestions only (the check
// itself asks OpenSSL about each name).
constexpr const char* kAllTls13 =
    "TLS_AES_256_GCM_SHA384:TLS_CHACHA20_POLY1305_SHA256:TLS_AES_128_GCM_SHA256:"
    "TLS_AES_128_CCM_SHA256:TLS_AES_128_CCM_8_SHA256";

struct KnownCiphers {
    std::vector<std::string> names;
    std::vector<std::pair<std::string, std::string>> iana;  // IANA name → OpenSSL name (TLS 1.2)
};

const KnownCiphers& known_ciphers() {
    static const KnownCiphers known = [] {
        KnownCiphers k;
        SslCtxPtr ctx(SSL_CTX_new(TLS_client_method()));
        if (ctx) {
            SSL_CTX_set_ciphersuites(ctx.get(), kAllTls13);
            SSL_CTX_set_cipher_list(ctx.get(), "ALL:COMPLEMENTOFALL");
            STACK_OF(SSL_CIPHER)* list = SSL_CTX_get_ciphers(ctx.get());
            for (int i = 0; i < sk_SSL_CIPHER_num(list); ++i) {
                const SSL_CIPHER* c = sk_SSL_CIPHER_value(list, i);
                k.names.emplace_back(SSL_CIPHER_get_name(c));
                const char* std_name = SSL_CIPHER_standard_name(c);
                if (std_name && !is_tls13(c)) k.iana.emplace_back(std_name, SSL_CIPHER_get_name(c));
            }
        }
        ERR_clear_error();
        return k;
    }();
    return known;
}

}  // namespace

bool CipherList::allows(std::string_view negotiated) const {
    return std::find(all.begin(), all.end(), negotiated) != all.end();
}

std::string CipherList::join(const std::vector<std::string>& names) {
    std::string out;
    for (const auto& n : names) out += (out.empty() ? "" : ":") + n;
    return out;
}

const std::vector<std::string>& known_cipher_names() { return known_ciphers().names; }

namespace {

struct NameVerdict {
    Code failure = Code::Ok;
    std::string problem;
    bool unknown = false;  // OpenSSL has no cipher of that name
    bool tls13 = false;
};

NameVerdict refused(Code code, std::string problem, bool unknown = false) {
    return NameVerdict{code, std::move(problem), unknown, false};
}

/// A name OpenSSL did not find: the IANA spelling of a TLS 1.2 cipher, or unknown.
NameVerdict not_found(const std::string& n) {
    for (const auto& [iana, openssl] : known_ciphers().iana) {
        if (iana == n) {
            return refused(Code::ConfigInvalidValue,
                           "'" + n + "' is the IANA name of a TLS 1.2 cipher; OpenSSL (and verrou) call it '" + openssl + "'");
        }
    }
    return refused(Code::ConfigInvalidValue,
                   "unknown cipher '" + n + "': " + OpenSSL_version(OPENSSL_VERSION) + " offers no cipher of that name",
                   /*unknown=*/true);
}

/// One well-formed name of ssl_cipher, judged by OpenSSL on the scratch `ctx`: exactly one TLS
/// 1.3 suite or one TLS 1.2 cipher that encrypts, authenticates the server and can be used under
/// `min_version`.
NameVerdict judge_cipher_name(SSL_CTX* ctx, const std::string& n, TlsVersion min_version) {
    NameVerdict v;
    const SSL_CIPHER* found = nullptr;
    ERR_clear_error();
    if (SSL_CTX_set_ciphersuites(ctx, n.c_str()) == 1 && (found = find_in(ctx, n, true))) {
        v.tls13 = true;
    } else {
        ERR_clear_error();
        SSL_CTX_set_ciphersuites(ctx, "");  // only TLS 1.2 names left in the list
        if (SSL_CTX_set_cipher_list(ctx, n.c_str()) == 1) {
            found = find_in(ctx, n, false);
            const int selected = sk_SSL_CIPHER_num(SSL_CTX_get_ciphers(ctx));
            if (!found || selected != 1) {
                ERR_clear_error();
                return refused(Code::ConfigInvalidValue,
                               "'" + n + "' is a cipher-string keyword (it selects " + std::to_string(selected) +
                                   (selected == 1 ? " cipher" : " ciphers") +
                                   "), not a cipher name: list the ciphers themselves, separated by ':'");
            }
        }
    }
    ERR_clear_error();
    if (!found) return not_found(n);
    if (SSL_CIPHER_get_cipher_nid(found) == NID_undef) {
        return refused(Code::ConfigUnsafe, "'" + n + "' does not encrypt (NULL cipher): it would send the login and all "
                                           "data in clear text");
    }
    if (SSL_CIPHER_get_auth_nid(found) == NID_auth_null) {
        return refused(Code::ConfigUnsafe, "'" + n + "' is anonymous (no server certificate): anyone on the path could "
                                           "impersonate the server");
    }
    if (!v.tls13 && min_version == TlsVersion::Tls13) {
        return refused(Code::ConfigInvalidValue,
                       "'" + n + "' is a TLS 1.2 cipher, but the minimum TLS version is TLSv1.3 (tls_version, also the "
                       "default), so it could never be used: keep only TLS 1.3 suites (TLS_AES_256_GCM_SHA384, "
                       "TLS_AES_128_GCM_SHA256, TLS_CHACHA20_POLY1305_SHA256) or set tls_version = TLSv1.2");
    }
    return v;
}

}  // namespace

CipherListCheck check_cipher_list(std::string_view text, TlsVersion min_version) {
    CipherListCheck r;
    const auto refuse = [&](Code code, std::string_view name, std::string problem, bool unknown = false) {
        r.failure = code;
        r.bad_name = std::string(name);
        r.problem = std::move(problem);
        r.unknown = unknown;
        r.list = {};
        return r;
    };
    if (trim(text).empty()) {
        return refuse(Code::ConfigInvalidValue, "",
                      "the cipher list is empty; leave ssl_cipher out to use OpenSSL's default ciphers");
    }
    SslCtxPtr ctx = scratch_ctx();
    std::size_t start = 0;
    for (;;) {
        const std::size_t colon = text.find(':', start);
        const std::string_view name =
            trim(text.substr(start, colon == std::string_view::npos ? text.npos : colon - start));
        if (name.empty()) {
            return refuse(Code::ConfigInvalidValue, name,
                          "empty cipher name in '" + std::string(text) + "' (two ':' in a row, or a ':' at an end)");
        }
        if (!std::all_of(name.begin(), name.end(), is_cipher_name_char)) {
            return refuse(Code::ConfigInvalidValue, name,
                          "'" + std::string(name) + "' is not a cipher name: list exact OpenSSL cipher names "
                          "separated by ':' (cipher-string syntax such as '!', '+', '@', ',' or spaces inside a "
                          "name is not accepted)");
        }
        const std::string n(name);
        NameVerdict v = judge_cipher_name(ctx.get(), n, min_version);
        if (v.failure != Code::Ok) return refuse(v.failure, name, std::move(v.problem), v.unknown);
        if (!r.list.allows(n)) {
            r.list.all.push_back(n);
            (v.tls13 ? r.list.tls13 : r.list.tls12).push_back(n);
        }
        if (colon == std::string_view::npos) break;
        start = colon + 1;
    }
    return r;
}

// ---- handshake failures -------------------------------------------------------------------

HandshakeCause handshake_cause(const std::vector<unsigned long>& errors) noexcept {
    for (const unsigned long e : errors) {
        if (ERR_GET_LIB(e) != ERR_LIB_SSL) continue;
        switch (ERR_GET_REASON(e)) {
            case SSL_R_SSLV3_ALERT_HANDSHAKE_FAILURE:
            case SSL_R_NO_SHARED_CIPHER:
            case SSL_R_NO_CIPHERS_AVAILABLE:
                return HandshakeCause::NoCommonCipher;
            case SSL_R_TLSV1_ALERT_PROTOCOL_VERSION:
            case SSL_R_UNSUPPORTED_PROTOCOL:
            case SSL_R_NO_PROTOCOLS_AVAILABLE:
            case SSL_R_WRONG_SSL_VERSION:
            case SSL_R_VERSION_TOO_LOW:
                return HandshakeCause::ProtocolVersion;
            default:
                break;
        }
    }
    return HandshakeCause::Other;
}

// ---- the policy ---------------------------------------------------------------------------

Policy::Policy(TlsVersion min_version, CipherList ciphers)
    : min_version_(min_version), ciphers_(std::move(ciphers)), cipher_text_(CipherList::join(ciphers_.all)) {}

bool Policy::matches(const TlsSettings& tls) const noexcept {
    return tls.min_version == min_version_ && tls.cipher == cipher_text_;
}

void Policy::apply_to_probe(SSL_CTX* ctx) const {
    SSL_CTX_set_min_proto_version(ctx, TLS1_2_VERSION);
    if (ciphers_.empty()) return;
    const std::string tls13 = CipherList::join(ciphers_.tls13);
    const std::string tls12 = CipherList::join(ciphers_.tls12);
    if (SSL_CTX_set_ciphersuites(ctx, tls13.c_str()) != 1 ||
        (!tls12.empty() && SSL_CTX_set_cipher_list(ctx, tls12.c_str()) != 1)) {
        throw Error(Code::Crypto, "OpenSSL refused the checked ssl_cipher list " + cipher_text_ + ": " +
                                      last_openssl_error());
    }
}

LibmariadbTls Policy::for_libmariadb(std::string_view probed_version) const {
    bool allow_tls13 = true;
    bool allow_tls12 = min_version_ == TlsVersion::Tls12;
    LibmariadbTls out;
    if (!ciphers_.empty()) {
        allow_tls13 = !ciphers_.tls13.empty();
        allow_tls12 = allow_tls12 && !ciphers_.tls12.empty();
        if (allow_tls13 && allow_tls12) {  // both kinds: the version the probe negotiated with them
            if (probed_version == "TLSv1.3") allow_tls12 = false;
            else allow_tls13 = false;
        }
        out.cipher = CipherList::join(allow_tls13 ? ciphers_.tls13 : ciphers_.tls12);
    }
    // libmariadb silently ignores a version string it does not know: only our own constants.
    out.versions = !allow_tls12 ? "TLSv1.3" : !allow_tls13 ? "TLSv1.2" : "TLSv1.2,TLSv1.3";
    return out;
}

std::optional<Error> Policy::refuse_session(int version, std::string_view version_name, std::string_view cipher,
                                            const std::string& peer) const {
    const std::string name = version_name.empty() ? std::string("?") : std::string(version_name);
    if (version < static_cast<int>(min_version_)) {
        return Error(Code::TlsVersionTooLow,
                     "the server at " + peer + " negotiated " + name + ", below the profile's minimum " +
                         std::string(tls_version_name(min_version_)) +
                         " (tls_version); upgrade the server's TLS configuration");
    }
    if (!ciphers_.empty() && !ciphers_.allows(cipher)) {
        return Error(Code::TlsHandshake, "the server at " + peer + " negotiated " + name + " with the cipher " +
                                             std::string(cipher) + ", which the profile does not allow (ssl_cipher: " +
                                             cipher_text_ + "); verrou closed the session");
    }
    return std::nullopt;
}

Error Policy::explain_handshake_failure(const std::vector<unsigned long>& errors, const std::string& why,
                                        const std::string& cause, const std::string& peer) const {
    const HandshakeCause c = handshake_cause(errors);
    if (!ciphers_.empty() && c == HandshakeCause::NoCommonCipher) {
        return Error(Code::TlsHandshake, "TLS handshake with " + peer + " failed: " + cause +
                                             "; the profile allows only the ciphers " + cipher_text_ +
                                             " (ssl_cipher): the server probably accepts none of them");
    }
    if (c == HandshakeCause::ProtocolVersion) {
        return Error(Code::TlsVersionTooLow,
                     "the server at " + peer + " offers no TLS version verrou accepts (" + why + ")");
    }
    return Error(Code::TlsHandshake,
                 "TLS handshake with " + peer + " failed: " + (cause.empty() ? "connection closed" : cause));
}

std::shared_ptr<const Policy> parse_policy(TlsVersion min_version, std::string_view cipher) {
    if (cipher.empty()) return std::make_shared<const Policy>(min_version, CipherList{});
    CipherListCheck check = check_cipher_list(cipher, min_version);
    if (!check.ok()) throw Error(check.failure, "ssl_cipher of the profile: " + check.problem);
    return std::make_shared<const Policy>(min_version, std::move(check.list));
}

std::shared_ptr<const Policy> policy_of(const TlsSettings& tls) {
    if (tls.policy && tls.policy->matches(tls)) return tls.policy;
    return parse_policy(tls.min_version, tls.cipher);
}

int openssl_version_of_mariadb_protocol(unsigned int protocol_id) noexcept {
    // PROTOCOL_SSLV3 = 0, TLS_1_0 = 1, TLS_1_1 = 2, TLS_1_2 = 3, TLS_1_3 = 4.
    return protocol_id >= 1 ? static_cast<int>(TLS1_VERSION + (protocol_id - 1)) : SSL3_VERSION;
}

}  // namespace verrou::tls
