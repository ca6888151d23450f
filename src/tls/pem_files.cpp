// PEM files: read through the wiping file reader, parsed with OpenSSL, never a prompt.
#include "tls/checks.hpp"

#include <openssl/pem.h>

#include "common/pem_no_prompt.hpp"
#include "secret/file_read.hpp"

namespace verrou::validator_detail {

namespace {

// PEM files are read with the same reader as secret files (secret/file_read.hpp): a private
// key never passes through an std::ifstream buffer, a stack chunk or a growing std::string
// that would be freed without being wiped.
SecretBuffer read_pem_secret(const std::string& path) {
    using secret_detail::FileReadStatus;
    if (path.empty()) throw Error(Code::CertFileMissing, "not set in the profile");
    secret_detail::FileReadResult r = secret_detail::read_file_wiped(path, kMaxPemBytes, /*regular_only=*/false);
    switch (r.status) {
        case FileReadStatus::Ok: break;
        case FileReadStatus::NotFound: throw Error(Code::CertFileMissing, "file " + path + " does not exist");
        case FileReadStatus::StatFailed: throw Error(Code::CertUnreadable, "cannot access " + path + ": " + r.reason);
        case FileReadStatus::IsDirectory: throw Error(Code::CertUnreadable, path + " is a directory, not a file");
        case FileReadStatus::NotRegular:  // not asked for (regular_only is false)
        case FileReadStatus::OpenFailed: throw Error(Code::CertUnreadable, "cannot read " + path + ": " + r.reason);
        case FileReadStatus::TooLarge: throw Error(Code::CertUnreadable, path + " is larger than 1 MiB; not a PEM file");
        case FileReadStatus::ReadFailed:
            throw Error(Code::CertUnreadable, "error while reading " + path + ": " + r.reason);
    }
    if (r.data.empty()) throw Error(Code::CertParse, path + " is empty");
    return std::move(r.data);
}

}  // namespace

std::string read_pem_file(const std::string& path) { return std::string(read_pem_secret(path).view()); }

SecretBuffer read_key_file(const std::string& path) { return read_pem_secret(path); }

BioPtr memory_bio(std::string_view data) {
    BioPtr bio(BIO_new_mem_buf(data.data(), static_cast<int>(data.size())));
    if (!bio) throw Error(Code::OutOfMemory, "BIO_new_mem_buf failed");
    return bio;
}

std::vector<X509Ptr> parse_certificates(std::string_view pem, const std::string& path) {
    BioPtr bio = memory_bio(pem);
    std::vector<X509Ptr> certs;
    while (X509* cert = PEM_read_bio_X509(bio.get(), nullptr, common::pem_no_prompt, nullptr)) {
        certs.emplace_back(cert);
    }
    const std::string reason = tls::last_openssl_error();  // also clears the end-of-file error
    if (certs.empty()) {
        std::string message = path + " holds no PEM certificate";
        if (pem.find("PRIVATE KEY-----") != std::string_view::npos) {
            message += ": it looks like a private key (are ssl_cert and ssl_key swapped?)";
        } else if (!reason.empty()) {
            message += " (" + reason + ")";
        }
        throw Error(Code::CertParse, message);
    }
    return certs;
}

}  // namespace verrou::validator_detail
