// capi/capi_connection.cpp — verrou_connect / execute / query / transactions.
#include <climits>

#include "capi_internal.hpp"
#include "capi_objects.hpp"
#include "db/params_json.hpp"
#include "handles.hpp"
#include "json/output.hpp"

using namespace verrou;
using namespace verrou::capi;

namespace {

verrou_int cap(std::uint64_t n) { return static_cast<verrou_int>(n > INT_MAX ? INT_MAX : n); }

template <class F>
auto with_connection(verrou_int c, F&& body) {
    const auto object = get_as<ConnectionObject>(c, Kind::Connection);
    std::lock_guard lock(object->mutex);
    return body(object->connection());
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
        const std::vector<Param> params = db::parse_params_json(optional_text_arg(params_json, "params_json"));
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
            const std::vector<Param> params = db::parse_params_json(pj);
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
