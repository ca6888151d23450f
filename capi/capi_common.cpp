// capi/capi_common.cpp — errors, buffers, version: the rules every other capi file relies on.
#include <cstring>
#include <new>


#include "capi_internal.hpp"
#include "platform/utf8.hpp"

#ifndef VERROU_VERSION_STRING
#define VERROU_VERSION_STRING "unknown"
#endif

namespace verrou::capi {

// The header's VERROU_E_* block is generated from the same list as verrou::Code
// (tools/error_table.py); a stale block or a hand edit on either side fails the build here.
#define VERROU_ERROR(cpp_name, c_name, value)                                                 \
    static_assert(VERROU_E_##c_name == static_cast<int>(Code::cpp_name) && VERROU_E_##c_name == (value), \
                  "include/verrou.h: VERROU_E_" #c_name " differs from verrou/error_codes.def (run tools/error_table.py --write)");
#include "verrou/error_codes.def"
static_assert(VERROU_MISMATCH == 0 && VERROU_MATCH == 1 && VERROU_MATCH_REHASH == 2);
static_assert(sizeof(verrou_int) == sizeof(void*), "verrou_int must be pointer-sized (WinDev entier systeme)");

ThreadState& thread_state() noexcept {
    thread_local ThreadState state;
    return state;
}

void KeptOutput::drop() noexcept {
    wipe(text);
    wipe(key);
    valid = false;
}

KeptOutput& kept_output() noexcept {
    thread_local KeptOutput kept;
    return kept;
}

void clear_error() noexcept {
    ThreadState& st = thread_state();
    ++st.call_seq;
    st.code = 0;
    st.message.clear();
}

verrou_int fail(Code code, std::string_view message) noexcept {
    ThreadState& st = thread_state();
    st.code = static_cast<verrou_int>(code);
    try {
        // The header promises UTF-8: a path or a system text that is not (strerror in a host's
        // non-UTF-8 locale, a byte-garbage file name on Linux) gets U+FFFD for each bad byte.
        st.message = platform::to_valid_utf8(message);
    } catch (...) {
        st.message.clear();  // out of memory: the code alone still explains the failure
    }
    return st.code;
}

verrou_int fail_bad_alloc() noexcept { return fail(Code::OutOfMemory, "out of memory"); }

verrou_int fail_internal(const char* what) noexcept {
    ThreadState& st = thread_state();
    st.code = static_cast<verrou_int>(Code::Internal);
    try {
        st.message = "internal error in verrou";
        if (what != nullptr) (st.message += ": ") += platform::to_valid_utf8(what);
    } catch (...) {
        st.message.clear();
    }
    return st.code;
}

bool valid_utf8(std::string_view s, std::size_t* bad_offset) noexcept {
    return platform::is_valid_utf8(s, bad_offset);  // the library's one UTF-8 decoder
}

std::string_view text_arg(const char* s, std::string_view what, std::size_t max_bytes, Code too_long, bool secret) {
    if (s == nullptr) throw Error(Code::InvalidArgument, std::string(what) + " is NULL");
    // strnlen: never scan more than one byte past the limit, however long the caller's string.
    const std::size_t n = ::strnlen(s, max_bytes + 1);
    if (n > max_bytes)
        throw Error(too_long, std::string(what) + " is longer than " + std::to_string(max_bytes) + " bytes");
    const std::string_view v(s, n);
    std::size_t bad = 0;
    if (!valid_utf8(v, &bad)) {
        if (secret) throw Error(Code::InvalidUtf8, std::string(what) + " is not valid UTF-8");
        throw Error(Code::InvalidUtf8, std::string(what) + " is not valid UTF-8 (byte " + std::to_string(bad) + ")");
    }
    return v;
}

std::string_view optional_text_arg(const char* s, std::string_view what) {
    return s == nullptr ? std::string_view{} : text_arg(s, what);
}

verrou_int write_out(std::string_view text, char* buf, verrou_int size) {
    if (size < 0) throw Error(Code::InvalidArgument, "buffer size is negative (" + std::to_string(size) + ")");
    const std::size_t needed = text.size() + 1;
    if (buf == nullptr || static_cast<std::size_t>(size) < needed) {
        thread_state().required_size = static_cast<verrou_int>(needed);
        if (buf != nullptr && size >= 1) buf[0] = '\0';
        throw Error(Code::BufferTooSmall, "buffer too small: " + std::to_string(needed) + " bytes needed (NUL included), " +
                                              std::to_string(buf == nullptr ? 0 : size) + " given");
    }
    std::memcpy(buf, text.data(), text.size());
    buf[text.size()] = '\0';
    return static_cast<verrou_int>(text.size());
}

}  // namespace verrou::capi

using namespace verrou::capi;

extern "C" {

VERROU_API verrou_int VERROU_CALL verrou_version(char* buf, verrou_int size) {
    return guarded([&] { return write_out(VERROU_VERSION_STRING, buf, size); });
}

VERROU_API verrou_int VERROU_CALL verrou_last_error_code(void) { return thread_state().code; }

// Reads the error state without touching it, so a binding can fetch code, then message, then
// grow its buffer and fetch the message again.
VERROU_API verrou_int VERROU_CALL verrou_last_error_message(char* buf, verrou_int size) {
    ThreadState& st = thread_state();
    const std::size_t needed = st.message.size() + 1;
    if (size < 0) return static_cast<verrou_int>(verrou::Code::InvalidArgument);
    if (buf == nullptr || static_cast<std::size_t>(size) < needed) {
        st.required_size = static_cast<verrou_int>(needed);
        if (buf != nullptr && size >= 1) buf[0] = '\0';
        return static_cast<verrou_int>(verrou::Code::BufferTooSmall);
    }
    std::memcpy(buf, st.message.data(), st.message.size());
    buf[st.message.size()] = '\0';
    return static_cast<verrou_int>(st.message.size());
}

VERROU_API verrou_int VERROU_CALL verrou_last_required_size(void) { return thread_state().required_size; }

VERROU_API verrou_int VERROU_CALL verrou_error_name(verrou_int code, char* buf, verrou_int size) {
    return guarded([&] {
        // Out-of-range values must not be narrowed into a valid code by the cast.
        const bool in_range = code >= -1099 && code <= 0;  // the last block: ENCRYPTION
        const std::string_view name =
            in_range ? verrou::code_name(static_cast<verrou::Code>(code)) : std::string_view("UNKNOWN");
        return write_out(name, buf, size);
    });
}

}  // extern "C"
