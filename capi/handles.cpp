#include "handles.hpp"

#include <deque>
#include <mutex>
#include <string>
#include <vector>

#include "verrou/error.hpp"

namespace verrou::capi {

namespace {

constexpr std::uint32_t kIndexBits = 16;
constexpr std::uint32_t kMaxSlots = (1u << kIndexBits) - 1;  // index 0xFFFF unused
constexpr std::uint32_t kMaxGeneration = 0x7FFF;            // keeps handles below 2^31

struct Slot {
    std::uint16_t generation = 1;
    Kind kind = Kind::Free;
    std::shared_ptr<void> object;
};

struct Table {
    std::mutex mutex;
    std::vector<Slot> slots;
    std::deque<std::uint32_t> free_slots;
};

// Never destroyed: a DLL unloaded at process exit must not run destructors of connections
// while other threads may still be inside the library.
Table& table() {
    static Table* t = new Table();
    return *t;
}

verrou_int encode(std::uint32_t index, std::uint16_t generation) {
    return static_cast<verrou_int>((static_cast<std::uint32_t>(generation) << kIndexBits) | index);
}

[[noreturn]] void invalid(verrou_int h, const std::string& why) {
    throw Error(Code::InvalidHandle, "invalid handle " + std::to_string(h) + ": " + why);
}

// Checks `h` against the table; caller holds the lock.
Slot& find(Table& t, verrou_int h, Kind kind) {
    if (h <= 0 || h > 0x7FFFFFFF) invalid(h, std::string("not a ") + std::string(kind_name(kind)) + " handle");
    const auto v = static_cast<std::uint32_t>(h);
    const std::uint32_t index = v & kMaxSlots;
    const auto generation = static_cast<std::uint16_t>(v >> kIndexBits);
    if (index >= t.slots.size() || generation == 0) invalid(h, "never opened");
    Slot& s = t.slots[index];
    if (s.generation != generation || s.kind == Kind::Free) invalid(h, "already closed (stale handle)");
    if (s.kind != kind)
        invalid(h, "it is a " + std::string(kind_name(s.kind)) + " handle, not a " + std::string(kind_name(kind)) + " handle");
    return s;
}

}  // namespace

std::string_view kind_name(Kind k) noexcept {
    switch (k) {
        case Kind::Profile: return "profile";
        case Kind::Connection: return "connection";
        case Kind::Hasher: return "hasher";
        case Kind::Encryptor: return "encryptor";
        case Kind::Pool: return "pool";
        case Kind::Free: break;
    }
    return "free";
}

verrou_int handle_insert(Kind kind, std::shared_ptr<void> object) {
    Table& t = table();
    std::lock_guard lock(t.mutex);
    std::uint32_t index;
    if (!t.free_slots.empty()) {
        index = t.free_slots.front();
        t.free_slots.pop_front();
    } else {
        if (t.slots.size() >= kMaxSlots)
            throw Error(Code::TooLarge, "too many open handles (" + std::to_string(kMaxSlots) + "); close some first");
        t.slots.emplace_back();
        index = static_cast<std::uint32_t>(t.slots.size() - 1);
    }
    Slot& s = t.slots[index];
    s.kind = kind;
    s.object = std::move(object);
    return encode(index, s.generation);
}

std::shared_ptr<void> handle_get(verrou_int h, Kind kind) {
    Table& t = table();
    std::lock_guard lock(t.mutex);
    return find(t, h, kind).object;
}

std::shared_ptr<void> handle_remove(verrou_int h, Kind kind) {
    Table& t = table();
    std::shared_ptr<void> object;
    {
        std::lock_guard lock(t.mutex);
        Slot& s = find(t, h, kind);
        object = std::move(s.object);
        s.kind = Kind::Free;
        s.generation = static_cast<std::uint16_t>(s.generation == kMaxGeneration ? 1 : s.generation + 1);
        const auto index = static_cast<std::uint32_t>(h) & kMaxSlots;
        try {
            t.free_slots.push_back(index);
        } catch (...) {
            // The slot is lost for reuse, which is harmless; the handle is closed either way.
        }
    }
    return object;
}

}  // namespace verrou::capi
