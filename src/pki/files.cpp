#include "pki/files.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "verrou/error.hpp"

namespace verrou::pki_detail {

namespace {

std::string errno_text() { return std::strerror(errno); }

// The temp file lives in the target's folder so link/rename stay on one file system.
std::string write_temp(const std::string& path, std::string_view data, mode_t mode) {
    for (int attempt = 0; attempt < 100; ++attempt) {
        const std::string tmp = path + ".tmp." + std::to_string(::getpid()) + "." + std::to_string(attempt);
        const int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, mode);
        if (fd < 0) {
            if (errno == EEXIST) continue;
            throw Error(Code::Internal, "cannot create " + tmp + ": " + errno_text());
        }
        // The umask may have narrowed `mode`; a key must be exactly 0600, not wider or narrower.
        bool ok = ::fchmod(fd, mode) == 0;
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

}  // namespace

void write_new_file(const std::string& path, std::string_view data, mode_t mode) {
    struct stat st {};
    if (::lstat(path.c_str(), &st) == 0) {
        throw Error(Code::InvalidArgument, path + " already exists: refusing to overwrite it");
    }
    const std::string tmp = write_temp(path, data, mode);
    // link(2) fails with EEXIST instead of replacing: no race with a concurrent writer.
    if (::link(tmp.c_str(), path.c_str()) != 0) {
        const int e = errno;
        ::unlink(tmp.c_str());
        if (e == EEXIST) throw Error(Code::InvalidArgument, path + " already exists: refusing to overwrite it");
        throw Error(Code::Internal, "cannot create " + path + ": " + std::strerror(e));
    }
    ::unlink(tmp.c_str());
    sync_dir(path);
}

void replace_file(const std::string& path, std::string_view data, mode_t mode) {
    const std::string tmp = write_temp(path, data, mode);
    if (::rename(tmp.c_str(), path.c_str()) != 0) {
        const std::string err = errno_text();
        ::unlink(tmp.c_str());
        throw Error(Code::Internal, "cannot replace " + path + ": " + err);
    }
    sync_dir(path);
}

void make_dirs(const std::string& path, mode_t mode) {
    std::error_code ec;
    std::filesystem::create_directories(path, ec);
    if (ec) throw Error(Code::Internal, "cannot create folder " + path + ": " + ec.message());
    ::chmod(path.c_str(), mode);
}

std::string read_text(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) throw Error(Code::InvalidArgument, "cannot read " + path);
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

}  // namespace verrou::pki_detail
