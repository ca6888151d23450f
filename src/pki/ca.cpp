// The dev/recette CA: keys, certificates and CRLs with OpenSSL's C API. Every OpenSSL
// object is owned by a unique_ptr (tls/x509.hpp aliases + a few local ones), so an error
// thrown half-way leaks nothing and leaves no partial file (see files.cpp).

// inet_pton comes from here, before OpenSSL's headers for Windows' sake (see there). Unlike
// getaddrinfo it needs no WSAStartup (Microsoft documents it so).
#include "platform/sockets.hpp"

#include <openssl/bn.h>
#include <openssl/ec.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rand.h>
#include <openssl/x509v3.h>

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cctype>
#include <charconv>
#include <ctime>
#include <filesystem>

#include "common/pem_no_prompt.hpp"
#include "pki/files.hpp"
#include "platform/path.hpp"
#include "secret/file_read.hpp"
#include "tls/x509.hpp"
#include "verrou/error.hpp"
#include "verrou/pki.hpp"

namespace verrou::pki {

namespace {

using namespace pki_detail;
using tls::BignumPtr;
using tls::BioPtr;
using tls::Deleter;
using tls::EvpPkeyPtr;
using tls::X509CrlPtr;
using tls::X509Ptr;
using Asn1IntegerPtr = std::unique_ptr<ASN1_INTEGER, Deleter<ASN1_INTEGER_free>>;
using Asn1TimePtr = std::unique_ptr<ASN1_TIME, Deleter<ASN1_TIME_free>>;
using X509ExtPtr = std::unique_ptr<X509_EXTENSION, Deleter<X509_EXTENSION_free>>;
using X509RevokedPtr = std::unique_ptr<X509_REVOKED, Deleter<X509_REVOKED_free>>;
using X509NamePtr = std::unique_ptr<X509_NAME, Deleter<X509_NAME_free>>;

namespace fs = std::filesystem;

// Paths are UTF-8: std::filesystem must get them through platform::fs_path, or Windows reads
// them in the ANSI code page.
bool exists_utf8(const std::string& path) { return fs::exists(platform::fs_path(path)); }

using nlohmann::json;

[[noreturn]] void crypto_fail(const std::string& what) {
    throw Error(Code::Crypto, what + ": " + tls::last_openssl_error());
}

void check_name(const std::string& value, std::string_view what) {
    const bool ok = !value.empty() && value.size() <= 64 &&
                    std::all_of(value.begin(), value.end(), [](char c) {
                        return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-' || c == '.';
                    });
    if (!ok || value.front() == '.') {
        throw Error(Code::InvalidArgument, std::string(what) + " '" + value +
                                               "' must be 1-64 letters, digits, '_', '-' or '.'");
    }
}

std::string env_dir(const std::string& root, const std::string& env) {
    check_name(env, "environment");
    return platform::path_utf8(platform::fs_path(root) / env);
}

EvpPkeyPtr new_p256_key() {
    EvpPkeyPtr key(EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", "P-256"));
    if (!key) crypto_fail("EC P-256 key generation failed");
    return key;
}

std::string key_pem(EVP_PKEY* key) {
    BioPtr bio(BIO_new(BIO_s_mem()));
    if (!bio || PEM_write_bio_PrivateKey(bio.get(), key, nullptr, nullptr, 0, nullptr, nullptr) != 1) {
        crypto_fail("cannot encode the private key");
    }
    char* data = nullptr;
    const long n = BIO_get_mem_data(bio.get(), &data);
    std::string pem(data, static_cast<std::size_t>(n));
    wipe_bytes(data, static_cast<std::size_t>(n));  // the BIO's copy of the key
    return pem;
}

std::string cert_pem(X509* cert) {
    BioPtr bio(BIO_new(BIO_s_mem()));
    if (!bio || PEM_write_bio_X509(bio.get(), cert) != 1) crypto_fail("cannot encode the certificate");
    char* data = nullptr;
    const long n = BIO_get_mem_data(bio.get(), &data);
    return {data, static_cast<std::size_t>(n)};
}

std::string crl_pem(X509_CRL* crl) {
    BioPtr bio(BIO_new(BIO_s_mem()));
    if (!bio || PEM_write_bio_X509_CRL(bio.get(), crl) != 1) crypto_fail("cannot encode the CRL");
    char* data = nullptr;
    const long n = BIO_get_mem_data(bio.get(), &data);
    return {data, static_cast<std::size_t>(n)};
}

// 128 random bits, top bit cleared so the DER INTEGER stays positive (RFC 5280 4.1.2.2).
BignumPtr random_serial() {
    unsigned char bytes[16];
    if (RAND_bytes(bytes, sizeof bytes) != 1) crypto_fail("RAND_bytes failed");
    bytes[0] = static_cast<unsigned char>((bytes[0] & 0x7f) | 0x01);
    BignumPtr bn(BN_bin2bn(bytes, sizeof bytes, nullptr));
    if (!bn) crypto_fail("BN_bin2bn failed");
    return bn;
}

std::string serial_hex(const BIGNUM* bn) {
    char* hex = BN_bn2hex(bn);
    if (!hex) crypto_fail("BN_bn2hex failed");
    std::string s(hex);
    OPENSSL_free(hex);
    return s;
}

std::string normalize_serial(std::string s) {
    s.erase(std::remove(s.begin(), s.end(), ':'), s.end());
    if (s.rfind("0x", 0) == 0 || s.rfind("0X", 0) == 0) s = s.substr(2);
    for (auto& c : s) {
        if (!std::isxdigit(static_cast<unsigned char>(c))) throw Error(Code::InvalidArgument, "serial must be hex");
        c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    }
    s.erase(0, std::min(s.find_first_not_of('0'), s.size() ? s.size() - 1 : 0));
    if (s.empty()) throw Error(Code::InvalidArgument, "empty serial");
    return s;
}

void add_ext(X509* cert, X509* issuer, int nid, const std::string& value) {
    X509V3_CTX ctx;
    X509V3_set_ctx_nodb(&ctx);
    X509V3_set_ctx(&ctx, issuer, cert, nullptr, nullptr, 0);
    X509ExtPtr ext(X509V3_EXT_conf_nid(nullptr, &ctx, nid, value.c_str()));
    if (!ext || X509_add_ext(cert, ext.get(), -1) != 1) crypto_fail("cannot add extension " + value);
}

struct Ca {
    X509Ptr cert;
    EvpPkeyPtr key;
};

Ca load_ca(const std::string& dir) {
    const std::string crt = dir + "/ca.crt", key = dir + "/ca.key";
    if (!exists_utf8(crt) || !exists_utf8(key)) {
        throw Error(Code::InvalidArgument, "no CA in " + dir + ": run `verrou pki init-ca` first");
    }
    Ca ca;
    const std::string cpem = read_text(crt);
    BioPtr b1(BIO_new_mem_buf(cpem.data(), static_cast<int>(cpem.size())));
    // Never OpenSSL's default callback: it prompts on the terminal, and `verrou pki` runs in
    // scripts and behind GUIs. Every PEM read here passes common::pem_no_prompt.
    ca.cert.reset(PEM_read_bio_X509(b1.get(), nullptr, common::pem_no_prompt, nullptr));
    if (!ca.cert) crypto_fail("cannot parse " + crt);
    // The CA key is the most sensitive file verrou reads: through the wiping reader, so no
    // stream buffer keeps a copy in freed memory.
    const auto kpem = secret_detail::read_file_wiped(key, 1024 * 1024, true);
    if (!kpem.ok()) {
        throw Error(Code::InvalidArgument, "cannot read " + key + (kpem.reason.empty() ? "" : ": " + kpem.reason));
    }
    BioPtr b2(BIO_new_mem_buf(kpem.data.bytes(), static_cast<int>(kpem.data.size())));
    bool encrypted = false;
    ca.key.reset(PEM_read_bio_PrivateKey(b2.get(), nullptr, common::pem_no_prompt, &encrypted));
    if (!ca.key && encrypted) {
        tls::last_openssl_error();  // clears the queue: only "no passphrase" in it, no news
        throw Error(Code::CertKeyEncrypted,
                    "CA key " + key + " is encrypted; verrou pki needs an unencrypted CA key and never "
                    "prompts for a passphrase (decrypt it with `openssl pkey -in " + key +
                    " -out <file>`, mode 0600, and put that file in its place)");
    }
    if (!ca.key) crypto_fail("cannot parse " + key);
    return ca;
}

json load_index(const std::string& dir) {
    const std::string path = dir + "/index.json";
    if (!exists_utf8(path)) return json{{"issued", json::array()}, {"revoked", json::array()}};
    return json::parse(read_text(path));
}

// ---- index.txt: the same database in `openssl ca` format, for `openssl ocsp -index` --------

/// A date as `openssl ca` writes it in index.txt: UTCTime YYMMDDHHMMSSZ up to 2049, then
/// GeneralizedTime (RFC 5280 4.1.2.5), which OpenSSL 3 also reads there.
std::string index_date(const std::tm& tm) {
    char out[20];
    const char* format = tm.tm_year + 1900 < 2050 ? "%y%m%d%H%M%SZ" : "%Y%m%d%H%M%SZ";
    if (std::strftime(out, sizeof out, format, &tm) == 0) throw Error(Code::Internal, "cannot format a date");
    return out;
}

std::string index_date(std::time_t t) {
    std::tm tm{};
#ifdef _WIN32
    gmtime_s(&tm, &t);
#else
    gmtime_r(&t, &tm);
#endif
    return index_date(tm);
}

/// index.json keeps not_after as ISO 8601 UTC ("2027-12-06T14:00:00Z", tls::iso8601).
std::string index_date(const std::string& iso) {
    // Fixed positions of YYYY-MM-DDTHH:MM:SSZ.
    const auto field = [&](std::size_t at, std::size_t len) {
        int v = -1;
        const char* first = iso.data() + at;
        const auto r = std::from_chars(first, first + len, v);
        return r.ec == std::errc() && r.ptr == first + len ? v : -1;
    };
    std::tm tm{};
    if (iso.size() != 20 || iso[4] != '-' || iso[7] != '-' || iso[10] != 'T' || iso[13] != ':' || iso[16] != ':' ||
        iso[19] != 'Z' || (tm.tm_year = field(0, 4)) < 1950 || (tm.tm_mon = field(5, 2)) < 1 ||
        (tm.tm_mday = field(8, 2)) < 1 || (tm.tm_hour = field(11, 2)) < 0 || (tm.tm_min = field(14, 2)) < 0 ||
        (tm.tm_sec = field(17, 2)) < 0) {
        throw Error(Code::InvalidArgument, "index.json: not_after '" + iso + "' is not an ISO 8601 UTC date");
    }
    tm.tm_year -= 1900;
    tm.tm_mon -= 1;
    return index_date(tm);
}

/// One line per issued certificate: V (valid) or R (revoked, with its date), expiry, serial,
/// "unknown" for the file name, subject. The responder answers "unknown" for any serial not
/// listed, which verrou refuses (CERT_OCSP_INVALID).
std::string index_txt(const json& index) {
    std::string out;
    for (const auto& i : index["issued"]) {
        const std::string serial = normalize_serial(i["serial"].get<std::string>());
        // `openssl ocsp` looks a serial up as BN_bn2hex writes it: whole bytes, so a leading
        // zero stays ("0A1B…"); the stripped form would answer "unknown" for one serial in 8.
        const std::string listed = serial.size() % 2 ? "0" + serial : serial;
        std::string revoked;
        for (const auto& r : index["revoked"]) {
            if (normalize_serial(r["serial"].get<std::string>()) == serial) {
                revoked = index_date(r["revoked_at"].get<std::time_t>());
            }
        }
        out += (revoked.empty() ? "V\t" : "R\t") + index_date(i["not_after"].get<std::string>()) + "\t" + revoked +
               "\t" + listed + "\tunknown\t" + i["subject"].get<std::string>() + "\n";
    }
    return out;
}

/// index.json is verrou's record; index.txt is derived from it on every change, replaced by a
/// rename (a new inode), which a running `openssl ocsp -index` notices before its next answer.
void write_index_txt(const std::string& dir, const json& index) {
    replace_file(dir + "/index.txt", index_txt(index), 0644);
}

void save_index(const std::string& dir, const json& index) {
    replace_file(dir + "/index.json", index.dump(2) + "\n", 0644);
    write_index_txt(dir, index);
}

/// An `http://` URL for the Authority Information Access extension. The extension is written
/// with OpenSSL's configuration syntax, where a comma starts the next value: refused, with
/// spaces and control characters, rather than escaped.
void check_ocsp_url(const std::string& url) {
    const bool printable = std::all_of(url.begin(), url.end(), [](char c) {
        const auto u = static_cast<unsigned char>(c);
        return u > 0x20 && u < 0x7f && c != ',';
    });
    if (url.rfind("http://", 0) != 0 || url.size() <= 7 || url.size() > 2048 || !printable) {
        throw Error(Code::InvalidArgument, "--ocsp-url '" + url +
                                               "' must be an http:// URL (OCSP runs over plain HTTP, its answers are "
                                               "signed) without spaces or commas, at most 2048 characters");
    }
}

/// The extensions every end-entity certificate gets, plus the AIA when a responder is named.
std::vector<std::pair<int, std::string>> leaf_extensions(const std::string& eku, const std::string& ocsp_url) {
    std::vector<std::pair<int, std::string>> ext = {{NID_basic_constraints, "critical,CA:FALSE"},
                                                    {NID_key_usage, "critical,digitalSignature"},
                                                    {NID_ext_key_usage, eku}};
    if (!ocsp_url.empty()) {
        check_ocsp_url(ocsp_url);
        ext.emplace_back(NID_info_access, "OCSP;URI:" + ocsp_url);
    }
    return ext;
}

/// Builds, signs and writes one certificate + key. `issuer` null = self-signed CA.
Issued make_certificate(const std::string& dir, const std::string& cert_path, const std::string& key_path,
                        const std::string& cn, int days, const Ca* issuer,
                        const std::vector<std::pair<int, std::string>>& extensions) {
    if (days < 1 || days > 36500) throw Error(Code::InvalidArgument, "--days must be between 1 and 36500");
    // Refuse before generating anything: no half-issued pair.
    for (const auto& p : {cert_path, key_path}) {
        if (exists_utf8(p)) throw Error(Code::InvalidArgument, p + " already exists: refusing to overwrite it");
    }
    EvpPkeyPtr key = new_p256_key();
    X509Ptr cert(X509_new());
    if (!cert) crypto_fail("X509_new failed");
    X509_set_version(cert.get(), X509_VERSION_3);
    BignumPtr serial = random_serial();
    Asn1IntegerPtr aserial(BN_to_ASN1_INTEGER(serial.get(), nullptr));
    if (!aserial || X509_set_serialNumber(cert.get(), aserial.get()) != 1) crypto_fail("cannot set serial");

    X509_NAME* name = X509_get_subject_name(cert.get());
    if (X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_UTF8, reinterpret_cast<const unsigned char*>(cn.c_str()),
                                   -1, -1, 0) != 1) {
        crypto_fail("cannot set CN");
    }
    X509_set_issuer_name(cert.get(), issuer ? X509_get_subject_name(issuer->cert.get()) : name);
    // Backdated by 5 minutes: a peer whose clock is slightly behind must not see "not yet valid".
    X509_gmtime_adj(X509_getm_notBefore(cert.get()), -300);
    X509_gmtime_adj(X509_getm_notAfter(cert.get()), static_cast<long>(days) * 86400);
    if (X509_set_pubkey(cert.get(), key.get()) != 1) crypto_fail("cannot set public key");

    X509* issuer_cert = issuer ? issuer->cert.get() : cert.get();
    for (const auto& [nid, value] : extensions) add_ext(cert.get(), issuer_cert, nid, value);
    add_ext(cert.get(), issuer_cert, NID_subject_key_identifier, "hash");
    add_ext(cert.get(), issuer_cert, NID_authority_key_identifier, "keyid:always");

    EVP_PKEY* signer = issuer ? issuer->key.get() : key.get();
    if (X509_sign(cert.get(), signer, EVP_sha256()) <= 0) crypto_fail("signing failed");

    // Key first: if writing the certificate then fails, a stray key is harmless; a
    // certificate without its key would be useless.
    {
        std::string kpem = key_pem(key.get());
        const WipeOnExit wipe_kpem(kpem);
        write_new_file(key_path, kpem, 0600);
    }
    write_new_file(cert_path, cert_pem(cert.get()), 0644);

    Issued out;
    out.cert_path = cert_path;
    out.key_path = key_path;
    out.subject = tls::oneline(X509_get_subject_name(cert.get()));
    out.serial_hex = serial_hex(serial.get());
    out.not_after = tls::iso8601(X509_get0_notAfter(cert.get()));
    if (issuer) {
        json index = load_index(dir);
        index["issued"].push_back(json{{"serial", out.serial_hex}, {"subject", out.subject},
                                       {"not_after", out.not_after}, {"cert", cert_path}});
        save_index(dir, index);
    }
    return out;
}

}  // namespace

Issued init_ca(const std::string& root, const std::string& env, int days) {
    const std::string dir = env_dir(root, env);
    if (exists_utf8(dir + "/ca.crt") || exists_utf8(dir + "/ca.key")) {
        throw Error(Code::InvalidArgument, "a CA already exists in " + dir + ": refusing to overwrite it");
    }
    make_dirs(dir, 0700);  // holds the CA key: owner only
    make_dirs(dir + "/issued", 0700);
    Issued ca = make_certificate(dir, dir + "/ca.crt", dir + "/ca.key", "verrou " + env + " CA", days, nullptr,
                                 {{NID_basic_constraints, "critical,CA:TRUE,pathlen:0"},
                                  {NID_key_usage, "critical,keyCertSign,cRLSign"}});
    save_index(dir, load_index(dir));
    generate_crl(root, env);
    return ca;
}

Issued issue_server(const std::string& root, const std::string& env, const std::vector<std::string>& hosts,
                    const std::vector<std::string>& ips, int days, const std::string& ocsp_url) {
    const std::string dir = env_dir(root, env);
    if (hosts.empty() && ips.empty()) throw Error(Code::InvalidArgument, "issue-server needs --host or --ip");
    auto extensions = leaf_extensions("serverAuth", ocsp_url);
    std::string san;
    for (const auto& h : hosts) {
        check_name(h, "host");
        san += (san.empty() ? "" : ",") + std::string("DNS:") + h;
    }
    for (const auto& ip : ips) {
        unsigned char buf[16];
        if (::inet_pton(AF_INET, ip.c_str(), buf) != 1 && ::inet_pton(AF_INET6, ip.c_str(), buf) != 1) throw Error(Code::InvalidArgument, "'" + ip + "' is not an IP address");
        san += (san.empty() ? "" : ",") + std::string("IP:") + ip;
    }
    const Ca ca = load_ca(dir);
    const std::string cn = hosts.empty() ? ips.front() : hosts.front();
    const std::string base = dir + "/issued/" + cn;
    extensions.emplace_back(NID_subject_alt_name, san);
    return make_certificate(dir, base + ".crt", base + ".key", cn, days, &ca, extensions);
}

Issued issue_client(const std::string& root, const std::string& env, const std::string& user, int days,
                    const std::string& ocsp_url) {
    const std::string dir = env_dir(root, env);
    check_name(user, "user");
    const auto extensions = leaf_extensions("clientAuth", ocsp_url);
    const Ca ca = load_ca(dir);
    const std::string cn = user + "-" + env;  // verrou's environment guard expects <user>-<env>
    const std::string base = dir + "/issued/" + cn;
    return make_certificate(dir, base + ".crt", base + ".key", cn, days, &ca, extensions);
}

Issued issue_ocsp_responder(const std::string& root, const std::string& env, int days) {
    const std::string dir = env_dir(root, env);
    const Ca ca = load_ca(dir);
    const std::string base = dir + "/issued/ocsp-responder";
    // OCSPSigning makes it a delegated responder (RFC 6960 4.2.2.2): clients accept its answers
    // for this CA only. ocsp-nocheck: nobody asks about the responder's own status (that would
    // need a second responder), hence the short default validity instead.
    return make_certificate(dir, base + ".crt", base + ".key", "verrou " + env + " OCSP responder", days, &ca,
                            {{NID_basic_constraints, "critical,CA:FALSE"},
                             {NID_key_usage, "critical,digitalSignature"},
                             {NID_ext_key_usage, "OCSPSigning"},
                             {NID_id_pkix_OCSP_noCheck, "ignored"}});
}

std::string generate_crl(const std::string& root, const std::string& env, int crl_days) {
    const std::string dir = env_dir(root, env);
    const Ca ca = load_ca(dir);
    const json index = load_index(dir);
    X509CrlPtr crl(X509_CRL_new());
    if (!crl) crypto_fail("X509_CRL_new failed");
    X509_CRL_set_version(crl.get(), X509_CRL_VERSION_2);
    X509_CRL_set_issuer_name(crl.get(), X509_get_subject_name(ca.cert.get()));
    Asn1TimePtr now(X509_gmtime_adj(nullptr, 0));
    Asn1TimePtr next(X509_gmtime_adj(nullptr, static_cast<long>(crl_days) * 86400));
    if (!now || !next) crypto_fail("cannot compute CRL dates");
    X509_CRL_set1_lastUpdate(crl.get(), now.get());
    X509_CRL_set1_nextUpdate(crl.get(), next.get());
    for (const auto& r : index["revoked"]) {
        BIGNUM* raw = nullptr;
        if (BN_hex2bn(&raw, r["serial"].get<std::string>().c_str()) == 0) crypto_fail("bad serial in index.json");
        BignumPtr bn(raw);
        Asn1IntegerPtr serial(BN_to_ASN1_INTEGER(bn.get(), nullptr));
        Asn1TimePtr when(ASN1_TIME_new());
        if (!serial || !when || ASN1_TIME_set(when.get(), r["revoked_at"].get<std::time_t>()) == nullptr) {
            crypto_fail("cannot build a revoked entry");
        }
        X509RevokedPtr rev(X509_REVOKED_new());
        if (!rev || X509_REVOKED_set_serialNumber(rev.get(), serial.get()) != 1 ||
            X509_REVOKED_set_revocationDate(rev.get(), when.get()) != 1) {
            crypto_fail("cannot build a revoked entry");
        }
        if (X509_CRL_add0_revoked(crl.get(), rev.get()) != 1) crypto_fail("cannot add a revoked entry");
        rev.release();  // now owned by the CRL
    }
    X509_CRL_sort(crl.get());
    X509V3_CTX ctx;
    X509V3_set_ctx_nodb(&ctx);
    X509V3_set_ctx(&ctx, ca.cert.get(), nullptr, nullptr, crl.get(), 0);
    X509ExtPtr aki(X509V3_EXT_conf_nid(nullptr, &ctx, NID_authority_key_identifier, "keyid:always"));
    if (!aki || X509_CRL_add_ext(crl.get(), aki.get(), -1) != 1) crypto_fail("cannot add CRL AKI");
    if (X509_CRL_sign(crl.get(), ca.key.get(), EVP_sha256()) <= 0) crypto_fail("CRL signing failed");
    const std::string path = dir + "/crl.pem";
    replace_file(path, crl_pem(crl.get()), 0644);
    write_index_txt(dir, index);  // a CA made before index.txt existed gets it here too
    return path;
}

std::string revoke_serial(const std::string& root, const std::string& env, const std::string& serial) {
    const std::string dir = env_dir(root, env);
    const std::string wanted = normalize_serial(serial);
    json index = load_index(dir);
    bool issued = false;
    for (const auto& i : index["issued"]) issued = issued || normalize_serial(i["serial"].get<std::string>()) == wanted;
    if (!issued) throw Error(Code::InvalidArgument, "serial " + wanted + " was not issued by the " + env + " CA");
    for (const auto& r : index["revoked"]) {
        if (normalize_serial(r["serial"].get<std::string>()) == wanted) return generate_crl(root, env);  // idempotent
    }
    index["revoked"].push_back(json{{"serial", wanted}, {"revoked_at", std::time(nullptr)}});
    save_index(dir, index);
    return generate_crl(root, env);
}

std::string revoke_certificate(const std::string& root, const std::string& env, const std::string& cert_path) {
    const std::string pem = read_text(cert_path);
    BioPtr bio(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())));
    X509Ptr cert(PEM_read_bio_X509(bio.get(), nullptr, common::pem_no_prompt, nullptr));
    if (!cert) crypto_fail("cannot parse " + cert_path);
    BignumPtr bn(ASN1_INTEGER_to_BN(X509_get0_serialNumber(cert.get()), nullptr));
    if (!bn) crypto_fail("cannot read the serial of " + cert_path);
    return revoke_serial(root, env, serial_hex(bn.get()));
}

}  // namespace verrou::pki
