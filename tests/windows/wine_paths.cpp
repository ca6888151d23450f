// wine_paths.exe — platform/path.hpp and platform/system_error.hpp on Windows (MinGW x86_64,
// run under Wine by run_wine_tests.sh). Needs no third-party Windows library: only the
// platform sources are compiled in.
//
// What it proves, with the ANSI code page at 1252 (Western Europe, what a French Windows uses):
//  - a UTF-8 path with é, ☃ and 日本 names the file through wide_path() + CreateFileW;
//  - the same bytes through fopen() (narrow, ANSI) do NOT find it: the bug this fixes;
//  - narrow_path_for_fopen() gives libmariadb's fopen() a name that opens the file, or none;
//  - fs_path()/path_utf8() round-trip through std::filesystem;
//  - FormatMessageW text arrives as valid UTF-8.
// Exit 0 only if every check passed; each failure is printed.
#ifndef NOMINMAX
#define NOMINMAX
#endif
#include <windows.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>

#include "platform/path.hpp"
#include "platform/system_error.hpp"
#include "platform/utf8.hpp"
#include "verrou/error.hpp"

using namespace verrou::platform;

namespace {

int failures = 0;

void check(bool ok, const std::string& what) {
    std::printf("%s  %s\n", ok ? "ok  " : "FAIL", what.c_str());
    if (!ok) ++failures;
}

bool write_wide(const std::wstring& path, const std::string& data) {
    const HANDLE h = CreateFileW(path.c_str(), GENERIC_WRITE, 0, nullptr, CREATE_ALWAYS, FILE_ATTRIBUTE_NORMAL, nullptr);
    if (h == INVALID_HANDLE_VALUE) return false;
    DWORD written = 0;
    const bool ok = WriteFile(h, data.data(), static_cast<DWORD>(data.size()), &written, nullptr) && written == data.size();
    CloseHandle(h);
    return ok;
}

std::string read_wide(const std::wstring& path) {
    const HANDLE h = CreateFileW(path.c_str(), GENERIC_READ, FILE_SHARE_READ, nullptr, OPEN_EXISTING, FILE_ATTRIBUTE_NORMAL, nullptr);
    if (h == INVALID_HANDLE_VALUE) return "<cannot open: " + windows_error_text(GetLastError()) + ">";
    char buf[256];
    DWORD got = 0;
    ReadFile(h, buf, sizeof buf, &got, nullptr);
    CloseHandle(h);
    return std::string(buf, got);
}

bool fopen_reads(const std::string& narrow, const std::string& expected) {
    FILE* f = std::fopen(narrow.c_str(), "rb");
    if (!f) return false;
    char buf[256];
    const std::size_t n = std::fread(buf, 1, sizeof buf, f);
    std::fclose(f);
    return std::string(buf, n) == expected;
}

}  // namespace

int main() {
    std::printf("ANSI code page: %u\n", GetACP());
    check(GetACP() == 1252, "the ANSI code page is 1252 (the negative fopen checks assume it)");

    // The current folder (run_wine_tests.sh starts us in its work folder), not %TEMP%: a fresh
    // Wine prefix may still be creating its user folders while we run.
    wchar_t cwd[MAX_PATH + 1];
    const DWORD n = GetCurrentDirectoryW(MAX_PATH + 1, cwd);
    check(n > 0 && n <= MAX_PATH, "GetCurrentDirectoryW");
    const std::string base = utf16_to_utf8(std::u16string_view(reinterpret_cast<const char16_t*>(cwd), n)) +
                             "\\verrou-wine-" + std::to_string(GetCurrentProcessId());
    // "Données\Frédéric" is representable in cp1252; "☃ 日本" is not.
    const std::string latin_dir = base + "\\Donn\xC3\xA9""es\\Fr\xC3\xA9""d\xC3\xA9ric";
    const std::string cjk_dir = latin_dir + "\\\xE2\x98\x83 \xE6\x97\xA5\xE6\x9C\xAC";
    std::error_code ec;
    std::filesystem::create_directories(fs_path(cjk_dir), ec);
    check(!ec, "create_directories(fs_path(UTF-8)) " + (ec ? error_code_text(ec) : std::string()));

    for (const std::string& dir : {latin_dir, cjk_dir}) {
        const std::string file = dir + "\\client \xC3\xA9t\xC3\xA9.key";
        const std::string content = "contents of " + file;
        const auto wide = wide_path(file);
        check(wide.has_value(), "wide_path(" + file + ")");
        if (!wide) continue;
        check(write_wide(*wide, content), "CreateFileW creates " + file);
        check(read_wide(*wide) == content, "CreateFileW(wide_path(UTF-8)) reads " + file);
        check(!fopen_reads(file, content), "fopen(the same UTF-8 bytes) does not find it (ANSI code page)");
        const auto narrow = narrow_path_for_fopen(file);
        if (dir == latin_dir) {
            check(narrow.has_value() && fopen_reads(*narrow, content),
                  "narrow_path_for_fopen gives fopen a cp1252 name that opens it");
        } else {
            // 日本 has no cp1252 form: only an 8.3 short name can help, and a volume may have none.
            std::printf("      (8.3 short name for the CJK folder: %s)\n", narrow ? narrow->c_str() : "none");
            check(!narrow || fopen_reads(*narrow, content), "narrow_path_for_fopen: a name that opens it, or none");
        }
        std::ifstream in(fs_path(file), std::ios::binary);
        std::string got((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
        check(got == content, "std::ifstream(fs_path(UTF-8)) reads it");
        check(path_utf8(fs_path(file)) == file, "path_utf8(fs_path(x)) == x");
        check(path_utf8(fs_path(file).filename()) == "client \xC3\xA9t\xC3\xA9.key", "filename() as UTF-8");
    }

    bool threw = false;
    try {
        (void)fs_path("caf\xE9.ini");  // cp1252 bytes, not UTF-8
    } catch (const verrou::Error& e) {
        threw = e.code() == verrou::Code::InvalidUtf8 && is_valid_utf8(e.what());
    }
    check(threw, "fs_path refuses a path that is not UTF-8 (INVALID_UTF8, message itself valid UTF-8)");
    check(!wide_path("caf\xE9.ini").has_value(), "wide_path refuses it too");

    const std::string msg = windows_error_text(ERROR_FILE_NOT_FOUND);
    std::printf("      FormatMessageW(2): %s\n", msg.c_str());
    check(is_valid_utf8(msg) && msg.find("(Windows error 2)") != std::string::npos && msg.size() > 20,
          "windows_error_text: system text as UTF-8 with the code");
    check(is_valid_utf8(windows_error_text(ERROR_ACCESS_DENIED)), "windows_error_text(ERROR_ACCESS_DENIED) is UTF-8");

    std::filesystem::remove_all(fs_path(base), ec);
    std::printf("%s: %d failure(s)\n", failures ? "FAILED" : "passed", failures);
    return failures ? 1 : 0;
}
