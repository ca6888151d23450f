// INI dialect of profiles:
//   default_environment = dev        ; before any section, or inside [verrou]
//   [defaults]                       ; inherited by every environment
//   [defaults.hashing]               ; keys become hashing.<key>
//   [defaults.hashing.peppers.k2025] ; keys become hashing.peppers.k2025.<key>
//   [env.prod]  [env.prod.hashing] ...
// ';' and '#' start comments (whole line, or after whitespace in an unquoted value).
// Values may be wrapped in "..." or '...'; nothing inside is unescaped, so Windows paths
// keep their backslashes. UTF-8 BOM and CRLF line ends are accepted.
#include <set>

#include "profile/schema.hpp"
#include "profile/tree.hpp"
#include "verrou/error.hpp"

namespace verrou::profile_detail {

namespace {

std::string_view trim(std::string_view s) {
    const auto b = s.find_first_not_of(" \t");
    if (b == std::string_view::npos) return {};
    const auto e = s.find_last_not_of(" \t");
    return s.substr(b, e - b + 1);
}

struct IniParser {
    const std::string& file;
    Tree tree;
    Section* current = nullptr;
    std::string prefix;  // dotted prefix of the current [x.hashing...] sub-section
    std::set<std::string> seen_headers;
    int line_no = 0;

    SourceLocation here() const { return SourceLocation{file, line_no, {}}; }

    [[noreturn]] void syntax(const std::string& problem) const {
        throw Error(Code::ConfigSyntax, where_prefix(here()) + problem);
    }

    Section& environment(const std::string& name) {
        for (auto& [env, section] : tree.environments) {
            if (env == name) return section;
        }
        Section s;
        s.label = "[env." + name + "]";
        s.where = here();
        tree.environments.emplace_back(name, std::move(s));
        return tree.environments.back().second;
    }

    void header(std::string_view line) {
        if (line.back() != ']') syntax("section header must end with ']'");
        const std::string name(trim(line.substr(1, line.size() - 2)));
        if (name.empty()) syntax("empty section name '[]'");
        if (!seen_headers.insert(name).second) {
            throw Error(Code::ConfigDuplicate, where_prefix(here()) + "section [" + name +
                        "] appears twice; merge the two blocks");
        }
        std::string rest;
        if (name == "verrou") {
            current = &tree.top;
            prefix.clear();
            return;
        }
        if (name == "defaults" || name.rfind("defaults.", 0) == 0) {
            current = &tree.defaults;
            if (current->where.line == 0) current->where = here();
            rest = name.size() > 8 ? name.substr(9) : std::string();
        } else if (name.rfind("env.", 0) == 0) {
            const std::string tail = name.substr(4);
            const auto dot = tail.find('.');
            const std::string env = tail.substr(0, dot);
            if (!is_plain_name(env)) {
                syntax("environment name '" + env +
                       "' must be 1-32 letters, digits, '_' or '-' (section [" + name + "])");
            }
            current = &environment(env);
            rest = dot == std::string::npos ? std::string() : tail.substr(dot + 1);
        } else {
            std::string msg = "unknown section [" + name +
                              "]; expected [defaults], [env.<name>] or [verrou]";
            const std::string s = suggest_key(name, {"defaults", "verrou"});
            if (!s.empty()) msg += " (did you mean [" + s + "]?)";
            else if (is_plain_name(name)) msg += " (did you mean [env." + name + "]?)";
            throw Error(Code::ConfigSyntax, where_prefix(here()) + msg);
        }
        if (!rest.empty() && !is_section_prefix(rest)) {
            throw Error(Code::ConfigUnknownKey, where_prefix(here()) + "unknown sub-section '" + rest +
                        "' in [" + name +
                        "]; known: hashing, hashing.peppers.<id>, hashing.windev_legacy, "
                        "hashing.windev_legacy.pepper, encryption, encryption.keys.<id>, "
                        "encryption.index_keys.<id>, login");
        }
        prefix = rest.empty() ? std::string() : rest + ".";
    }

    // Unquotes a value, or cuts an inline comment from an unquoted one.
    // A view into the file's text (wiped by its owner): the value is copied once, into the
    // tree's wiping storage.
    std::string_view value_of(std::string_view raw) const {
        if (!raw.empty() && (raw.front() == '"' || raw.front() == '\'')) {
            const char q = raw.front();
            const auto close = raw.find(q, 1);
            if (close == std::string_view::npos) syntax("unterminated quoted value");
            const std::string_view after = trim(raw.substr(close + 1));
            if (!after.empty() && after.front() != ';' && after.front() != '#') {
                syntax("unexpected text after the closing quote");
            }
            return raw.substr(1, close - 1);
        }
        for (std::size_t i = 1; i < raw.size(); ++i) {
            if ((raw[i] == ';' || raw[i] == '#') && (raw[i - 1] == ' ' || raw[i - 1] == '\t')) {
                return trim(raw.substr(0, i));
            }
        }
        return raw;
    }

