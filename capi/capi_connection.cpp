// capi/capi_connection.cpp — verrou_connect / execute / query / transactions.
#include <climits>

#include <nlohmann/json.hpp>

#include "capi_internal.hpp"
#include "capi_objects.hpp"
#include "handles.hpp"
#include "json/output.hpp"

using namespace verrou;
using namespace verrou::capi;

namespace {

using json = nlohmann::ordered_json;

// nlohmann stores an integer literal that fits neither int64 nor uint64 as a double
// (-9223372036854775809 becomes -9.223372036854776e18) and keeps no trace of its text; its SAX
// interface still sees the literal, so one pass over the (flat) array marks, per element, the
// numbers written without fraction or exponent that came out as doubles.
class IntegerLiteralsOutOfRange final : public nlohmann::json_sax<json> {
public:
    std::vector<bool> flags;  // one per top-level element

    bool null() override { return element(false); }
    bool boolean(bool) override { return element(false); }
    bool number_integer(number_integer_t) override { return element(false); }
    bool number_unsigned(number_unsigned_t) override { return element(false); }
    bool number_float(number_float_t, const string_t& literal) override {
        return element(literal.find_first_of(".eE") == string_t::npos);
    }
    bool string(string_t&) override { return element(false); }
    bool binary(binary_t&) override { return element(false); }
    bool start_object(std::size_t) override { return open(); }
    bool key(string_t&) override { return true; }
    bool end_object() override { return close(); }
    bool start_array(std::size_t) override { return open(); }
    bool end_array() override { return close(); }
    bool parse_error(std::size_t, const std::string&, const nlohmann::detail::exception&) override {
        return false;  // reported by the DOM parse
    }

private:
    int depth_ = 0;
    bool element(bool flag) {
        if (depth_ == 1) flags.push_back(flag);
        return true;
    }
    bool open() {
        if (depth_ == 1) flags.push_back(false);
        ++depth_;
        return true;
    }
    bool close() {
        --depth_;
        return true;
    }
};

[[noreturn]] void integer_out_of_range(std::size_t i) {
    throw Error(Code::QueryParameter, "parameter " + std::to_string(i + 1) +
                                          " is an integer outside the signed 64-bit range [-9223372036854775808, "
                                          "9223372036854775807]; write it as a string or with a fraction or exponent "
                                          "to send it as a decimal/double");
}

// Parameters arrive as a JSON array of scalars. Nesting is refused before parsing so a
// hostile "[[[[..." cannot exhaust anything.
std::vector<Param> parse_params(std::string_view text) {
    std::vector<Param> params;
    if (text.empty()) return params;
    int depth = 0;
    bool in_string = false, escaped = false;
    for (char c : text) {
        if (in_string) {
            if (escaped) escaped = false;
            else if (c == '\\') escaped = true;
            else if (c == '"') in_string = false;
        } else if (c == '"') {
            in_string = true;
        } else if (c == '[' || c == '{') {
            if (++depth > 1) throw Error(Code::InvalidArgument, "params_json: nested arrays or objects are not parameters");
        } else if (c == ']' || c == '}') {
            --depth;
        }
    }
    json j = json::parse(text, nullptr, /*allow_exceptions=*/false);
    if (j.is_discarded()) throw Error(Code::InvalidArgument, "params_json is not valid JSON (expected an array such as [1, \"x\", null])");
    if (!j.is_array()) throw Error(Code::InvalidArgument, "params_json must be a JSON array such as [1, \"x\", null]");
    // Integer literals beyond int64 are refused whatever their sign, never bound as a rounded
    // double; numbers with a fraction or an exponent stay doubles.
    IntegerLiteralsOutOfRange literals;
    if (!json::sax_parse(text, &literals) || literals.flags.size() != j.size()) {
        throw Error(Code::Internal, "params_json: the two JSON passes disagree");  // cannot happen
    }
    params.reserve(j.size());
    for (std::size_t i = 0; i < j.size(); ++i) {
        const json& v = j[i];
        if (v.is_null()) params.emplace_back(nullptr);
        else if (v.is_boolean()) params.emplace_back(v.get<bool>());
        else if (v.is_number_integer() && !v.is_number_unsigned()) params.emplace_back(v.get<std::int64_t>());
        else if (v.is_number_unsigned()) {
            const auto u = v.get<std::uint64_t>();
            if (u > static_cast<std::uint64_t>(INT64_MAX)) integer_out_of_range(i);
            params.emplace_back(static_cast<std::int64_t>(u));
        } else if (v.is_number_float()) {
            if (literals.flags[i]) integer_out_of_range(i);
            params.emplace_back(v.get<double>());
        } else if (v.is_string()) params.emplace_back(v.get<std::string>());
        else throw Error(Code::InvalidArgument, "parameter " + std::to_string(i + 1) + " is not null, a number, a boolean or a string");
    }
    return params;
}

verrou_int cap(std::uint64_t n) { return static_cast<verrou_int>(n > INT_MAX ? INT_MAX : n); }

template <class F>
auto with_connection(verrou_int c, F&& body) {
    const auto object = get_as<ConnectionObject>(c, Kind::Connection);
    std::lock_guard lock(object->mutex);
    return body(object->connection);
}

}  // namespace

