#include "profile/tree.hpp"

#include <openssl/crypto.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sys/stat.h>

#include "platform/path.hpp"
#include "profile/schema.hpp"
#include "verrou/error.hpp"
#include "verrou/secret.hpp"

namespace verrou {

std::string SourceLocation::describe() const {
    if (!json_pointer.empty()) return file + "#" + json_pointer;
    if (line > 0) return file + ":" + std::to_string(line);
    return file;
}

namespace profile_detail {

std::string where_prefix(const SourceLocation& loc) { return loc.describe() + ": "; }

namespace {

bool ends_with_ci(std::string_view s, std::string_view suffix) {
    if (s.size() < suffix.size()) return false;
    for (std::size_t i = 0; i < suffix.size(); ++i) {
        if (std::tolower(static_cast<unsigned char>(s[s.size() - suffix.size() + i])) != suffix[i]) return false;
    }
    return true;
}

// Doubles the capacity of `s` (at most to `cap`) without leaving a copy of its bytes in the
// freed buffer: the old buffer is wiped before it goes.
void grow_wiped(std::string& s, std::size_t cap) {
    std::string bigger;
    bigger.reserve(std::min(std::max<std::size_t>(s.capacity() * 2, 4096), cap));
    bigger.assign(s);
    wipe(s);
    s.swap(bigger);
}

// The file may hold an inline password: it is read straight into one buffer sized from stat()
// (grown by hand, wiping, if the file grows meanwhile), through a stream buffer of ours that is
// wiped afterwards — no library buffer or outgrown copy is freed holding it. Wiped on error too;
// on success the caller wipes it.
std::string read_capped(const std::string& path) {
    struct stat st {};
    if (::stat(path.c_str(), &st) != 0) {
        throw Error(Code::ConfigUnreadable, path + ": cannot open profile: " + std::strerror(errno));
    }
    if (!S_ISREG(st.st_mode)) throw Error(Code::ConfigUnreadable, path + ": profile is not a regular file");
    if (static_cast<std::uint64_t>(st.st_size) > max_profile_bytes) {
        throw Error(Code::ConfigUnreadable, path + ": profile is larger than 1 MiB (" +
                    std::to_string(st.st_size) + " bytes); a profile is a small text file");
    }
    std::string text;
    struct Wiper {
        std::string& s;
        bool armed = true;
        ~Wiper() {
            if (armed) wipe(s);
        }
    } wiper{text};
    // One byte more than the cap: reading it proves the file grew past the cap.
    constexpr std::size_t cap = max_profile_bytes + 1;
    text.reserve(std::min<std::size_t>(static_cast<std::size_t>(st.st_size) + 1, cap));
    char iobuf[512];
    bool bad = false;
    {
        std::ifstream in;
        in.rdbuf()->pubsetbuf(iobuf, sizeof iobuf);  // before open(): replaces the library's buffer
        in.open(path, std::ios::binary);
        if (!in) throw Error(Code::ConfigUnreadable, path + ": cannot read profile: " + std::strerror(errno));
        // Re-check the cap while reading: the file may grow between stat() and read().
        while (text.size() <= max_profile_bytes) {
            if (text.size() == text.capacity()) grow_wiped(text, cap);
            const std::size_t old = text.size();
            text.resize(text.capacity());  // within capacity: no new buffer
            in.read(text.data() + old, static_cast<std::streamsize>(text.size() - old));
            text.resize(old + static_cast<std::size_t>(in.gcount()));
            if (!in) break;
        }
        bad = in.bad();
    }
    OPENSSL_cleanse(iobuf, sizeof iobuf);
    if (text.size() > max_profile_bytes) throw Error(Code::ConfigUnreadable, path + ": profile is larger than 1 MiB");
    if (bad) throw Error(Code::ConfigUnreadable, path + ": error while reading the profile");
    wiper.armed = false;
    return text;
}

}  // namespace

Tree load_tree(const std::string& path) {
    if (path.empty()) throw Error(Code::ConfigUnreadable, "no profile path given");
    std::error_code ec;
    std::filesystem::path abs = std::filesystem::absolute(platform::fs_path(path), ec);
    const std::string file = ec ? path : platform::path_utf8(abs.lexically_normal());
    std::string text = read_capped(file);
    // The raw text may hold an inline password: wipe it however parsing ends.
    struct Wiper {
        std::string& s;
        ~Wiper() { wipe(s); }
    } wiper{text};
    bool json = ends_with_ci(file, ".json");
    if (!json && !ends_with_ci(file, ".ini")) {
        std::string_view t = text;
        if (t.substr(0, 3) == "\xEF\xBB\xBF") t.remove_prefix(3);
        const auto first = t.find_first_not_of(" \t\r\n");
        json = first != std::string_view::npos && t[first] == '{';
    }
    Tree tree = json ? parse_json(file, text) : parse_ini(file, text);
    validate_tree(tree);
    return tree;
}

}  // namespace profile_detail
}  // namespace verrou
