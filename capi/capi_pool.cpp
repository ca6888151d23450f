// capi/capi_pool.cpp — verrou_pool_open / acquire / release / stats / close over verrou::Pool.
//
// A pooled connection is an ordinary connection handle (every verrou_* connection function
// takes it) whose object holds the pool's Lease instead of its own Connection: removing the
// handle gives the connection back, at the object's last reference (a thread still inside a
// call on it finishes first).
#include <climits>

#include "capi_internal.hpp"
#include "capi_objects.hpp"
#include "handles.hpp"
#include "json/output.hpp"

using namespace verrou;
using namespace verrou::capi;

extern "C" {

VERROU_API verrou_int VERROU_CALL verrou_pool_open(verrou_int profile, verrou_int max_size) {
    return guarded([&] {
        if (max_size < 0 || max_size > VERROU_POOL_MAX_SIZE)
            throw Error(Code::InvalidArgument, "max_size " + std::to_string(max_size) +
                                                   " is out of range: 0 (the profile's pool.max_size) to " +
                                                   std::to_string(VERROU_POOL_MAX_SIZE));
        const auto p = get_as<ProfileObject>(profile, Kind::Profile);
        auto object = std::make_shared<PoolObject>(p, static_cast<int>(max_size));
        return handle_insert(Kind::Pool, std::move(object));
    });
}

VERROU_API verrou_int VERROU_CALL verrou_pool_acquire(verrou_int pool, verrou_int timeout_ms) {
    return guarded([&] {
        if (timeout_ms < -1 || timeout_ms > INT_MAX)
            throw Error(Code::InvalidArgument, "timeout_ms " + std::to_string(timeout_ms) +
                                                   " is out of range: -1 (the profile's pool.acquire_timeout_ms) "
                                                   "or 0 to " + std::to_string(INT_MAX));
        const auto object = get_as<PoolObject>(pool, Kind::Pool);
        std::optional<std::chrono::milliseconds> timeout;
        if (timeout_ms >= 0) timeout = std::chrono::milliseconds(timeout_ms);
        auto connection = std::make_shared<ConnectionObject>(object->pool.acquire(timeout), object->profile);
        // On TOO_LARGE (handle table full) the lease dies with `connection`: back to the pool.
        return handle_insert(Kind::Connection, std::move(connection));
    });
}

VERROU_API verrou_int VERROU_CALL verrou_pool_release(verrou_int connection) {
    return guarded([&] {
        const auto object = get_as<ConnectionObject>(connection, Kind::Connection);
        if (!object->pooled())
            throw Error(Code::InvalidHandle, "connection handle " + std::to_string(connection) +
                                                 " was not acquired from a pool: close it with verrou_disconnect");
        auto removed = handle_remove(connection, Kind::Connection);
        removed.reset();  // back to the pool now, unless another thread is still inside a call on it
        return verrou_int{0};
    });
}

VERROU_API verrou_int VERROU_CALL verrou_pool_stats(verrou_int pool, char* buf, verrou_int size) {
    return guarded([&] {
        const auto object = get_as<PoolObject>(pool, Kind::Pool);
        return write_out(json_output::render(json_output::encode(object->pool.stats())), buf, size);
    });
}

VERROU_API verrou_int VERROU_CALL verrou_pool_close(verrou_int pool) {
    return guarded([&] {
        auto object = std::static_pointer_cast<PoolObject>(handle_remove(pool, Kind::Pool));
        // Now, even if another thread still holds the object (waiting in acquire): idle
        // connections close, waiters get POOL_CLOSED, connections in use close when released.
        object->pool.close();
        return verrou_int{0};
    });
}

}  // extern "C"
