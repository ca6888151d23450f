// JSON dialect of profiles:
//   { "default_environment": "dev",
//     "defaults": { "host": "...", "hashing": { "peppers": { "k2025": { "file": "..." } } } },
//     "environments": { "prod": { ... } } }
// Nested objects flatten into the same dotted keys the INI dialect produces ("hashing.algorithm").
// Comments (// and /* */) are accepted so samples can be annotated like the INI ones.
//
// The reader is our own (RFC 8259 plus comments) rather than a general JSON library, because
// a profile may hold an inline password: every string, key or value, is decoded once into a
// buffer reserved to its final size and wiped when the parsed document dies, like the INI
// path; keys and values reach the tree in wiping storage (WipedString) and are never copied
// into a plain std::string. A library lexer keeps its own copies of each token (growing
// buffers freed unwiped).
// It also keeps the messages ours: line and column, the reason, never the offending text.
#include <algorithm>
#include <cctype>
#include <charconv>
#include <cstdint>
#include <set>
#include <vector>

#include "platform/utf8.hpp"
#include "profile/schema.hpp"
#include "profile/tree.hpp"
#include "verrou/error.hpp"
#include "verrou/secret.hpp"

namespace verrou::profile_detail {

namespace {

constexpr int kMaxDepth = 16;

// ---- the parsed document: every string wiped when it dies -----------------------------

struct Member;

struct Node {
    ValueKind kind = ValueKind::Null;
    WipedString text;             // String
    std::int64_t integer = 0;     // Integer
    bool boolean = false;         // Bool
    std::vector<Member> members;  // Object (Array: the elements, with empty keys)

    Node() = default;
    Node(Node&&) noexcept = default;
    Node(const Node&) = delete;
    Node& operator=(const Node&) = delete;  // an assignment would free the old text unwiped
    Node& operator=(Node&&) = delete;
    ~Node();
};

struct Member {
    WipedString key;
    Node value;

    Member() = default;
    Member(Member&&) noexcept = default;
    Member(const Member&) = delete;
    Member& operator=(const Member&) = delete;
    Member& operator=(Member&&) = delete;
    // A key may be a pasted secret too; a moved-from key still holds it in its inline buffer.
    ~Member() { wipe(key); }
};

Node::~Node() { wipe(text); }

// ---- the reader -------------------------------------------------------------------------

class Reader {
public:
    Reader(const std::string& file, std::string_view text) : file_(file), text_(text) {}

    Node document() {
        Node root;
        // As in INI: a NUL byte has no place in a profile (inside a comment it would be
        // skipped silently here but end the comment for other readers).
        if (const auto nul = text_.find('\0'); nul != std::string_view::npos) fail(nul, "NUL byte in the file");
        skip_blank();
        if (pos_ == text_.size()) fail(pos_, "the file is empty; expected a JSON object");
        value(root, 0);
        skip_blank();
        if (pos_ != text_.size()) fail(pos_, "unexpected text after the end of the top-level object");
        return root;
    }

private:
    const std::string& file_;
    std::string_view text_;
    std::size_t pos_ = 0;

    // Byte offset → "line L, column C" (1-based; the column counts bytes, as editors with a
    // byte ruler and the earlier messages did).
    std::string line_column(std::size_t at) const {
        at = std::min(at, text_.size());
        std::size_t line = 1, start = 0;
        for (std::size_t i = 0; i < at; ++i) {
            if (text_[i] == '\n') {
                ++line;
                start = i + 1;
            }
        }
        return "line " + std::to_string(line) + ", column " + std::to_string(at - start + 1);
    }

    [[noreturn]] void fail(std::size_t at, const std::string& reason) const {
        throw Error(Code::ConfigSyntax, file_ + ": malformed JSON at " + line_column(at) + ": " + reason);
    }

    // What stands at `at`, for "expected X, got Y": structural characters are named, anything
    // else is not quoted (it may be the start of an unquoted secret).
    std::string found(std::size_t at) const {
        if (at >= text_.size()) return "the end of the file";
        const char c = text_[at];
        if (std::string_view("{}[]:,\"").find(c) != std::string_view::npos) return std::string("'") + c + "'";
        return "other text (strings must be in double quotes)";
    }

    bool at(char c) const { return pos_ < text_.size() && text_[pos_] == c; }

