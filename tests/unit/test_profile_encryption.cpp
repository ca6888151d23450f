// Profile `encryption` section → load_field_encryptor: keys by reference, inheritance, errors.
#include <doctest/doctest.h>

#include <cstdlib>

#include "password/phc.hpp"
#include "test_profile_support.hpp"
#include "verrou/encryption.hpp"
#include "verrou/error.hpp"

using namespace verrou;
using profile_test::contains;
using profile_test::error_of;
using profile_test::TempDir;

namespace {

std::string b64_key(char fill) {
    const std::string raw(32, fill);
    return pwd::b64_encode(reinterpret_cast<const unsigned char*>(raw.data()), raw.size(),
                           pwd::B64Alphabet::Standard, true);
}

}  // namespace

TEST_CASE("profile encryption: INI and JSON sections give the same keys, inherited per key") {
    ::unsetenv("VERROU_ENV");
    TempDir dir;
    dir.write("keys/k2025", b64_key('a') + "\n");
    dir.write("keys/k2026", b64_key('b'));
    dir.write("keys/idx", b64_key('i') + "\r\n");
    ::setenv("VERROU_TEST_FIELD_KEY_OLD", b64_key('o').c_str(), 1);
    const std::string ini = dir.write("e.ini",
        "[defaults.encryption]\n"
        "current_key = k2025\n"
        "current_index_key = idx1\n"
        "[defaults.encryption.keys.k2025]\n"
        "file = keys/k2025\n"
        "[defaults.encryption.keys]\n"
        "k2019.env = VERROU_TEST_FIELD_KEY_OLD\n"
        "[defaults.encryption.index_keys.idx1]\n"
        "file = keys/idx\n"
        "[env.dev]\n"
        "[env.prod.encryption]\n"
        "current_key = k2026\n"
        "[env.prod.encryption.keys.k2026]\n"
        "file = keys/k2026\n");
    const std::string json = dir.write("e.json", R"({
      "defaults": { "encryption": {
        "current_key": "k2025", "current_index_key": "idx1",
        "keys": { "k2025": { "file": "keys/k2025" }, "k2019": { "env": "VERROU_TEST_FIELD_KEY_OLD" } },
        "index_keys": { "idx1": { "file": "keys/idx" } } } },
      "environments": { "dev": {}, "prod": { "encryption": {
        "current_key": "k2026", "keys": { "k2026": { "file": "keys/k2026" } } } } }
    })");
    for (const std::string& f : {ini, json}) {
        CAPTURE(f);
        const FieldEncryptor dev = load_field_encryptor(f, "dev");
        CHECK(dev.current_key_id() == "k2025");
        CHECK(dev.current_index_key_id() == "idx1");
        CHECK(dev.key_ids() == std::vector<std::string>{"k2019", "k2025"});
        const FieldEncryptor prod = load_field_encryptor(f, "prod");
        CHECK(prod.current_key_id() == "k2026");
        CHECK(prod.key_ids() == std::vector<std::string>{"k2019", "k2025", "k2026"});
        // Same key bytes across files and environments: dev's ciphertext opens in prod.
        const std::string ct = dev.encrypt("FR76", "t.c#1");
        CHECK(prod.decrypt(ct, "t.c#1").view() == "FR76");
        CHECK(prod.needs_rewrap(ct));
        CHECK(dev.blind_index("x", "t.c") == prod.blind_index("x", "t.c"));
    }
    ::unsetenv("VERROU_TEST_FIELD_KEY_OLD");
}

