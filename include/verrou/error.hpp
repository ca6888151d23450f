// verrou/error.hpp — the one error type of the core, and the stable table of error codes.
//
// Every failure in verrou is a verrou::Error carrying (layer, code, message). The numeric
// codes are part of the product's contract: the C ABI returns them unchanged, WLanguage
// code compares against them, support teams grep for them. They are grouped by layer in
// blocks of 100 so a code alone says where things broke. Never renumber; only append.
// docs/errors.md documents the same table (tests check the two stay in step).
#pragma once

#include <cstdint>
#include <stdexcept>
#include <string>
#include <string_view>

namespace verrou {

/// The layer that failed, in the order a connection walks through them.
enum class Layer : int {
    Usage = 0,        // the caller's mistake: bad argument, closed handle, small buffer
    Config = 1,       // profile file: syntax, keys, environments, paths
    Secret = 2,       // password / passphrase / pepper references
    Certificate = 3,  // local certificate material: parse, dates, chain, key, CRL, guard
    Network = 4,      // DNS, TCP
    Tls = 5,          // handshake, server identity, negotiated version
    Auth = 6,         // the server refused the login
    Server = 7,       // SQL errors, lost connection after login
    Password = 8,     // password hashing and verification
    Internal = 9,     // a bug or resource exhaustion inside verrou
};

/// Stable error codes. Values are negative so the C ABI can return them as-is.
enum class Code : std::int32_t {
    Ok = 0,

    // Usage (-1 .. -99)
    InvalidArgument = -1,
    BufferTooSmall = -2,
    InvalidHandle = -3,
    InvalidUtf8 = -4,
    TooLarge = -5,

    // Config (-100 .. -199)
    ConfigUnreadable = -100,
    ConfigSyntax = -101,
    ConfigUnknownKey = -102,
    ConfigWrongType = -103,
    ConfigMissingKey = -104,
    ConfigDuplicate = -105,
    ConfigUnknownEnvironment = -106,
    ConfigInvalidValue = -107,
    ConfigUnsafe = -108,           // a setting that weakens security without the explicit opt-in

    // Secret (-200 .. -299)
    SecretNotFound = -200,
    SecretUnreadable = -201,
    SecretEmpty = -202,
    SecretTooShort = -203,
    SecretEnvMissing = -204,

    // Certificate (-300 .. -399)
    CertFileMissing = -300,
    CertUnreadable = -301,
    CertParse = -302,
    CertExpired = -303,
    CertNotYetValid = -304,
    CertUntrusted = -305,          // does not chain to the profile's CA
    CertKeyMismatch = -306,
    CertKeyEncrypted = -307,       // encrypted key without a usable passphrase
    CertKeyPassphrase = -308,      // passphrase given but wrong
    CertRevoked = -309,
    CertEnvironmentGuard = -310,   // CN does not match <user>-<environment>
    CertPinMismatch = -311,        // CA (or server) SHA-256 pin differs
    CertPermissions = -312,        // key readable by group/others under strict_permissions
    CertCrl = -313,                // CRL unreadable, unparsable or not from the CA
    CertRejectedByServer = -314,   // the server dropped us after the handshake (TLS 1.3)

    // Network (-400 .. -499)
    NetworkDns = -400,
    NetworkRefused = -401,
    NetworkTimeout = -402,
    NetworkUnreachable = -403,
    NetworkLost = -404,

    // TLS (-500 .. -599)
    TlsHandshake = -500,
    TlsUntrustedServer = -501,
    TlsNameMismatch = -502,
    TlsVersionTooLow = -503,
    TlsNotOffered = -504,          // the server does not speak TLS at all
    TlsServerCertExpired = -505,
    TlsServerPinMismatch = -506,

    // Auth (-600 .. -699)
    AuthDenied = -600,
    AuthCertificateRequired = -601,

    // Server / query (-700 .. -799)
    ServerError = -700,
    QueryError = -701,
    QueryParameter = -702,
    ServerGone = -703,
    TransactionState = -704,

    // Password (-800 .. -899)
    PasswordTooLong = -800,
    PasswordEmpty = -801,
    HashMalformed = -802,
    HashUnknownAlgorithm = -803,
    HashUnknownKeyId = -804,
    HashParameterOutOfRange = -805,
    HashPolicy = -806,

    // Internal (-900 .. -999)
    Internal = -900,
    OutOfMemory = -901,
    Crypto = -902,
};

/// The layer a code belongs to (derived from its block of 100).
Layer layer_of(Code code) noexcept;
/// "CONFIG", "TLS", ... — upper-case layer names used in messages and JSON.
std::string_view layer_name(Layer layer) noexcept;
/// The code's symbolic name, e.g. "CERT_EXPIRED"; "UNKNOWN" for values outside the table.
std::string_view code_name(Code code) noexcept;

/// The single exception type of the core. Messages never contain secret material.
class Error : public std::runtime_error {
public:
    Error(Code code, std::string message)
        : std::runtime_error(std::move(message)), code_(code) {}

    Code code() const noexcept { return code_; }
    Layer layer() const noexcept { return layer_of(code_); }
    std::string_view message() const noexcept { return what(); }

private:
    Code code_;
};

}  // namespace verrou
