// Fuzz target: the JSON profile reader (src/profile/json_parser.cpp, our own, see its header
// for why) and the schema checks after it, with a differential check against nlohmann-json
// (comments allowed, as in profiles): same verdict on the syntax and, when both accept, the same
// tree. The documented differences (docs/profiles.md "JSON rules", docs/testing.md) are the
// only ones allowed:
//   - duplicate keys are refused (nlohmann keeps the last one): CONFIG_DUPLICATE, not syntax;
//   - more than 16 nested levels is CONFIG_SYNTAX;
//   - \u0000 in a string is CONFIG_SYNTAX, and so is a NUL byte anywhere in the file (nlohmann
//     takes a raw NUL outside a string, or inside a comment, for the end of its input and
//     ignores what follows);
//   - an integer in (INT64_MAX, UINT64_MAX] is kept as an integer that no key accepts
//     (nlohmann: unsigned); beyond 64 bits both read a decimal number.
// Also: only CONFIG_* errors, messages valid UTF-8, no secret value in any message.
#include <cstddef>
#include <cstdint>
#include <map>
#include <string>

#include <nlohmann/json.hpp>

#include "fuzz_check.hpp"
#include "profile/schema.hpp"
#include "profile/tree.hpp"
#include "profile_secrets.hpp"

using namespace verrou;
using profile_detail::ValueKind;
using json = nlohmann::json;

