// capi/capi_objects.hpp — what the handle table holds for each kind.
#pragma once

#include <memory>
#include <mutex>
#include <optional>
#include <utility>

#include "verrou/connection.hpp"
#include "verrou/encryption.hpp"
#include "verrou/password.hpp"
#include "verrou/pool.hpp"
#include "verrou/profile.hpp"

namespace verrou::capi {

struct ProfileObject {
    Profile profile;  // immutable once loaded: shared by threads without a lock
};

struct ConnectionObject {
    ConnectionObject(Connection c, std::shared_ptr<const ProfileObject> p)
        : owned(std::make_unique<Connection>(std::move(c))), profile(std::move(p)) {}
    // A connection borrowed from a pool: closing its handle gives it back (reset or discarded).
    ConnectionObject(Pool::Lease l, std::shared_ptr<const ProfileObject> p)
        : lease(std::move(l)), profile(std::move(p)) {}

    Connection& connection() noexcept { return owned ? *owned : lease->connection(); }
    bool pooled() const noexcept { return !owned; }

    // The core allows one thread per connection; WinDev code does not always know that.
    // Serializing turns that misuse into waiting instead of a data race.
    std::mutex mutex;
    std::unique_ptr<Connection> owned;  // verrou_connect
    std::optional<Pool::Lease> lease;   // verrou_pool_acquire (empty for an owned connection)
    // Kept so closing the profile handle first never leaves the connection pointing at freed
    // settings, whatever the core keeps from them.
    std::shared_ptr<const ProfileObject> profile;
};

struct PoolObject {
    PoolObject(std::shared_ptr<const ProfileObject> p, int max_size)
        : pool(p->profile, max_size), profile(std::move(p)) {}
    Pool pool;  // thread-safe
    std::shared_ptr<const ProfileObject> profile;
};

struct HasherObject {
    explicit HasherObject(PasswordHasher h) : hasher(std::move(h)) {}
    PasswordHasher hasher;  // const methods only: safe from several threads
};

struct EncryptorObject {
    explicit EncryptorObject(FieldEncryptor e) : encryptor(std::move(e)) {}
    FieldEncryptor encryptor;  // const methods only: safe from several threads
};

}  // namespace verrou::capi
