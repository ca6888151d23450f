#include <doctest/doctest.h>

#include <fstream>
#include <regex>
#include <set>
#include <sstream>

#include "verrou/error.hpp"

using namespace verrou;

TEST_CASE("error codes map to their layer by block of 100") {
    CHECK(layer_of(Code::InvalidHandle) == Layer::Usage);
    CHECK(layer_of(Code::ConfigSyntax) == Layer::Config);
    CHECK(layer_of(Code::SecretEnvMissing) == Layer::Secret);
    CHECK(layer_of(Code::CertExpired) == Layer::Certificate);
    CHECK(layer_of(Code::NetworkRefused) == Layer::Network);
    CHECK(layer_of(Code::TlsNameMismatch) == Layer::Tls);
    CHECK(layer_of(Code::AuthDenied) == Layer::Auth);
    CHECK(layer_of(Code::QueryError) == Layer::Server);
    CHECK(layer_of(Code::HashMalformed) == Layer::Password);
    CHECK(layer_of(Code::Internal) == Layer::Internal);
    CHECK(layer_of(Code::EncryptionAuthFailed) == Layer::Encryption);
    CHECK(layer_name(Layer::Encryption) == "ENCRYPTION");
    CHECK(layer_of(static_cast<Code>(-1100)) == Layer::Internal);  // outside every block
    Error e(Code::CertRevoked, "revoked");
    CHECK(e.layer() == Layer::Certificate);
    CHECK(layer_name(e.layer()) == "CERTIFICATE");
    CHECK(code_name(e.code()) == "CERT_REVOKED");
}

TEST_CASE("the ENCRYPTION layer owns -1000 .. -1099 and codes outside every block are INTERNAL") {
    CHECK(layer_of(static_cast<Code>(-1000)) == Layer::Encryption);
    CHECK(layer_of(static_cast<Code>(-1099)) == Layer::Encryption);
    CHECK(layer_name(Layer::Encryption) == "ENCRYPTION");
    CHECK(static_cast<int>(Layer::Encryption) == 10);
    CHECK(layer_of(static_cast<Code>(-1100)) == Layer::Internal);
    CHECK(code_name(static_cast<Code>(-1100)) == "UNKNOWN");
}

TEST_CASE("docs/errors.md lists exactly the codes of error_codes.def") {
    // The list is the source of truth; the doc must carry every (value, name) pair.
    std::set<std::string> from_list, from_doc;
#define VERROU_ERROR(cpp_name, c_name, value)                                              \
    CHECK(code_name(Code::cpp_name) == #c_name);                                           \
    CHECK(static_cast<int>(Code::cpp_name) == (value));                                    \
    from_list.insert(std::to_string(value) + " " + #c_name);
#include "verrou/error_codes.def"
    std::ifstream doc(VERROU_SOURCE_DIR "/docs/errors.md");
    REQUIRE(doc.good());
    std::stringstream ds;
    ds << doc.rdbuf();
    const std::string d = ds.str();
    std::regex row(R"(\|\s*(-\d+)\s*\|\s*`(\w+)`)");
    for (std::sregex_iterator it(d.begin(), d.end(), row), end; it != end; ++it) {
        from_doc.insert((*it)[1].str() + " " + (*it)[2].str());
    }
    CHECK(from_list.size() > 50);
    CHECK(from_list == from_doc);
}
