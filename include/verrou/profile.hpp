// verrou/profile.hpp — connection profiles: one file, several environments.
//
// Data flows one way:
//   file (INI | JSON) → parser → neutral tree (src/profile/tree.hpp)
//   → resolver (environment choice, defaults, ${VAR}, ~, relative paths, secret references)
//   → typed Profile (this header) → validator (src/tls/, certificate findings)
//   → Connection (verrou/connection.hpp).
// Loading never opens a network connection. Secrets are not read at load time: the profile
// keeps SecretRefs, resolved only when needed and wiped after use.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "verrou/secret.hpp"

namespace verrou {

namespace tls {
class Policy;  // src/tls/policy.hpp: the parsed minimum version and ssl_cipher list
}

enum class SslMode { VerifyIdentity, VerifyCa, Required };
std::string_view ssl_mode_name(SslMode mode) noexcept;  // "VERIFY_IDENTITY", ...

/// Revocation by OCSP (docs/ocsp.md). Auto (the key absent): Soft for a certificate that names a
/// responder in its Authority Information Access (or when ocsp_url is set), else Off.
/// Soft refuses a certificate reported revoked and warns when no answer can be had; Hard also
/// refuses when no valid answer can be had.
enum class OcspMode { Auto, Off, Soft, Hard };
std::string_view ocsp_mode_name(OcspMode mode) noexcept;  // "auto", "off", "soft", "hard"

/// TLS protocol versions as OpenSSL numbers them (TLS1_2_VERSION = 0x0303, 1.3 = 0x0304).
enum class TlsVersion : int { Tls12 = 0x0303, Tls13 = 0x0304 };
std::string_view tls_version_name(TlsVersion v) noexcept;  // "TLSv1.2", "TLSv1.3"

/// A non-fatal observation kept with the profile / connection (inline secret, loose key
/// permissions, certificate expiring soon, unverified server...).
struct Warning {
    std::string code;     // stable short identifier: warning_name() of a WarningCode
    std::string message;  // plain words; never a secret value
};

/// Every warning verrou gives. The identifiers (warning_name) are part of the JSON outputs and
/// of what monitoring greps: one table (src/common/warnings.cpp), append only.
enum class WarningCode {
    InlineSecret,          // inline_secret: a password written in the profile file
    UnverifiedServer,      // unverified_server: ssl_mode = REQUIRED
    CertGuardDisabled,     // cert_guard_disabled: expected_cert_cn is empty
    CertExpiring,          // cert_expiring: the client certificate is inside expiry_warning_days
    CaExpiring,            // ca_expiring: the CA certificate is inside expiry_warning_days
    CaNotACa,              // ca_not_a_ca: ssl_ca has no basicConstraints CA:TRUE
    KeyPermissions,        // key_permissions: the key is readable by group/others
    CrlStale,              // crl_stale: the CRL is past its nextUpdate
    RolloverNextUnusable,  // rollover_next_unusable: ssl_cert_next cannot take over
    NoClientCertificate,   // no_client_certificate: no ssl_cert / ssl_key
    ServerCertExpiring,    // server_cert_expiring: the server's certificate is inside the window
    Reconnected,           // reconnected: a lost connection was connected again (profile key reconnect)
    HostSkipped,           // host_skipped: a host of the list failed (network, TLS, not writable...) and the next was tried
    OcspUnavailable,       // ocsp_unavailable: ocsp = soft and no valid OCSP answer could be had
};
std::string_view warning_name(WarningCode code) noexcept;
/// A Warning identified by `code`.
Warning make_warning(WarningCode code, std::string message);

/// Where a value came from, for messages: "profiles.ini:12" or "profiles.json#/environments/prod/port".
struct SourceLocation {
    std::string file;
    int line = 0;              // INI: 1-based line; 0 when not applicable
    std::string json_pointer;  // JSON: RFC 6901 pointer; empty for INI
    std::string describe() const;
};

/// TLS material and the checks an environment demands of it. Paths are absolute after
/// resolution (Windows paths such as C:\secrets\ca.crt are kept verbatim).
struct TlsSettings {
    std::string ca;                   // ssl_ca (required)
    std::string cert;                 // ssl_cert (client certificate)
    std::string key;                  // ssl_key
    SecretRef key_passphrase;         // ssl_key_passphrase_file / _env / _secret
    std::string crl;                  // ssl_crl (optional)
    std::string cipher;               // ssl_cipher: ':'-joined OpenSSL names, each checked (TLS 1.3
                                      // suites, TLS 1.2 ciphers); "" = OpenSSL's defaults
    TlsVersion min_version = TlsVersion::Tls13;  // tls_version (minimum)
    SslMode mode = SslMode::VerifyIdentity;       // ssl_mode
    bool allow_unverified_server = false;         // required for ssl_mode=REQUIRED
    std::string expected_cert_cn;     // default "<user>-<environment>"; "" disables (never by default)
    std::string ca_fingerprint;       // SHA-256 pin of the CA, hex upper-case without colons, or ""
    std::string server_fingerprint;   // SHA-256 pin of the server certificate, or ""
    bool strict_permissions = false;  // key readable by group/others: error instead of warning
    int expiry_warning_days = 30;
    std::string cert_next;            // ssl_cert_next (rollover), optional
    std::string key_next;             // ssl_key_next, optional
    OcspMode ocsp = OcspMode::Auto;   // ocsp = off | soft | hard (absent: Auto)
    std::string ocsp_url;             // ocsp_url: overrides the certificate's AIA responder, or ""
    int ocsp_timeout_ms = 2000;       // ocsp_timeout_ms: the whole exchange with the responder
    int ocsp_cache_seconds = 3600;    // ocsp_cache_seconds: how long a good answer is reused at most
                                      // (never past its nextUpdate); 0 = never reused
    /// min_version and cipher as parsed by load_profile (checked once, applied by the connection
    /// and the probe). Used only while it still matches them: a Profile built or edited in code
    /// is parsed again when it connects.
    std::shared_ptr<const tls::Policy> policy;
};

/// The profile's `login` section (verrou/login.hpp, docs/login.md): where the application's
/// users live and the limits of the brute-force guard shared by every client of the database.
/// Table and column names are identifiers ([A-Za-z_][A-Za-z0-9_]{0,63}, tables optionally
/// `schema.table`), checked when the profile loads and again by validate(): a profile cannot
/// inject SQL.
struct LoginSettings {
    std::string users_table = "app_users";
    std::string user_column = "login";
    std::string hash_column = "password_hash";     // VARCHAR(255) NULL: PHC / Django / passlib strings
    std::string legacy_salt_column;                 // both or neither: WinDev legacy records
    std::string legacy_hash_column;                 //   (hashing.windev_legacy)
    std::string guard_table = "verrou_login_guard";
    int max_failures_per_account = 5;   // consecutive failures before the backoff starts
    int backoff_initial_seconds = 1;    // doubled per further failure...
    int backoff_max_seconds = 900;      // ...up to this
    int lockout_after = 20;             // consecutive failures that lock the account; 0 = never
    int lockout_seconds = 3600;         // 0 = until an administrator unlocks it
    int max_failures_per_source = 50;   // per source within the window; 0 = no source budget
    int source_window_seconds = 600;

