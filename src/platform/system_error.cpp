// platform/system_error.cpp — see system_error.hpp.
#include "platform/system_error.hpp"

#ifdef _WIN32
#ifndef NOMINMAX
#define NOMINMAX
#endif
#include <windows.h>
#endif

#include <cstring>

#include "platform/utf8.hpp"

namespace verrou::platform {

std::string errno_text(int e) { return to_valid_utf8(std::strerror(e)); }

std::string error_code_text(const std::error_code& ec) {
#ifdef _WIN32
    if (ec.category() == std::system_category()) return windows_error_text(static_cast<unsigned long>(ec.value()));
#endif
    return to_valid_utf8(ec.message());
}

#ifdef _WIN32

std::string windows_error_text(unsigned long code) {
    wchar_t* msg = nullptr;
    const DWORD n = FormatMessageW(FORMAT_MESSAGE_ALLOCATE_BUFFER | FORMAT_MESSAGE_FROM_SYSTEM |
                                       FORMAT_MESSAGE_IGNORE_INSERTS,
                                   nullptr, static_cast<DWORD>(code), 0, reinterpret_cast<wchar_t*>(&msg), 0, nullptr);
    std::string text;
    if (n > 0 && msg != nullptr) {
        text = utf16_to_utf8(std::u16string_view(reinterpret_cast<const char16_t*>(msg), n));
    }
    if (msg != nullptr) LocalFree(msg);
    while (!text.empty() && (text.back() == '\n' || text.back() == '\r' || text.back() == ' ' || text.back() == '.')) {
        text.pop_back();
    }
    if (text.empty()) text = "unknown error";
    return text + " (Windows error " + std::to_string(code) + ")";
}

#endif

}  // namespace verrou::platform
