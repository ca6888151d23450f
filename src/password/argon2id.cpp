// password/argon2id.cpp — Argon2id through the reference library's argon2_ctx.
//
// argon2_ctx (not argon2id_hash_encoded) because only the context API takes the secret
// input K, which is where verrou's pepper goes (RFC 9106 §3.1).
#include <argon2.h>

#include <limits>

#include "password/kdf.hpp"
#include "verrou/error.hpp"

namespace verrou::pwd {

WipedBytes argon2id_raw(std::string_view password, std::string_view salt, std::string_view secret,
                        std::string_view associated_data, const Argon2idParams& params) {
    constexpr std::size_t u32max = std::numeric_limits<std::uint32_t>::max();
    if (password.size() > u32max || salt.size() > u32max || secret.size() > u32max ||
        associated_data.size() > u32max || params.out_len > u32max || params.out_len < ARGON2_MIN_OUTLEN) {
        throw Error(Code::InvalidArgument, "Argon2id: argument length out of range");
    }
    // libargon2 takes non-const pointers because it can wipe its inputs on request
    // (ARGON2_FLAG_CLEAR_*). We never set those flags, but copy the inputs anyway so no
    // const is cast away; the copies are wiped by WipedBytes.
    WipedBytes pwd(as_bytes(password), password.size());
    WipedBytes key(as_bytes(secret), secret.size());
    WipedBytes ad(as_bytes(associated_data), associated_data.size());
    WipedBytes slt(as_bytes(salt), salt.size());
    WipedBytes out(params.out_len);

    argon2_context ctx{};
    ctx.out = out.data();
    ctx.outlen = static_cast<std::uint32_t>(out.size());
    ctx.pwd = pwd.empty() ? nullptr : pwd.data();
    ctx.pwdlen = static_cast<std::uint32_t>(pwd.size());
    ctx.salt = slt.empty() ? nullptr : slt.data();
    ctx.saltlen = static_cast<std::uint32_t>(slt.size());
    ctx.secret = key.empty() ? nullptr : key.data();
    ctx.secretlen = static_cast<std::uint32_t>(key.size());
    ctx.ad = ad.empty() ? nullptr : ad.data();
    ctx.adlen = static_cast<std::uint32_t>(ad.size());
    ctx.t_cost = params.iterations;
    ctx.m_cost = params.memory_kib;
    ctx.lanes = params.parallelism;
    ctx.threads = params.parallelism;
    ctx.allocate_cbk = nullptr;
    ctx.free_cbk = nullptr;
    ctx.flags = ARGON2_DEFAULT_FLAGS;
    ctx.version = ARGON2_VERSION_13;

    const int rc = argon2_ctx(&ctx, Argon2_id);
    if (rc == ARGON2_MEMORY_ALLOCATION_ERROR) {
        throw Error(Code::OutOfMemory, "Argon2id: cannot allocate " + std::to_string(params.memory_kib) + " KiB");
    }
    if (rc != ARGON2_OK) throw Error(Code::Crypto, std::string("Argon2id: ") + argon2_error_message(rc));
    return out;
}

}  // namespace verrou::pwd
