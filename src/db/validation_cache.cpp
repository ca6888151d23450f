#include "db/validation_cache.hpp"

#include <sys/stat.h>

#include <list>
#include <mutex>
#include <string>

namespace verrou::db {
namespace {

using Clock = std::chrono::steady_clock;

/// A file's identity as far as "has it changed" goes; "missing" when stat fails.
std::string file_stamp(const std::string& path) {
    if (path.empty()) return "-";
    struct stat st {};
    if (::stat(path.c_str(), &st) != 0) return "missing";
    return std::to_string(st.st_dev) + ":" + std::to_string(st.st_ino) + ":" + std::to_string(st.st_size) + ":" +
           std::to_string(st.st_mtime) + ":" + std::to_string(st.st_mode);
}

/// Everything the validator's verdict depends on, except the clock.
std::string cache_key(const Profile& p) {
    const TlsSettings& t = p.tls;
    std::string key;
    for (const std::string* path : {&t.ca, &t.cert, &t.key, &t.crl, &t.cert_next, &t.key_next}) {
        key += *path + "|" + file_stamp(*path) + "|";
    }
    key += t.key_passphrase.describe() + "|" + t.expected_cert_cn + "|" + t.ca_fingerprint + "|" +
           (t.strict_permissions ? "strict" : "loose") + "|" + std::to_string(t.expiry_warning_days) + "|" +
           p.user + "|" + p.environment;
    return key;
}

struct Entry {
    std::string key;
    Clock::time_point made;
    ValidationReport report;
};

constexpr std::size_t max_entries = 16;  // a process rarely has more profiles than that
std::mutex cache_mutex;
std::list<Entry> cache;  // most recent first

}  // namespace

ValidationReport validate_cached(const Profile& profile, std::chrono::seconds ttl) {
    const std::string key = cache_key(profile);
    const auto now = Clock::now();
    {
        std::lock_guard lock(cache_mutex);
        for (auto it = cache.begin(); it != cache.end(); ++it) {
            if (it->key != key) continue;
            if (now - it->made > ttl) {
                cache.erase(it);
                break;
            }
            cache.splice(cache.begin(), cache, it);
            return cache.front().report;
        }
    }
    ValidationReport report = validate_tls_material(profile);
    if (report.ok()) {
        std::lock_guard lock(cache_mutex);
        cache.push_front(Entry{key, now, report});
        if (cache.size() > max_entries) cache.pop_back();
    }
    return report;
}

}  // namespace verrou::db
