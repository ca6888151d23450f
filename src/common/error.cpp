#include "verrou/error.hpp"

namespace verrou {

Layer layer_of(Code code) noexcept {
    const int value = -static_cast<int>(code);
    if (value <= 0) return Layer::Usage;
    const int block = value / 100;
    return block <= static_cast<int>(Layer::Internal) ? static_cast<Layer>(block) : Layer::Internal;
}

std::string_view layer_name(Layer layer) noexcept {
    switch (layer) {
        case Layer::Usage: return "USAGE";
        case Layer::Config: return "CONFIG";
        case Layer::Secret: return "SECRET";
        case Layer::Certificate: return "CERTIFICATE";
        case Layer::Network: return "NETWORK";
        case Layer::Tls: return "TLS";
        case Layer::Auth: return "AUTH";
        case Layer::Server: return "SERVER";
        case Layer::Password: return "PASSWORD";
        case Layer::Internal: return "INTERNAL";
    }
    return "INTERNAL";
}

std::string_view code_name(Code code) noexcept {
    switch (code) {
#define VERROU_CODE(name, text) case Code::name: return text;
        VERROU_CODE(Ok, "OK")
        VERROU_CODE(InvalidArgument, "INVALID_ARGUMENT")
        VERROU_CODE(BufferTooSmall, "BUFFER_TOO_SMALL")
        VERROU_CODE(InvalidHandle, "INVALID_HANDLE")
        VERROU_CODE(InvalidUtf8, "INVALID_UTF8")
        VERROU_CODE(TooLarge, "TOO_LARGE")
        VERROU_CODE(ConfigUnreadable, "CONFIG_UNREADABLE")
        VERROU_CODE(ConfigSyntax, "CONFIG_SYNTAX")
        VERROU_CODE(ConfigUnknownKey, "CONFIG_UNKNOWN_KEY")
        VERROU_CODE(ConfigWrongType, "CONFIG_WRONG_TYPE")
        VERROU_CODE(ConfigMissingKey, "CONFIG_MISSING_KEY")
        VERROU_CODE(ConfigDuplicate, "CONFIG_DUPLICATE")
        VERROU_CODE(ConfigUnknownEnvironment, "CONFIG_UNKNOWN_ENVIRONMENT")
        VERROU_CODE(ConfigInvalidValue, "CONFIG_INVALID_VALUE")
        VERROU_CODE(ConfigUnsafe, "CONFIG_UNSAFE")
        VERROU_CODE(SecretNotFound, "SECRET_NOT_FOUND")
        VERROU_CODE(SecretUnreadable, "SECRET_UNREADABLE")
        VERROU_CODE(SecretEmpty, "SECRET_EMPTY")
        VERROU_CODE(SecretTooShort, "SECRET_TOO_SHORT")
        VERROU_CODE(SecretEnvMissing, "SECRET_ENV_MISSING")
        VERROU_CODE(CertFileMissing, "CERT_FILE_MISSING")
        VERROU_CODE(CertUnreadable, "CERT_UNREADABLE")
        VERROU_CODE(CertParse, "CERT_PARSE")
        VERROU_CODE(CertExpired, "CERT_EXPIRED")
        VERROU_CODE(CertNotYetValid, "CERT_NOT_YET_VALID")
        VERROU_CODE(CertUntrusted, "CERT_UNTRUSTED")
        VERROU_CODE(CertKeyMismatch, "CERT_KEY_MISMATCH")
        VERROU_CODE(CertKeyEncrypted, "CERT_KEY_ENCRYPTED")
        VERROU_CODE(CertKeyPassphrase, "CERT_KEY_PASSPHRASE")
        VERROU_CODE(CertRevoked, "CERT_REVOKED")
        VERROU_CODE(CertEnvironmentGuard, "CERT_ENVIRONMENT_GUARD")
        VERROU_CODE(CertPinMismatch, "CERT_PIN_MISMATCH")
        VERROU_CODE(CertPermissions, "CERT_PERMISSIONS")
        VERROU_CODE(CertCrl, "CERT_CRL")
        VERROU_CODE(CertRejectedByServer, "CERT_REJECTED_BY_SERVER")
        VERROU_CODE(NetworkDns, "NETWORK_DNS")
        VERROU_CODE(NetworkRefused, "NETWORK_REFUSED")
        VERROU_CODE(NetworkTimeout, "NETWORK_TIMEOUT")
        VERROU_CODE(NetworkUnreachable, "NETWORK_UNREACHABLE")
        VERROU_CODE(NetworkLost, "NETWORK_LOST")
        VERROU_CODE(TlsHandshake, "TLS_HANDSHAKE")
        VERROU_CODE(TlsUntrustedServer, "TLS_UNTRUSTED_SERVER")
        VERROU_CODE(TlsNameMismatch, "TLS_NAME_MISMATCH")
        VERROU_CODE(TlsVersionTooLow, "TLS_VERSION_TOO_LOW")
        VERROU_CODE(TlsNotOffered, "TLS_NOT_OFFERED")
        VERROU_CODE(TlsServerCertExpired, "TLS_SERVER_CERT_EXPIRED")
        VERROU_CODE(TlsServerPinMismatch, "TLS_SERVER_PIN_MISMATCH")
        VERROU_CODE(AuthDenied, "AUTH_DENIED")
        VERROU_CODE(AuthCertificateRequired, "AUTH_CERTIFICATE_REQUIRED")
        VERROU_CODE(ServerError, "SERVER_ERROR")
        VERROU_CODE(QueryError, "QUERY_ERROR")
        VERROU_CODE(QueryParameter, "QUERY_PARAMETER")
        VERROU_CODE(ServerGone, "SERVER_GONE")
        VERROU_CODE(TransactionState, "TRANSACTION_STATE")
        VERROU_CODE(PasswordTooLong, "PASSWORD_TOO_LONG")
        VERROU_CODE(PasswordEmpty, "PASSWORD_EMPTY")
        VERROU_CODE(HashMalformed, "HASH_MALFORMED")
        VERROU_CODE(HashUnknownAlgorithm, "HASH_UNKNOWN_ALGORITHM")
        VERROU_CODE(HashUnknownKeyId, "HASH_UNKNOWN_KEY_ID")
        VERROU_CODE(HashParameterOutOfRange, "HASH_PARAMETER_OUT_OF_RANGE")
        VERROU_CODE(HashPolicy, "HASH_POLICY")
        VERROU_CODE(Internal, "INTERNAL")
        VERROU_CODE(OutOfMemory, "OUT_OF_MEMORY")
        VERROU_CODE(Crypto, "CRYPTO")
#undef VERROU_CODE
    }
    return "UNKNOWN";
}

}  // namespace verrou
