// Field encryption: FieldEncryptor round trips, the documented format, every refusal, and the
// pure parsers (field/format.hpp). The byte-exact construction is checked against Python's
// `cryptography` and `hmac` in tests/python/test_capi_encryption.py.
#include <doctest/doctest.h>

#include <openssl/evp.h>

#include <atomic>
#include <set>
#include <string>
#include <thread>

#include "field/format.hpp"
#include "password/phc.hpp"
#include "test_profile_support.hpp"
#include "verrou/encryption.hpp"
#include "verrou/error.hpp"

using namespace verrou;
using profile_test::contains;
using profile_test::error_of;

namespace {

std::string key_bytes(char fill) { return std::string(32, fill); }

FieldEncryptor make(std::string current = "kA", std::string current_index = "i1") {
    std::vector<FieldKey> keys;
    keys.push_back({"kA", SecretBuffer(key_bytes('A'))});
    keys.push_back({"kB", SecretBuffer(key_bytes('B'))});
    std::vector<FieldKey> index_keys;
    index_keys.push_back({"i1", SecretBuffer(key_bytes('I'))});
    return FieldEncryptor(std::move(keys), std::move(current), std::move(index_keys), std::move(current_index));
}

// The Base64 part of a ciphertext, decoded.
std::vector<unsigned char> blob_of(const std::string& ct) {
    const auto colon = ct.rfind(':');
    auto bytes = pwd::b64_decode(std::string_view(ct).substr(colon + 1));
    REQUIRE(bytes);
    return *bytes;
}

std::string with_blob(const std::string& ct, const std::vector<unsigned char>& blob) {
    return ct.substr(0, ct.rfind(':') + 1) + pwd::b64_encode(blob);
}

}  // namespace

TEST_CASE("field encryption: round trip, format, fresh nonce, binary-safe") {
    const FieldEncryptor enc = make();
    const std::string ctx = "customers.iban#42";
    const std::string iban = "FR7630006000011234567890189";
    const std::string ct = enc.encrypt(iban, ctx);
    CHECK(ct.rfind("verrou:v1:kA:", 0) == 0);
    CHECK(blob_of(ct).size() == 12 + iban.size() + 16);
    CHECK(ct.find('=') == std::string::npos);  // no padding
    CHECK(enc.decrypt(ct, ctx).view() == iban);
    CHECK(enc.encrypt(iban, ctx) != ct);  // a fresh nonce each time

    const std::string binary("\0\xff\x01zz\0", 6);
    CHECK(enc.decrypt(enc.encrypt(binary, ctx), ctx).view() == binary);
    // Empty plaintext is allowed: nonce + tag only.
    const std::string empty = enc.encrypt("", ctx);
    CHECK(blob_of(empty).size() == 28);
    CHECK(enc.decrypt(empty, ctx).view().empty());
    // 1 MiB exactly is accepted, one more byte is refused.
    const std::string big(limits::field_plaintext_max_bytes, 'x');
    const std::string big_ct = enc.encrypt(big, ctx);
    CHECK(big_ct.size() <= limits::field_ciphertext_max_chars);
    CHECK(enc.decrypt(big_ct, ctx).view() == big);
    CHECK(error_of([&] { (void)enc.encrypt(big + "x", ctx); }).code() == Code::EncryptionTooLarge);
}

TEST_CASE("field encryption: the documented construction, checked with raw EVP") {
    const FieldEncryptor enc = make();
    const std::string ctx = "t.c#1";
    const std::string ct = enc.encrypt("secret value", ctx);
    const auto blob = blob_of(ct);
    const std::string aad = "verrou:v1:kA:" + ctx;
    const std::string key = key_bytes('A');
    EVP_CIPHER_CTX* c = EVP_CIPHER_CTX_new();
    REQUIRE(c);
    REQUIRE(EVP_DecryptInit_ex(c, EVP_aes_256_gcm(), nullptr, reinterpret_cast<const unsigned char*>(key.data()),
                               blob.data()) == 1);
    int len = 0;
    REQUIRE(EVP_DecryptUpdate(c, nullptr, &len, reinterpret_cast<const unsigned char*>(aad.data()),
                              static_cast<int>(aad.size())) == 1);
    std::string out(blob.size() - 28, '\0');
    REQUIRE(EVP_DecryptUpdate(c, reinterpret_cast<unsigned char*>(out.data()), &len, blob.data() + 12,
                              static_cast<int>(out.size())) == 1);
    std::vector<unsigned char> tag(blob.end() - 16, blob.end());
    REQUIRE(EVP_CIPHER_CTX_ctrl(c, EVP_CTRL_GCM_SET_TAG, 16, tag.data()) == 1);
    CHECK(EVP_DecryptFinal_ex(c, reinterpret_cast<unsigned char*>(out.data()) + out.size(), &len) == 1);
    EVP_CIPHER_CTX_free(c);
    CHECK(out == "secret value");
}