    bool has_legacy_columns() const noexcept { return !legacy_hash_column.empty(); }
    /// Throws Error(CONFIG_INVALID_VALUE / CONFIG_MISSING_KEY) naming the field: identifiers,
    /// ranges, legacy columns given in pairs, distinct column names, lockout_after >= the
    /// throttle threshold.
    void validate() const;
};

/// The profile's `pool` section (verrou/pool.hpp, docs/pool.md).
struct PoolSettings {
    int min_idle = 0;                 // connections opened with the pool and kept through idle pruning
    int max_size = 10;                // connections at most (idle + in use)
    int acquire_timeout_ms = 5000;    // how long acquire waits for a connection (POOL_TIMEOUT)
    int idle_check_seconds = 30;      // a connection idle longer is pinged before it is handed out; 0 = always
    int max_lifetime_seconds = 3600;  // retired when older (renewed certificate, key, CRL); 0 = never
    int max_idle_seconds = 600;       // idle longer: closed (above min_idle); 0 = never
};

/// One server of the profile's `host` list (docs/clusters.md).
struct HostPort {
    std::string host;          // a name or an IP address (IPv6 without brackets)
    std::uint16_t port = 3306;
    /// "db1:3306", "[::1]:3308": how messages and ConnectionInfo::reached spell it.
    std::string text() const;
    bool operator==(const HostPort&) const = default;
};

/// host_order: the order in which Connection::open tries the hosts.
enum class HostOrder { InOrder, Random };
std::string_view host_order_name(HostOrder order) noexcept;  // "in_order", "random"

/// target: what a host must be, checked after login (docs/clusters.md).
enum class Target { Any, Writable, ReadOnly };
std::string_view target_name(Target target) noexcept;  // "any", "writable", "read_only"

/// Parses a `host` value: "a:3306, b, [::1]:3308" (entries separated by commas, port per entry
/// else `default_port`, IPv6 literals in brackets; a lone IPv6 literal without a port may go
/// without). Throws Error(CONFIG_INVALID_VALUE) whose message starts with `where` ("file:3: ")
/// and names the key and the entry.
std::vector<HostPort> parse_host_list(std::string_view text, std::uint16_t default_port, std::string_view where);

/// One resolved environment of a profile file.
struct Profile {
    std::string source_file;   // absolute path of the profile file
    std::string environment;   // "dev", "prod", ...
    /// The first host of the list and its port (a single-host profile: the host). A Profile built
    /// in code may set only these two.
    std::string host;
    std::uint16_t port = 3306;
    /// Every host of the list, in file order (hosts[0] is {host, port}). With more than one, or
    /// a target other than any, Connection::open searches them (src/cluster, docs/clusters.md);
    /// otherwise it connects to host:port as before.
    std::vector<HostPort> hosts;
    HostOrder host_order = HostOrder::InOrder;
    Target target = Target::Any;
    int failover_timeout_seconds = 30;  // the whole search across hosts
    /// A host that failed is tried last for this long, doubling while it keeps failing (up to
    /// 60 s or this when longer); 0: never marked down (src/cluster/backoff.hpp).
    int host_backoff_seconds = 5;
    std::string user;
    std::string database;      // optional
    int connect_timeout_seconds = 10;
    int read_timeout_seconds = 30;
    /// A lost connection is connected again on the next call outside a transaction (warning
    /// `reconnected`, Connection::reconnects()); inside a transaction the loss is always reported.
    bool reconnect = false;
    SecretRef password;        // password_file / password_env / password_secret / password (inline, warned)
    TlsSettings tls;
    LoginSettings login;       // the `login` section (defaults when absent)
    PoolSettings pool;         // the `pool` section (defaults when absent)
    std::vector<Warning> warnings;  // found while loading (inline secret, REQUIRED mode, ...)
};

/// Where the environment name comes from, in order: the explicit argument (if non-empty),
/// then $VERROU_ENV, then the file's `default_environment`. An unknown name is an
/// Error(CONFIG_UNKNOWN_ENVIRONMENT) listing the known ones.
Profile load_profile(const std::string& path, std::string_view environment = {});

/// Names of the environments a profile file defines, in file order.
std::vector<std::string> list_environments(const std::string& path);

/// The environment load_profile would pick for `environment` (explained in the message of
/// the error it throws when none can be chosen).
std::string choose_environment(const std::string& path, std::string_view environment = {});

/// JSON text of the resolved settings, secrets shown only as their reference
/// ("env:DB_PASSWORD", "file:/run/secrets/x", "inline:***").
std::string profile_to_json(const Profile& profile);

}  // namespace verrou
