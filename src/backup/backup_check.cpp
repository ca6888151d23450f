// Backup freshness: the newest file matching a glob, its age, and optionally its .sha256
// sidecar. Ages come from mtime (what `touch -d` and rsync --times preserve), not the name,
// because names are only a convention while mtime is what the backup job actually left.
#include "verrou/backup.hpp"

#include <openssl/evp.h>
#include <sys/stat.h>


#include <cctype>
#include <chrono>
#include <cstdio>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <memory>
#include <vector>

#include "backup/sidecar.hpp"
#include "common/glob.hpp"
#include "common/iso8601.hpp"
#include "platform/path.hpp"
#include "platform/system_error.hpp"
#include "verrou/error.hpp"

namespace verrou {

namespace fs = std::filesystem;

namespace {

using MdCtxPtr = std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)>;

std::string human_age(long long s) {
    if (s >= 86400) return std::to_string(s / 86400) + "d" + std::to_string((s % 86400) / 3600) + "h";
    if (s >= 3600) return std::to_string(s / 3600) + "h" + std::to_string((s % 3600) / 60) + "m";
    return std::to_string(s / 60) + "m";
}

// Streams the file: backups are gigabytes, never read them whole.
std::string sha256_file(const std::string& path) {
    std::ifstream in(platform::fs_path(path), std::ios::binary);
    if (!in) throw Error(Code::InvalidArgument, "cannot read " + path);
    MdCtxPtr ctx(EVP_MD_CTX_new(), &EVP_MD_CTX_free);
    if (!ctx || EVP_DigestInit_ex(ctx.get(), EVP_sha256(), nullptr) != 1) {
        throw Error(Code::Crypto, "SHA-256 unavailable");
    }
    std::vector<char> buf(1 << 16);
    while (in) {
        in.read(buf.data(), static_cast<std::streamsize>(buf.size()));
        const auto n = in.gcount();
        if (n > 0 && EVP_DigestUpdate(ctx.get(), buf.data(), static_cast<std::size_t>(n)) != 1) {
            throw Error(Code::Crypto, "SHA-256 update failed");
        }
    }
    if (in.bad()) throw Error(Code::InvalidArgument, "read error on " + path);
    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned int len = 0;
    if (EVP_DigestFinal_ex(ctx.get(), md, &len) != 1) throw Error(Code::Crypto, "SHA-256 final failed");
    static constexpr char kHex[] = "0123456789abcdef";
    std::string hex;
    for (unsigned int i = 0; i < len; ++i) {
        hex += kHex[md[i] >> 4];
        hex += kHex[md[i] & 0xf];
    }
    return hex;
}

// The last component of a UTF-8 path, as UTF-8 (std::filesystem's own conversions use the
// ANSI code page on Windows); empty if it cannot be a path there (not UTF-8).
std::string base_name(const std::string& path) {
    try {
        return platform::path_utf8(platform::fs_path(path).filename());
    } catch (const Error&) {
        return {};
    }
}

// The sidecar is read whole, up to a cap: a sha256sum file is a few lines, and a huge one
// (a mistake, or a file someone else controls) must not be loaded into memory.
constexpr std::streamsize kSidecarMaxBytes = 1024 * 1024;

std::optional<std::string> read_sidecar_hash(const std::string& sidecar, const std::string& file_name) {
    std::ifstream in(platform::fs_path(sidecar), std::ios::binary);
    std::string text(static_cast<std::size_t>(kSidecarMaxBytes), '\0');
    in.read(text.data(), kSidecarMaxBytes);
    text.resize(static_cast<std::size_t>(in.gcount()));
    return backup_detail::sidecar_hash(text, file_name);
}

struct FileFacts {
    bool regular = false;
    std::time_t mtime = 0;
    std::uintmax_t size = 0;
};

// stat (not lstat): a symlinked "latest" backup counts as its target. Windows needs the wide
// call: a narrow path there is in the ANSI code page and may not name the file at all.
bool stat_file(const fs::path& path, FileFacts& out) {
#ifdef _WIN32
    struct _stat64 st {};
    if (::_wstat64(path.c_str(), &st) != 0) return false;
    out.regular = (st.st_mode & _S_IFMT) == _S_IFREG;
#else
    struct stat st {};
    if (::stat(path.c_str(), &st) != 0) return false;
    out.regular = S_ISREG(st.st_mode);
#endif
    out.mtime = static_cast<std::time_t>(st.st_mtime);
    out.size = static_cast<std::uintmax_t>(st.st_size);
    return true;
}

void set(BackupCheckResult& r, int code, std::string message) {
    static constexpr const char* kNames[] = {"OK", "WARNING", "CRITICAL", "UNKNOWN"};
    r.exit_code = code;
    r.status = kNames[code];
    r.message = std::move(message);
}

}  // namespace

