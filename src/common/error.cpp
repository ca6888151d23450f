// Names and layers of the error codes, all produced from verrou/error_codes.def.
#include "verrou/error.hpp"

#include "platform/utf8.hpp"

namespace verrou {
namespace {

// The layer whose block of 100 holds `value` (a positive magnitude), if any.
constexpr bool block_has_layer(int value) noexcept {
    switch (value / 100) {
#define VERROU_LAYER(cpp_name, c_name, number, english, french) case number: return true;
#include "verrou/error_codes.def"
    }
    return false;
}

// Every code is negative and sits in the block of a declared layer (USAGE: -1 .. -99).
// A duplicated value fails the build too: code_name() below would have two equal cases.
#define VERROU_ERROR(cpp_name, c_name, value) \
    static_assert((value) < 0 && block_has_layer(-(value)), #c_name ": not in the block of a declared layer");
#include "verrou/error_codes.def"

}  // namespace

Error::Error(Code code, std::string message)
    : std::runtime_error(platform::is_valid_utf8(message) ? message : platform::to_valid_utf8(message)), code_(code) {}

Layer layer_of(Code code) noexcept {
    const int value = -static_cast<int>(code);
    if (value <= 0) return Layer::Usage;
    switch (value / 100) {
#define VERROU_LAYER(cpp_name, c_name, number, english, french) case number: return Layer::cpp_name;
#include "verrou/error_codes.def"
    }
    return Layer::Internal;  // outside every block: not a code verrou produces
}

std::string_view layer_name(Layer layer) noexcept {
    switch (layer) {
#define VERROU_LAYER(cpp_name, c_name, number, english, french) case Layer::cpp_name: return #c_name;
#include "verrou/error_codes.def"
    }
    return "INTERNAL";
}

std::string_view code_name(Code code) noexcept {
    switch (code) {
        case Code::Ok: return "OK";
#define VERROU_ERROR(cpp_name, c_name, value) case Code::cpp_name: return #c_name;
#include "verrou/error_codes.def"
    }
    return "UNKNOWN";
}

}  // namespace verrou
