// Internal: how a UTF-8 path from the API or a profile reaches the operating system.
//
// Every path in verrou is UTF-8 (the C ABI validates its string arguments; profiles are UTF-8).
// On Windows a narrow path given to fopen, std::ifstream, ::stat or std::filesystem::path's
// std::string constructor is read in the ANSI code page (1252 on a French Windows), so
// "C:\Users\Frédéric\client.key" names a file that does not exist. Every file access of the
// library therefore goes through this header: the wide (UTF-16) API with wide_path(), or a
// std::filesystem::path made by fs_path() and turned back into text by path_utf8().
//
// Paths handed to third-party libraries (docs/windows.md "Paths"):
//  - OpenSSL 3 (BIO_new_file, SSL_CTX_load_verify_locations, X509_STORE_load_locations, ...)
//    converts a valid UTF-8 name to UTF-16 itself (_wfopen) on Windows: UTF-8 is right.
//  - libmariadb (OpenSSL build) passes ssl_ca, ssl_cert and ssl_crl to those OpenSSL calls,
//    but opens ssl_key with fopen(): ANSI code page. narrow_path_for_fopen() gives it a name
//    fopen() understands or says why there is none.
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <string_view>

namespace verrou::platform {

/// The std::filesystem::path naming the file `utf8` names. Windows: built from UTF-16; throws
/// Error(INVALID_UTF8) naming the path if it is not valid UTF-8. Elsewhere: the bytes as given.
std::filesystem::path fs_path(std::string_view utf8);

/// The UTF-8 text of `p` (the inverse of fs_path). Windows: from UTF-16 (an unpaired surrogate
/// becomes U+FFFD); elsewhere the bytes, unchanged.
std::string path_utf8(const std::filesystem::path& p);

#ifdef _WIN32
/// The UTF-16 form of `utf8` for the wide Windows API (CreateFileW, GetFileAttributesW, ...);
/// std::nullopt if it is not valid UTF-8.
std::optional<std::wstring> wide_path(std::string_view utf8);

/// A name for `utf8` that narrow fopen() opens as the same file: the path itself when it is
/// ASCII, else its ANSI code page form when every character has one (no best-fit guess), else
/// its 8.3 short name when the volume keeps them. std::nullopt when there is none: the caller
/// reports that the file must be moved to a path the ANSI code page can spell.
std::optional<std::string> narrow_path_for_fopen(std::string_view utf8);
#endif

}  // namespace verrou::platform
