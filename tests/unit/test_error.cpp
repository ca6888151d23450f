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
    Error e(Code::CertRevoked, "revoked");
    CHECK(e.layer() == Layer::Certificate);
    CHECK(layer_name(e.layer()) == "CERTIFICATE");
    CHECK(code_name(e.code()) == "CERT_REVOKED");
}

TEST_CASE("docs/errors.md lists exactly the codes of error.hpp") {
    // The header is the source of truth; the doc must carry every (value, name) pair.
    std::ifstream header(VERROU_SOURCE_DIR "/include/verrou/error.hpp");
    std::ifstream doc(VERROU_SOURCE_DIR "/docs/errors.md");
    REQUIRE(header.good());
    REQUIRE(doc.good());
    std::stringstream hs, ds;
    hs << header.rdbuf();
    ds << doc.rdbuf();
    const std::string h = hs.str(), d = ds.str();
    std::regex entry(R"((\w+) = (-\d+),)");
    std::set<std::string> from_header, from_doc;
    for (std::sregex_iterator it(h.begin(), h.end(), entry), end; it != end; ++it) {
        const int value = std::stoi((*it)[2]);
        const auto name = std::string(code_name(static_cast<Code>(value)));
        CHECK_MESSAGE(name != "UNKNOWN", "code without a name: ", (*it)[1].str());
        from_header.insert(std::to_string(value) + " " + name);
    }
    std::regex row(R"(\|\s*(-\d+)\s*\|\s*`(\w+)`)");
    for (std::sregex_iterator it(d.begin(), d.end(), row), end; it != end; ++it) {
        from_doc.insert((*it)[1].str() + " " + (*it)[2].str());
    }
    CHECK(from_header.size() > 50);
    CHECK(from_header == from_doc);
}