TEST_CASE("field encryption: wrong context, tampering, truncation, unknown key, wrong key") {
    const FieldEncryptor enc = make();
    const std::string ctx = "customers.iban#42";
    const std::string ct = enc.encrypt("FR76 3000 6000", ctx);

    CHECK(error_of([&] { (void)enc.decrypt(ct, "customers.iban#43"); }).code() == Code::EncryptionAuthFailed);
    CHECK(error_of([&] { (void)enc.decrypt(ct, "customers.bic#42"); }).code() == Code::EncryptionAuthFailed);

    // A flipped bit in each part of the binary value: nonce, ciphertext, tag.
    const auto blob = blob_of(ct);
    for (std::size_t i : {std::size_t{0}, std::size_t{11}, std::size_t{12}, blob.size() - 17, blob.size() - 16,
                          blob.size() - 1}) {
        CAPTURE(i);
        auto flipped = blob;
        flipped[i] ^= 0x01;
        const Error e = error_of([&] { (void)enc.decrypt(with_blob(ct, flipped), ctx); });
        CHECK(e.code() == Code::EncryptionAuthFailed);
        CHECK(!contains(e.message(), "FR76"));
    }
    // The header is authenticated too: the same bytes under the other key id fail.
    std::string other = ct;
    other.replace(0, 13, "verrou:v1:kB:");
    CHECK(error_of([&] { (void)enc.decrypt(other, ctx); }).code() == Code::EncryptionAuthFailed);
    // Same id, different key bytes (a key replaced under the same name).
    std::vector<FieldKey> keys;
    keys.push_back({"kA", SecretBuffer(key_bytes('Z'))});
    const FieldEncryptor wrong(std::move(keys), "kA");
    CHECK(error_of([&] { (void)wrong.decrypt(ct, ctx); }).code() == Code::EncryptionAuthFailed);

    // Truncated: one byte short of the tag, then cut inside the header.
    auto shorter = blob;
    shorter.pop_back();
    CHECK(error_of([&] { (void)enc.decrypt(with_blob(ct, shorter), ctx); }).code() == Code::EncryptionAuthFailed);
    const std::vector<unsigned char> too_short(blob.begin(), blob.begin() + 27);
    CHECK(error_of([&] { (void)enc.decrypt(with_blob(ct, too_short), ctx); }).code() == Code::EncryptionMalformed);
    CHECK(error_of([&] { (void)enc.decrypt(ct.substr(0, 20), ctx); }).code() == Code::EncryptionMalformed);
    CHECK(error_of([&] { (void)enc.decrypt(ct.substr(0, ct.size() - 1), ctx); }).code() != Code::Ok);
    CHECK(error_of([&] { (void)enc.decrypt("verrou:v1:kA", ctx); }).code() == Code::EncryptionMalformed);
    CHECK(error_of([&] { (void)enc.decrypt("", ctx); }).code() == Code::EncryptionMalformed);

    // Unknown key id, named in the message.
    std::string unknown = ct;
    unknown.replace(0, 13, "verrou:v1:k2019:");
    const Error u = error_of([&] { (void)enc.decrypt(unknown, ctx); });
    CHECK(u.code() == Code::EncryptionUnknownKeyId);
    CHECK(contains(u.message(), "'k2019'"));
    CHECK(layer_of(u.code()) == Layer::Encryption);
}

TEST_CASE("field encryption: malformed ciphertexts are named precisely") {
    const FieldEncryptor enc = make();
    const std::string ctx = "x#1";
    struct Case {
        std::string text;
        Code code;
        std::string says;
    };
    const std::string b64 = pwd::b64_encode(std::vector<unsigned char>(40, 7));
    for (const Case& c : std::vector<Case>{
             {"FR76...", Code::EncryptionMalformed, "does not start with 'verrou:'"},
             {"verrou:v2:kA:" + b64, Code::EncryptionUnsupportedVersion, "'v2'"},
             {"verrou:x1:kA:" + b64, Code::EncryptionMalformed, "version"},
             {"verrou:v1:k A:" + b64, Code::EncryptionMalformed, "key id"},
             {"verrou:v1::" + b64, Code::EncryptionMalformed, "key id"},
             {"verrou:v1:" + std::string(33, 'k') + ":" + b64, Code::EncryptionMalformed, "key id"},
             {"verrou:v1:kA:" + b64 + "=", Code::EncryptionMalformed, "Base64"},
             {"verrou:v1:kA:" + b64 + "!", Code::EncryptionMalformed, "Base64"},
             {"verrou:v1:kA:" + b64.substr(0, 20), Code::EncryptionMalformed, "shorter"},
             {"verrou:v1:kA:" + std::string(limits::field_ciphertext_max_chars, 'A'), Code::EncryptionTooLarge,
              "characters"},
         }) {
        CAPTURE(c.text.substr(0, 40));
        const Error e = error_of([&] { (void)field::parse_ciphertext(c.text); });
        CHECK(e.code() == c.code);
        CHECK(contains(e.message(), c.says));
        CHECK(error_of([&] { (void)enc.decrypt(c.text, ctx); }).code() == c.code);
    }
    // A non-canonical last character (unused bits set) is refused, not silently accepted.
    const std::string ct = enc.encrypt("abcd", ctx);  // 32 bytes: 43 characters, 2 unused bits
    std::string noncanon = ct;
    const char last = noncanon.back();
    noncanon.back() = last == 'A' ? 'B' : static_cast<char>(last + 1);
    CHECK(error_of([&] { (void)enc.decrypt(noncanon, ctx); }).code() != Code::Ok);
}

