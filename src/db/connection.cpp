#include "verrou/connection.hpp"

#include <errmsg.h>
#include <mysql.h>
#include <openssl/crypto.h>

#include <climits>
#include <cstring>
#include <mutex>

#include "cluster/search.hpp"
#include "db/mariadb_error.hpp"
#include "db/peer_certificate.hpp"
#include "db/session_error.hpp"
#include "db/validation_cache.hpp"
#include "ocsp/ocsp.hpp"
#include "platform/path.hpp"
#include "tls/policy.hpp"
#include "tls/probe.hpp"
#include "verrou/error.hpp"
#include "verrou/secret.hpp"

namespace verrou {
namespace {

// The server's certificate is renewed by another team, often on another schedule: say it at
// connect time, with the profile's window, like the client's and the CA's. (An expired one
// never gets here: ssl_ca is always set, so OpenSSL checks its dates in every ssl_mode.)
std::optional<Warning> server_expiry_warning(const std::optional<CertificateInfo>& c, const Profile& profile) {
    if (!c || c->days_left > profile.tls.expiry_warning_days) return std::nullopt;
    return make_warning(WarningCode::ServerCertExpiring,
                   "server certificate " + c->subject + " of " + profile.host + ":" + std::to_string(profile.port) +
                       " expires on " + c->not_after + " (in " + std::to_string(c->days_left) +
                       " day(s); expiry_warning_days = " + std::to_string(profile.tls.expiry_warning_days) +
                       "): ask the database team to renew it");
}

void library_init_once() {
    static std::once_flag once;
    std::call_once(once, [] {
        if (mysql_library_init(0, nullptr, nullptr) != 0) {
            throw Error(Code::Internal, "libmariadb could not be initialised");
        }
    });
}

// ---- what libmariadb keeps of the secrets (Connector/C 3.3) ----------------------------------
// mysql_real_connect strdup()s the password into MYSQL::passwd (a member of the public struct in
// mysql.h) and keeps it for the whole session; MARIADB_OPT_TLS_PASSPHRASE strdup()s the key
// passphrase into the options extension (st_mysql_options_extension::tls_pw, a struct the
// installed headers do not declare). mysql_close frees both without wiping them. So:
//  - the passphrase is only read while the handshake loads the private key. The documented
//    getter mysql_get_optionv(MARIADB_OPT_TLS_PASSPHRASE) returns libmariadb's own pointer: its
//    bytes are cleansed through it, then mysql_optionsv(..., NULL) frees the (now zeroed) copy
//    and stores NULL — no internal struct is touched;
//  - MYSQL::passwd is only read again by an automatic reconnect (mariadb_reconnect), which verrou
//    switches off explicitly (MYSQL_OPT_RECONNECT = 0: a reconnect would also silently lose the
//    session state). mysql_change_user replaces it without reading it, and verrou never calls it.
//    Its bytes are overwritten with zeros in place; the allocation stays, as an empty string, for
//    mysql_close to free.
// Both happen right after a successful connect and again before every mysql_close (MysqlCloser),
// so every exit path — an exception between setting the option and connecting included — wipes.
// A failed mysql_real_connect frees its options unless CLIENT_REMEMBER_OPTIONS is passed, so it
// is passed: the passphrase survives the failure and is wiped here.
//
// Residual risk, not fixable from outside libmariadb: when mysql_real_connect itself fails after
// it copied the password (a wrong password, a TLS or authentication failure), its error path
// (mysql_close_memory) frees MYSQL::passwd unwiped before returning, so that copy stays in freed
// heap memory of a process whose connection attempt failed. Likewise libmariadb reads the key file
// with fopen (a stdio buffer freed unwiped) and authentication plugins that send the password
// itself (caching_sha2 / sha256 / clear-text over TLS; not mysql_native_password or ed25519, which
// send a scramble) leave it in the connection's packet buffer until it is overwritten or freed.
void forget_secrets(MYSQL* m) noexcept {
    char* passphrase = nullptr;
    if (mysql_get_optionv(m, MARIADB_OPT_TLS_PASSPHRASE, &passphrase) == 0 && passphrase != nullptr) {
        OPENSSL_cleanse(passphrase, std::strlen(passphrase));
        mysql_optionsv(m, MARIADB_OPT_TLS_PASSPHRASE, nullptr);  // frees the zeroed copy, stores NULL
    }
    if (m->passwd != nullptr) OPENSSL_cleanse(m->passwd, std::strlen(m->passwd));  // now ""
}

struct MysqlCloser {
    void operator()(MYSQL* m) const noexcept {
        forget_secrets(m);
        mysql_close(m);
    }
};
using MysqlPtr = std::unique_ptr<MYSQL, MysqlCloser>;

struct StmtCloser {
    void operator()(MYSQL_STMT* s) const noexcept { mysql_stmt_close(s); }
};
using StmtPtr = std::unique_ptr<MYSQL_STMT, StmtCloser>;

struct ResultFreer {
    void operator()(MYSQL_RES* r) const noexcept { mysql_free_result(r); }
};
using ResultPtr = std::unique_ptr<MYSQL_RES, ResultFreer>;

void set_option(MYSQL* m, mysql_option option, const void* value, const char* what) {
    if (mysql_optionsv(m, option, value) != 0) {
        throw Error(Code::Internal, std::string("libmariadb refused option ") + what);
    }
}

bool is_numeric(enum_field_types t) {
    switch (t) {
        case MYSQL_TYPE_TINY: case MYSQL_TYPE_SHORT: case MYSQL_TYPE_LONG: case MYSQL_TYPE_INT24:
        case MYSQL_TYPE_LONGLONG: case MYSQL_TYPE_FLOAT: case MYSQL_TYPE_DOUBLE:
        case MYSQL_TYPE_DECIMAL: case MYSQL_TYPE_NEWDECIMAL: case MYSQL_TYPE_YEAR:
            return true;
        default:
            return false;
    }
}

}  // namespace

struct Connection::Impl {
    MysqlPtr mysql;
    ConnectionInfo info;
    bool current_user_loaded = false;
    bool in_transaction = false;
    // A lost session stays lost (libmariadb never reconnects by itself): later calls report it,
    // or connect again with the profile it was opened with (profile.reconnect).
    Profile profile;
    bool lost = false;
    bool lost_in_transaction = false;  // every call but rollback() reports it until rolled back
    std::string lost_reason;
    std::uint64_t reconnects = 0;
    std::uint64_t calls = 0;

