// field/encryptor.cpp — FieldEncryptor: AES-256-GCM with versioned keys, rewrap, blind indexes.
//
// The construction is docs/encryption.md's, byte for byte (the Python oracle test checks it):
//   encrypt: verrou:v1:<id>:B64(nonce ‖ AES-256-GCM(key, nonce, plaintext, AAD) ‖ tag)
//            AAD = "verrou:v1:<id>:" ‖ context
//   blind index: vbi1:<id>:B64(HMAC-SHA-256(index key, context ‖ 0x00 ‖ value)[0..16])
#include <openssl/evp.h>
#include <openssl/rand.h>

#include <algorithm>
#include <memory>
#include <set>

#include "field/format.hpp"
#include "password/kdf.hpp"
#include "password/phc.hpp"
#include "verrou/encryption.hpp"
#include "verrou/error.hpp"

namespace verrou {

namespace {

struct CtxFree {
    void operator()(EVP_CIPHER_CTX* c) const noexcept { EVP_CIPHER_CTX_free(c); }  // cleanses the key schedule
};
using CipherCtx = std::unique_ptr<EVP_CIPHER_CTX, CtxFree>;

// Fetched once: an explicit fetch spares OpenSSL 3 the implicit lookup (a locked cache
// search) that EVP_aes_256_gcm() costs on every init. Never freed: it lives as long as the
// process, like OpenSSL's own provider tables.
const EVP_CIPHER* aes_256_gcm() {
    static EVP_CIPHER* const cipher = EVP_CIPHER_fetch(nullptr, "AES-256-GCM", nullptr);
    if (!cipher) throw Error(Code::Crypto, "AES-256-GCM is not available from OpenSSL");
    return cipher;
}

CipherCtx new_ctx() {
    CipherCtx ctx(EVP_CIPHER_CTX_new());
    if (!ctx) throw std::bad_alloc();
    return ctx;
}

const unsigned char* bytes_of(std::string_view s) noexcept {
    // OpenSSL wants a non-null pointer even for zero bytes.
    static const unsigned char empty = 0;
    return s.empty() ? &empty : reinterpret_cast<const unsigned char*>(s.data());
}

void check_context(std::string_view context) {
    if (context.empty()) {
        throw Error(Code::EncryptionContextInvalid,
                    "the context is empty; bind each value to its place, e.g. 'customers.iban#42' (table, "
                    "column and row id), so a ciphertext copied elsewhere does not decrypt");
    }
    if (context.size() > limits::field_context_max_bytes) {
        throw Error(Code::EncryptionContextInvalid, "the context is " + std::to_string(context.size()) +
                                                        " bytes; at most " +
                                                        std::to_string(limits::field_context_max_bytes) +
                                                        " are accepted");
    }
    if (context.find('\0') != std::string_view::npos) {
        throw Error(Code::EncryptionContextInvalid,
                    "the context contains a NUL byte (the blind index uses it as the separator)");
    }
}

void add_aad(EVP_CIPHER_CTX* ctx, std::string_view part) {
    int len = 0;
    if (!part.empty() &&
        EVP_CipherUpdate(ctx, nullptr, &len, bytes_of(part), static_cast<int>(part.size())) != 1) {
        throw Error(Code::Crypto, "AES-256-GCM: adding the associated data failed");
    }
}

void check_keys(const std::vector<FieldKey>& keys, std::string_view what) {
    std::set<std::string_view> seen;
    for (const FieldKey& k : keys) {
        if (!field::valid_field_key_id(k.id)) {
            throw Error(Code::EncryptionKeyInvalid,
                        std::string(what) + " id is not 1-32 letters, digits, '_' or '-' (the id is not shown)");
        }
        if (!seen.insert(k.id).second) {
            throw Error(Code::EncryptionKeyInvalid, std::string(what) + " '" + k.id + "' is defined twice");
        }
        if (k.key.size() != limits::field_key_bytes) {
            throw Error(Code::EncryptionKeyInvalid, std::string(what) + " '" + k.id + "' is " +
                                                        std::to_string(k.key.size()) +
                                                        " bytes; exactly 32 are required");
        }
    }
}

void check_current(const std::vector<FieldKey>& keys, const std::string& current, std::string_view what) {
    if (current.empty()) return;
    const bool found = std::any_of(keys.begin(), keys.end(), [&](const FieldKey& k) { return k.id == current; });
    if (found) return;
    std::string known;
    for (const FieldKey& k : keys) known += (known.empty() ? "" : ", ") + k.id;
    const std::string shown = field::valid_field_key_id(current) ? "'" + current + "'" : "(id not shown)";
    throw Error(Code::EncryptionUnknownKeyId, "the current " + std::string(what) + " " + shown +
                                                  " is not among the configured ones (" +
                                                  (known.empty() ? std::string("none") : known) + ")");
}

}  // namespace

FieldEncryptor::FieldEncryptor(std::vector<FieldKey> keys, std::string current_key, std::vector<FieldKey> index_keys,
                               std::string current_index_key)
    : keys_(std::move(keys)),
      current_key_(std::move(current_key)),
      index_keys_(std::move(index_keys)),
      current_index_key_(std::move(current_index_key)) {
    check_keys(keys_, "encryption key");
    check_keys(index_keys_, "index key");
    check_current(keys_, current_key_, "encryption key");
    check_current(index_keys_, current_index_key_, "index key");
}

std::vector<std::string> FieldEncryptor::key_ids() const {
    std::vector<std::string> ids;
    for (const FieldKey& k : keys_) ids.push_back(k.id);
    return ids;
}

std::vector<std::string> FieldEncryptor::index_key_ids() const {
    std::vector<std::string> ids;
    for (const FieldKey& k : index_keys_) ids.push_back(k.id);
    return ids;
}

const FieldKey& FieldEncryptor::key_for(std::string_view id) const {
    for (const FieldKey& k : keys_) {
        if (k.id == id) return k;
    }
    throw Error(Code::EncryptionUnknownKeyId,
                "the ciphertext is under key '" + std::string(id) +
                    "', which this profile environment does not configure (add it to encryption.keys to "
                    "decrypt older values)");
}

std::string FieldEncryptor::encrypt(std::string_view plaintext, std::string_view context) const {
    if (current_key_.empty()) {
        throw Error(Code::EncryptionNoKey, "no current encryption key: set encryption.current_key in the profile");
    }
    return encrypt_with(key_for(current_key_), plaintext, context);
}

std::string FieldEncryptor::encrypt_with(const FieldKey& key, std::string_view plaintext,
                                         std::string_view context) const {
    if (plaintext.size() > limits::field_plaintext_max_bytes) {
        throw Error(Code::EncryptionTooLarge, "the plaintext is " + std::to_string(plaintext.size()) +
                                                  " bytes; at most 1 MiB (1048576 bytes) is encrypted per value");
    }
    check_context(context);
    const std::string header = field::ciphertext_header(key.id);
    constexpr std::size_t nonce_len = limits::field_nonce_bytes, tag_len = limits::field_tag_bytes;
    // nonce ‖ ciphertext ‖ tag, in one buffer (not secret: it is the output).
    std::vector<unsigned char> blob(nonce_len + plaintext.size() + tag_len);
    if (RAND_bytes(blob.data(), static_cast<int>(nonce_len)) != 1) {
        throw Error(Code::Crypto, "RAND_bytes failed to produce a nonce");
    }
    const CipherCtx ctx = new_ctx();
    if (EVP_EncryptInit_ex2(ctx.get(), aes_256_gcm(), key.key.bytes(), blob.data(), nullptr) != 1) {
        throw Error(Code::Crypto, "AES-256-GCM: encryption init failed");
    }
    add_aad(ctx.get(), header);
    add_aad(ctx.get(), context);
    int len = 0;
    if (!plaintext.empty() && EVP_EncryptUpdate(ctx.get(), blob.data() + nonce_len, &len, bytes_of(plaintext),
                                                static_cast<int>(plaintext.size())) != 1) {
        throw Error(Code::Crypto, "AES-256-GCM: encryption failed");
    }
    int tail = 0;
    if (EVP_EncryptFinal_ex(ctx.get(), blob.data() + nonce_len + plaintext.size(), &tail) != 1 ||
        EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_GET_TAG, static_cast<int>(tag_len),
                            blob.data() + nonce_len + plaintext.size()) != 1) {
        throw Error(Code::Crypto, "AES-256-GCM: computing the tag failed");
    }
    std::string out = header;
    out += pwd::b64_encode(blob.data(), blob.size());
    return out;
}