extern "C" {

VERROU_API verrou_int VERROU_CALL verrou_connect(verrou_int profile) {
    return guarded([&] {
        const auto p = get_as<ProfileObject>(profile, Kind::Profile);
        auto object = std::make_shared<ConnectionObject>(Connection::open(p->profile), p);
        return handle_insert(Kind::Connection, std::move(object));
    });
}

VERROU_API verrou_int VERROU_CALL verrou_disconnect(verrou_int connection) {
    return guarded([&] {
        auto object = handle_remove(connection, Kind::Connection);
        object.reset();  // closes now, unless another thread is still inside a call on it
        return verrou_int{0};
    });
}

VERROU_API verrou_int VERROU_CALL verrou_connection_info(verrou_int connection, char* buf, verrou_int size) {
    return guarded([&] {
        return with_connection(connection, [&](Connection& conn) {
            return write_out(json_output::render(json_output::encode(conn)), buf, size);
        });
    });
}

VERROU_API verrou_int VERROU_CALL verrou_execute(verrou_int connection, const char* sql, const char* params_json) {
    return guarded([&] {
        const std::string_view s = text_arg(sql, "sql");
        const std::vector<Param> params = parse_params(optional_text_arg(params_json, "params_json"));
        return with_connection(connection, [&](Connection& conn) { return cap(conn.execute(s, params)); });
    });
}

VERROU_API verrou_int VERROU_CALL verrou_query(verrou_int connection, const char* sql, const char* params_json,
                                               char* buf, verrou_int size) {
    const std::uint64_t previous_call = thread_state().call_seq;
    return guarded([&] {
        const std::string_view s = text_arg(sql, "sql");
        const std::string_view pj = optional_text_arg(params_json, "params_json");
        // A retry is served only while the handle still names an open connection.
        get_as<ConnectionObject>(connection, Kind::Connection);
        std::string key = "verrou_query";
        key.append(1, '\0').append(std::to_string(connection)).append(1, '\0').append(s).append(1, '\0').append(pj);
        return write_out_kept(std::move(key), previous_call, buf, size, [&] {
            const std::vector<Param> params = parse_params(pj);
            return with_connection(connection, [&](Connection& conn) { return json_output::render(conn.query(s, params)); });
        });
    });
}

VERROU_API verrou_int VERROU_CALL verrou_begin(verrou_int connection) {
    return guarded([&] { return with_connection(connection, [](Connection& c) { c.begin(); return verrou_int{0}; }); });
}

VERROU_API verrou_int VERROU_CALL verrou_commit(verrou_int connection) {
    return guarded([&] { return with_connection(connection, [](Connection& c) { c.commit(); return verrou_int{0}; }); });
}

VERROU_API verrou_int VERROU_CALL verrou_rollback(verrou_int connection) {
    return guarded([&] { return with_connection(connection, [](Connection& c) { c.rollback(); return verrou_int{0}; }); });
}

}  // extern "C"
