// Internal: the operating system's text for an error code, as valid UTF-8.
//
// strerror() follows the C locale (a host program may have set a non-UTF-8 one), and
// FormatMessageA answers in the ANSI code page ("Accès refusé." in cp1252 on a French Windows):
// neither may be copied into a message the C ABI promises is UTF-8.
#pragma once

#include <string>
#include <system_error>

namespace verrou::platform {

/// strerror(e) as valid UTF-8 (bytes that are not UTF-8 become U+FFFD).
std::string errno_text(int e);

/// The text of a std::error_code (std::filesystem's), as valid UTF-8: on Windows a system
/// category code is a Windows error, worded by windows_error_text (the standard library's
/// message() uses the ANSI code page there).
std::string error_code_text(const std::error_code& ec);

#ifdef _WIN32
/// FormatMessageW's text for GetLastError()/WSAGetLastError() code `code`, converted to UTF-8,
/// without the trailing period and line end, followed by " (Windows error N)".
std::string windows_error_text(unsigned long code);
#endif

}  // namespace verrou::platform
