// capi/capi_encryption.cpp — verrou_encryptor_* / encrypt / decrypt / rewrap / needs_rewrap /
// blind_index over verrou::FieldEncryptor.
//
// Plaintexts are UTF-8 text here (binary values go in Base64): they are read in place from the
// caller's buffer, never named in a message, and a decrypted plaintext is copied straight from
// its wiped buffer into the caller's. Every output's length is known before the work, so a
// too-small buffer is reported without encrypting or decrypting anything.
#include "capi_internal.hpp"
#include "capi_objects.hpp"
#include "handles.hpp"

using namespace verrou;
using namespace verrou::capi;

namespace {

std::string_view plaintext_arg(const char* s, std::string_view what) {
    return text_arg(s, what, limits::field_plaintext_max_bytes, Code::EncryptionTooLarge, /*secret=*/true);
}

std::string_view ciphertext_arg(const char* s) {
    return text_arg(s, "ciphertext", limits::field_ciphertext_max_chars, Code::EncryptionTooLarge);
}

std::string_view context_arg(const char* s) {
    return text_arg(s, "context", limits::field_context_max_bytes, Code::EncryptionContextInvalid);
}

void check_size(verrou_int size) {
    if (size < 0) throw Error(Code::InvalidArgument, "buffer size is negative (" + std::to_string(size) + ")");
}

bool fits(std::size_t length, const char* buf, verrou_int size) {
    return buf != nullptr && static_cast<std::size_t>(size) >= length + 1;
}

[[noreturn]] void too_small(std::size_t length, char* buf, verrou_int size) {
    thread_state().required_size = static_cast<verrou_int>(length + 1);
    if (buf != nullptr && size >= 1) buf[0] = '\0';
    throw Error(Code::BufferTooSmall, "buffer too small: " + std::to_string(length + 1) +
                                          " bytes needed (NUL included), " +
                                          std::to_string(buf == nullptr ? 0 : size) + " given");
}

std::shared_ptr<EncryptorObject> encryptor(verrou_int h) { return get_as<EncryptorObject>(h, Kind::Encryptor); }

}  // namespace

extern "C" {

VERROU_API verrou_int VERROU_CALL verrou_encryptor_open(const char* path, const char* environment) {
    return guarded([&] {
        const std::string p(text_arg(path, "profile path"));
        if (p.empty()) throw Error(Code::InvalidArgument, "profile path is empty");
        const std::string_view env = optional_text_arg(environment, "environment");
        auto object = std::make_shared<EncryptorObject>(load_field_encryptor(p, env));
        return handle_insert(Kind::Encryptor, std::move(object));
    });
}

VERROU_API verrou_int VERROU_CALL verrou_encryptor_close(verrou_int enc) {
    return guarded([&] {
        handle_remove(enc, Kind::Encryptor);
        return verrou_int{0};
    });
}

VERROU_API verrou_int VERROU_CALL verrou_encrypt(verrou_int enc, const char* plaintext, const char* context, char* buf,
                                                 verrou_int size) {
    return guarded([&] {
        check_size(size);
        const auto e = encryptor(enc);
        const std::string_view value = plaintext_arg(plaintext, "plaintext");
        const std::string_view ctx = context_arg(context);
        const std::size_t length = e->encryptor.ciphertext_size(value.size());
        if (!fits(length, buf, size)) too_small(length, buf, size);
        return write_out(e->encryptor.encrypt(value, ctx), buf, size);
    });
}

VERROU_API verrou_int VERROU_CALL verrou_decrypt(verrou_int enc, const char* ciphertext, const char* context, char* buf,
                                                 verrou_int size) {
    return guarded([&] {
        check_size(size);
        const auto e = encryptor(enc);
        const std::string_view ct = ciphertext_arg(ciphertext);
        const std::string_view ctx = context_arg(context);
        const std::size_t length = e->encryptor.plaintext_size(ct);
        if (!fits(length, buf, size)) too_small(length, buf, size);
        const SecretBuffer plain = e->encryptor.decrypt(ct, ctx);
        // The C side reads a NUL-terminated UTF-8 string: a binary value (encrypted by a C++
        // service) would be cut at its first NUL or be invalid text. Refused, nothing written.
        if (plain.view().find('\0') != std::string_view::npos || !valid_utf8(plain.view())) {
            throw Error(Code::InvalidUtf8,
                        "the decrypted value is not UTF-8 text (a binary value: the C ABI carries binary "
                        "values as Base64 text)");
        }
        return write_out(plain.view(), buf, size);
    });
}

VERROU_API verrou_int VERROU_CALL verrou_rewrap(verrou_int enc, const char* ciphertext, const char* context, char* buf,
                                                verrou_int size) {
    return guarded([&] {
        check_size(size);
        const auto e = encryptor(enc);
        const std::string_view ct = ciphertext_arg(ciphertext);
        const std::string_view ctx = context_arg(context);
        const std::size_t length = e->encryptor.ciphertext_size(e->encryptor.plaintext_size(ct));
        if (!fits(length, buf, size)) too_small(length, buf, size);
        return write_out(e->encryptor.rewrap(ct, ctx), buf, size);
    });
}

VERROU_API verrou_int VERROU_CALL verrou_needs_rewrap(verrou_int enc, const char* ciphertext) {
    return guarded([&] {
        const auto e = encryptor(enc);
        return static_cast<verrou_int>(e->encryptor.needs_rewrap(ciphertext_arg(ciphertext)) ? 1 : 0);
    });
}

VERROU_API verrou_int VERROU_CALL verrou_blind_index(verrou_int enc, const char* value, const char* context, char* buf,
                                                     verrou_int size) {
    return guarded([&] {
        check_size(size);
        const auto e = encryptor(enc);
        const std::string_view v = plaintext_arg(value, "value");
        const std::string_view ctx = context_arg(context);
        const std::size_t length = e->encryptor.blind_index_size();
        if (!fits(length, buf, size)) too_small(length, buf, size);
        return write_out(e->encryptor.blind_index(v, ctx), buf, size);
    });
}

}  // extern "C"
