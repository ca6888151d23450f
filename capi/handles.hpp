// capi/handles.hpp — the table that turns C handles into core objects.
//
// A handle is a positive 31-bit integer: generation (15 bits) << 16 | slot index (16 bits).
// The generation changes each time a slot is freed, so a closed handle stays invalid even
// after its slot is reused; freed slots are reused oldest-first (FIFO) to make a stale handle
// meeting its own generation again as unlikely as possible. Objects are held by shared_ptr:
// closing a handle while another thread still uses the object defers destruction to that
// thread's last reference instead of freeing memory under its feet.
#pragma once

#include <cstdint>
#include <memory>
#include <string_view>

#include "verrou.h"

namespace verrou::capi {

enum class Kind : std::uint8_t { Free = 0, Profile = 1, Connection = 2, Hasher = 3, Encryptor = 4, Pool = 5 };
std::string_view kind_name(Kind k) noexcept;  // "profile", "connection", "hasher", "encryptor", "pool"

/// Stores `object`; returns its handle. Throws Error(TOO_LARGE) when 65535 handles are open.
verrou_int handle_insert(Kind kind, std::shared_ptr<void> object);

/// The object behind `h` if it is open and of `kind`; otherwise throws Error(INVALID_HANDLE)
/// saying why (never opened / closed / a connection passed as a hasher...).
std::shared_ptr<void> handle_get(verrou_int h, Kind kind);

/// Removes `h` (same checks as handle_get) and returns the object so the caller decides
/// where it dies (outside the table's lock).
std::shared_ptr<void> handle_remove(verrou_int h, Kind kind);

template <class T>
std::shared_ptr<T> get_as(verrou_int h, Kind kind) {
    return std::static_pointer_cast<T>(handle_get(h, kind));
}

}  // namespace verrou::capi