namespace backup_detail {

// sha256sum format: "<64 hex>  <name>" or "<64 hex> *<name>" (binary mode); the first
// line whose name is the backup's file name (or a lone hash) is the one that counts.
std::optional<std::string> sidecar_hash(std::string_view text, const std::string& file_name) {
    std::size_t pos = 0;
    while (pos < text.size()) {
        auto nl = text.find('\n', pos);
        if (nl == std::string_view::npos) nl = text.size();
        std::string_view line = text.substr(pos, nl - pos);
        pos = nl + 1;
        if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
        if (line.size() < 64) continue;
        std::string hash(line.substr(0, 64));
        bool hex = true;
        for (auto& c : hash) {
            if (!std::isxdigit(static_cast<unsigned char>(c))) hex = false;
            c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
        }
        if (!hex) continue;
        const std::string_view rest = line.substr(64);
        if (rest.empty()) return hash;
        if (rest.size() < 2 || rest[0] != ' ' || (rest[1] != ' ' && rest[1] != '*')) continue;
        const std::string name(rest.substr(2));
        if (name == file_name || base_name(name) == file_name) return hash;
    }
    return std::nullopt;
}

}  // namespace backup_detail

std::string_view backup_checksum_name(BackupChecksum c) noexcept {
    switch (c) {
        case BackupChecksum::NotChecked: return "not_checked";
        case BackupChecksum::Ok: return "ok";
        case BackupChecksum::Missing: return "missing";
        case BackupChecksum::Mismatch: return "mismatch";
        case BackupChecksum::Malformed: return "malformed";
    }
    return "malformed";
}

long long parse_duration(std::string_view text) {
    const auto bad = [&] {
        return Error(Code::InvalidArgument, "invalid duration '" + std::string(text) +
                                                "' (expected a number with s, m, h or d, e.g. 30h)");
    };
    if (text.empty() || !std::isdigit(static_cast<unsigned char>(text.front()))) throw bad();
    long long n = 0;
    std::size_t i = 0;
    for (; i < text.size() && std::isdigit(static_cast<unsigned char>(text[i])); ++i) {
        n = n * 10 + (text[i] - '0');
        if (n > 100LL * 365 * 86400) throw bad();
    }
    const std::string_view unit = text.substr(i);
    if (unit.empty() || unit == "s") return n;
    if (unit == "m") return n * 60;
    if (unit == "h") return n * 3600;
    if (unit == "d") return n * 86400;
    throw bad();
}

BackupCheckResult check_backups(const BackupCheckOptions& o) {
    BackupCheckResult r;
    std::error_code ec;
    fs::directory_iterator it(platform::fs_path(o.dir), ec);
    if (ec) {
        set(r, 3, "cannot read backup folder " + o.dir + ": " + platform::error_code_text(ec));
        return r;
    }
    std::optional<fs::path> newest;
    FileFacts newest_st;
    for (const auto& entry : it) {
        // UTF-8 on every platform (Windows: from UTF-16), so a pattern matches "sauvegarde-été-*".
        const std::string name = platform::path_utf8(entry.path().filename());
        if (!common::glob_match(o.pattern, name)) continue;
        FileFacts st;
        if (!stat_file(entry.path(), st) || !st.regular) continue;
        ++r.matching_files;
        if (!newest || st.mtime > newest_st.mtime) {
            newest = entry.path();
            newest_st = st;
        }
    }
    if (!newest) {
        set(r, 2, "no backup matching '" + o.pattern + "' in " + o.dir);
        return r;
    }
    const auto now = std::chrono::system_clock::to_time_t(std::chrono::system_clock::now());
    r.newest = platform::path_utf8(fs::absolute(*newest));
    r.newest_age_seconds = static_cast<long long>(now - newest_st.mtime);
    r.newest_size = newest_st.size;
    r.newest_mtime = iso8601(newest_st.mtime);
    const std::string newest_name = platform::path_utf8(newest->filename());
    const std::string what = "newest backup " + newest_name + " is " +
                             human_age(r.newest_age_seconds < 0 ? 0 : r.newest_age_seconds) + " old";

    if (o.verify_checksums) {
        const std::string sidecar = platform::path_utf8(*newest) + ".sha256";
        if (!fs::exists(platform::fs_path(sidecar), ec)) {
            r.checksum = BackupChecksum::Missing;
            set(r, 2, what + "; checksum file " + newest_name + ".sha256 is missing");
            return r;
        }
        const auto expected = read_sidecar_hash(sidecar, newest_name);
        if (!expected) {
            r.checksum = BackupChecksum::Malformed;
            set(r, 2, what + "; " + newest_name + ".sha256 has no sha256sum line for it");
            return r;
        }
        r.expected_sha256 = *expected;
        try {
            r.actual_sha256 = sha256_file(platform::path_utf8(*newest));
        } catch (const Error& e) {
            set(r, 3, what + "; " + std::string(e.message()));
            return r;
        }
        if (r.actual_sha256 != r.expected_sha256) {
            r.checksum = BackupChecksum::Mismatch;
            set(r, 2, what + "; SHA-256 MISMATCH (file corrupted or truncated)");
            return r;
        }
        r.checksum = BackupChecksum::Ok;
    }
    const std::string sum = r.checksum == BackupChecksum::Ok ? ", checksum OK" : "";
    if (r.newest_age_seconds > o.max_age_seconds) {
        set(r, 1, what + " (max " + human_age(o.max_age_seconds) + ")" + sum);
    } else {
        set(r, 0, what + sum);
    }
    return r;
}

}  // namespace verrou
