#include "ocsp/ocsp.hpp"

// Windows socket headers first: <wincrypt.h> defines X509_NAME & co. as macros, which
// OpenSSL's headers undo only when they come after it (see tls/probe.cpp).
#include "net/socket.hpp"

#include <openssl/err.h>
#include <openssl/ocsp.h>
#include <openssl/x509v3.h>

#include <map>
#include <mutex>
#include <vector>

#include "ocsp/wire.hpp"
#include "tls/checks.hpp"
#include "tls/policy.hpp"
#include "tls/probe.hpp"
#include "tls/x509.hpp"

namespace verrou::ocsp {
namespace {

using tls::Deleter;
using OcspRequestPtr = std::unique_ptr<OCSP_REQUEST, Deleter<OCSP_REQUEST_free>>;
using ocsp_detail::OcspBasicPtr;
using OcspCertIdPtr = std::unique_ptr<OCSP_CERTID, Deleter<OCSP_CERTID_free>>;

struct X509StackFree {
    void operator()(STACK_OF(X509)* s) const noexcept { sk_X509_pop_free(s, X509_free); }
};
using X509StackPtr = std::unique_ptr<STACK_OF(X509), X509StackFree>;

constexpr std::size_t kMaxCachedAnswers = 4096;

// ---- HTTP/1.0 POST -------------------------------------------------------------------------

/// The responder's answer body; throws NETWORK_* (from the socket) or CERT_OCSP_UNAVAILABLE.
std::string http_post(const ocsp_detail::Url& u, const std::string& body, int timeout_ms) {
    auto sock = net::TcpSocket::connect_within(u.host, u.port, std::chrono::milliseconds(timeout_ms),
                                               std::to_string(timeout_ms) + " ms (ocsp_timeout_ms)");
    sock.set_phase("while sending the OCSP request");
    const std::string request = ocsp_detail::http_request(u, body);
    sock.write_all(reinterpret_cast<const unsigned char*>(request.data()), request.size());

    sock.set_phase("while waiting for the OCSP response");
    std::string in;
    unsigned char buf[4096];
    for (;;) {
        const long n = sock.read_some(buf, sizeof buf);
        if (n == 0) break;  // HTTP/1.0: the responder closes after the answer
        if (n < 0) throw Error(sock.failure_code(), sock.failure_message());
        in.append(reinterpret_cast<const char*>(buf), static_cast<std::size_t>(n));
        if (in.size() > ocsp_detail::kMaxReplyBytes) {
            throw Error(Code::CertOcspUnavailable, "the answer is larger than 1 MiB: not an OCSP response");
        }
        // Stop as soon as the announced body is complete (some responders keep the socket).
        if (const auto whole = ocsp_detail::http_reply_length(in)) {
            in.resize(*whole);
            break;
        }
    }
    return ocsp_detail::http_reply_body(in);
}

// ---- the answer cache -----------------------------------------------------------------------

using Clock = std::chrono::steady_clock;

struct CachedAnswer {
    Answer answer;
    Clock::time_point fetched;
    Clock::time_point expires;  // nextUpdate (or the fetching profile's ocsp_cache_seconds)
};

/// What check_server remembers of a server: the certificate it presented and checked.
struct HostEntry {
    tls::X509Ptr leaf;
    tls::X509Ptr issuer;
    tls::X509StorePtr trust;
    std::string sha1;
    std::string url;
    Clock::time_point expires;
};

std::mutex g_mutex;
std::map<std::string, CachedAnswer> g_answers;                   // guarded by g_mutex
std::map<std::string, std::shared_ptr<const HostEntry>> g_hosts;  // guarded by g_mutex

/// A good answer for `key` fetched less than `max_age_seconds` ago and still before its
/// nextUpdate (each profile's ocsp_cache_seconds caps the age it accepts).
std::optional<Answer> cached(const std::string& key, int max_age_seconds) {
    const auto now = Clock::now();
    const std::lock_guard<std::mutex> lock(g_mutex);
    auto it = g_answers.find(key);
    if (it == g_answers.end()) return std::nullopt;
    if (now >= it->second.expires) {
        g_answers.erase(it);
        return std::nullopt;
    }
    if (now - it->second.fetched >= std::chrono::seconds(max_age_seconds)) return std::nullopt;
    Answer a = it->second.answer;
    a.from_cache = true;
    return a;
}

void remember(const std::string& key, const Answer& answer, long long seconds) {
    if (seconds <= 0) return;
    const auto now = Clock::now();
    const std::lock_guard<std::mutex> lock(g_mutex);
    if (g_answers.size() >= kMaxCachedAnswers) {
        std::erase_if(g_answers, [&](const auto& kv) { return now >= kv.second.expires; });
        if (g_answers.size() >= kMaxCachedAnswers) g_answers.clear();
    }
    g_answers[key] = CachedAnswer{answer, now, now + std::chrono::seconds(seconds)};
}

std::string host_key(const Profile& p) {
    return p.host + ":" + std::to_string(p.port) + "|" + p.tls.ca + "|" + p.tls.ocsp_url + "|" +
           std::string(ocsp_mode_name(p.tls.ocsp)) + "|" + std::string(ssl_mode_name(p.tls.mode));
}

using ocsp_detail::openssl_reason;

/// The certificate of the CA bundle (ssl_ca) that issued `cert`, null when none did.
X509* issuer_in(const std::vector<tls::X509Ptr>& ca_certs, X509* cert) {
    for (const auto& c : ca_certs) {
        if (X509_check_issued(c.get(), cert) == X509_V_OK) return c.get();
    }
    return nullptr;
}


}  // namespace

std::string describe_certificate(X509* cert, const std::string& label) {
    const CertificateInfo info = tls::describe(cert);
    return label + " '" + tls::sanitize_server_text(info.subject, 256) + "' (serial " + info.serial_hex + ")";
}

std::string responder_for(X509* cert, const std::string& ocsp_url) {
    if (!ocsp_url.empty()) return ocsp_url;
    std::string out;
    if (STACK_OF(OPENSSL_STRING)* urls = X509_get1_ocsp(cert)) {
        if (sk_OPENSSL_STRING_num(urls) > 0) out = sk_OPENSSL_STRING_value(urls, 0);
        X509_email_free(urls);
    }
    return out;
}

bool tolerates_no_answer(OcspMode mode, Code code) {
    return mode != OcspMode::Hard && code != Code::CertRevoked;
}

Answer check(const Query& q) {
    const std::string who = describe_certificate(q.cert, q.label);
    if (q.url.empty()) {
        throw Error(Code::CertOcspUnavailable,
                    who + " names no OCSP responder (no OCSP URL in its Authority Information Access) and the "
                          "profile sets no ocsp_url");
    }
    const std::string at = " (OCSP responder " + q.url + ")";
    if (q.issuer == nullptr) {
        throw Error(Code::CertOcspUnavailable,
                    who + ": its issuer is not in the profile's CA (ssl_ca), so no OCSP request can name it" + at);
    }
    const std::string key = tls::fingerprint_sha256(q.cert) + "|" + tls::fingerprint_sha256(q.issuer) + "|" + q.url;
    if (auto hit = cached(key, q.cache_seconds)) return *hit;

    const ocsp_detail::Url url = ocsp_detail::parse_url(q.url, who);
    OcspCertIdPtr id(OCSP_cert_to_id(EVP_sha1(), q.cert, q.issuer));
    OcspRequestPtr req(OCSP_REQUEST_new());
    if (!id || !req || OCSP_request_add0_id(req.get(), OCSP_CERTID_dup(id.get())) == nullptr ||
        OCSP_request_add1_nonce(req.get(), nullptr, -1) != 1) {
        throw Error(Code::Crypto, "cannot build the OCSP request for " + who + openssl_reason());
    }
    unsigned char* der = nullptr;
    const int der_len = i2d_OCSP_REQUEST(req.get(), &der);
    if (der_len <= 0) throw Error(Code::Crypto, "cannot encode the OCSP request for " + who + openssl_reason());
    const std::string body(reinterpret_cast<const char*>(der), static_cast<std::size_t>(der_len));
    OPENSSL_free(der);

    std::string answer_der;
    try {
        answer_der = http_post(url, body, q.timeout_ms);
    } catch (const Error& e) {
        throw Error(Code::CertOcspUnavailable, who + ": no answer from OCSP responder " + q.url + ": " +
                                                   std::string(e.message()));
    }

    const auto invalid = [&](const std::string& why) {
        return Error(Code::CertOcspInvalid, who + ": the answer of OCSP responder " + q.url + " " + why);
    };
    const OcspBasicPtr basic = ocsp_detail::decode_response(answer_der, who, q.url);

    X509StackPtr untrusted(sk_X509_new_null());
    if (untrusted && X509_up_ref(q.issuer) == 1 && sk_X509_push(untrusted.get(), q.issuer) <= 0) X509_free(q.issuer);
    if (OCSP_basic_verify(basic.get(), untrusted.get(), q.trust, 0) <= 0) {
        throw invalid("is not signed by the profile's CA nor by a responder certificate it issued with the "
                      "OCSP-signing extended key usage" + openssl_reason());
    }
    if (OCSP_check_nonce(req.get(), basic.get()) == 0) {
        throw invalid("carries another nonce than the request's: a replayed or misdirected answer");
    }
    int status = -1;
    int reason = -1;
    ASN1_GENERALIZEDTIME* revoked_at = nullptr;
    ASN1_GENERALIZEDTIME* this_update = nullptr;
    ASN1_GENERALIZEDTIME* next_update = nullptr;
    if (OCSP_resp_find_status(basic.get(), id.get(), &status, &reason, &revoked_at, &this_update, &next_update) != 1) {
        throw invalid("is about another certificate (no status for serial " + tls::describe(q.cert).serial_hex + ")");
    }
    const std::string this_text = tls::iso8601(this_update);
    const std::string next_text = next_update ? tls::iso8601(next_update) : std::string();
    if (OCSP_check_validity(this_update, next_update, kClockToleranceSeconds, -1) != 1) {
        ERR_clear_error();
        throw invalid("is stale or not yet valid: thisUpdate " + this_text + ", nextUpdate " +
                      (next_text.empty() ? std::string("none") : next_text) + " (" +
                      std::to_string(kClockToleranceSeconds / 60) +
                      " minutes of clock tolerance); check this machine's clock, or the responder is serving old answers");
    }
    if (status == V_OCSP_CERTSTATUS_REVOKED) {
        std::string message = who + " was revoked on " + tls::iso8601(revoked_at);
        if (reason >= 0) message += std::string(" (") + OCSP_crl_reason_str(reason) + ")";
        message += " according to OCSP responder " + q.url + "; " +
                   (q.label.rfind("server", 0) == 0 ? "the server's administrator must install a new certificate"
                                                     : "ask the PKI team for a new certificate");
        throw Error(Code::CertRevoked, std::move(message));
    }
    if (status != V_OCSP_CERTSTATUS_GOOD) {
        throw invalid("says its status is unknown: the responder does not serve this certificate's CA, or the "
                      "certificate was not issued by it");
    }
    Answer a;
    a.responder = q.url;
    a.this_update = this_text;
    a.next_update = next_text;
    // Kept until nextUpdate (a profile's ocsp_cache_seconds caps the age it accepts, cached());
    // without a nextUpdate, for this profile's ocsp_cache_seconds.
    remember(key, a, next_update ? tls::seconds_from_now(next_update) : q.cache_seconds);
    return a;
}

ServerVerdict check_server(const Profile& profile, const std::shared_ptr<const tls::Policy>& policy) {
    const TlsSettings& t = profile.tls;
    const std::string key = host_key(profile);
    std::shared_ptr<const HostEntry> entry;
    {
        const std::lock_guard<std::mutex> lock(g_mutex);
        if (auto it = g_hosts.find(key); it != g_hosts.end()) {
            if (Clock::now() < it->second->expires) entry = it->second;
            else g_hosts.erase(it);
        }
    }
    ServerVerdict v;
    const bool fresh = !entry;
    if (fresh) {
        const tls::ProbeResult probe = tls::probe_server(tls::probe_options_for(profile, policy));
        if (!probe.ok()) {
            // ocsp absent from the profile: a server the probe cannot judge is left to libmariadb,
            // with the very errors a connection without OCSP gets (network failures excepted:
            // waiting twice for a silent server would double connect_timeout).
            if (t.ocsp == OcspMode::Auto && layer_of(probe.failure) != Layer::Network) return v;
            throw Error(probe.failure, probe.message);
        }
        v.probed_tls_version = probe.tls_version;
        auto made = std::make_shared<HostEntry>();
        if (!probe.verified_chain_der.empty()) made->leaf = tls::x509_from_der(probe.verified_chain_der.front());
        if (probe.verified_chain_der.size() > 1) made->issuer = tls::x509_from_der(probe.verified_chain_der[1]);
        made->sha1 = probe.leaf_sha1;
        if (made->leaf) made->url = responder_for(made->leaf.get(), t.ocsp_url);
        made->trust.reset(X509_STORE_new());
        if (!made->trust || X509_STORE_load_file(made->trust.get(), t.ca.c_str()) != 1) {
            throw Error(Code::CertParse, "cannot load the CA file " + t.ca + " for OCSP" + openssl_reason());
        }
        made->expires = Clock::now() + std::chrono::seconds(t.ocsp_cache_seconds);
        entry = made;
        if (t.ocsp_cache_seconds > 0) {
            const std::lock_guard<std::mutex> lock(g_mutex);
            g_hosts[key] = entry;
        }
    }
    if (entry->url.empty() && t.ocsp == OcspMode::Auto) return v;  // names no responder: as without OCSP
    v.pinned_sha1 = entry->sha1;
    v.pin_from_cache = !fresh;
    if (!entry->leaf) {
        // ssl_mode = REQUIRED: nothing verified, so no issuer to ask about.
        const Error e(Code::CertOcspUnavailable,
                      "the server certificate of " + profile.host + ":" + std::to_string(profile.port) +
                          " was not verified (ssl_mode = REQUIRED), so its revocation cannot be checked");
        if (!tolerates_no_answer(t.ocsp, e.code())) throw e;
        v.warning = make_warning(WarningCode::OcspUnavailable, std::string(e.message()));
        return v;
    }
    Query q;
    q.cert = entry->leaf.get();
    q.issuer = entry->issuer.get();
    q.trust = entry->trust.get();
    q.url = entry->url;
    q.timeout_ms = t.ocsp_timeout_ms;
    q.cache_seconds = t.ocsp_cache_seconds;
    q.label = "server certificate";
    try {
        check(q);
    } catch (const Error& e) {
        if (!tolerates_no_answer(t.ocsp, e.code())) {
            forget_server(profile);
            throw;
        }
        v.warning = make_warning(WarningCode::OcspUnavailable,
                                 std::string(e.message()) + "; ocsp = soft: connecting anyway");
    }
    return v;
}

std::optional<Outcome> ask(const Profile& profile, X509* cert, X509* issuer, const std::string& label) {
    const TlsSettings& t = profile.tls;
    if (t.ocsp == OcspMode::Off) return std::nullopt;
    Outcome out;
    out.responder = responder_for(cert, t.ocsp_url);
    if (out.responder.empty() && t.ocsp == OcspMode::Auto) return std::nullopt;
    out.certificate = describe_certificate(cert, label);
    try {
        std::vector<tls::X509Ptr> ca_certs;
        if (issuer == nullptr) {
            ca_certs = validator_detail::parse_certificates(validator_detail::read_pem_file(t.ca), t.ca);
            issuer = issuer_in(ca_certs, cert);
        }
        tls::X509StorePtr trust(X509_STORE_new());
        if (!trust || X509_STORE_load_file(trust.get(), t.ca.c_str()) != 1) {
            throw Error(Code::CertParse, "cannot load the CA file " + t.ca + " for OCSP" + openssl_reason());
        }
        Query q;
        q.cert = cert;
        q.issuer = issuer;
        q.trust = trust.get();
        q.url = out.responder;
        q.timeout_ms = t.ocsp_timeout_ms;
        q.cache_seconds = t.ocsp_cache_seconds;
        q.label = label;
        out.answer = check(q);
    } catch (const Error& e) {
        out.code = e.code();
        out.message = std::string(e.message());
    }
    tls::last_openssl_error();
    return out;
}

std::optional<CheckFinding> check_client(const Profile& profile, const std::string& cert_path,
                                         const std::string& label) {
    const TlsSettings& t = profile.tls;
    if (t.ocsp == OcspMode::Off) return std::nullopt;
    CheckFinding f;
    f.check = "ocsp";
    std::optional<Outcome> o;
    try {
        const std::string pem = validator_detail::read_pem_file(cert_path);
        const auto certs = validator_detail::parse_certificates(pem, cert_path);
        o = ask(profile, certs.front().get(), nullptr, label + " " + cert_path);
        if (!o) return std::nullopt;
    } catch (const Error& e) {
        o = Outcome{{}, {}, {}, e.code(), std::string(e.message())};
    }
    if (const auto& a = o->answer) {
        f.status = CheckStatus::Ok;
        f.message = o->certificate + " is good according to OCSP responder " + a->responder +
                    " (answer valid from " + a->this_update + " until " +
                    (a->next_update.empty() ? std::string("further notice") : a->next_update) + ")" +
                    (a->from_cache ? " [cached]" : "");
        return f;
    }
    f.code = o->code;
    f.message = o->message;
    f.status = tolerates_no_answer(t.ocsp, o->code) ? CheckStatus::Warning : CheckStatus::Failed;
    if (f.status == CheckStatus::Warning) f.message += " (ocsp = soft: a warning, not a refusal)";
    return f;
}

void forget_server(const Profile& profile) {
    const std::string key = host_key(profile);
    const std::lock_guard<std::mutex> lock(g_mutex);
    g_hosts.erase(key);
}

void clear_caches() {
    const std::lock_guard<std::mutex> lock(g_mutex);
    g_hosts.clear();
    g_answers.clear();
}

}  // namespace verrou::ocsp

namespace verrou {

ValidationReport validate_tls_material_online(const Profile& profile) {
    ValidationReport v = validate_tls_material(profile);
    if (v.client && !v.cert_path.empty()) {
        if (auto f = ocsp::check_client(profile, v.cert_path)) v.findings.push_back(std::move(*f));
    }
    return v;
}

}  // namespace verrou
