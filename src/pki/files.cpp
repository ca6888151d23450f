#include "pki/files.hpp"

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

#include <cerrno>
#include <cstring>
#include <filesystem>

#include "platform/path.hpp"
#include "platform/system_error.hpp"
#include "secret/file_read.hpp"
#include "verrou/error.hpp"

namespace verrou::pki_detail {

namespace {

[[noreturn]] void throw_exists(const std::string& path) {
    throw Error(Code::InvalidArgument, path + " already exists: refusing to overwrite it");
}

#ifdef _WIN32

// Windows keeps the guarantees that matter here: a file is complete or absent, and an existing
// file is never overwritten. It has no mode bits: files get the ACL inherited from their
// folder, and restricting keys to their owner through ACLs is out of scope (keep the PKI
// folder somewhere only its owner can read, e.g. under the user's profile).

// The UTF-8 path as UTF-16 for the wide API (platform/path.hpp): never the ANSI code page.
std::wstring wide(const std::string& path) { return platform::fs_path(path).native(); }

std::string error_text(DWORD code) { return platform::windows_error_text(code); }

// The temp file lives in the target's folder so the final move stays on one volume (a move
// across volumes is a copy, which is not atomic).
std::string write_temp(const std::string& path, std::string_view data, FileMode /*mode*/) {
    for (int attempt = 0; attempt < 100; ++attempt) {
        const std::string tmp =
            path + ".tmp." + std::to_string(GetCurrentProcessId()) + "." + std::to_string(attempt);
        // CREATE_NEW is O_CREAT|O_EXCL: it never opens what already exists, a planted link
        // included. No sharing while it is written; null security attributes make the handle
        // non-inheritable (O_CLOEXEC).
        const HANDLE h = CreateFileW(wide(tmp).c_str(), GENERIC_WRITE, 0, nullptr, CREATE_NEW,
                                     FILE_ATTRIBUTE_NORMAL, nullptr);
        if (h == INVALID_HANDLE_VALUE) {
            const DWORD e = GetLastError();
            if (e == ERROR_FILE_EXISTS || e == ERROR_ALREADY_EXISTS) continue;
            throw Error(Code::Internal, "cannot create " + tmp + ": " + error_text(e));
        }
        bool ok = true;
        std::size_t done = 0;
        while (ok && done < data.size()) {
            const std::size_t left = data.size() - done;
            const DWORD chunk = left > (1u << 30) ? DWORD{1u << 30} : static_cast<DWORD>(left);
            DWORD written = 0;
            ok = WriteFile(h, data.data() + done, chunk, &written, nullptr) != 0 && written > 0;
            done += written;
        }
        // fsync: the data is on disk before the name makes it visible.
        ok = ok && FlushFileBuffers(h) != 0;
        const DWORD e = ok ? 0 : GetLastError();
        CloseHandle(h);
        if (!ok) {
            DeleteFileW(wide(tmp).c_str());
            throw Error(Code::Internal, "cannot write " + tmp + ": " + error_text(e));
        }
        return tmp;
    }
    throw Error(Code::Internal, "cannot create a temporary file next to " + path);
}

// MOVEFILE_WRITE_THROUGH returns once the rename is on disk: the folder fsync of POSIX.
void move_into_place(const std::string& tmp, const std::string& path, bool replace) {
    const DWORD flags = MOVEFILE_WRITE_THROUGH | (replace ? MOVEFILE_REPLACE_EXISTING : 0);
    if (MoveFileExW(wide(tmp).c_str(), wide(path).c_str(), flags) != 0) return;
    const DWORD e = GetLastError();
    DeleteFileW(wide(tmp).c_str());
    if (!replace && (e == ERROR_ALREADY_EXISTS || e == ERROR_FILE_EXISTS)) throw_exists(path);
    throw Error(Code::Internal, std::string(replace ? "cannot replace " : "cannot create ") + path + ": " +
                                    error_text(e));
}

#else

std::string errno_text() { return platform::errno_text(errno); }

// The temp file lives in the target's folder so link/rename stay on one file system.
std::string write_temp(const std::string& path, std::string_view data, FileMode mode) {
    for (int attempt = 0; attempt < 100; ++attempt) {
        const std::string tmp = path + ".tmp." + std::to_string(::getpid()) + "." + std::to_string(attempt);
        const int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, static_cast<mode_t>(mode));
        if (fd < 0) {
            if (errno == EEXIST) continue;
            throw Error(Code::Internal, "cannot create " + tmp + ": " + errno_text());
        }
        // The umask may have narrowed `mode`; a key must be exactly 0600, not wider or narrower.
        bool ok = ::fchmod(fd, static_cast<mode_t>(mode)) == 0;
        std::size_t done = 0;
        while (ok && done < data.size()) {
            const ssize_t n = ::write(fd, data.data() + done, data.size() - done);
            if (n < 0 && errno == EINTR) continue;
            if (n <= 0) ok = false;
            else done += static_cast<std::size_t>(n);
        }
        ok = ok && ::fsync(fd) == 0;
        const std::string err = ok ? std::string() : errno_text();
        ::close(fd);
        if (!ok) {
            ::unlink(tmp.c_str());
            throw Error(Code::Internal, "cannot write " + tmp + ": " + err);
        }
        return tmp;
    }
    throw Error(Code::Internal, "cannot create a temporary file next to " + path);
}

void sync_dir(const std::string& path) {
    const std::string dir = std::filesystem::path(path).parent_path().string();
    const int fd = ::open(dir.empty() ? "." : dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd >= 0) {
        ::fsync(fd);
        ::close(fd);
    }
}

#endif

}  // namespace