    void assignment(std::string_view line) {
        const auto eq = line.find('=');
        if (eq == std::string_view::npos) {
            // The line is not echoed: it may be a password someone pasted on its own.
            syntax("malformed line: expected 'key = value', '[section]' or a comment");
        }
        // Nor is the text before '=' unless it looks like a key: a pasted Base64 secret ends
        // with '=' ("c2VjcmV0...OA=="), and "password hunter=2" would show half a password.
        const std::string_view k = trim(line.substr(0, eq));
        if (k.empty()) syntax("missing key name before '='");
        if (k.find_first_of(" \t") != std::string_view::npos) {
            // "ssl ca = ..." is still named, with the key meant: only when it is exactly a known
            // key once the blanks become '_' (a fuzzy match could quote part of a secret).
            std::string joined;
            for (char c : k) {
                if (c != ' ' && c != '\t') joined += c;
                else if (joined.back() != '_') joined += '_';
            }
            const std::string dotted = prefix + joined;
            const bool top = !current || current == &tree.top;
            if (find_key(dotted) || (top && dotted == "default_environment")) {
                syntax("key '" + std::string(k) + "' contains whitespace (did you mean '" + joined + "'?)");
            }
            syntax(std::string(kLineNotShown));
        }
        Value v;
        v.kind = ValueKind::Text;
        v.text = value_of(trim(line.substr(eq + 1)));
        v.where = here();
        if (!current) current = &tree.top;  // keys before any section are top-level
        WipedString key(prefix);
        key += k;
        auto [it, inserted] = current->values.try_emplace(key, std::move(v));
        if (!inserted) {
            // The same pasted line twice: an unknown key that does not look like one stays unquoted.
            if (!key_may_be_shown(key)) fail_key_not_shown(Code::ConfigUnknownKey, here());
            throw Error(Code::ConfigDuplicate, where_prefix(here()) + "key '" + std::string(std::string_view(key)) + "' is set twice in " +
                        (current == &tree.top ? std::string("the top level") : current->label) +
                        " (first at line " + std::to_string(it->second.where.line) + ")");
        }
    }
};

}  // namespace

Tree parse_ini(const std::string& file, std::string_view text) {
    IniParser p{file, {}, nullptr, {}, {}, 0};
    p.tree.file = file;
    p.tree.format = Format::Ini;
    p.tree.top.label = "the top level";
    p.tree.top.where = SourceLocation{file, 0, {}};
    p.tree.defaults.label = "[defaults]";
    p.tree.defaults.where = SourceLocation{file, 0, {}};
    if (text.substr(0, 3) == "\xEF\xBB\xBF") text.remove_prefix(3);

    std::map<std::string, int> env_headers;  // duplicate [env.x] detection
    std::size_t pos = 0;
    while (pos <= text.size()) {
        auto nl = text.find('\n', pos);
        if (nl == std::string_view::npos) nl = text.size();
        std::string_view line = text.substr(pos, nl - pos);
        pos = nl + 1;
        ++p.line_no;
        if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
        if (line.find('\0') != std::string_view::npos) p.syntax("NUL byte in the file");
        line = trim(line);
        if (line.empty() || line.front() == ';' || line.front() == '#') {
            if (nl == text.size()) break;
            continue;
        }
        if (line.front() == '[') {
            const std::string name(trim(line.substr(1, line.size() > 1 ? line.size() - 2 : 0)));
            if (name.rfind("env.", 0) == 0 && name.find('.', 4) == std::string::npos && line.back() == ']') {
                auto [it, inserted] = env_headers.try_emplace(name.substr(4), p.line_no);
                if (!inserted) {
                    throw Error(Code::ConfigDuplicate,
                                where_prefix(p.here()) + "environment '" + name.substr(4) +
                                    "' is defined twice (first [" + name + "] at line " +
                                    std::to_string(it->second) + ")");
                }
            }
            p.header(line);
        } else {
            p.assignment(line);
        }
        if (nl == text.size()) break;
    }
    return std::move(p.tree);
}

}  // namespace verrou::profile_detail
