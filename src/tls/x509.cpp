// X509 helpers shared by the validator and the TLS probe: one place that turns OpenSSL's
// structures into the plain strings support technicians read (one-line names, ISO dates,
// upper-case fingerprints).
#include "tls/x509.hpp"

#include "common/iso8601.hpp"

#include <openssl/asn1.h>
#include <openssl/bn.h>
#include <openssl/err.h>
#include <openssl/x509v3.h>

#include <array>
#include <cstdio>
#include <ctime>
#include <memory>

namespace verrou::tls {

namespace {

using GeneralNamesPtr = std::unique_ptr<GENERAL_NAMES, Deleter<GENERAL_NAMES_free>>;

// OPENSSL_free is a macro taking file/line; wrap it so unique_ptr can own OpenSSL strings.
struct OpensslStringDeleter {
    void operator()(char* p) const noexcept { OPENSSL_free(p); }
};
using OpensslString = std::unique_ptr<char, OpensslStringDeleter>;

std::string to_hex_upper(const unsigned char* data, std::size_t len) {
    static constexpr char digits[] = "0123456789ABCDEF";
    std::string out;
    out.reserve(len * 2);
    for (std::size_t i = 0; i < len; ++i) {
        out.push_back(digits[data[i] >> 4]);
        out.push_back(digits[data[i] & 0x0F]);
    }
    return out;
}

std::string digest_hex(X509* cert, const EVP_MD* md) {
    if (cert == nullptr) return {};
    std::array<unsigned char, EVP_MAX_MD_SIZE> buf{};
    unsigned int len = 0;
    if (X509_digest(cert, md, buf.data(), &len) != 1) return {};
    return to_hex_upper(buf.data(), len);
}

std::string asn1_string_utf8(const ASN1_STRING* s) {
    if (s == nullptr) return {};
    unsigned char* utf8 = nullptr;
    const int len = ASN1_STRING_to_UTF8(&utf8, s);
    if (len < 0 || utf8 == nullptr) return {};
    std::string out(reinterpret_cast<const char*>(utf8), static_cast<std::size_t>(len));
    OPENSSL_free(utf8);
    return out;
}

std::string common_name_of(const X509_NAME* name) {
    if (name == nullptr) return {};
    // The last CN is the most specific one when a name carries several.
    int idx = -1;
    int last = -1;
    while ((idx = X509_NAME_get_index_by_NID(name, NID_commonName, idx)) >= 0) last = idx;
    if (last < 0) return {};
    const X509_NAME_ENTRY* entry = X509_NAME_get_entry(name, last);
    return asn1_string_utf8(X509_NAME_ENTRY_get_data(entry));
}

std::string ip_to_text(const ASN1_OCTET_STRING* ip) {
    const unsigned char* p = ASN1_STRING_get0_data(ip);
    const int len = ASN1_STRING_length(ip);
    char buf[64];
    if (len == 4) {
        std::snprintf(buf, sizeof buf, "%u.%u.%u.%u", p[0], p[1], p[2], p[3]);
        return buf;
    }
    if (len == 16) {
        std::string out;
        for (int i = 0; i < 16; i += 2) {
            if (i) out.push_back(':');
            std::snprintf(buf, sizeof buf, "%x", (p[i] << 8) | p[i + 1]);
            out += buf;
        }
        return out;
    }
    return "?";
}

std::vector<std::string> subject_alt_names(X509* cert) {
    std::vector<std::string> out;
    GeneralNamesPtr names(static_cast<GENERAL_NAMES*>(
        X509_get_ext_d2i(cert, NID_subject_alt_name, nullptr, nullptr)));
    if (!names) return out;
    const int n = sk_GENERAL_NAME_num(names.get());
    for (int i = 0; i < n; ++i) {
        const GENERAL_NAME* gn = sk_GENERAL_NAME_value(names.get(), i);
        switch (gn->type) {
            case GEN_DNS: out.push_back("DNS:" + asn1_string_utf8(gn->d.dNSName)); break;
            case GEN_IPADD: out.push_back("IP:" + ip_to_text(gn->d.iPAddress)); break;
            case GEN_EMAIL: out.push_back("email:" + asn1_string_utf8(gn->d.rfc822Name)); break;
            case GEN_URI: out.push_back("URI:" + asn1_string_utf8(gn->d.uniformResourceIdentifier)); break;
            default: break;  // other name forms play no part in MariaDB's checks
        }
    }
    return out;
}

std::string serial_hex(X509* cert) {
    BignumPtr bn(ASN1_INTEGER_to_BN(X509_get0_serialNumber(cert), nullptr));
    if (!bn) return {};
    OpensslString hex(BN_bn2hex(bn.get()));
    return hex ? std::string(hex.get()) : std::string();
}

}  // namespace

std::string iso8601(const ASN1_TIME* t) {
    std::tm tm{};
    if (t == nullptr || ASN1_TIME_to_tm(t, &tm) != 1) return {};
    return verrou::iso8601(tm);
}

long long seconds_from_now(const ASN1_TIME* t) {
    int days = 0;
    int secs = 0;
    if (t == nullptr || ASN1_TIME_diff(&days, &secs, nullptr, t) != 1) return 0;
    return static_cast<long long>(days) * 86400LL + secs;
}

std::string oneline(const X509_NAME* name) {
    if (name == nullptr) return {};
    OpensslString text(X509_NAME_oneline(name, nullptr, 0));
    return text ? std::string(text.get()) : std::string();
}

X509Ptr x509_from_der(const std::string& der) {
    const unsigned char* p = reinterpret_cast<const unsigned char*>(der.data());
    return X509Ptr(d2i_X509(nullptr, &p, static_cast<long>(der.size())));
}

std::string fingerprint_sha256(X509* cert) { return digest_hex(cert, EVP_sha256()); }
std::string fingerprint_sha1(X509* cert) { return digest_hex(cert, EVP_sha1()); }

CertificateInfo describe(X509* cert, const std::string& path) {
    CertificateInfo info;
    info.path = path;
    if (cert == nullptr) return info;
    const X509_NAME* subject = X509_get_subject_name(cert);
    info.subject = oneline(subject);
    info.common_name = common_name_of(subject);
    info.issuer = oneline(X509_get_issuer_name(cert));
    info.subject_alt_names = subject_alt_names(cert);
    info.not_before = iso8601(X509_get0_notBefore(cert));
    info.not_after = iso8601(X509_get0_notAfter(cert));
    // Whole days, truncated toward zero: 9 days 23 hours left reads "9 days".
    info.days_left = seconds_from_now(X509_get0_notAfter(cert)) / 86400;
    const long long until_valid = seconds_from_now(X509_get0_notBefore(cert));
    info.seconds_until_valid = until_valid > 0 ? until_valid : 0;
    info.sha256_fingerprint = fingerprint_sha256(cert);
    info.serial_hex = serial_hex(cert);
    info.is_ca = X509_check_ca(cert) != 0;
    return info;
}

std::string last_openssl_error() { return take_openssl_errors().last_text; }

OpenSslErrors take_openssl_errors() {
    OpenSslErrors out;
    const unsigned long last = ERR_peek_last_error();
    if (last != 0) {
        char buf[256];
        ERR_error_string_n(last, buf, sizeof buf);
        out.last_text = buf;
    }
    while (const unsigned long e = ERR_get_error()) out.codes.push_back(e);
    ERR_clear_error();
    return out;
}

}  // namespace verrou::tls