    std::string peer() const { return info.host + ":" + std::to_string(info.port); }

    /// Classifies the failure (db/session_error) and remembers a loss before throwing.
    [[noreturn]] void fail(db::SessionFailure f, db::Phase phase, bool returns_rows = false) {
        Error e = db::classify_session_failure(
            f, db::SessionContext{phase, in_transaction && phase != db::Phase::Commit, returns_rows, peer()});
        if (db::is_session_lost(f)) {
            lost = true;
            lost_in_transaction = in_transaction;
            lost_reason = e.what();
        }
        throw e;
    }

    [[noreturn]] void fail_session(db::Phase phase) {
        fail(db::SessionFailure{mysql_errno(mysql.get()), mysql_sqlstate(mysql.get()), mysql_error(mysql.get())}, phase);
    }

    [[noreturn]] void fail_stmt(MYSQL_STMT* stmt, db::Phase phase) {
        fail(db::SessionFailure{mysql_stmt_errno(stmt), mysql_stmt_sqlstate(stmt), mysql_stmt_error(stmt)}, phase,
             mysql_stmt_field_count(stmt) > 0);
    }

    /// A statement with no parameters whose result, if any, is discarded (START TRANSACTION).
    void run_discarding_result(const char* sql, db::Phase phase) {
        if (mysql_real_query(mysql.get(), sql, static_cast<unsigned long>(std::strlen(sql))) != 0) fail_session(phase);
        ResultPtr r(mysql_store_result(mysql.get()));
    }

