// secret/file_read.hpp — reading a small file that may hold secret material (internal).
//
// std::ifstream keeps its own buffer (8 KiB in libstdc++) that is freed without being wiped,
// and a std::string grown by append leaves each shorter copy in freed heap. This reader uses
// the system calls directly (open/read; CreateFileW/ReadFile on Windows) into one buffer it
// cleanses on every path: what it returns is a SecretBuffer, and nothing else it allocated
// ever held the file's bytes unwiped.
//
// It reports why it failed instead of throwing, so each caller keeps its own error codes and
// messages (SECRET_* for secret files, CERT_* for PEM files).
#pragma once

#include <cstddef>
#include <string>

#include "verrou/secret.hpp"

namespace verrou::secret_detail {

enum class FileReadStatus {
    Ok,
    NotFound,     // the file (or a folder on its path) does not exist
    StatFailed,   // its metadata could not be read (e.g. permission denied on a folder)
    IsDirectory,  // a directory, not a file
    NotRegular,   // a device, FIFO or socket while `regular_only` was asked for
    OpenFailed,   // exists but could not be opened (e.g. permission denied on the file)
    TooLarge,     // more than `max_bytes` bytes
    ReadFailed,   // an I/O error while reading
};

struct FileReadResult {
    FileReadStatus status = FileReadStatus::Ok;
    std::string reason;  // the system's text for NotFound, StatFailed, OpenFailed, ReadFailed
    SecretBuffer data;   // the whole file when status is Ok

    bool ok() const noexcept { return status == FileReadStatus::Ok; }
};

/// Reads the whole file at `path` (at most `max_bytes` bytes). With `regular_only`, anything
/// but a regular file is refused before it is opened (a FIFO would block the open). Never
/// throws for a file-system problem; may throw std::bad_alloc.
FileReadResult read_file_wiped(const std::string& path, std::size_t max_bytes, bool regular_only);

}  // namespace verrou::secret_detail