TEST_CASE("field encryption: contexts are required and bounded") {
    const FieldEncryptor enc = make();
    CHECK(error_of([&] { (void)enc.encrypt("v", ""); }).code() == Code::EncryptionContextInvalid);
    CHECK(error_of([&] { (void)enc.encrypt("v", std::string("a\0b", 3)); }).code() ==
          Code::EncryptionContextInvalid);
    CHECK(error_of([&] { (void)enc.encrypt("v", std::string(1025, 'c')); }).code() ==
          Code::EncryptionContextInvalid);
    CHECK_NOTHROW((void)enc.encrypt("v", std::string(1024, 'c')));
    CHECK(error_of([&] { (void)enc.blind_index("v", ""); }).code() == Code::EncryptionContextInvalid);
    CHECK(error_of([&] { (void)enc.decrypt(enc.encrypt("v", "c"), ""); }).code() == Code::EncryptionContextInvalid);
}

TEST_CASE("field encryption: rewrap moves a value to the current key, needs_rewrap tells") {
    const FieldEncryptor old_enc = make("kA");
    const FieldEncryptor new_enc = make("kB");
    const std::string ctx = "customers.iban#7";
    const std::string under_a = old_enc.encrypt("FR76 1234", ctx);
    CHECK_FALSE(old_enc.needs_rewrap(under_a));
    CHECK(new_enc.needs_rewrap(under_a));
    const std::string under_b = new_enc.rewrap(under_a, ctx);
    CHECK(under_b.rfind("verrou:v1:kB:", 0) == 0);
    CHECK_FALSE(new_enc.needs_rewrap(under_b));
    CHECK(new_enc.decrypt(under_b, ctx).view() == "FR76 1234");
    CHECK(old_enc.decrypt(under_b, ctx).view() == "FR76 1234");  // old_enc knows kB too
    // Rewrap authenticates: a wrong context is refused, nothing is produced.
    CHECK(error_of([&] { (void)new_enc.rewrap(under_a, "customers.iban#8"); }).code() == Code::EncryptionAuthFailed);
    // Already current: re-encrypted anyway (fresh nonce), same plaintext.
    const std::string again = new_enc.rewrap(under_b, ctx);
    CHECK(again != under_b);
    CHECK(new_enc.decrypt(again, ctx).view() == "FR76 1234");
    // needs_rewrap parses: malformed and unknown ids are errors, not "no".
    CHECK(error_of([&] { (void)new_enc.needs_rewrap("nope"); }).code() == Code::EncryptionMalformed);
    std::string unknown = under_a;
    unknown.replace(0, 13, "verrou:v1:kC:");
    CHECK(error_of([&] { (void)new_enc.needs_rewrap(unknown); }).code() == Code::EncryptionUnknownKeyId);
}

TEST_CASE("field encryption: blind index is deterministic, bound to context and key") {
    const FieldEncryptor enc = make();
    const std::string a = enc.blind_index("FR7630006000011234567890189", "customers.iban");
    CHECK(a.rfind("vbi1:i1:", 0) == 0);
    CHECK(a.size() == 8 + 22);  // 16 bytes: 22 Base64 characters without padding
    CHECK(a == enc.blind_index("FR7630006000011234567890189", "customers.iban"));
    CHECK(a != enc.blind_index("FR7630006000011234567890188", "customers.iban"));
    CHECK(a != enc.blind_index("FR7630006000011234567890189", "suppliers.iban"));
    // The separator keeps (context, value) pairs apart: "ab" + "c" differs from "a" + "bc".
    CHECK(enc.blind_index("c", "ab") != enc.blind_index("bc", "a"));
    CHECK_NOTHROW((void)enc.blind_index("", "customers.iban"));

    std::vector<FieldKey> keys;
    keys.push_back({"kA", SecretBuffer(key_bytes('A'))});
    const FieldEncryptor no_index(std::move(keys), "kA");
    CHECK(error_of([&] { (void)no_index.blind_index("v", "c"); }).code() == Code::EncryptionNoKey);
    const FieldEncryptor no_current(std::vector<FieldKey>{}, "");
    CHECK(error_of([&] { (void)no_current.encrypt("v", "c"); }).code() == Code::EncryptionNoKey);
}