    /// Before every call: a lost session is reported, or connected again when the profile asks
    /// for it and no transaction was open when it was lost.
    void ensure_usable(bool rolling_back = false);
    void reopen();
    /// Runs `call`; a loss met before anything ran (while preparing, outside a transaction) is
    /// connected again and `call` run once more when the profile says reconnect.
    template <typename F>
    auto with_retry(F&& call) -> decltype(call()) {
        ensure_usable();
        ++calls;
        lost_before_running = false;
        try {
            return call();
        } catch (const Error& e) {
            // Not after a timeout: a frozen server would only make the second try wait as long.
            if (e.code() != Code::ServerGone || !lost || lost_in_transaction || !profile.reconnect ||
                !lost_before_running)
                throw;
        }
        reopen();
        return call();
    }
    bool lost_before_running = false;  // the last loss was met while preparing (nothing ran)

    StmtPtr prepare_and_run(std::string_view sql, const std::vector<Param>& params);
    std::uint64_t execute(std::string_view sql, const std::vector<Param>& params);
    ResultSet query(std::string_view sql, const std::vector<Param>& params);

    /// info().current_user: the account the server matched ("app_user@%"), "" when the query
    /// fails (the connection's next call reports that failure).
    void load_current_user() noexcept {
        current_user_loaded = true;
        static constexpr std::string_view sql = "SELECT CURRENT_USER()";
        if (mysql_real_query(mysql.get(), sql.data(), static_cast<unsigned long>(sql.size())) != 0) return;
        ResultPtr r(mysql_store_result(mysql.get()));
        MYSQL_ROW row = r ? mysql_fetch_row(r.get()) : nullptr;
        if (row != nullptr && row[0] != nullptr) info.current_user = row[0];
    }
};

namespace {

/// Parameter storage that outlives mysql_stmt_bind_param until execution.
struct BoundParams {
    std::vector<MYSQL_BIND> binds;
    std::vector<long long> ints;
    std::vector<double> doubles;
    std::vector<signed char> bools;
    std::vector<unsigned long> lengths;