TEST_CASE("profile encryption: every bad key or setting is a clear error naming the key id") {
    ::unsetenv("VERROU_ENV");
    TempDir dir;
    dir.write("good", b64_key('g'));
    dir.write("short", pwd::b64_encode(std::vector<unsigned char>(16, 1)));
    dir.write("text", "this is not a key at all");
    dir.write("empty", "");
    struct Case {
        std::string body;
        Code code;
        std::vector<std::string> says;
    };
    const std::string head = "[env.dev.encryption]\ncurrent_key = k1\n";
    for (const Case& c : std::vector<Case>{
             {head + "[env.dev.encryption.keys.k1]\nfile = short\n", Code::EncryptionKeyInvalid,
              {"'k1'", "16 bytes", "e.ini:4"}},
             {head + "[env.dev.encryption.keys.k1]\nfile = text\n", Code::EncryptionKeyInvalid,
              {"'k1'", "not standard Base64"}},
             {head + "[env.dev.encryption.keys.k1]\nfile = empty\n", Code::SecretEmpty, {"'k1'"}},
             {head + "[env.dev.encryption.keys.k1]\nfile = missing\n", Code::SecretNotFound, {"'k1'"}},
             {head + "[env.dev.encryption.keys.k1]\nenv = VERROU_TEST_UNSET_KEY_VAR\n", Code::SecretEnvMissing,
              {"'k1'", "VERROU_TEST_UNSET_KEY_VAR"}},
             // Inline keys are refused, and the value is never echoed.
             {head + "[env.dev.encryption.keys.k1]\nvalue = " + b64_key('s') + "\n", Code::ConfigUnsafe,
              {"cannot be written in the profile"}},
             {head + "[env.dev.encryption.keys.k1]\nkey = " + b64_key('s') + "\n", Code::ConfigUnsafe, {}},
             // Two references for one key.
             {head + "[env.dev.encryption.keys.k1]\nfile = good\nenv = X\n", Code::ConfigDuplicate,
              {"encryption key 'k1'"}},
             // current_key names no key; keys without a current one; no keys at all.
             {"[env.dev.encryption]\ncurrent_key = k9\n[env.dev.encryption.keys.k1]\nfile = good\n",
              Code::ConfigMissingKey, {"'k9'", "k1"}},
             {"[env.dev.encryption.keys.k1]\nfile = good\n", Code::ConfigMissingKey, {"current_key"}},
             {"[env.dev]\nhost = x\n", Code::EncryptionNoKey, {"encryption.keys"}},
             // Key ids: 1-32 of [A-Za-z0-9_-].
             {head + "[env.dev.encryption.keys.k.1]\nfile = good\n", Code::ConfigUnknownKey, {}},
             {head + "[env.dev.encryption.keys." + std::string(33, 'k') + "]\nfile = good\n",
              Code::ConfigInvalidValue, {"encryption key id"}},
             // Typos get a suggestion.
             {head + "[env.dev.encryption.keys.k1]\nfiel = good\n", Code::ConfigUnknownKey, {"'file'"}},
             {"[env.dev.encryption]\ncurent_key = k1\n", Code::ConfigUnknownKey, {"encryption.current_key"}},
             {head + "[env.dev.encryption.keys.k1]\nfile = good\n[env.dev.encryption.index_keys.i1]\nfile = good\n",
              Code::ConfigMissingKey,
              {"current_index_key"}},
         }) {
        CAPTURE(c.body);
        const std::string f = dir.write("e.ini", c.body);
        const Error e = error_of([&] { (void)load_field_encryptor(f, "dev"); });
        CHECK(e.code() == c.code);
        for (const std::string& s : c.says) CHECK(contains(e.message(), s));
        CHECK(!contains(e.message(), b64_key('s')));
        CHECK(!contains(e.message(), b64_key('g')));
    }
}

TEST_CASE("profile encryption: a key replaced in an environment replaces its whole reference") {
    ::unsetenv("VERROU_ENV");
    TempDir dir;
    dir.write("a", b64_key('a'));
    ::setenv("VERROU_TEST_FIELD_KEY_PROD", b64_key('p').c_str(), 1);
    const std::string f = dir.write("e.ini",
        "[defaults.encryption]\ncurrent_key = k1\n"
        "[defaults.encryption.keys.k1]\nfile = a\n"
        "[env.dev]\n"
        "[env.prod.encryption.keys.k1]\nenv = VERROU_TEST_FIELD_KEY_PROD\n");
    const FieldEncryptor dev = load_field_encryptor(f, "dev");
    const FieldEncryptor prod = load_field_encryptor(f, "prod");  // no CONFIG_DUPLICATE: env replaces file
    const std::string ct = dev.encrypt("v", "c#1");
    CHECK(error_of([&] { (void)prod.decrypt(ct, "c#1"); }).code() == Code::EncryptionAuthFailed);
    ::unsetenv("VERROU_TEST_FIELD_KEY_PROD");
}

TEST_CASE("field keys: write_new_field_key never overwrites, owner-only permissions") {
    TempDir dir;
    const std::string path = (dir.path() / "k.key").string();
    write_new_field_key(path);
    CHECK(std::filesystem::status(path).permissions() ==
          (std::filesystem::perms::owner_read | std::filesystem::perms::owner_write));
    SecretRef ref(SecretRef::Kind::File, path);
    const std::string profile = dir.write("p.ini", "[env.dev.encryption]\ncurrent_key = k\n"
                                                   "[env.dev.encryption.keys.k]\nfile = k.key\n");
    const FieldEncryptor enc = load_field_encryptor(profile, "dev");
    CHECK(enc.decrypt(enc.encrypt("v", "c"), "c").view() == "v");
    const std::string before(resolve_secret(ref, "k").view());
    const Error e = error_of([&] { write_new_field_key(path); });
    CHECK(e.code() == Code::InvalidArgument);
    CHECK(contains(e.message(), "already exists"));
    CHECK(resolve_secret(ref, "k").view() == before);
}
