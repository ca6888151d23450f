// Fuzz target: the INI profile parser and the schema checks after it (src/profile).
// Properties: only CONFIG_* errors, messages valid UTF-8, no secret value in any message.
#include <cstddef>
#include <cstdint>
#include <string>

#include "fuzz_check.hpp"
#include "profile/schema.hpp"
#include "profile/tree.hpp"
#include "profile_secrets.hpp"

using namespace verrou;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view raw(reinterpret_cast<const char*>(data), size);
    bool planted = false;
    const std::string text = fuzz::plant_canary_ini(raw, planted);
    const bool judge_secret = planted && raw.find(fuzz::kCanary) == std::string_view::npos;
    try {
        const profile_detail::Tree tree = profile_detail::parse_ini("/fuzz/profiles.ini", text);
        profile_detail::validate_tree(tree);
    } catch (const Error& e) {
        fuzz::check_error(e, {Code::ConfigSyntax, Code::ConfigDuplicate, Code::ConfigUnknownKey, Code::ConfigWrongType,
                              Code::ConfigInvalidValue, Code::ConfigMissingKey, Code::ConfigUnknownEnvironment, Code::ConfigUnsafe});
        if (judge_secret) fuzz::check_not_echoed(e.message(), fuzz::kCanary, "a secret value is echoed in a message");
    }
    return 0;
}