    void skip_blank() {
        while (pos_ < text_.size()) {
            const char c = text_[pos_];
            if (c == ' ' || c == '\t' || c == '\n' || c == '\r') {
                ++pos_;
            } else if (c == '/' && pos_ + 1 < text_.size() && text_[pos_ + 1] == '/') {
                // A line comment ends at LF or at a lone CR (old Mac line ends), as in other
                // readers that accept comments: a CR-only file must not lose everything after
                // its first comment.
                const auto nl = text_.find_first_of("\r\n", pos_ + 2);
                pos_ = nl == std::string_view::npos ? text_.size() : nl + 1;
            } else if (c == '/' && pos_ + 1 < text_.size() && text_[pos_ + 1] == '*') {
                const auto close = text_.find("*/", pos_ + 2);
                if (close == std::string_view::npos) fail(pos_, "comment '/*' is never closed with '*/'");
                pos_ = close + 2;
            } else if (c == '/') {
                fail(pos_, "a comment starts with '//' or '/*'");
            } else {
                return;
            }
        }
    }

    void value(Node& out, int depth) {
        if (pos_ >= text_.size()) fail(pos_, "unexpected end of the file; expected a value");
        const char c = text_[pos_];
        switch (c) {
            case '{': container(out, depth, true); return;
            case '[': container(out, depth, false); return;
            case '"':
                out.kind = ValueKind::String;
                string(out.text);
                return;
            case 't': literal(out, "true", ValueKind::Bool, true); return;
            case 'f': literal(out, "false", ValueKind::Bool, false); return;
            case 'n': literal(out, "null", ValueKind::Null, false); return;
            default:
                if (c == '-' || (c >= '0' && c <= '9')) {
                    number(out);
                    return;
                }
                fail(pos_, "expected a value, got " + found(pos_));
        }
    }

    void literal(Node& out, std::string_view word, ValueKind kind, bool b) {
        std::size_t end = pos_;
        while (end < text_.size() && std::isalnum(static_cast<unsigned char>(text_[end]))) ++end;
        if (text_.substr(pos_, end - pos_) != word) {
            fail(pos_, "expected a value, got other text (strings must be in double quotes; true, false "
                       "and null are the only bare words)");
        }
        out.kind = kind;
        out.boolean = b;
        pos_ = end;
    }

    void container(Node& out, int depth, bool object) {
        if (depth >= kMaxDepth) fail(pos_, "nested deeper than " + std::to_string(kMaxDepth) + " levels");
        out.kind = object ? ValueKind::Object : ValueKind::Array;
        const char close = object ? '}' : ']';
        ++pos_;
        skip_blank();
        if (at(close)) {
            ++pos_;
            return;
        }
        for (;;) {
            out.members.emplace_back();
            Member& m = out.members.back();
            if (object) {
                if (!at('"')) fail(pos_, "expected a key (a string in double quotes), got " + found(pos_));
                string(m.key);
                skip_blank();
                if (!at(':')) fail(pos_, "expected ':' after the key, got " + found(pos_));
                ++pos_;
                skip_blank();
            }
            value(m.value, depth + 1);
            skip_blank();
            if (at(',')) {
                ++pos_;
                skip_blank();
                continue;
            }
            if (at(close)) {
                ++pos_;
                return;
            }
            fail(pos_, std::string("expected ',' or '") + close + "', got " + found(pos_));
        }
    }

    unsigned hex4(std::size_t at) const {
        if (at + 4 > text_.size()) fail(at, "\\u must be followed by 4 hex digits");
        unsigned v = 0;
        for (std::size_t i = at; i < at + 4; ++i) {
            const char c = text_[i];
            v <<= 4;
            if (c >= '0' && c <= '9') v |= static_cast<unsigned>(c - '0');
            else if (c >= 'a' && c <= 'f') v |= static_cast<unsigned>(c - 'a' + 10);
            else if (c >= 'A' && c <= 'F') v |= static_cast<unsigned>(c - 'A' + 10);
            else fail(at, "\\u must be followed by 4 hex digits");
        }
        return v;
    }

