// verrou/backup.hpp — "is the newest backup fresh?" for monitoring (verrou backup check).
//
// Contract (Nagios): 0 when the newest file matching the pattern is younger than max_age,
// 1 when it is older, 2 when there is none (or, with verify_checksums, when its .sha256
// sidecar does not match / is missing / is malformed), 3 when the folder cannot be read.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace verrou {

struct BackupCheckOptions {
    std::string dir;
    long long max_age_seconds = 30 * 3600;            // "30h"
    std::string pattern = "mariadb_*.sql.gz.gpg";     // glob on the file name: * ? [...] as fnmatch(3)
                                                      // with FNM_PERIOD, the same on Windows
    bool verify_checksums = false;                    // check <newest>.sha256 (sha256sum format)
};

enum class BackupChecksum { NotChecked, Ok, Missing, Mismatch, Malformed };
std::string_view backup_checksum_name(BackupChecksum c) noexcept;  // "not_checked", "ok", ...

struct BackupCheckResult {
    int exit_code = 3;                  // 0 OK, 1 WARNING (too old), 2 CRITICAL, 3 UNKNOWN
    std::string status;                 // "OK", "WARNING", "CRITICAL", "UNKNOWN"
    std::string message;                // one line for humans / Nagios
    std::size_t matching_files = 0;
    std::optional<std::string> newest;  // absolute path of the newest match
    long long newest_age_seconds = 0;
    std::uintmax_t newest_size = 0;
    std::string newest_mtime;           // ISO 8601 UTC
    BackupChecksum checksum = BackupChecksum::NotChecked;
    std::string expected_sha256;        // from the sidecar (lower-case hex) when read
    std::string actual_sha256;          // computed when verify_checksums
};

/// Never throws for an unreadable folder (exit 3 in the result).
BackupCheckResult check_backups(const BackupCheckOptions& options);

/// "30h", "90m", "2d", "3600s", "3600" (seconds) → seconds. Throws Error(INVALID_ARGUMENT).
long long parse_duration(std::string_view text);

/// Stable JSON: {"status","exit_code","message","dir","pattern","max_age_seconds",
/// "matching_files","newest":{"path","age_seconds","size","mtime"}|null,"checksum",...}.
std::string backup_result_to_json(const BackupCheckOptions& options, const BackupCheckResult& result);

}  // namespace verrou
