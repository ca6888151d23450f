// JSON dialect of profiles:
//   { "default_environment": "dev",
//     "defaults": { "host": "...", "hashing": { "peppers": { "k2025": { "file": "..." } } } },
//     "environments": { "prod": { ... } } }
// Nested objects flatten into the same dotted keys the INI dialect produces ("hashing.algorithm").
// Comments (// and /* */) are accepted so samples can be annotated like the INI ones.
#include <nlohmann/json.hpp>

#include <set>

#include "profile/schema.hpp"
#include "profile/tree.hpp"
#include "verrou/error.hpp"

namespace verrou::profile_detail {

namespace {

using ojson = nlohmann::ordered_json;

std::string escape_pointer_token(std::string_view s) {
    std::string out;
    for (char c : s) {
        if (c == '~') out += "~0";
        else if (c == '/') out += "~1";
        else out += c;
    }
    return out;
}

// nlohmann reports a byte offset; people need line:column.
std::string line_column(std::string_view text, std::size_t byte) {
    std::size_t line = 1, col = 1;
    const std::size_t end = std::min(byte > 0 ? byte - 1 : 0, text.size());
    for (std::size_t i = 0; i < end; ++i) {
        if (text[i] == '\n') {
            ++line;
            col = 1;
        } else {
            ++col;
        }
    }
    return "line " + std::to_string(line) + ", column " + std::to_string(col);
}

// nlohmann's message ends with "; last read: '<text>'", which may be part of a secret: keep
// only the reason.
std::string parse_reason(const std::string& what) {
    std::string r = what;
    const auto colon = r.find(": ", r.find("column"));
    if (colon != std::string::npos) r = r.substr(colon + 2);
    const auto last = r.find("; last read");
    if (last != std::string::npos) r = r.substr(0, last);
    return r;
}

struct Frame {
    bool array = false;
    std::set<std::string> keys;
    std::string key;
};

constexpr int kMaxDepth = 16;

struct Converter {
    Tree& tree;

    SourceLocation at(const std::string& pointer) const { return SourceLocation{tree.file, 0, pointer}; }

    Value scalar(const ojson& j, const std::string& pointer) const {
        Value v;
        v.where = at(pointer);
        switch (j.type()) {
            case ojson::value_t::string: v.kind = ValueKind::String; v.text = j.get<std::string>(); break;
            case ojson::value_t::boolean: v.kind = ValueKind::Bool; v.boolean = j.get<bool>(); break;
            case ojson::value_t::number_integer: v.kind = ValueKind::Integer; v.integer = j.get<std::int64_t>(); break;
            case ojson::value_t::number_unsigned: {
                const auto u = j.get<std::uint64_t>();
                v.kind = ValueKind::Integer;
                v.integer = u > static_cast<std::uint64_t>(INT64_MAX) ? INT64_MAX : static_cast<std::int64_t>(u);
                break;
            }
            case ojson::value_t::number_float: v.kind = ValueKind::Float; break;
            case ojson::value_t::null: v.kind = ValueKind::Null; break;
            case ojson::value_t::array: v.kind = ValueKind::Array; break;
            default: v.kind = ValueKind::Object; break;
        }
        return v;
    }

    [[noreturn]] void wrong(const std::string& pointer, const std::string& key, const std::string& problem) const {
        throw Error(Code::ConfigWrongType, where_prefix(at(pointer)) + "key '" + key + "': " + problem);
    }

    // Flattens `obj` into `section` under `prefix` ("" or "hashing.").
    void flatten(const ojson& obj, const std::string& pointer, const std::string& prefix, Section& section) const {
        for (const auto& [k, j] : obj.items()) {
            const std::string key = prefix + k;
            const std::string ptr = pointer + "/" + escape_pointer_token(k);
            if (j.is_object()) {
                if (find_key(key)) wrong(ptr, key, "expected a single value, got an object");
                if (!is_section_prefix(key)) {
                    std::string msg = "unknown key";
                    const std::string s = suggest_key(key, section_key_names());
                    if (!s.empty()) msg += " (did you mean '" + s + "'?)";
                    throw Error(Code::ConfigUnknownKey, where_prefix(at(ptr)) + "key '" + key + "': " + msg);
                }
                flatten(j, ptr, key + ".", section);
                continue;
            }
            if (is_section_prefix(key)) {
                wrong(ptr, key, "expected an object, got " + std::string(value_kind_name(scalar(j, ptr).kind)));
            }
            auto [it, inserted] = section.values.try_emplace(key, scalar(j, ptr));
            if (!inserted) {
                throw Error(Code::ConfigDuplicate, where_prefix(at(ptr)) + "key '" + key + "' is set twice in " +
                            section.label + " (also at " + it->second.where.json_pointer + ")");
            }
        }
    }

