// field/keygen.cpp — fresh field keys for `verrou keys new`.
#include <openssl/rand.h>

#include "password/bytes.hpp"
#include "password/phc.hpp"
#include "pki/files.hpp"
#include "verrou/encryption.hpp"
#include "verrou/error.hpp"

namespace verrou {

SecretBuffer generate_field_key_text() {
    pwd::WipedBytes key(limits::field_key_bytes);
    if (RAND_bytes(key.data(), static_cast<int>(key.size())) != 1) {
        throw Error(Code::Crypto, "RAND_bytes failed to produce a key");
    }
    std::string encoded = pwd::b64_encode(key.data(), key.size(), pwd::B64Alphabet::Standard, /*pad=*/true);
    // Appending the '\n' to `encoded` could reallocate and free its buffer unwiped: copy into
    // one sized for both, then wipe the first.
    std::string text;
    text.reserve(encoded.size() + 1);
    text.append(encoded).push_back('\n');
    wipe(encoded);
    return SecretBuffer::adopt(std::move(text));
}

void write_new_field_key(const std::string& path) {
    if (path.empty()) throw Error(Code::InvalidArgument, "no path given for the new key");
    const SecretBuffer text = generate_field_key_text();
    pki_detail::write_new_file(path, text.view(), 0600);
}

}  // namespace verrou