    // Decodes the string at pos_ (on its opening quote) into `out`, which is reserved once to
    // the raw length: the decoded text is never longer, so the buffer never grows and no
    // partial copy of a secret is freed unwiped. `out` belongs to the document, wiped with it
    // on any error.
    void string(WipedString& out) {
        const std::size_t open = pos_++;
        std::size_t end = pos_;
        while (end < text_.size() && text_[end] != '"') end += text_[end] == '\\' ? 2 : 1;
        out.reserve(std::min(end, text_.size()) - pos_);
        for (;;) {
            if (pos_ >= text_.size()) fail(open, "this string is never closed with '\"'");
            const auto c = static_cast<unsigned char>(text_[pos_]);
            if (c == '"') {
                ++pos_;
                return;
            }
            if (c == '\n' || c == '\r') {
                fail(pos_, "line break inside a string: the closing '\"' is missing (write \\n for a line break)");
            }
            if (c < 0x20) fail(pos_, "control character inside a string (write it as \\u00XX)");
            if (c == '\\') {
                const std::size_t esc = pos_;
                const char e = pos_ + 1 < text_.size() ? text_[pos_ + 1] : '\0';
                pos_ += 2;
                switch (e) {
                    case '"': out += '"'; break;
                    case '\\': out += '\\'; break;
                    case '/': out += '/'; break;
                    case 'b': out += '\b'; break;
                    case 'f': out += '\f'; break;
                    case 'n': out += '\n'; break;
                    case 'r': out += '\r'; break;
                    case 't': out += '\t'; break;
                    case 'u': {
                        unsigned cp = hex4(pos_);
                        pos_ += 4;
                        if (cp >= 0xDC00 && cp <= 0xDFFF) fail(esc, "\\u escape of a lone low surrogate");
                        if (cp >= 0xD800 && cp <= 0xDBFF) {
                            if (pos_ + 1 >= text_.size() || text_[pos_] != '\\' || text_[pos_ + 1] != 'u') {
                                fail(esc, "\\u escape of a high surrogate not followed by a low one");
                            }
                            const unsigned low = hex4(pos_ + 2);
                            if (low < 0xDC00 || low > 0xDFFF) {
                                fail(esc, "\\u escape of a high surrogate not followed by a low one");
                            }
                            pos_ += 6;
                            cp = 0x10000 + ((cp - 0xD800) << 10) + (low - 0xDC00);
                        }
                        // A NUL would cut every C string made of the value (paths, names, passwords).
                        if (cp == 0) fail(esc, "\\u0000 (NUL) is not allowed in a profile string");
                        platform::append_utf8(out, cp);
                        break;
                    }
                    default:
                        fail(esc, "invalid escape in a string (valid: \\\" \\\\ \\/ \\b \\f \\n \\r \\t \\uXXXX)");
                }
                continue;
            }
            if (c < 0x80) {
                out += static_cast<char>(c);
                ++pos_;
                continue;
            }
            char32_t cp = 0;
            const std::size_t n = platform::decode_utf8(text_.substr(pos_), cp);
            if (n == 0) fail(pos_, "invalid UTF-8 inside a string");
            out.append(text_.substr(pos_, n));
            pos_ += n;
        }
    }

    static bool digit(char c) { return c >= '0' && c <= '9'; }