namespace {

std::size_t depth(const json& j) {
    if (!j.is_structured()) return 0;
    std::size_t d = 0;
    for (const auto& v : j) d = std::max(d, depth(v));
    return d + 1;
}

bool has_nul(const json& j) {
    if (j.is_string()) return j.get_ref<const std::string&>().find('\0') != std::string::npos;
    if (j.is_object()) {
        for (const auto& [k, v] : j.items()) {
            if (k.find('\0') != std::string::npos || has_nul(v)) return true;
        }
    }
    if (j.is_array()) {
        for (const auto& v : j) {
            if (has_nul(v)) return true;
        }
    }
    return false;
}

// A scalar as text both sides can produce: kind, then value (a decimal number: kind only, since
// verrou keeps only that it is one; arrays are scalars of a section, content not kept).
std::string describe(const profile_detail::Value& v) {
    switch (v.kind) {
        case ValueKind::String: return "s:" + profile_detail::as_text(v.text);
        case ValueKind::Integer: return "i:" + std::to_string(v.integer);
        case ValueKind::Bool: return v.boolean ? "b:1" : "b:0";
        case ValueKind::Null: return "null";
        case ValueKind::Float: return "f";
        case ValueKind::Array: return "array";
        case ValueKind::Object: return "object";
        case ValueKind::Text: return "text:" + profile_detail::as_text(v.text);
    }
    return "?";
}

std::string describe(const json& j) {
    if (j.is_string()) return "s:" + j.get<std::string>();
    if (j.is_number_unsigned()) {
        const auto u = j.get<std::uint64_t>();
        return "i:" + std::to_string(u > static_cast<std::uint64_t>(INT64_MAX) ? INT64_MAX : static_cast<std::int64_t>(u));
    }
    if (j.is_number_integer()) return "i:" + std::to_string(j.get<std::int64_t>());
    if (j.is_boolean()) return j.get<bool>() ? "b:1" : "b:0";
    if (j.is_null()) return "null";
    if (j.is_number_float()) return "f";
    if (j.is_array()) return "array";
    return "object";
}

using Flat = std::map<std::string, std::string>;  // "<section>|<dotted key>" -> value

void flatten(const json& obj, const std::string& section, const std::string& prefix, Flat& out) {
    for (const auto& [k, v] : obj.items()) {
        if (v.is_object()) flatten(v, section, prefix + k + ".", out);
        else out[section + "|" + prefix + k] = describe(v);
    }
}

Flat flatten_nlohmann(const json& root) {
    Flat out;
    for (const auto& [k, v] : root.items()) {
        if (k == "defaults") flatten(v, "defaults", "", out);
        else if (k == "environments") {
            for (const auto& [name, env] : v.items()) flatten(env, "env:" + name, "", out);
        } else out["top|" + k] = describe(v);
    }
    return out;
}

Flat flatten_verrou(const profile_detail::Tree& t) {
    Flat out;
    for (const auto& [k, v] : t.top.values) out["top|" + profile_detail::as_text(k)] = describe(v);
    for (const auto& [k, v] : t.defaults.values) out["defaults|" + profile_detail::as_text(k)] = describe(v);
    for (const auto& [name, s] : t.environments) {
        for (const auto& [k, v] : s.values) out["env:" + name + "|" + profile_detail::as_text(k)] = describe(v);
    }
    return out;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view raw(reinterpret_cast<const char*>(data), size);
    bool planted = false;
    const std::string text = fuzz::plant_canary_json(raw, planted);
    const bool judge_secret = planted && raw.find(fuzz::kCanary) == std::string_view::npos;

    const json theirs = json::parse(text, nullptr, /*allow_exceptions=*/false, /*ignore_comments=*/true);
    const bool they_accept = !theirs.is_discarded();

    bool syntax_ok = true;
    std::string refusal;
    try {
        const profile_detail::Tree tree = profile_detail::parse_json("/fuzz/profiles.json", text);
        // Both accept and verrou could build its tree: the same settings, the same values. (An
        // empty "environments" or "defaults" object leaves nothing on either side.)
        fuzz::check(they_accept, "verrou accepts a JSON profile nlohmann refuses", text);
        const Flat mine = flatten_verrou(tree);
        const Flat other = flatten_nlohmann(theirs);
        if (mine != other) {
            std::string diff;
            for (const auto& [k, v] : mine) {
                auto it = other.find(k);
                if (it == other.end() || it->second != v) diff += " verrou " + k + "=" + v + ";";
            }
            for (const auto& [k, v] : other) {
                auto it = mine.find(k);
                if (it == mine.end() || it->second != v) diff += " nlohmann " + k + "=" + v + ";";
            }
            fuzz::broken("verrou and nlohmann read different trees", diff);
        }
        profile_detail::validate_tree(tree);
    } catch (const Error& e) {
        fuzz::check_error(e, {Code::ConfigSyntax, Code::ConfigDuplicate, Code::ConfigUnknownKey, Code::ConfigWrongType,
                              Code::ConfigInvalidValue, Code::ConfigMissingKey, Code::ConfigUnknownEnvironment,
                              Code::ConfigUnsafe});
        if (judge_secret) fuzz::check_not_echoed(e.message(), fuzz::kCanary, "a secret value is echoed in a message");
        if (e.code() == Code::ConfigSyntax) {
            syntax_ok = false;
            refusal = e.what();
        }
    }
    if (text.find('\0') != std::string::npos) {
        fuzz::check(!syntax_ok, "a NUL byte in a JSON profile is accepted", refusal);
        return 0;
    }
    if (!syntax_ok && they_accept) {
        // Only the documented refusals of otherwise valid JSON. A \u0000 may be gone from
        // nlohmann's tree (a later duplicate key replaced its string), so it is judged by
        // verrou's reason and the text's escape, not by nlohmann's tree alone.
        const bool escaped_nul = refusal.find("(NUL) is not allowed") != std::string::npos &&
                                 (text.find("\\u0000") != std::string::npos);
        const bool documented = depth(theirs) > 16 || has_nul(theirs) || escaped_nul;
        fuzz::check(documented, "verrou refuses a JSON profile nlohmann accepts (undocumented difference)", refusal);
    }
    if (syntax_ok && !they_accept) {
        fuzz::broken("verrou's syntax check passes a JSON profile nlohmann refuses", text);
    }
    return 0;
}
