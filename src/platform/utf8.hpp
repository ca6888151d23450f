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

/// The length of the well-formed UTF-8 sequence at the start of `s` (RFC 3629: no overlong
/// form, no surrogate, nothing beyond U+10FFFF, not truncated), its code point in `cp`; 0 when
/// `s` is empty or starts with a bad byte. The one decoder: parsers of untrusted text (the JSON
/// profile reader, the probe's sanitiser) step through their input with it.
std::size_t decode_utf8(std::string_view s, char32_t& cp) noexcept;

/// Appends the UTF-8 form of `cp` (a scalar value: not a surrogate, at most U+10FFFF). Any
/// allocator: the JSON profile reader decodes into a WipedString (a secret's bytes are never
/// staged in a plain buffer).
template <typename Alloc>
void append_utf8(std::basic_string<char, std::char_traits<char>, Alloc>& out, char32_t cp) {
    if (cp < 0x80) {
        out += static_cast<char>(cp);
    } else if (cp < 0x800) {
        out += static_cast<char>(0xC0 | (cp >> 6));
        out += static_cast<char>(0x80 | (cp & 0x3F));
    } else if (cp < 0x10000) {
        out += static_cast<char>(0xE0 | (cp >> 12));
        out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
        out += static_cast<char>(0x80 | (cp & 0x3F));
    } else {
        out += static_cast<char>(0xF0 | (cp >> 18));
        out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
        out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
        out += static_cast<char>(0x80 | (cp & 0x3F));
    }
}

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
