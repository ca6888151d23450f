#include "profile/tree.hpp"

#include <filesystem>

#include "platform/path.hpp"
#include "profile/schema.hpp"
#include "secret/file_read.hpp"
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

Value Value::clone() const {
    Value v;
    v.kind = kind;
    v.text = text;
    v.integer = integer;
    v.boolean = boolean;
    v.where = where;
    v.items.reserve(items.size());
    for (const Value& item : items) v.items.push_back(item.clone());
    return v;
}

Section Section::clone() const {
    Section s;
    s.label = label;
    s.where = where;
    for (const auto& [key, value] : values) s.values.emplace_hint(s.values.end(), key, value.clone());
    return s;
}

namespace {

bool ends_with_ci(std::string_view s, std::string_view suffix) {
    if (s.size() < suffix.size()) return false;
    for (std::size_t i = 0; i < suffix.size(); ++i) {
        if (std::tolower(static_cast<unsigned char>(s[s.size() - suffix.size() + i])) != suffix[i]) return false;
    }
    return true;
}

// The file may hold an inline password: read through secret/'s one reader (system calls into
// a buffer it cleanses on every path; UTF-8 path made wide at the Windows call), capped.
SecretBuffer read_profile_text(const std::string& path) {
    using secret_detail::FileReadStatus;
    secret_detail::FileReadResult r = secret_detail::read_file_wiped(path, max_profile_bytes, /*regular_only=*/true);
    switch (r.status) {
        case FileReadStatus::Ok:
            return std::move(r.data);
        case FileReadStatus::NotFound:
        case FileReadStatus::StatFailed:
        case FileReadStatus::OpenFailed:
            throw Error(Code::ConfigUnreadable, path + ": cannot open profile: " + r.reason);
        case FileReadStatus::IsDirectory:
        case FileReadStatus::NotRegular:
            throw Error(Code::ConfigUnreadable, path + ": profile is not a regular file");
        case FileReadStatus::TooLarge:
            throw Error(Code::ConfigUnreadable, path + ": profile is larger than 1 MiB; a profile is a small text file");
        case FileReadStatus::ReadFailed:
            break;
    }
    throw Error(Code::ConfigUnreadable, path + ": error while reading the profile: " + r.reason);
}

}  // namespace

Tree load_tree(const std::string& path) {
    if (path.empty()) throw Error(Code::ConfigUnreadable, "no profile path given");
    std::error_code ec;
    std::filesystem::path abs = std::filesystem::absolute(platform::fs_path(path), ec);
    const std::string file = ec ? path : platform::path_utf8(abs.lexically_normal());
    const SecretBuffer content = read_profile_text(file);  // wiped however parsing ends
    const std::string_view text = content.view();
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