SecretBuffer FieldEncryptor::decrypt(std::string_view ciphertext, std::string_view context) const {
    check_context(context);
    const field::ParsedCiphertext p = field::parse_ciphertext(ciphertext);
    const FieldKey& key = key_for(p.key_id);
    const CipherCtx ctx = new_ctx();
    if (EVP_DecryptInit_ex2(ctx.get(), aes_256_gcm(), key.key.bytes(), p.nonce.data(), nullptr) != 1) {
        throw Error(Code::Crypto, "AES-256-GCM: decryption init failed");
    }
    add_aad(ctx.get(), p.header);
    add_aad(ctx.get(), context);
    // Decrypted into the buffer the caller receives, which wipes itself on every path: on a
    // failed tag it is wiped here, so not a byte of unauthenticated plaintext escapes.
    SecretBuffer out = SecretBuffer::adopt(std::string(p.sealed.size(), '\0'));
    int len = 0;
    auto* dst = reinterpret_cast<unsigned char*>(const_cast<char*>(out.view().data()));
    if (!p.sealed.empty() && EVP_DecryptUpdate(ctx.get(), dst, &len, p.sealed.data(),
                                               static_cast<int>(p.sealed.size())) != 1) {
        throw Error(Code::Crypto, "AES-256-GCM: decryption failed");
    }
    if (EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_SET_TAG, static_cast<int>(p.tag.size()),
                            const_cast<unsigned char*>(p.tag.data())) != 1) {
        throw Error(Code::Crypto, "AES-256-GCM: setting the tag failed");
    }
    int tail = 0;
    if (EVP_DecryptFinal_ex(ctx.get(), dst + p.sealed.size(), &tail) != 1) {
        out.clear();
        throw Error(Code::EncryptionAuthFailed,
                    "the ciphertext under key '" + p.key_id +
                        "' does not authenticate: wrong context (copied from another row or column?), "
                        "altered value, or a different key with the same id");
    }
    return out;
}