void write_new_file(const std::string& path, std::string_view data, FileMode mode) {
#ifdef _WIN32
    // Like lstat: a link (even a dangling one) counts as existing.
    if (GetFileAttributesW(wide(path).c_str()) != INVALID_FILE_ATTRIBUTES) throw_exists(path);
    const std::string tmp = write_temp(path, data, mode);
    // Without MOVEFILE_REPLACE_EXISTING the move fails if `path` appeared meanwhile: the same
    // no-overwrite guarantee as link(2) below.
    move_into_place(tmp, path, false);
#else
    struct stat st {};
    if (::lstat(path.c_str(), &st) == 0) throw_exists(path);
    const std::string tmp = write_temp(path, data, mode);
    // link(2) fails with EEXIST instead of replacing: no race with a concurrent writer.
    if (::link(tmp.c_str(), path.c_str()) != 0) {
        const int e = errno;
        ::unlink(tmp.c_str());
        if (e == EEXIST) throw_exists(path);
        throw Error(Code::Internal, "cannot create " + path + ": " + platform::errno_text(e));
    }
    ::unlink(tmp.c_str());
    sync_dir(path);
#endif
}

void replace_file(const std::string& path, std::string_view data, FileMode mode) {
    const std::string tmp = write_temp(path, data, mode);
#ifdef _WIN32
    move_into_place(tmp, path, true);
#else
    if (::rename(tmp.c_str(), path.c_str()) != 0) {
        const std::string err = errno_text();
        ::unlink(tmp.c_str());
        throw Error(Code::Internal, "cannot replace " + path + ": " + err);
    }
    sync_dir(path);
#endif
}

void make_dirs(const std::string& path, FileMode mode) {
    std::error_code ec;
    std::filesystem::create_directories(platform::fs_path(path), ec);
    if (ec) throw Error(Code::Internal, "cannot create folder " + path + ": " + platform::error_code_text(ec));
#ifdef _WIN32
    (void)mode;  // no mode bits on Windows (see the note above write_temp)
#else
    ::chmod(path.c_str(), static_cast<mode_t>(mode));
#endif
}

std::string read_text(const std::string& path) {
    // secret/'s one file reader: the same UTF-8 path names the same file as the writers above
    // (wide at the Windows call), and a certificate or index is a small file (capped).
    constexpr std::size_t kMaxTextBytes = 16u * 1024 * 1024;
    const secret_detail::FileReadResult r = secret_detail::read_file_wiped(path, kMaxTextBytes, /*regular_only=*/true);
    if (!r.ok()) throw Error(Code::InvalidArgument, "cannot read " + path + (r.reason.empty() ? "" : ": " + r.reason));
    return std::string(r.data.view());
}

}  // namespace verrou::pki_detail
