// platform/path.cpp — see path.hpp.
#include "platform/path.hpp"

#ifdef _WIN32
#ifndef NOMINMAX
#define NOMINMAX
#endif
#include <windows.h>
#endif

#include <vector>

#include "platform/utf8.hpp"
#include "verrou/error.hpp"

namespace verrou::platform {

#ifdef _WIN32

std::optional<std::wstring> wide_path(std::string_view utf8) {
    const std::optional<std::u16string> u16 = utf8_to_utf16(utf8);
    if (!u16) return std::nullopt;
    static_assert(sizeof(wchar_t) == sizeof(char16_t), "Windows wchar_t is UTF-16");
    return std::wstring(reinterpret_cast<const wchar_t*>(u16->data()), u16->size());
}

std::filesystem::path fs_path(std::string_view utf8) {
    std::optional<std::wstring> w = wide_path(utf8);
    if (!w) {
        throw Error(Code::InvalidUtf8, "path '" + to_valid_utf8(utf8) + "' is not valid UTF-8");
    }
    return std::filesystem::path(std::move(*w));
}

std::string path_utf8(const std::filesystem::path& p) {
    const std::wstring& w = p.native();
    return utf16_to_utf8(std::u16string_view(reinterpret_cast<const char16_t*>(w.data()), w.size()));
}

namespace {

bool is_ascii(std::string_view s) {
    for (const char c : s) {
        if (static_cast<unsigned char>(c) >= 0x80) return false;
    }
    return true;
}

// The ANSI code page form of `w`, only if every character has an exact one.
std::optional<std::string> to_ansi_exact(const std::wstring& w) {
    if (w.empty()) return std::string();
    const int wlen = static_cast<int>(w.size());
    BOOL lossy = FALSE;
    const int n = WideCharToMultiByte(CP_ACP, WC_NO_BEST_FIT_CHARS, w.data(), wlen, nullptr, 0, nullptr, &lossy);
    if (n <= 0 || lossy) return std::nullopt;
    std::string out(static_cast<std::size_t>(n), '\0');
    if (WideCharToMultiByte(CP_ACP, WC_NO_BEST_FIT_CHARS, w.data(), wlen, out.data(), n, nullptr, &lossy) != n ||
        lossy) {
        return std::nullopt;
    }
    return out;
}

}  // namespace

std::optional<std::string> narrow_path_for_fopen(std::string_view utf8) {
    if (is_ascii(utf8)) return std::string(utf8);
    const std::optional<std::wstring> w = wide_path(utf8);
    if (!w) return std::nullopt;
    if (std::optional<std::string> ansi = to_ansi_exact(*w)) return ansi;
    // Characters outside the code page (日本 under 1252): the 8.3 alias is ASCII when it exists.
    const DWORD n = GetShortPathNameW(w->c_str(), nullptr, 0);
    if (n == 0) return std::nullopt;
    std::vector<wchar_t> shortname(n);
    const DWORD got = GetShortPathNameW(w->c_str(), shortname.data(), n);
    if (got == 0 || got >= n) return std::nullopt;
    return to_ansi_exact(std::wstring(shortname.data(), got));
}

#else

std::filesystem::path fs_path(std::string_view utf8) { return std::filesystem::path(std::string(utf8)); }

std::string path_utf8(const std::filesystem::path& p) { return p.native(); }

#endif

}  // namespace verrou::platform
