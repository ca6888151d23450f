// Internal: the .sha256 sidecar of a backup (sha256sum's format), parsed from its text.
//
// The file sits beside the backup, written by whatever made it: untrusted. Separate from the
// file reading so it can be fuzzed (tests/fuzz/fuzz_backup_sidecar.cpp).
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace verrou::backup_detail {

/// The lower-case hex SHA-256 the sidecar gives for `file_name` (its line "<64 hex>  <name>"
/// or "<64 hex> *<name>", the name alone or as a path ending in it), or of a lone hash line;
/// nullopt when there is none.
std::optional<std::string> sidecar_hash(std::string_view text, const std::string& file_name);

}  // namespace verrou::backup_detail
