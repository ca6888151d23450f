// verrou/error.hpp — the one error type of the core, and the stable table of error codes.
//
// Every failure in verrou is a verrou::Error carrying (layer, code, message). The numeric
// codes are part of the product's contract: the C ABI returns them unchanged, WLanguage
// code compares against them, support teams grep for them. They are grouped by layer in
// blocks of 100 so a code alone says where things broke. Never renumber; only append.
// The list itself lives in verrou/error_codes.def (one line per code); docs/errors.md
// documents the same table (tests check the two stay in step).
#pragma once

#include <cstdint>
#include <stdexcept>
#include <string>
#include <string_view>

namespace verrou {

/// The layer that failed, in the order a connection walks through them (then the layers added
/// since). Generated from verrou/error_codes.def: Usage, Config, Secret, Certificate, Network,
/// Tls, Auth, Server, Password, Internal, Encryption.
enum class Layer : int {
#define VERROU_LAYER(cpp_name, c_name, number, english, french) cpp_name = number,
#include "verrou/error_codes.def"
};

/// Stable error codes, from verrou/error_codes.def (the one list). Values are negative so the C
/// ABI can return them as-is; include/verrou.h declares the same values as VERROU_E_*.
enum class Code : std::int32_t {
    Ok = 0,
#define VERROU_ERROR(cpp_name, c_name, value) cpp_name = value,
#include "verrou/error_codes.def"
};

/// The layer a code belongs to (derived from its block of 100).
Layer layer_of(Code code) noexcept;
/// "CONFIG", "TLS", ... — upper-case layer names used in messages and JSON.
std::string_view layer_name(Layer layer) noexcept;
/// The code's symbolic name, e.g. "CERT_EXPIRED"; "UNKNOWN" for values outside the table.
std::string_view code_name(Code code) noexcept;

/// The single exception type of the core. Messages never contain secret material, and are
/// always valid UTF-8: a message quoting input (a profile's section name, a duration typed on
/// the command line, a file name) may carry bytes that are not, so every byte that does not
/// start a well-formed sequence becomes U+FFFD here, once, for every message of the library.
class Error : public std::runtime_error {
public:
    Error(Code code, std::string message);

    Code code() const noexcept { return code_; }
    Layer layer() const noexcept { return layer_of(code_); }
    std::string_view message() const noexcept { return what(); }

private:
    Code code_;
};

}  // namespace verrou
