// freed_scan.cpp — see freed_scan.hpp.
//
// The replaced allocation functions live alone in this file on purpose: defined in the same
// translation unit as code that allocates, GCC 12 inlines them at -O2 and then reports its own
// sized `operator delete` as called on a pointer "returned from malloc"
// (-Werror=mismatched-new-delete), which broke the README's Release build.
#include "freed_scan.hpp"

#include <malloc.h>

#include <atomic>
#include <cstdlib>
#include <new>
#include <string>

namespace {
std::atomic<bool> g_scan_on{false};
std::atomic<int> g_unwiped{0};
const char* g_needles[2] = {nullptr, nullptr};

void scan_freed(const void* p, std::size_t n) noexcept {
    if (!p || !g_scan_on.load(std::memory_order_acquire)) return;
    const std::string_view block(static_cast<const char*>(p), n);
    for (const char* needle : g_needles) {
        if (needle && block.find(needle) != std::string_view::npos) {
            g_unwiped.fetch_add(1);
            return;
        }
    }
}
}  // namespace

void* operator new(std::size_t n) {
    if (void* p = std::malloc(n ? n : 1)) return p;
    throw std::bad_alloc();
}
void* operator new[](std::size_t n) { return ::operator new(n); }
void operator delete(void* p) noexcept {
    if (p) scan_freed(p, malloc_usable_size(p));
    std::free(p);
}
void operator delete[](void* p) noexcept { ::operator delete(p); }
void operator delete(void* p, std::size_t) noexcept {
    if (p) scan_freed(p, malloc_usable_size(p));  // the whole block: stale bytes past n count too
    std::free(p);
}
void operator delete[](void* p, std::size_t n) noexcept { ::operator delete(p, n); }

namespace freed_scan {

int unwiped_blocks(std::string_view secret, const std::function<void()>& f) {
    const std::string head(secret.substr(0, 12)), tail(secret.substr(secret.size() - 12));  // inline: no heap
    g_needles[0] = head.c_str();
    g_needles[1] = tail.c_str();
    g_unwiped = 0;
    g_scan_on = true;
    f();
    g_scan_on = false;
    g_needles[0] = g_needles[1] = nullptr;
    return g_unwiped.load();
}

}  // namespace freed_scan
