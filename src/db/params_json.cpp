// db/params_json.cpp — see params_json.hpp.
#include "db/params_json.hpp"

#include <climits>
#include <cstdint>
#include <string>

#include <nlohmann/json.hpp>

#include "verrou/error.hpp"

namespace verrou::db {

namespace {

using json = nlohmann::ordered_json;

// nlohmann stores an integer literal that fits neither int64 nor uint64 as a double
// (-9223372036854775809 becomes -9.223372036854776e18) and keeps no trace of its text; its SAX
// interface still sees the literal, so one pass over the (flat) array marks, per element, the
// numbers written without fraction or exponent that came out as doubles.
class IntegerLiteralsOutOfRange final : public nlohmann::json_sax<json> {
public:
    std::vector<bool> flags;  // one per top-level element

    bool null() override { return element(false); }
    bool boolean(bool) override { return element(false); }
    bool number_integer(number_integer_t) override { return element(false); }
    bool number_unsigned(number_unsigned_t) override { return element(false); }
    bool number_float(number_float_t, const string_t& literal) override {
        return element(literal.find_first_of(".eE") == string_t::npos);
    }
    bool string(string_t&) override { return element(false); }
    bool binary(binary_t&) override { return element(false); }
    bool start_object(std::size_t) override { return open(); }
    bool key(string_t&) override { return true; }
    bool end_object() override { return close(); }
    bool start_array(std::size_t) override { return open(); }
    bool end_array() override { return close(); }
    bool parse_error(std::size_t, const std::string&, const nlohmann::detail::exception&) override {
        return false;  // reported by the DOM parse
    }

private:
    int depth_ = 0;
    bool element(bool flag) {
        if (depth_ == 1) flags.push_back(flag);
        return true;
    }
    bool open() {
        if (depth_ == 1) flags.push_back(false);
        ++depth_;
        return true;
    }
    bool close() {
        --depth_;
        return true;
    }
};

[[noreturn]] void integer_out_of_range(std::size_t i) {
    throw Error(Code::QueryParameter, "parameter " + std::to_string(i + 1) +
                                          " is an integer outside the signed 64-bit range [-9223372036854775808, "
                                          "9223372036854775807]; write it as a string or with a fraction or exponent "
                                          "to send it as a decimal/double");
}

// Parameters arrive as a JSON array of scalars. Nesting is refused before parsing so a
// hostile "[[[[..." cannot exhaust anything.
}  // namespace

std::vector<Param> parse_params_json(std::string_view text) {
    std::vector<Param> params;
    if (text.empty()) return params;
    int depth = 0;
    bool in_string = false, escaped = false;
    for (char c : text) {
        if (in_string) {
            if (escaped) escaped = false;
            else if (c == '\\') escaped = true;
            else if (c == '"') in_string = false;
        } else if (c == '"') {
            in_string = true;
        } else if (c == '[' || c == '{') {
            if (++depth > 1) throw Error(Code::InvalidArgument, "params_json: nested arrays or objects are not parameters");
        } else if (c == ']' || c == '}') {
            --depth;
        }
    }
    json j = json::parse(text, nullptr, /*allow_exceptions=*/false);
    if (j.is_discarded()) throw Error(Code::InvalidArgument, "params_json is not valid JSON (expected an array such as [1, \"x\", null])");
    if (!j.is_array()) throw Error(Code::InvalidArgument, "params_json must be a JSON array such as [1, \"x\", null]");
    // Integer literals beyond int64 are refused whatever their sign, never bound as a rounded
    // double; numbers with a fraction or an exponent stay doubles.
    IntegerLiteralsOutOfRange literals;
    if (!json::sax_parse(text, &literals) || literals.flags.size() != j.size()) {
        throw Error(Code::Internal, "params_json: the two JSON passes disagree");  // cannot happen
    }
    params.reserve(j.size());
    for (std::size_t i = 0; i < j.size(); ++i) {
        const json& v = j[i];
        if (v.is_null()) params.emplace_back(nullptr);
        else if (v.is_boolean()) params.emplace_back(v.get<bool>());
        else if (v.is_number_integer() && !v.is_number_unsigned()) params.emplace_back(v.get<std::int64_t>());
        else if (v.is_number_unsigned()) {
            const auto u = v.get<std::uint64_t>();
            if (u > static_cast<std::uint64_t>(INT64_MAX)) integer_out_of_range(i);
            params.emplace_back(static_cast<std::int64_t>(u));
        } else if (v.is_number_float()) {
            if (literals.flags[i]) integer_out_of_range(i);
            params.emplace_back(v.get<double>());
        } else if (v.is_string()) params.emplace_back(v.get<std::string>());
        else throw Error(Code::InvalidArgument, "parameter " + std::to_string(i + 1) + " is not null, a number, a boolean or a string");
    }
    return params;
}

}  // namespace verrou::db