    // RFC 8259 numbers. Integers keep their value (beyond 64 bits they become decimal numbers,
    // as in most JSON libraries); a decimal number too large for a double is a syntax error.
    void number(Node& out) {
        const std::size_t start = pos_;
        if (at('-')) ++pos_;
        if (pos_ >= text_.size() || !digit(text_[pos_])) fail(pos_, "expected a digit after '-'");
        const std::size_t int_start = pos_;
        if (text_[pos_] == '0') {
            ++pos_;
            if (pos_ < text_.size() && digit(text_[pos_])) fail(start, "a number cannot start with 0 (no leading zeros)");
        } else {
            while (pos_ < text_.size() && digit(text_[pos_])) ++pos_;
        }
        const std::size_t int_end = pos_;
        bool integral = true;
        std::size_t frac_start = pos_, frac_end = pos_;
        if (at('.')) {
            ++pos_;
            if (pos_ >= text_.size() || !digit(text_[pos_])) fail(pos_, "expected a digit after '.'");
            frac_start = pos_;
            while (pos_ < text_.size() && digit(text_[pos_])) ++pos_;
            frac_end = pos_;
            integral = false;
        }
        long long exponent = 0;
        if (at('e') || at('E')) {
            ++pos_;
            bool negative = false;
            if (at('+') || at('-')) negative = text_[pos_++] == '-';
            if (pos_ >= text_.size() || !digit(text_[pos_])) fail(pos_, "expected a digit in the exponent");
            while (pos_ < text_.size() && digit(text_[pos_])) {
                if (exponent < 1000000) exponent = exponent * 10 + (text_[pos_] - '0');
                ++pos_;
            }
            if (negative) exponent = -exponent;
            integral = false;
        }
        const std::string_view token = text_.substr(start, pos_ - start);
        if (integral) {
            std::int64_t i = 0;
            auto r = std::from_chars(token.data(), token.data() + token.size(), i);
            if (r.ec == std::errc() && r.ptr == token.data() + token.size()) {
                out.kind = ValueKind::Integer;
                out.integer = i;
                return;
            }
            std::uint64_t u = 0;
            r = std::from_chars(token.data(), token.data() + token.size(), u);
            if (r.ec == std::errc() && r.ptr == token.data() + token.size()) {
                out.kind = ValueKind::Integer;  // above INT64_MAX: the schema's range check refuses it
                out.integer = INT64_MAX;
                return;
            }
        }
        // A decimal number: only its magnitude matters (no key takes one). Significant digits
        // and the power of ten of the first one decide whether a double can hold it.
        std::string digits;
        long long point = 0;  // power of ten of the first significant digit, plus one
        bool seen = false;
        for (std::size_t i = int_start; i < int_end; ++i) {
            if (!seen && text_[i] == '0') continue;
            seen = true;
            digits += text_[i];
            ++point;
        }
        for (std::size_t i = frac_start; i < frac_end; ++i) {
            if (!seen && text_[i] == '0') {
                --point;
                continue;
            }
            seen = true;
            digits += text_[i];
        }
        while (!digits.empty() && digits.back() == '0') digits.pop_back();
        // DBL_MAX is about 1.797e308: a first digit's power above 308 overflows, below it never.
        // At exactly 308 the double conversion itself decides (it rounds to nearest, so
        // 1.79769313486231580e308 still becomes DBL_MAX, as in every other JSON reader).
        const long long power = point - 1 + exponent;
        bool overflow = !digits.empty() && power > 308;
        if (!digits.empty() && power == 308) {
            double d = 0;
            const auto r = std::from_chars(token.data(), token.data() + token.size(), d);
            overflow = r.ec == std::errc::result_out_of_range;
        }
        if (overflow) fail(start, "number out of range (too large for any setting)");
        out.kind = ValueKind::Float;
    }
};

std::string escape_pointer_token(std::string_view s) {
    std::string out;
    for (char c : s) {
        if (c == '~') out += "~0";
        else if (c == '/') out += "~1";
        else out += c;
    }
    return out;
}

// ---- document → neutral tree ------------------------------------------------------------

struct Converter {
    Tree& tree;

    SourceLocation at(const std::string& pointer) const { return SourceLocation{tree.file, 0, pointer}; }

    Value scalar(const Node& n, const std::string& pointer) const {
        Value v;
        v.where = at(pointer);
        v.kind = n.kind;
        if (n.kind == ValueKind::String) v.text = n.text;
        v.integer = n.integer;
        v.boolean = n.boolean;
        if (n.kind == ValueKind::Array) {  // kept for the keys that take a list (host)
            for (std::size_t i = 0; i < n.members.size(); ++i) {
                v.items.push_back(scalar(n.members[i].value, pointer + "/" + std::to_string(i)));
            }
        }
        return v;
    }

    [[noreturn]] void wrong(const std::string& pointer, std::string_view key, const std::string& problem) const {
        throw Error(Code::ConfigWrongType, where_prefix(at(pointer)) + "key '" + as_text(key) + "': " + problem);
    }

    // A key twice in one object: plain JSON parsers silently keep the last one; a hand-edited
    // profile with two "port" entries (or two "prod" environments) must be refused.
    // `as_text(key)` decides whether the key may be quoted (it may be a pasted secret).
    template <typename Shown>
    void refuse_duplicates(const Node& obj, const std::string& pointer, bool environments, Shown shown) const {
        std::set<std::string_view> seen;  // views into the document: no copy of a key
        for (const Member& m : obj.members) {
            if (seen.insert(m.key).second) continue;
            const std::string ptr = pointer + "/" + escape_pointer_token(m.key);
            if (!shown(m.key)) {
                fail_key_not_shown(Code::ConfigDuplicate, at(ptr),
                                   environments ? "an environment is defined twice" : "a key appears twice in the same object");
            }
            throw Error(Code::ConfigDuplicate,
                        where_prefix(at(ptr)) + (environments ? "environment '" + as_text(m.key) + "' is defined twice"
                                                              : "key '" + as_text(m.key) + "' appears twice in the same object"));
        }
    }

    // Flattens `obj` into `section` under `prefix` ("" or "hashing.").
    static WipedString dotted(std::string_view prefix, std::string_view key) {
        WipedString out(prefix);
        out += key;
        return out;
    }

