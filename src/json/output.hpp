// json/output.hpp — every JSON document verrou emits, encoded in one place (internal).
//
// One encoder per type, on nlohmann::ordered_json values (fields in the order written here):
// the CLI, the C ABI and the doctor compose these values and render them once, so no caller
// parses a rendering again and a type has one shape wherever it appears (a CertificateInfo in
// the doctor, the certificate report and the connection info is the same object). The shapes
// the C ABI emits are documented as @json blocks in include/verrou.h and checked against what
// is emitted by tests/python/test_capi_json_shapes.py.
//
// The public `*_to_json` / `*_json` functions of include/verrou/ are defined in output.cpp as
// render(encode(...)): strings for C++ callers that print them, never for verrou to re-read.
// verrou_query's rows are the one document streamed rather than built as a Json value (see
// render(const ResultSet&)).
#pragma once

#include <nlohmann/json.hpp>

#include <string>
#include <string_view>

#include "verrou/backup.hpp"
#include "verrou/certificate.hpp"
#include "verrou/connection.hpp"
#include "verrou/doctor.hpp"
#include "verrou/encryption.hpp"
#include "verrou/login.hpp"
#include "verrou/native_options.hpp"
#include "verrou/pool.hpp"
#include "verrou/profile.hpp"

namespace verrou::json_output {

using Json = nlohmann::ordered_json;

Json encode(const CertificateInfo& certificate);
Json encode(const ValidationReport& report);
Json encode(const DoctorReport& report);
Json encode(const Profile& profile);  // secrets as references only ("file:...", "inline:***")
Json encode(const NativeOptions& options);
Json encode(const BackupCheckOptions& options, const BackupCheckResult& result);
Json encode(const LoginResult& result);
Json encode(std::string_view kind, std::string_view name, const LoginGuardState& state);
Json encode(const RewrapTableOptions& options, std::string_view current_key, const RewrapTableSummary& summary);
/// verrou_connection_info: the connection's info plus its state (transaction open, lost,
/// reconnects).
Json encode(const Connection& connection);
/// verrou_pool_stats: what the pool holds now and its counters; last_error null until one.
Json encode(const PoolStats& stats);
/// verrou_cert_check: the verdict of a local certificate check, with its report.
Json encode_cert_check(const ValidationReport& report, std::string_view environment);
/// verrou_profile_describe: the profile and its certificate report.
Json encode_profile_description(const Profile& profile, const ValidationReport& report);

/// Indented by 2. Text from files and servers may hold bytes that are not UTF-8 (Linux file
/// names): they become U+FFFD, so the output is always valid UTF-8 and rendering never throws
/// for them.
std::string render(const Json& j);
/// The same on one line (the login verdict, which fits a fixed-size buffer).
std::string render_compact(const Json& j);

/// verrou_query: {"columns": [names], "rows": [[values]]} on one line, written as a stream and
/// not through a Json value: a Json number cannot keep a DECIMAL's exact text (12.50), so a
/// numeric column's value goes out as its own text when that is a JSON number, anything else as
/// a string, SQL NULL as null. Not UTF-8 bytes become U+FFFD here too.
std::string render(const ResultSet& result);

}  // namespace verrou::json_output
