// Internal: the one UTF-8 <-> UTF-16 conversion and UTF-8 validation of the library.
//
// Portable (no Windows header), so the Linux unit tests cover every branch; platform/path.hpp
// and platform/system_error.hpp build the Windows-only parts on it.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace verrou::platform {

/// True if `s` is well-formed UTF-8 (RFC 3629: no overlong form, no surrogate, nothing beyond
/// U+10FFFF, no truncated sequence). With `bad_offset`, the offset of the first bad byte.
bool is_valid_utf8(std::string_view s, std::size_t* bad_offset = nullptr) noexcept;

/// A copy of `s` in which every byte that does not start a well-formed sequence is replaced by
/// U+FFFD: what leaves the library as text is always valid UTF-8.
std::string to_valid_utf8(std::string_view s);

/// UTF-8 -> UTF-16 code units; std::nullopt if `utf8` is not well-formed (nothing is guessed:
/// a path that is not UTF-8 must not silently name another file).
std::optional<std::u16string> utf8_to_utf16(std::string_view utf8);

/// UTF-16 -> UTF-8; an unpaired surrogate (possible in Windows file names and system text)
/// becomes U+FFFD, so the result is always valid UTF-8.
std::string utf16_to_utf8(std::u16string_view utf16);

}  // namespace verrou::platform