    explicit BoundParams(const std::vector<Param>& params)
        : binds(params.size()), ints(params.size()), doubles(params.size()), bools(params.size()),
          lengths(params.size()) {
        for (std::size_t i = 0; i < params.size(); ++i) {
            MYSQL_BIND& b = binds[i];
            std::memset(&b, 0, sizeof b);
            std::visit(
                [&](const auto& v) {
                    using T = std::decay_t<decltype(v)>;
                    if constexpr (std::is_same_v<T, std::nullptr_t>) {
                        b.buffer_type = MYSQL_TYPE_NULL;
                    } else if constexpr (std::is_same_v<T, std::int64_t>) {
                        ints[i] = v;
                        b.buffer_type = MYSQL_TYPE_LONGLONG;
                        b.buffer = &ints[i];
                    } else if constexpr (std::is_same_v<T, double>) {
                        doubles[i] = v;
                        b.buffer_type = MYSQL_TYPE_DOUBLE;
                        b.buffer = &doubles[i];
                    } else if constexpr (std::is_same_v<T, bool>) {
                        bools[i] = v ? 1 : 0;
                        b.buffer_type = MYSQL_TYPE_TINY;
                        b.buffer = &bools[i];
                    } else {
                        lengths[i] = static_cast<unsigned long>(v.size());
                        b.buffer_type = MYSQL_TYPE_STRING;
                        b.buffer = const_cast<char*>(v.data());
                        b.buffer_length = lengths[i];
                        b.length = &lengths[i];
                    }
                },
                params[i]);
        }
    }
};

}  // namespace

StmtPtr Connection::Impl::prepare_and_run(std::string_view sql, const std::vector<Param>& params) {
    if (sql.empty()) throw Error(Code::InvalidArgument, "empty SQL statement");
    StmtPtr stmt(mysql_stmt_init(mysql.get()));
    if (!stmt) throw Error(Code::OutOfMemory, "mysql_stmt_init failed");
    if (mysql_stmt_prepare(stmt.get(), sql.data(), static_cast<unsigned long>(sql.size())) != 0) {
        lost_before_running = true;  // a prepared statement has not run
        fail_stmt(stmt.get(), db::Phase::Prepare);
    }
    const unsigned long expected = mysql_stmt_param_count(stmt.get());
    if (expected != params.size()) {
        throw Error(Code::QueryParameter, "the statement has " + std::to_string(expected) +
                    " parameter marker(s) '?' but " + std::to_string(params.size()) + " value(s) were given");
    }
    BoundParams bound(params);
    if (!params.empty() && mysql_stmt_bind_param(stmt.get(), bound.binds.data()) != 0) {
        fail_stmt(stmt.get(), db::Phase::Bind);
    }
    if (mysql_stmt_execute(stmt.get()) != 0) fail_stmt(stmt.get(), db::Phase::Execute);
    return stmt;
}

Connection::Connection(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Connection::Connection(Connection&&) noexcept = default;
Connection& Connection::operator=(Connection&&) noexcept = default;
Connection::~Connection() = default;

namespace {

/// What the STARTTLS probe settled before libmariadb connects: the certificate to pin the real
/// session to, and the TLS options libmariadb gets from the policy.
struct PreConnect {
    std::string pinned_sha1;  // "" when libmariadb verifies the identity itself
    tls::LibmariadbTls tls;
    ocsp::ServerVerdict ocsp;  // the OCSP check of the server certificate (pin, warning)
};

/// Modes libmariadb cannot enforce by itself (CA-only verification, no verification, SHA-256
/// pin): verify with our own probe, then pin the real session to the very certificate the probe
/// checked. A pin (like VERIFY_SERVER_CERT) also makes libmariadb refuse a server without TLS,
/// which MYSQL_OPT_SSL_ENFORCE alone does not do in 3.3. A cipher list naming TLS 1.3 and TLS 1.2
/// ciphers needs the probe too (Policy::needs_probed_version).
PreConnect probe_if_needed(const Profile& profile, const std::shared_ptr<const tls::Policy>& policy,
                           bool identity_by_libmariadb) {
    PreConnect pre;
    std::string probed_version;
    if (profile.tls.ocsp != OcspMode::Off) {
        // Revocation before authentication: the certificate checked is pinned below.
        pre.ocsp = ocsp::check_server(profile, policy);
        probed_version = pre.ocsp.probed_tls_version;
    }
    if (!pre.ocsp.pinned_sha1.empty() && (!identity_by_libmariadb || policy->needs_probed_version()) &&
        (!pre.ocsp.probed_tls_version.empty() || !policy->needs_probed_version())) {
        // The OCSP check's probe (or its remembered certificate) already verified the server as
        // the profile demands: its pin serves both.
        pre.pinned_sha1 = pre.ocsp.pinned_sha1;
    } else if (!identity_by_libmariadb || policy->needs_probed_version()) {
        const auto probe = tls::probe_server(tls::probe_options_for(profile, policy));
        if (!probe.ok()) throw Error(probe.failure, probe.message);
        pre.pinned_sha1 = probe.leaf_sha1;
        probed_version = probe.tls_version;
    }
    pre.tls = policy->for_libmariadb(probed_version);
    return pre;
}

/// Never a plaintext session; the negotiated version and cipher judged by the same policy as
/// the probe's (a second lock on ssl_cipher, whatever libmariadb did with the option).
void check_session(MYSQL* m, const Profile& profile, const tls::Policy& policy) {
    const std::string peer = profile.host + ":" + std::to_string(profile.port);
    const char* cipher = mysql_get_ssl_cipher(m);
    if (cipher == nullptr) {
        throw Error(Code::TlsNotOffered, "the session with " + peer + " is not encrypted; verrou closed it");
    }
    unsigned int protocol_id = 0;
    const char* version_name = nullptr;
    mariadb_get_infov(m, MARIADB_CONNECTION_TLS_VERSION_ID, &protocol_id);
    mariadb_get_infov(m, MARIADB_CONNECTION_TLS_VERSION, &version_name);
    const int version = tls::openssl_version_of_mariadb_protocol(protocol_id);
    if (auto refusal = policy.refuse_session(version, version_name ? version_name : "", cipher, peer)) throw *refusal;
}

/// Timeouts, character set, no LOAD DATA LOCAL, no automatic reconnect, and the TLS material,
/// versions, ciphers and server verification (by libmariadb, or a pin to what the probe verified).
void apply_session_options(MYSQL* m, const Profile& profile, const ValidationReport& report, const PreConnect& pre,
                           bool identity_by_libmariadb) {
    const unsigned int connect_timeout = static_cast<unsigned int>(profile.connect_timeout_seconds);
    const unsigned int io_timeout = static_cast<unsigned int>(profile.read_timeout_seconds);
    set_option(m, MYSQL_OPT_CONNECT_TIMEOUT, &connect_timeout, "connect timeout");
    set_option(m, MYSQL_OPT_READ_TIMEOUT, &io_timeout, "read timeout");
    set_option(m, MYSQL_OPT_WRITE_TIMEOUT, &io_timeout, "write timeout");
    set_option(m, MYSQL_SET_CHARSET_NAME, "utf8mb4", "character set");
    const unsigned int no_local_infile = 0;  // LOAD DATA LOCAL lets a server read client files
    set_option(m, MYSQL_OPT_LOCAL_INFILE, &no_local_infile, "local infile");

    set_option(m, MYSQL_OPT_SSL_CA, profile.tls.ca.c_str(), "ssl_ca");
    set_option(m, MYSQL_OPT_SSL_CERT, report.cert_path.c_str(), "ssl_cert");
#ifdef _WIN32
    // libmariadb hands ssl_ca, ssl_cert and ssl_crl to OpenSSL, which opens a UTF-8 name as
    // UTF-16 on Windows; but it opens ssl_key itself with fopen(), in the ANSI code page. Give
    // it a name fopen() understands (platform/path.hpp), or say plainly why there is none.
    const std::optional<std::string> key_for_fopen = platform::narrow_path_for_fopen(report.key_path);
    if (!key_for_fopen) {
        throw Error(Code::CertUnreadable,
                    "ssl_key: " + report.key_path +
                        ": libmariadb opens the key file with the ANSI code page, which cannot spell this path "
                        "(and the volume has no 8.3 short name for it): move the key to a folder whose name "
                        "uses only characters of the Windows code page (letters with accents are fine)");
    }
    set_option(m, MYSQL_OPT_SSL_KEY, key_for_fopen->c_str(), "ssl_key");
#else
    set_option(m, MYSQL_OPT_SSL_KEY, report.key_path.c_str(), "ssl_key");
#endif
    if (!profile.tls.crl.empty()) set_option(m, MYSQL_OPT_SSL_CRL, profile.tls.crl.c_str(), "ssl_crl");
    if (!pre.tls.cipher.empty()) set_option(m, MYSQL_OPT_SSL_CIPHER, pre.tls.cipher.c_str(), "ssl_cipher");
    set_option(m, MARIADB_OPT_TLS_VERSION, pre.tls.versions, "tls_version");
    const my_bool on = 1;
    const my_bool off = 0;
    // Never reconnect behind the caller's back: the session state would be lost silently, and
    // the password copy libmariadb would need for it is wiped after connecting (forget_secrets).
    set_option(m, MYSQL_OPT_RECONNECT, &off, "reconnect");
    set_option(m, MYSQL_OPT_SSL_ENFORCE, &on, "TLS enforcement");
    if (identity_by_libmariadb) {
        set_option(m, MYSQL_OPT_SSL_VERIFY_SERVER_CERT, &on, "server certificate verification");
        // The certificate whose revocation status was checked, and no other, before the login.
        if (!pre.ocsp.pinned_sha1.empty()) {
            set_option(m, MARIADB_OPT_TLS_PEER_FP, pre.ocsp.pinned_sha1.c_str(), "server certificate pin");
        }
    } else {
        set_option(m, MARIADB_OPT_TLS_PEER_FP, pre.pinned_sha1.c_str(), "server certificate pin");
    }
}

/// mysql_real_connect with the password and key passphrase resolved just for it; verrou's copies
/// (the SecretBuffers) and libmariadb's (forget_secrets) are wiped before this returns or throws.
void connect_with_secrets(MYSQL* m, const Profile& profile, const ValidationReport& report) {
    SecretBuffer passphrase;
    if (profile.tls.key_passphrase.present()) {
        passphrase = resolve_secret(profile.tls.key_passphrase, "private key passphrase");
        set_option(m, MARIADB_OPT_TLS_PASSPHRASE, passphrase.c_str(), "key passphrase");
    }
    SecretBuffer password;
    if (profile.password.present()) {
        password = resolve_secret(profile.password, "password of user '" + profile.user + "'");
    }
    const char* db = profile.database.empty() ? nullptr : profile.database.c_str();
    // CLIENT_REMEMBER_OPTIONS: on failure libmariadb keeps the options (the passphrase copy)
    // for forget_secrets to wipe, instead of freeing them unwiped.
    const bool connected = mysql_real_connect(m, profile.host.c_str(), profile.user.c_str(),
                                              profile.password.present() ? password.c_str() : nullptr, db,
                                              profile.port, nullptr, CLIENT_REMEMBER_OPTIONS) != nullptr;
    // libmariadb's own copies: wiped now, not at mysql_close (see forget_secrets).
    forget_secrets(m);
    if (!connected) {
        db::ConnectFailure f{mysql_errno(m), mysql_error(m), mysql_sqlstate(m)};
        throw db::classify_connect_failure(profile, report, f);
    }
}

}  // namespace

namespace {
/// libmariadb refused the server's certificate because it is not the pinned one.
bool pin_refused(MYSQL* m) {
    const char* text = mysql_error(m);
    return text != nullptr && (std::strstr(text, "ingerprint") != nullptr);
}
}  // namespace

Connection Connection::open(const Profile& profile) {
    if (!cluster::needs_search(profile)) return open_host(profile);
    cluster::Found found = cluster::search(profile, [](const Profile& one) { return open_host(one); });
    Impl& impl = *found.connection.impl_;
    impl.profile = profile;  // a reconnect searches the whole list again
    impl.calls = 0;          // the search's own checks are not the caller's use of the session
    for (Warning& w : found.skipped) impl.info.warnings.push_back(std::move(w));
    return std::move(found.connection);
}

Connection Connection::open_host(const Profile& profile) {
    // A second round only when the server presented another certificate than the one whose
    // revocation status was checked earlier (renewed, or swapped): nothing was sent; check it.
    for (bool recheck = false;; recheck = true) {
        // 1. Local checks: nothing leaves the machine when a setting or the material is wrong. The
        //    policy was parsed by load_profile; a Profile built in code has it parsed here, so only
        //    names OpenSSL accepted reach libmariadb and the probe.
        const std::shared_ptr<const tls::Policy> policy = tls::policy_of(profile.tls);
        const ValidationReport report = db::validate_cached(profile);
        report.throw_if_failed();

        // 2. What libmariadb cannot check by itself, the probe checks first.
        const bool identity_by_libmariadb =
            profile.tls.mode == SslMode::VerifyIdentity && profile.tls.server_fingerprint.empty();
        const PreConnect pre = probe_if_needed(profile, policy, identity_by_libmariadb);

        library_init_once();
        auto impl = std::make_unique<Impl>();
        impl->profile = profile;
        impl->mysql.reset(mysql_init(nullptr));
        if (!impl->mysql) throw Error(Code::OutOfMemory, "mysql_init failed");
        MYSQL* m = impl->mysql.get();

        apply_session_options(m, profile, report, pre, identity_by_libmariadb);
        try {
            connect_with_secrets(m, profile, report);
        } catch (const Error&) {
            if (pre.ocsp.pin_from_cache && pin_refused(m)) {
                ocsp::forget_server(profile);
                if (!recheck) continue;
            }
            throw;
        }

        // 3. Never a plaintext session, never below the profile's minimum or outside its ciphers.
        check_session(m, profile, *policy);

        ConnectionInfo& info = impl->info;
        info.host = profile.host;
        info.port = profile.port;
        info.reached = HostPort{profile.host, profile.port}.text();
        info.user = profile.user;
        info.server_version = mysql_get_server_info(m);
        const char* version_name = nullptr;
        mariadb_get_infov(m, MARIADB_CONNECTION_TLS_VERSION, &version_name);
        info.tls_version = version_name ? version_name : "";
        info.cipher = mysql_get_ssl_cipher(m);
        info.ssl_mode = ssl_mode_name(profile.tls.mode);
        info.client_certificate = report.client;
        info.using_next_certificate = report.using_next_certificate;
        info.server_certificate = db::peer_certificate(m);
        info.warnings = profile.warnings;
        for (auto& w : report.warnings()) info.warnings.push_back(std::move(w));
        if (auto w = server_expiry_warning(info.server_certificate, profile)) info.warnings.push_back(std::move(*w));
        if (pre.ocsp.warning) info.warnings.push_back(*pre.ocsp.warning);
        return Connection(std::move(impl));
    }
}

const ConnectionInfo& Connection::info() const noexcept {
    // CURRENT_USER() costs a round trip: fetched on first use, not on every connect. The
    // session state lives in Impl, so reading it leaves this Connection as it was.
    if (!impl_->current_user_loaded) impl_->load_current_user();
    return impl_->info;
}

std::uint64_t Connection::execute(std::string_view sql, const std::vector<Param>& params) {
    return impl_->with_retry([&] { return impl_->execute(sql, params); });
}

std::uint64_t Connection::Impl::execute(std::string_view sql, const std::vector<Param>& params) {
    StmtPtr stmt = prepare_and_run(sql, params);
    const my_ulonglong affected = mysql_stmt_affected_rows(stmt.get());
    // A statement that returned rows reports (my_ulonglong)-1; it affected nothing.
    if (affected == static_cast<my_ulonglong>(-1)) {
        mysql_stmt_store_result(stmt.get());
        return 0;
    }
    return affected;
}

ResultSet Connection::query(std::string_view sql, const std::vector<Param>& params) {
    return impl_->with_retry([&] { return impl_->query(sql, params); });
}

ResultSet Connection::Impl::query(std::string_view sql, const std::vector<Param>& params) {
    StmtPtr stmt = prepare_and_run(sql, params);
    ResultSet out;
    ResultPtr meta(mysql_stmt_result_metadata(stmt.get()));
    if (!meta) return out;  // statement without a result set
    const unsigned int ncols = mysql_num_fields(meta.get());
    MYSQL_FIELD* fields = mysql_fetch_fields(meta.get());
    for (unsigned int i = 0; i < ncols; ++i) {
        out.columns.push_back(Column{fields[i].name, is_numeric(fields[i].type)});
    }
    if (mysql_stmt_store_result(stmt.get()) != 0) fail_stmt(stmt.get(), db::Phase::Fetch);

    // Every column is fetched as text (the server's own rendering). Small buffers first; a
    // longer value is re-read at its exact size with mysql_stmt_fetch_column.
    constexpr unsigned long initial = 256;
    std::vector<MYSQL_BIND> binds(ncols);
    std::vector<std::vector<char>> buffers(ncols, std::vector<char>(initial));
    std::vector<unsigned long> lengths(ncols);
    std::vector<my_bool> nulls(ncols), errors(ncols);
    for (unsigned int i = 0; i < ncols; ++i) {
        std::memset(&binds[i], 0, sizeof binds[i]);
        binds[i].buffer_type = MYSQL_TYPE_STRING;
        binds[i].buffer = buffers[i].data();
        binds[i].buffer_length = initial;
        binds[i].length = &lengths[i];
        binds[i].is_null = &nulls[i];
        binds[i].error = &errors[i];
    }
    if (mysql_stmt_bind_result(stmt.get(), binds.data()) != 0) fail_stmt(stmt.get(), db::Phase::Fetch);
    for (;;) {
        const int rc = mysql_stmt_fetch(stmt.get());
        if (rc == MYSQL_NO_DATA) break;
        if (rc == 1) fail_stmt(stmt.get(), db::Phase::Fetch);
        std::vector<std::optional<std::string>> row(ncols);
        for (unsigned int i = 0; i < ncols; ++i) {
            if (nulls[i]) continue;
            if (lengths[i] <= initial) {
                row[i] = std::string(buffers[i].data(), lengths[i]);
                continue;
            }
            std::string big(lengths[i], '\0');
            MYSQL_BIND b{};
            b.buffer_type = MYSQL_TYPE_STRING;
            b.buffer = big.data();
            b.buffer_length = lengths[i];
            unsigned long len = 0;
            b.length = &len;
            if (mysql_stmt_fetch_column(stmt.get(), &b, i, 0) != 0) fail_stmt(stmt.get(), db::Phase::Fetch);
            big.resize(len);
            row[i] = std::move(big);
        }
        out.rows.push_back(std::move(row));
    }
    return out;
}

void Connection::begin() {
    if (impl_->in_transaction) throw Error(Code::TransactionState, "a transaction is already open; commit or roll it back first");
    impl_->with_retry([&] {
        impl_->lost_before_running = true;  // START TRANSACTION changes nothing: safe to send again
        impl_->run_discarding_result("START TRANSACTION", db::Phase::Begin);
        impl_->lost_before_running = false;
    });
    impl_->in_transaction = true;
}

void Connection::commit() {
    if (!impl_->in_transaction) throw Error(Code::TransactionState, "commit without an open transaction (call begin first)");
    impl_->ensure_usable();
    ++impl_->calls;
    impl_->in_transaction = false;
    if (mysql_commit(impl_->mysql.get()) != 0) impl_->fail_session(db::Phase::Commit);
}

void Connection::rollback() {
    if (!impl_->in_transaction) throw Error(Code::TransactionState, "rollback without an open transaction (call begin first)");
    impl_->ensure_usable(true);
    ++impl_->calls;
    impl_->in_transaction = false;
    if (impl_->lost) return;  // the transaction died with its session: nothing to roll back
    if (mysql_rollback(impl_->mysql.get()) != 0) impl_->fail_session(db::Phase::Rollback);
}

bool Connection::in_transaction() const noexcept { return impl_->in_transaction; }

std::uint64_t Connection::reconnects() const noexcept { return impl_->reconnects; }

std::uint64_t Connection::calls() const noexcept { return impl_->calls; }

void Connection::ping() {
    impl_->ensure_usable();
    ++impl_->calls;
    if (mysql_ping(impl_->mysql.get()) != 0) impl_->fail_session(db::Phase::Ping);
}

void Connection::reset() {
    impl_->ensure_usable(impl_->in_transaction);
    ++impl_->calls;
    impl_->in_transaction = false;
    if (mysql_reset_connection(impl_->mysql.get()) != 0) impl_->fail_session(db::Phase::Reset);
}

bool Connection::lost() const noexcept { return impl_->lost; }

void Connection::Impl::ensure_usable(bool rolling_back) {
    if (!lost) return;
    if (lost_in_transaction) {
        if (rolling_back) {
            lost_in_transaction = false;  // acknowledged: the application knows the transaction is gone
            return;
        }
        throw Error(Code::ServerGone, "the connection was lost inside a transaction, which the server rolled back: "
                                      "call rollback, then run the whole transaction again (" + lost_reason + ")");
    }
    if (rolling_back) return;
    if (!profile.reconnect) {
        throw Error(Code::ServerGone, "the connection was lost earlier and reconnect is off in the profile: "
                                      "close it and connect again (" + lost_reason + ")");
    }
    reopen();
}

/// The same profile, the same checks and refusals as the first connect; the caller's handle
/// keeps working. On failure the connection stays lost and the connect error is thrown.
void Connection::Impl::reopen() {
    Connection fresh = Connection::open(profile);
    const std::string reason = lost_reason;
    mysql = std::move(fresh.impl_->mysql);
    info = std::move(fresh.impl_->info);
    current_user_loaded = false;
    in_transaction = false;
    lost = lost_in_transaction = lost_before_running = false;
    lost_reason.clear();
    ++reconnects;
    // The new session's warnings plus one reconnected warning, the latest (a connection open
    // all day must not grow its list).
    info.warnings.push_back(make_warning(
        WarningCode::Reconnected, "the connection to " + peer() + " was lost and connected again (reconnect " +
                                      std::to_string(reconnects) + "; profile key reconnect): " + reason));
}

}  // namespace verrou