    void convert(const ojson& root) {
        if (!root.is_object()) {
            throw Error(Code::ConfigWrongType, tree.file + ": the top level must be a JSON object");
        }
        for (const auto& [k, j] : root.items()) {
            const std::string ptr = "/" + escape_pointer_token(k);
            if (k == "defaults") {
                if (!j.is_object()) wrong(ptr, k, "expected an object");
                tree.defaults.where = at(ptr);
                flatten(j, ptr, "", tree.defaults);
            } else if (k == "environments") {
                if (!j.is_object()) wrong(ptr, k, "expected an object mapping names to settings");
                for (const auto& [name, env] : j.items()) {
                    const std::string eptr = ptr + "/" + escape_pointer_token(name);
                    if (!is_plain_name(name)) {
                        throw Error(Code::ConfigInvalidValue, where_prefix(at(eptr)) + "environment name '" + name +
                                    "' must be 1-32 letters, digits, '_' or '-'");
                    }
                    if (!env.is_object()) wrong(eptr, name, "an environment must be an object");
                    Section s;
                    s.label = eptr;
                    s.where = at(eptr);
                    flatten(env, eptr, "", s);
                    tree.environments.emplace_back(name, std::move(s));
                }
            } else {
                if (j.is_object()) {
                    std::string msg = "unknown top-level key";
                    const std::string s = suggest_key(k, {"defaults", "environments", "default_environment"});
                    if (!s.empty()) msg += " (did you mean '" + s + "'?)";
                    else msg += "; expected defaults, environments or default_environment";
                    throw Error(Code::ConfigUnknownKey, where_prefix(at(ptr)) + "key '" + k + "': " + msg);
                }
                tree.top.values.emplace(k, scalar(j, ptr));
            }
        }
    }
};

}  // namespace

Tree parse_json(const std::string& file, std::string_view text) {
    Tree tree;
    tree.file = file;
    tree.format = Format::Json;
    tree.top.label = "the top level";
    tree.top.where = SourceLocation{file, 0, ""};
    tree.defaults.label = "/defaults";
    tree.defaults.where = SourceLocation{file, 0, "/defaults"};
    if (text.substr(0, 3) == "\xEF\xBB\xBF") text.remove_prefix(3);

    // nlohmann keeps the last of two equal keys silently; a hand-edited file with two "port"
    // entries (or two "prod" environments) must be refused, so we watch the parse events.
    std::vector<Frame> frames;
    auto pointer = [&frames]() {
        std::string p;
        for (std::size_t i = 0; i + 1 < frames.size(); ++i) {
            p += "/" + (frames[i].array ? std::string("*") : escape_pointer_token(frames[i].key));
        }
        return p;
    };
    ojson root;
    try {
        root = ojson::parse(
            text.begin(), text.end(),
            [&](int depth, ojson::parse_event_t event, ojson& parsed) -> bool {
                if (depth > kMaxDepth) {
                    throw Error(Code::ConfigSyntax,
                                file + ": JSON nested deeper than " + std::to_string(kMaxDepth) + " levels");
                }
                switch (event) {
                    case ojson::parse_event_t::object_start: frames.push_back(Frame{}); break;
                    case ojson::parse_event_t::array_start: frames.push_back(Frame{true, {}, {}}); break;
                    case ojson::parse_event_t::object_end:
                    case ojson::parse_event_t::array_end:
                        if (!frames.empty()) frames.pop_back();
                        break;
                    case ojson::parse_event_t::key: {
                        Frame& f = frames.back();
                        const std::string key = parsed.get<std::string>();
                        if (!f.keys.insert(key).second) {
                            const std::string parent = pointer();
                            const bool env = parent == "/environments";
                            throw Error(Code::ConfigDuplicate,
                                        file + "#" + parent + "/" + escape_pointer_token(key) + ": " +
                                            (env ? "environment '" + key + "' is defined twice"
                                                 : "key '" + key + "' appears twice in the same object"));
                        }
                        f.key = key;
                        break;
                    }
                    case ojson::parse_event_t::value: break;
                }
                return true;
            },
            /*allow_exceptions=*/true, /*ignore_comments=*/true);
    } catch (const ojson::parse_error& e) {
        throw Error(Code::ConfigSyntax, file + ": malformed JSON at " + line_column(text, e.byte) + ": " +
                    parse_reason(e.what()));
    }
    Converter{tree}.convert(root);
    return tree;
}

}  // namespace verrou::profile_detail
