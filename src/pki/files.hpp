// Internal: crash-safe file writes for the PKI.
#pragma once

#include <string>
#include <string_view>

namespace verrou::pki_detail {

/// POSIX permission bits (0600, 0644, 0700). Not mode_t: MSVC has none. Ignored on Windows,
/// which has no mode bits (see files.cpp).
using FileMode = unsigned;

/// Writes `data` to a new file `path` with `mode`: temp file (O_CREAT|O_EXCL), write, fsync,
/// link(2) into place (fails if `path` exists: never overwrites), fsync the folder. Windows:
/// CREATE_NEW, FlushFileBuffers, MoveFileExW without MOVEFILE_REPLACE_EXISTING.
/// Throws Error(INVALID_ARGUMENT) if `path` exists, Error(INTERNAL) on I/O errors.
void write_new_file(const std::string& path, std::string_view data, FileMode mode);

/// Same, but replaces `path` if it exists (rename(2)): for the CRL and the index.
void replace_file(const std::string& path, std::string_view data, FileMode mode);

/// Creates a folder (and parents) with `mode`; ok if it exists.
void make_dirs(const std::string& path, FileMode mode);

std::string read_text(const std::string& path);

}  // namespace verrou::pki_detail
