// Internal: the PEM passphrase callback for reads that must never prompt.
//
// With a NULL callback, OpenSSL's PEM readers fall back to PEM_def_callback, which asks
// "Enter PEM pass phrase:" on the controlling terminal when the PEM is encrypted: a service
// blocks forever and a WinDev GUI freezes. Pass this callback instead wherever no passphrase
// is meant to be supplied (certificates, CRLs, the pki CA key).
#pragma once

namespace verrou::common {

/// A pem_password_cb that never prompts and never supplies a passphrase: it returns -1, which
/// OpenSSL documents as "error", so nothing is decrypted, not even with an empty passphrase.
/// If `asked` is not null it points to a bool set to true, telling the caller that the PEM was
/// encrypted (and that is why the read failed).
inline int pem_no_prompt(char* /*buf*/, int /*size*/, int /*rwflag*/, void* asked) noexcept {
    if (asked != nullptr) *static_cast<bool*>(asked) = true;
    return -1;
}

}  // namespace verrou::common