    void flatten(const Node& obj, const std::string& pointer, std::string_view prefix, Section& section) const {
        refuse_duplicates(obj, pointer, false, [&](std::string_view k) { return key_may_be_shown(dotted(prefix, k)); });
        for (const Member& m : obj.members) {
            const WipedString key = dotted(prefix, m.key);
            const std::string ptr = pointer + "/" + escape_pointer_token(m.key);
            if (m.value.kind == ValueKind::Object) {
                if (find_key(key)) wrong(ptr, key, "expected a single value, got an object");
                if (!is_section_prefix(key)) {
                    std::string msg = "unknown key";
                    const std::string s = suggest_key(key, section_key_names());
                    if (!s.empty()) msg += " (did you mean '" + s + "'?)";
                    if (!may_show_unknown_key(key, m.key, !s.empty())) fail_key_not_shown(Code::ConfigUnknownKey, at(ptr));
                    throw Error(Code::ConfigUnknownKey, where_prefix(at(ptr)) + "key '" + as_text(key) + "': " + msg);
                }
                flatten(m.value, ptr, dotted(key, "."), section);
                continue;
            }
            if (is_section_prefix(key)) {
                wrong(ptr, key, "expected an object, got " + std::string(value_kind_name(m.value.kind)));
            }
            auto [it, inserted] = section.values.try_emplace(key, scalar(m.value, ptr));
            if (!inserted) {
                // "hashing": {"algorithm": ...} and "hashing.algorithm": ... in one object.
                if (!key_may_be_shown(key)) fail_key_not_shown(Code::ConfigDuplicate, at(ptr), "a key is set twice");
                throw Error(Code::ConfigDuplicate, where_prefix(at(ptr)) + "key '" + as_text(key) + "' is set twice in " +
                            section.label + " (also at " + it->second.where.json_pointer + ")");
            }
        }
    }

    void convert(const Node& root) {
        if (root.kind != ValueKind::Object) {
            throw Error(Code::ConfigWrongType, tree.file + ": the top level must be a JSON object");
        }
        const std::vector<std::string_view> top_names{"defaults", "environments", "default_environment"};
        refuse_duplicates(root, "", false, [&](std::string_view k) {
            return may_show_unknown_key(k, k, !suggest_key(k, top_names).empty());
        });
        for (const Member& m : root.members) {
            const WipedString& k = m.key;
            const Node& j = m.value;
            const std::string ptr = "/" + escape_pointer_token(k);
            if (k == "defaults") {
                if (j.kind != ValueKind::Object) wrong(ptr, k, "expected an object");
                tree.defaults.where = at(ptr);
                flatten(j, ptr, "", tree.defaults);
            } else if (k == "environments") {
                if (j.kind != ValueKind::Object) wrong(ptr, k, "expected an object mapping names to settings");
                // Environment names are listed in messages ("known: dev, prod"): an invalid one
                // is quoted only when it looks like a name, not like a pasted secret.
                const auto shown = [](std::string_view name) {
                    return is_plain_name(name) || may_show_unknown_key(name, name, false);
                };
                refuse_duplicates(j, ptr, true, shown);
                for (const Member& e : j.members) {
                    const WipedString& name = e.key;
                    const std::string eptr = ptr + "/" + escape_pointer_token(name);
                    if (!is_plain_name(name)) {
                        if (!shown(name)) {
                            fail_key_not_shown(Code::ConfigInvalidValue, at(eptr),
                                               "an environment name must be 1-32 letters, digits, '_' or '-'");
                        }
                        throw Error(Code::ConfigInvalidValue, where_prefix(at(eptr)) + "environment name '" + as_text(name) +
                                    "' must be 1-32 letters, digits, '_' or '-'");
                    }
                    if (e.value.kind != ValueKind::Object) wrong(eptr, name, "an environment must be an object");
                    Section s;
                    s.label = eptr;
                    s.where = at(eptr);
                    flatten(e.value, eptr, "", s);
                    tree.environments.emplace_back(as_text(name), std::move(s));  // a plain name
                }
            } else {
                if (j.kind == ValueKind::Object) {
                    std::string msg = "unknown top-level key";
                    const std::string s = suggest_key(k, top_names);
                    if (!s.empty()) msg += " (did you mean '" + s + "'?)";
                    else msg += "; expected defaults, environments or default_environment";
                    if (!may_show_unknown_key(k, k, !s.empty())) {
                        fail_key_not_shown(Code::ConfigUnknownKey, at(ptr), "unknown top-level key");
                    }
                    throw Error(Code::ConfigUnknownKey, where_prefix(at(ptr)) + "key '" + as_text(k) + "': " + msg);
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
    const Node root = Reader(file, text).document();  // wiped when it goes out of scope
    Converter{tree}.convert(root);
    return tree;
}

}  // namespace verrou::profile_detail