std::string FieldEncryptor::rewrap(std::string_view ciphertext, std::string_view context) const {
    if (current_key_.empty()) {
        throw Error(Code::EncryptionNoKey, "no current encryption key: set encryption.current_key in the profile");
    }
    const SecretBuffer plaintext = decrypt(ciphertext, context);
    return encrypt_with(key_for(current_key_), plaintext.view(), context);
}

bool FieldEncryptor::needs_rewrap(std::string_view ciphertext) const {
    if (current_key_.empty()) {
        throw Error(Code::EncryptionNoKey, "no current encryption key: set encryption.current_key in the profile");
    }
    const field::ParsedCiphertext p = field::parse_ciphertext(ciphertext);
    (void)key_for(p.key_id);  // an unknown key cannot be rewrapped: say so now
    return p.key_id != current_key_;
}

std::size_t FieldEncryptor::ciphertext_size(std::size_t plaintext_bytes) const {
    if (current_key_.empty()) {
        throw Error(Code::EncryptionNoKey, "no current encryption key: set encryption.current_key in the profile");
    }
    const std::size_t blob = limits::field_nonce_bytes + plaintext_bytes + limits::field_tag_bytes;
    return field::ciphertext_header(current_key_).size() + (blob * 4 + 2) / 3;
}

std::size_t FieldEncryptor::plaintext_size(std::string_view ciphertext) const {
    return field::parse_ciphertext(ciphertext).sealed.size();
}

std::size_t FieldEncryptor::blind_index_size() const {
    if (current_index_key_.empty()) {
        throw Error(Code::EncryptionNoKey,
                    "no current index key: set encryption.current_index_key (and encryption.index_keys.<id>) "
                    "in the profile");
    }
    return field::kBlindIndexPrefix.size() + current_index_key_.size() + 1 + (limits::blind_index_bytes * 4 + 2) / 3;
}

std::string FieldEncryptor::blind_index(std::string_view value, std::string_view context) const {
    if (current_index_key_.empty()) {
        throw Error(Code::EncryptionNoKey,
                    "no current index key: set encryption.current_index_key (and encryption.index_keys.<id>) "
                    "in the profile");
    }
    if (value.size() > limits::field_plaintext_max_bytes) {
        throw Error(Code::EncryptionTooLarge, "the value is " + std::to_string(value.size()) +
                                                  " bytes; at most 1 MiB (1048576 bytes) is indexed");
    }
    check_context(context);
    const FieldKey* key = nullptr;
    for (const FieldKey& k : index_keys_) {
        if (k.id == current_index_key_) key = &k;
    }
    if (!key) throw Error(Code::Internal, "the current index key vanished");
    // context ‖ 0x00 ‖ value, in a buffer wiped after use (the value is the secret here).
    std::string message;
    message.reserve(context.size() + 1 + value.size());
    struct Wipe {
        std::string& s;
        ~Wipe() { wipe(s); }
    } wipe_message{message};
    message.append(context).append(1, '\0').append(value);
    const pwd::WipedBytes mac = pwd::hmac(pwd::HmacDigest::Sha256, key->key.view(), message);
    std::string out(field::kBlindIndexPrefix);
    out.append(key->id).append(1, ':');
    out += pwd::b64_encode(mac.data(), limits::blind_index_bytes);
    return out;
}

}  // namespace verrou
