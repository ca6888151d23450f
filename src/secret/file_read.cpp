// secret/file_read.cpp — see file_read.hpp.
#include "secret/file_read.hpp"

#ifdef _WIN32
#ifndef NOMINMAX
#define NOMINMAX
#endif
#include <windows.h>
#else
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>
#endif

#include <algorithm>
#include <cerrno>
#include <cstdint>
#include <filesystem>
#include <string_view>

#include "platform/path.hpp"
#include "platform/system_error.hpp"

namespace verrou::secret_detail {
namespace {

FileReadResult failure(FileReadStatus status, std::string reason = {}) {
    FileReadResult r;
    r.status = status;
    r.reason = std::move(reason);
    return r;
}

// First buffer: the size the file says it has plus one byte (to see end-of-file without a
// reallocation), capped at the limit plus one (one byte over the limit proves "too large").
std::size_t initial_capacity(std::uint64_t size_hint, std::size_t max_bytes) {
    const std::uint64_t cap = static_cast<std::uint64_t>(max_bytes) + 1;
    const std::uint64_t want = size_hint > 0 ? size_hint + 1 : 4096;
    return static_cast<std::size_t>(std::min(want, cap));
}

// Reads through `read_some(dst, n)` (bytes read, 0 at end of file, < 0 on error) until end of
// file or one byte beyond `max_bytes`.
template <typename ReadSome>
FileReadResult read_all(std::uint64_t size_hint, std::size_t max_bytes, ReadSome&& read_some) {
    // One buffer, grown by SecretBuffer::resize (which cleanses the block it leaves): on
    // every path nothing that held the file's bytes is freed unwiped.
    SecretBuffer buf(initial_capacity(size_hint, max_bytes));
    std::size_t used = 0;
    for (;;) {
        if (used == buf.size()) {
            if (used > max_bytes) return failure(FileReadStatus::TooLarge);
            buf.resize(std::min(buf.size() * 2, max_bytes + 1));
        }
        std::string reason;
        char* at = reinterpret_cast<char*>(buf.data()) + used;
        const long long n = read_some(at, buf.size() - used, reason);
        if (n < 0) return failure(FileReadStatus::ReadFailed, std::move(reason));
        if (n == 0) break;
        used += static_cast<std::size_t>(n);
    }
    if (used > max_bytes) return failure(FileReadStatus::TooLarge);
    buf.resize(used);  // shrinking keeps the block: no copy
    FileReadResult r;
    r.data = std::move(buf);
    return r;
}

#ifdef _WIN32

std::string error_text(DWORD code) { return platform::windows_error_text(code); }

bool is_not_found(DWORD code) {
    return code == ERROR_FILE_NOT_FOUND || code == ERROR_PATH_NOT_FOUND || code == ERROR_INVALID_NAME ||
           code == ERROR_BAD_NETPATH;
}

struct HandleCloser {
    HANDLE h;
    ~HandleCloser() { CloseHandle(h); }
};

#endif

}  // namespace

FileReadResult read_file_wiped(const std::string& path, std::size_t max_bytes, bool regular_only) {
#ifdef _WIN32
    // UTF-8 -> UTF-16 in the one place that does it (platform/path.hpp), never the ANSI code
    // page: the same path names the same file everywhere in verrou.
    const std::optional<std::wstring> as_wide = platform::wide_path(path);
    if (!as_wide) return failure(FileReadStatus::NotFound, "the path is not valid UTF-8");
    const std::wstring& wide = *as_wide;
    const DWORD attributes = GetFileAttributesW(wide.c_str());
    if (attributes == INVALID_FILE_ATTRIBUTES) {
        const DWORD e = GetLastError();
        return failure(is_not_found(e) ? FileReadStatus::NotFound : FileReadStatus::StatFailed, error_text(e));
    }
    if (attributes & FILE_ATTRIBUTE_DIRECTORY) return failure(FileReadStatus::IsDirectory);
    // No sharing for writers while it is read; a null SECURITY_ATTRIBUTES makes the handle
    // non-inheritable.
    const HANDLE h = CreateFileW(wide.c_str(), GENERIC_READ, FILE_SHARE_READ, nullptr, OPEN_EXISTING,
                                 FILE_ATTRIBUTE_NORMAL, nullptr);
    if (h == INVALID_HANDLE_VALUE) {
        const DWORD e = GetLastError();
        return failure(is_not_found(e) ? FileReadStatus::NotFound : FileReadStatus::OpenFailed, error_text(e));
    }
    HandleCloser closer{h};
    std::uint64_t size_hint = 0;
    if (GetFileType(h) == FILE_TYPE_DISK) {
        LARGE_INTEGER size{};
        if (GetFileSizeEx(h, &size) && size.QuadPart > 0) size_hint = static_cast<std::uint64_t>(size.QuadPart);
    } else if (regular_only) {
        return failure(FileReadStatus::NotRegular);
    }
    if (size_hint > max_bytes) return failure(FileReadStatus::TooLarge);
    return read_all(size_hint, max_bytes, [&](char* dst, std::size_t n, std::string& reason) -> long long {
        DWORD got = 0;
        const DWORD want = static_cast<DWORD>(std::min<std::size_t>(n, 1u << 30));
        if (!ReadFile(h, dst, want, &got, nullptr)) {
            const DWORD e = GetLastError();
            if (e == ERROR_BROKEN_PIPE || e == ERROR_HANDLE_EOF) return 0;  // end of a pipe
            reason = error_text(e);
            return -1;
        }
        return static_cast<long long>(got);
    });
#else
    struct stat st {};
    if (::stat(path.c_str(), &st) != 0) {
        const int e = errno;
        return failure(e == ENOENT || e == ENOTDIR ? FileReadStatus::NotFound : FileReadStatus::StatFailed,
                       platform::errno_text(e));
    }
    if (S_ISDIR(st.st_mode)) return failure(FileReadStatus::IsDirectory);
    if (regular_only && !S_ISREG(st.st_mode)) return failure(FileReadStatus::NotRegular);
    if (S_ISREG(st.st_mode) && static_cast<std::uint64_t>(st.st_size) > max_bytes) {
        return failure(FileReadStatus::TooLarge);
    }
    int fd = -1;
    do {
        fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOCTTY);
    } while (fd < 0 && errno == EINTR);
    if (fd < 0) {
        const int e = errno;
        return failure(e == ENOENT ? FileReadStatus::NotFound : FileReadStatus::OpenFailed, platform::errno_text(e));
    }
    struct FdCloser {
        int fd;
        ~FdCloser() { ::close(fd); }
    } closer{fd};
    // What was opened, not what was looked at: the path may have been swapped in between.
    struct stat opened {};
    if (::fstat(fd, &opened) != 0) return failure(FileReadStatus::ReadFailed, platform::errno_text(errno));
    if (S_ISDIR(opened.st_mode)) return failure(FileReadStatus::IsDirectory);
    if (regular_only && !S_ISREG(opened.st_mode)) return failure(FileReadStatus::NotRegular);
    const std::uint64_t size_hint = S_ISREG(opened.st_mode) ? static_cast<std::uint64_t>(opened.st_size) : 0;
    if (size_hint > max_bytes) return failure(FileReadStatus::TooLarge);
    return read_all(size_hint, max_bytes, [&](char* dst, std::size_t n, std::string& reason) -> long long {
        for (;;) {
            const ssize_t got = ::read(fd, dst, n);
            if (got >= 0) return static_cast<long long>(got);
            if (errno == EINTR) continue;
            reason = platform::errno_text(errno);
            return -1;
        }
    });
#endif
}

}  // namespace verrou::secret_detail
