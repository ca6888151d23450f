// Internal: the C ABI's params_json (verrou_execute / verrou_query) read into bound parameters.
//
// The text comes from the caller (WinDev code building it from user input): it is untrusted,
// so it lives in the core beside the connection (capi translates, never decides) and is
// fuzzed (tests/fuzz/fuzz_params_json.cpp).
#pragma once

#include <string_view>
#include <vector>

#include "verrou/connection.hpp"

namespace verrou::db {

/// "", or a JSON array of null / numbers / booleans / strings → parameters, in order. Throws
/// INVALID_ARGUMENT (not JSON, not an array, a nested array or object, a value of another
/// kind) or QUERY_PARAMETER (an integer literal outside int64, never rounded to a double).
std::vector<Param> parse_params_json(std::string_view text);

}  // namespace verrou::db
