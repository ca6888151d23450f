// src/profile/tree.hpp — the neutral tree both parsers produce.
//
// INI and JSON must mean exactly the same thing, so neither parser interprets anything:
// each turns its syntax into sections of flat dotted keys ("port", "hashing.algorithm",
// "hashing.peppers.k2025.file") with the value's lexical type and where it was written.
// Everything after this point (schema checks, inheritance, expansion) is format-agnostic.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "verrou/profile.hpp"
#include "verrou/secret.hpp"

namespace verrou::profile_detail {

/// Lexical type of a value. INI has no types: every value is `Text` and the schema decides
/// how to read it ("3306" → integer). JSON values keep their JSON type, so a string where a
/// number is expected is a type error there (the two formats differ only in how types are
/// *spelled*, not in what is accepted).
enum class ValueKind { Text, String, Integer, Bool, Float, Null, Array, Object };
std::string_view value_kind_name(ValueKind kind) noexcept;  // "a string", "a number", ...

/// A value may be an inline password: its text lives in wiping storage, is wiped when it
/// dies, and is never copied by accident (move-only; clone() says so where a copy is meant).
struct Value {
    ValueKind kind = ValueKind::Text;
    WipedString text;         // Text / String
    std::int64_t integer = 0; // Integer
    bool boolean = false;     // Bool
    SourceLocation where;
    std::vector<Value> items;  // Array (JSON): the elements, each with its own location

    Value() = default;
    Value(const Value&) = delete;
    Value& operator=(const Value&) = delete;
    Value(Value&& other) noexcept = default;
    Value& operator=(Value&& other) noexcept {
        wipe(text);
        text = std::move(other.text);
        wipe(other.text);  // a short text stays in the moved-from object
        kind = other.kind;
        integer = other.integer;
        boolean = other.boolean;
        where = std::move(other.where);
        items = std::move(other.items);
        return *this;
    }
    ~Value() { wipe(text); }
    Value clone() const;
};

/// Keys compare as text, so a lookup takes any string (no copy of the key into a plain one).
struct KeyLess {
    using is_transparent = void;
    bool operator()(std::string_view a, std::string_view b) const noexcept { return a < b; }
};

/// Dotted key → value. Keys are a profile's text too (a pasted secret on the wrong line): the
/// map's nodes and the keys' buffers are cleansed when freed.
using ValueMap = std::map<WipedString, Value, KeyLess, WipingAllocator<std::pair<const WipedString, Value>>>;

/// One block of settings: the defaults, or one environment.
struct Section {
    std::string label;      // "[defaults]", "[env.prod]", "/environments/prod"
    SourceLocation where;   // header line / JSON pointer of the object
    ValueMap values;        // dotted key → value

    Section clone() const;
};

enum class Format { Ini, Json };

struct Tree {
    std::string file;      // absolute path, used in every message
    Format format = Format::Ini;
    Section top;           // top-level keys (default_environment)
    Section defaults;
    std::vector<std::pair<std::string, Section>> environments;  // file order
};

/// Hard cap on profile size: a profile is a few KiB; anything bigger is a mistake or abuse.
inline constexpr std::size_t max_profile_bytes = 1024 * 1024;

/// Reads (size-capped), detects the format (extension .json, else first non-blank byte '{'),
/// parses and validates keys and types against the schema. Throws Error(CONFIG_*).
Tree load_tree(const std::string& path);

Tree parse_ini(const std::string& file, std::string_view text);
Tree parse_json(const std::string& file, std::string_view text);

/// A key or value of the tree as a plain string: for a message (once the schema said it may be
/// shown) or a name that is not secret. The one place the tree's text leaves wiping storage.
inline std::string as_text(std::string_view s) { return std::string(s); }

/// "file:12", "file#/pointer" — prefix of every message about a value.
std::string where_prefix(const SourceLocation& loc);

}  // namespace verrou::profile_detail
