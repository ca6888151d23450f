// The defects the fuzz targets found (tests/fuzz, docs/testing.md "Fuzzing"), replayed in every
// build from the very inputs kept in the seed corpora, plus the pieces split out for fuzzing.
#include <doctest/doctest.h>

#include <fstream>
#include <iterator>
#include <string>

#include "backup/sidecar.hpp"
#include "platform/utf8.hpp"
#include "profile/tree.hpp"
#include "test_profile_support.hpp"
#include "verrou/backup.hpp"
#include "verrou/error.hpp"
#include "verrou/profile.hpp"

using namespace verrou;
using profile_test::contains;
using profile_test::error_of;

namespace {

std::string corpus(const std::string& target, const std::string& name) {
    std::ifstream in(std::string(VERROU_SOURCE_DIR) + "/tests/fuzz/corpus/" + target + "/" + name, std::ios::binary);
    REQUIRE(in.good());
    return std::string(std::istreambuf_iterator<char>(in), {});
}

constexpr std::string_view kReplacement = "\xEF\xBF\xBD";  // U+FFFD

}  // namespace

TEST_CASE("fuzz regressions: an INI section or key echoed with invalid UTF-8 gives a valid UTF-8 message") {
    const Error s = error_of([] {
        profile_detail::parse_ini("/p/profiles.ini", corpus("profile_ini", "regression-invalid-utf8-section.ini"));
    });
    CHECK(s.code() == Code::ConfigSyntax);
    CHECK(platform::is_valid_utf8(s.message()));
    CHECK(contains(s.message(), "/p/profiles.ini:3: unknown section ["));
    CHECK(contains(s.message(), std::string(kReplacement) + std::string(kReplacement) + " caf" + std::string(kReplacement)));

    const Error k = error_of([] {
        profile_detail::parse_ini("/p/profiles.ini", corpus("profile_ini", "regression-invalid-utf8-key.ini"));
    });
    CHECK(platform::is_valid_utf8(k.message()));
}

TEST_CASE("fuzz regressions: a backup duration with invalid UTF-8 gives a valid UTF-8 message") {
    const std::string input = corpus("backup_sidecar", "regression-duration-invalid-utf8").substr(1);  // byte 0 selects
    const Error e = error_of([&] { parse_duration(input); });
    CHECK(e.code() == Code::InvalidArgument);
    CHECK(platform::is_valid_utf8(e.message()));
    CHECK(contains(e.message(), "invalid duration '30" + std::string(kReplacement) + std::string(kReplacement) + "h'"));
}

TEST_CASE("fuzz regressions: every Error and Warning message is valid UTF-8, valid text unchanged") {
    CHECK(Error(Code::Internal, "caf\xC3\xA9").message() == "caf\xC3\xA9");
    CHECK(Error(Code::Internal, "a\xFF" "b\xC3").message() == "a" + std::string(kReplacement) + "b" + std::string(kReplacement));
    const Warning w = make_warning(WarningCode::CertExpiring, "cert \xE9t\xE9.pem");
    CHECK(platform::is_valid_utf8(w.message));
}

TEST_CASE("fuzz regressions: JSON profiles nlohmann-json accepts and verrou refused") {
    // A line comment ends at a lone CR too (old Mac line ends), as in nlohmann-json.
    const auto cr = profile_detail::parse_json("/p/p.json", corpus("profile_json", "regression-cr-line-comment.json"));
    REQUIRE(cr.defaults.values.count("port") == 1);
    CHECK(cr.defaults.values.at("port").integer == 3306);

    // Just above the 17 digits of DBL_MAX but still rounding to it: a double holds it.
    const auto big = profile_detail::parse_json("/p/p.json", corpus("profile_json", "regression-dblmax-boundary.json"));
    CHECK(big.defaults.values.at("port").kind == profile_detail::ValueKind::Float);
    CHECK_NOTHROW(profile_detail::parse_json("/p/p.json", R"({"a": 1.7976931348623158e308})"));
    for (const char* over : {R"({"a": 1.7976931348623159e308})", R"({"a": -1.8e308})", R"({"a": 1e309})",
                             R"({"a": 0.00018e312})"}) {
        const Error e = error_of([&] { profile_detail::parse_json("/p/p.json", over); });
        CHECK(e.code() == Code::ConfigSyntax);
        CHECK(contains(e.message(), "number out of range"));
    }
}

TEST_CASE("fuzz regressions: a NUL byte anywhere in a JSON profile is refused, as in INI") {
    // nlohmann-json takes it for the end of the input and ignores the rest: the input the fuzzer
    // found hid most of the file behind a NUL inside a comment.
    const Error e = error_of([] {
        profile_detail::parse_json("/p/p.json", corpus("profile_json", "regression-nul-in-comment.json"));
    });
    CHECK(e.code() == Code::ConfigSyntax);
    CHECK(contains(e.message(), "line 1, column 36: NUL byte in the file"));
}

TEST_CASE("platform: decode_utf8 is the one decoder (lengths, code points, refusals)") {
    char32_t cp = 0;
    CHECK(platform::decode_utf8("", cp) == 0);
    CHECK(platform::decode_utf8("A", cp) == 1);
    CHECK(cp == U'A');
    CHECK(platform::decode_utf8("\xC3\xA9x", cp) == 2);
    CHECK(cp == 0xE9);
    CHECK(platform::decode_utf8("\xF0\x9F\x94\x92", cp) == 4);
    CHECK(cp == 0x1F512);
    for (std::string_view bad : {"\x80", "\xC0\xAF", "\xED\xA0\x80", "\xF4\x90\x80\x80", "\xE2\x82", "\xFF"}) {
        CHECK(platform::decode_utf8(bad, cp) == 0);
    }
    std::string out;
    platform::append_utf8(out, 0x20AC);
    CHECK(out == "\xE2\x82\xAC");
}

TEST_CASE("backup: the sidecar's text (sha256sum format) is parsed without the file") {
    const std::string h(64, 'a');
    const std::string name = "mariadb_1.sql.gz.gpg";
    CHECK(backup_detail::sidecar_hash(h + "\n", name) == h);  // a lone hash
    CHECK(backup_detail::sidecar_hash(std::string(64, 'B') + " */srv/b/" + name + "\r\n", name) == std::string(64, 'b'));
    CHECK(backup_detail::sidecar_hash("junk\n" + std::string(64, 'c') + "  other.gz\n" + h + "  " + name, name) == h);
    CHECK_FALSE(backup_detail::sidecar_hash(std::string(63, 'a') + "g  " + name, name));
    CHECK_FALSE(backup_detail::sidecar_hash(h + " " + name, name));  // one blank: not sha256sum's format
    CHECK_FALSE(backup_detail::sidecar_hash("", name));
}
