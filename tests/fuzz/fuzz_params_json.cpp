// Fuzz target: the C ABI's params_json (src/db/params_json.cpp), text from the calling
// application. Properties: only INVALID_ARGUMENT / QUERY_PARAMETER, messages valid UTF-8; the
// verdict agrees with nlohmann-json (the library it uses) on well-formed input: an accepted text
// is a JSON array with one parameter per element, each of the element's kind.
#include <cstddef>
#include <cstdint>
#include <string>
#include <variant>

#include <nlohmann/json.hpp>

#include "db/params_json.hpp"
#include "fuzz_check.hpp"

using namespace verrou;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view text(reinterpret_cast<const char*>(data), size);
    try {
        const std::vector<Param> params = db::parse_params_json(text);
        if (text.empty()) {
            fuzz::check(params.empty(), "empty params_json gives parameters");
            return 0;
        }
        const auto j = nlohmann::json::parse(text, nullptr, false);
        fuzz::check(!j.is_discarded() && j.is_array() && j.size() == params.size(),
                    "params_json accepted but not a JSON array of as many elements", text);
        for (std::size_t i = 0; i < params.size(); ++i) {
            const auto& v = j[i];
            const Param& p = params[i];
            const bool same = (v.is_null() && std::holds_alternative<std::nullptr_t>(p)) ||
                              (v.is_boolean() && std::holds_alternative<bool>(p) && std::get<bool>(p) == v.get<bool>()) ||
                              (v.is_number_integer() && std::holds_alternative<std::int64_t>(p)) ||
                              (v.is_number_float() && std::holds_alternative<double>(p)) ||
                              (v.is_string() && std::holds_alternative<std::string>(p) &&
                               std::get<std::string>(p) == v.get<std::string>());
            fuzz::check(same, "a parameter is not what the JSON element says", text);
        }
    } catch (const Error& e) {
        fuzz::check_error(e, {Code::InvalidArgument, Code::QueryParameter});
    }
    return 0;
}
