// capi/capi_internal.hpp — what every capi_*.cpp shares: the per-thread error state, the
// exception barrier, input checks and the (buf, size) output rule.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "verrou.h"
#include "verrou/error.hpp"
#include "verrou/secret.hpp"

namespace verrou::capi {

/// Upper bound for any string argument (SQL text, JSON parameters, paths): max_allowed_packet's
/// default. Beyond it we answer TOO_LARGE instead of trying.
inline constexpr std::size_t kMaxInputBytes = 16u * 1024 * 1024;

/// Per-thread state behind verrou_last_*(). `call_seq` counts API calls on this thread so
/// verrou_query can tell an immediate retry from a later call.
struct ThreadState {
    verrou_int code = 0;
    std::string message;
    verrou_int required_size = 0;
    std::uint64_t call_seq = 0;
};
ThreadState& thread_state() noexcept;

/// Records a failure and returns its code. Never throws (a message that cannot be stored is
/// dropped; the code survives).
verrou_int fail(Code code, std::string_view message) noexcept;

/// Runs `body` behind the exception barrier: clears the last error first (success leaves it
/// clear), turns verrou::Error / bad_alloc / anything else into a negative code.
template <class F>
verrou_int guarded(F&& body) noexcept;

/// Validates a required NUL-terminated UTF-8 argument; `what` names it in messages.
/// `secret` keeps the value and any detail about it out of messages.
std::string_view text_arg(const char* s, std::string_view what, std::size_t max_bytes = kMaxInputBytes,
                          Code too_long = Code::TooLarge, bool secret = false);
/// Same, NULL allowed (returns "").
std::string_view optional_text_arg(const char* s, std::string_view what);

/// The output rule: writes `text` + NUL into (buf, size) and returns its length, or writes
/// "" (when possible), sets required_size and throws BUFFER_TOO_SMALL.
verrou_int write_out(std::string_view text, char* buf, verrou_int size);

/// An output that did not fit, kept for the caller's immediate retry (see write_out_kept).
struct KeptOutput {
    std::uint64_t seq = 0;  // thread call number of the call that rendered it
    std::string key, text;
    bool valid = false;
    void drop() noexcept;
    ~KeptOutput() { drop(); }
};
KeptOutput& kept_output() noexcept;

/// The output rule for results that are costly or not repeatable (a query's rows, a doctor
/// run): when (buf, size) is too small, the rendering is kept, wiped when dropped, and the
/// caller's immediate retry — the same call (`key`: function and arguments), no other verrou
/// call in between but verrou_last_* — gets it without running `render` again.
/// `previous_call` is thread_state().call_seq read before guarded() counted this call.
template <class Render>
verrou_int write_out_kept(std::string key, std::uint64_t previous_call, char* buf, verrou_int size, Render&& render);

/// True when `s` is well-formed UTF-8 (no overlongs, no surrogates, <= U+10FFFF).
bool valid_utf8(std::string_view s, std::size_t* bad_offset = nullptr) noexcept;

// ---- implementation of guarded -----------------------------------------------------------

void clear_error() noexcept;
verrou_int fail_bad_alloc() noexcept;
verrou_int fail_internal(const char* what) noexcept;

template <class F>
verrou_int guarded(F&& body) noexcept {
    clear_error();
    try {
        return body();
    } catch (const Error& e) {
        return fail(e.code(), e.message());
    } catch (const std::bad_alloc&) {
        return fail_bad_alloc();
    } catch (const std::exception& e) {
        return fail_internal(e.what());
    } catch (...) {
        return fail_internal(nullptr);
    }
}

template <class Render>
verrou_int write_out_kept(std::string key, std::uint64_t previous_call, char* buf, verrou_int size, Render&& render) {
    if (size < 0) throw Error(Code::InvalidArgument, "buffer size is negative (" + std::to_string(size) + ")");
    std::string text;
    const WipeOnExit wipe_text(text), wipe_key(key);
    KeptOutput& kept = kept_output();
    if (kept.valid && kept.seq == previous_call && kept.key == key) {
        text.swap(kept.text);
    } else {
        kept.drop();
        text = render();
    }
    kept.drop();
    if (buf == nullptr || static_cast<std::size_t>(size) < text.size() + 1) {
        kept.key.swap(key);
        kept.text.swap(text);
        kept.seq = thread_state().call_seq;
        kept.valid = true;  // last: a bad_alloc above leaves nothing half-kept
        return write_out(kept.text, buf, size);  // reports the size, throws BUFFER_TOO_SMALL
    }
    return write_out(text, buf, size);
}

}  // namespace verrou::capi