TEST_CASE("field encryption: constructor refuses bad key sets") {
    auto keys_of = [](std::vector<std::pair<std::string, std::string>> list) {
        std::vector<FieldKey> out;
        for (auto& [id, bytes] : list) out.push_back({id, SecretBuffer(bytes)});
        return out;
    };
    CHECK(error_of([&] { FieldEncryptor e(keys_of({{"kA", std::string(31, 'a')}}), "kA"); }).code() ==
          Code::EncryptionKeyInvalid);
    CHECK(error_of([&] { FieldEncryptor e(keys_of({{"k A", key_bytes('a')}}), "k A"); }).code() ==
          Code::EncryptionKeyInvalid);
    CHECK(error_of([&] { FieldEncryptor e(keys_of({{"kA", key_bytes('a')}, {"kA", key_bytes('b')}}), "kA"); })
              .code() == Code::EncryptionKeyInvalid);
    CHECK(error_of([&] { FieldEncryptor e(keys_of({{"kA", key_bytes('a')}}), "kB"); }).code() ==
          Code::EncryptionUnknownKeyId);
}

TEST_CASE("field keys: parse_field_key accepts exactly 32 bytes of standard Base64") {
    const std::string raw = key_bytes('\x5a');
    const std::string b64 = pwd::b64_encode(reinterpret_cast<const unsigned char*>(raw.data()), raw.size(),
                                            pwd::B64Alphabet::Standard, true);
    REQUIRE(b64.size() == 44);
    CHECK(field::parse_field_key(b64, "k1").view() == raw);
    CHECK(field::parse_field_key(b64.substr(0, 43), "k1").view() == raw);  // padding optional
    struct Case {
        std::string text;
        std::string says;
    };
    const std::string b64_31 = pwd::b64_encode(std::vector<unsigned char>(31, 1));
    const std::string b64_33 = pwd::b64_encode(std::vector<unsigned char>(33, 1));
    std::string urlsafe = b64;
    urlsafe[3] = '-';
    std::string noncanon = b64.substr(0, 43);
    noncanon.back() = 'B';  // value 1: an unused bit set
    for (const Case& c : std::vector<Case>{{"", "decodes to 0 bytes"},
                                           {b64_31, "decodes to"},
                                           {b64_33, "decodes to"},
                                           {"not base64 at all!!", "not standard Base64"},
                                           {urlsafe, "not standard Base64"},
                                           {b64 + "\n", "not standard Base64"},
                                           {" " + b64, "not standard Base64"},
                                           {noncanon, "not canonical"},
                                           {std::string(200, 'A'), "decodes to"}}) {
        CAPTURE(c.text);
        const Error e = error_of([&] { (void)field::parse_field_key(c.text, "k2026"); });
        CHECK(e.code() == Code::EncryptionKeyInvalid);
        CHECK(contains(e.message(), "'k2026'"));
        CHECK(contains(e.message(), c.says));
        if (!c.text.empty()) CHECK(!contains(e.message(), c.text));
    }
}

TEST_CASE("field keys: generated key text is 32 random bytes, Base64 with a newline") {
    const SecretBuffer a = generate_field_key_text();
    const SecretBuffer b = generate_field_key_text();
    REQUIRE(a.size() == 45);
    CHECK(a.view().back() == '\n');
    CHECK(a.view() != b.view());
    CHECK(field::parse_field_key(a.view().substr(0, 44), "k").size() == 32);
}

TEST_CASE("field encryption: one encryptor shared by threads (run under ASan / TSan)") {
    const FieldEncryptor enc = make();
    std::vector<std::thread> threads;
    std::atomic<int> bad{0};
    for (int t = 0; t < 4; ++t) {
        threads.emplace_back([&, t] {
            for (int i = 0; i < 200; ++i) {
                const std::string ctx = "t.c#" + std::to_string(t * 1000 + i);
                const std::string value = "value " + std::to_string(i);
                const std::string ct = enc.encrypt(value, ctx);
                if (enc.decrypt(ct, ctx).view() != value) ++bad;
                if (enc.blind_index(value, "t.c") != enc.blind_index(value, "t.c")) ++bad;
                if (enc.decrypt(enc.rewrap(ct, ctx), ctx).view() != value) ++bad;
            }
        });
    }
    for (auto& th : threads) th.join();
    CHECK(bad.load() == 0);
}
