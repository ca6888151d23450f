// login(): the guard, the check and the writes (verrou/login.hpp explains the sequence; the
// SQL lives in login_sql.hpp, the guard's arithmetic in guard.hpp).
#include "verrou/login.hpp"

#include <openssl/rand.h>

#include <map>
#include <mutex>

#include "login/guard.hpp"
#include "login/login_sql.hpp"
#include "verrou/error.hpp"

namespace verrou {

namespace {

using login_detail::AccountRow;
using login_detail::Gate;
using login_detail::SourceRow;
using login_detail::Statements;

// ---- inputs ----------------------------------------------------------------------------------

// Strict UTF-8 (no overlongs, no surrogates, <= U+10FFFF); returns the offset of the first bad
// byte or npos.
std::size_t first_invalid_utf8(std::string_view s) noexcept {
    std::size_t i = 0;
    while (i < s.size()) {
        const auto c = static_cast<unsigned char>(s[i]);
        std::size_t n = 0;
        unsigned min = 0;
        if (c < 0x80) { ++i; continue; }
        if (c >= 0xC2 && c <= 0xDF) { n = 1; min = 0x80; }
        else if (c >= 0xE0 && c <= 0xEF) { n = 2; min = 0x800; }
        else if (c >= 0xF0 && c <= 0xF4) { n = 3; min = 0x10000; }
        else return i;
        if (s.size() - i <= n) return i;  // truncated sequence
        unsigned cp = c & (0x3F >> n);
        for (std::size_t k = 1; k <= n; ++k) {
            const auto cc = static_cast<unsigned char>(s[i + k]);
            if ((cc & 0xC0) != 0x80) return i;
            cp = (cp << 6) | (cc & 0x3F);
        }
        if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return i;
        i += n + 1;
    }
    return std::string_view::npos;
}

/// User names and sources: the same rules, each named in its messages (never quoted: a user
/// name typed into a login screen is sometimes the password).
void check_name(std::string_view value, std::string_view what, std::string_view hint) {
    const std::string w(what);
    if (value.empty()) throw Error(Code::InvalidArgument, w + " is empty" + std::string(hint));
    if (value.size() > limits::login_name_max_bytes) {
        throw Error(Code::TooLarge, w + " is " + std::to_string(value.size()) + " bytes; at most " +
                                        std::to_string(limits::login_name_max_bytes) + " are accepted");
    }
    if (value.find('\0') != std::string_view::npos) {
        throw Error(Code::InvalidArgument, w + " contains a NUL byte (at byte " +
                                               std::to_string(value.find('\0')) + ")");
    }
    const std::size_t bad = first_invalid_utf8(value);
    if (bad != std::string_view::npos) {
        throw Error(Code::InvalidUtf8, w + " is not valid UTF-8 (byte " + std::to_string(bad) + ")");
    }
}

// The hasher refuses these too, but only after the attempt would have been counted: an input
// no password can match never reaches the database.
void check_password(const PasswordHasher& hasher, std::string_view password) {
    if (password.size() > limits::password_max_bytes) {
        throw Error(Code::PasswordTooLong, "the password is longer than " +
                                               std::to_string(limits::password_max_bytes) + " bytes");
    }
    if (password.empty() && !hasher.policy().allow_empty_password) {
        throw Error(Code::PasswordEmpty, "the password is empty");
    }
}

// ---- the dummy hash: unknown users cost what known ones do -------------------------------------

std::string policy_key(const PasswordHasher& h) {
    const HashPolicy& p = h.policy();
    return std::to_string(static_cast<int>(p.algorithm)) + "/" + std::to_string(p.argon2_memory_kib) + "/" +
           std::to_string(p.argon2_iterations) + "/" + std::to_string(p.argon2_parallelism) + "/" +
           std::to_string(p.pbkdf2_sha256_iterations) + "/" + std::to_string(p.pbkdf2_sha512_iterations) + "/" +
           std::to_string(p.salt_bytes) + "/" + std::to_string(p.hash_bytes) + "/" + h.current_key_id();
}

/// A hash of a random password under the hasher's current policy and pepper, made once per
/// policy: verifying against it is the same derivation a known user's current hash costs.
std::string dummy_hash(const PasswordHasher& hasher) {
    static std::mutex mutex;
    static std::map<std::string, std::string> cache;
    const std::string key = policy_key(hasher);
    {
        const std::lock_guard<std::mutex> lock(mutex);
        if (auto it = cache.find(key); it != cache.end()) return it->second;
    }
    unsigned char random[24];
    if (RAND_bytes(random, sizeof random) != 1) throw Error(Code::Crypto, "RAND_bytes failed for the dummy hash");
    std::string password;
    static constexpr char kHex[] = "0123456789abcdef";
    for (unsigned char b : random) {
        password += kHex[b >> 4];
        password += kHex[b & 15];
    }
    std::string made = hasher.hash(password);
    wipe(password);
    const std::lock_guard<std::mutex> lock(mutex);
    return cache.try_emplace(key, std::move(made)).first->second;
}

// ---- transactions --------------------------------------------------------------------------

/// Rolls back unless committed; a rollback on a dead connection is not a second error.
class Transaction {
public:
    explicit Transaction(Connection& c) : c_(c) { c_.begin(); }
    Transaction(const Transaction&) = delete;
    Transaction& operator=(const Transaction&) = delete;
    ~Transaction() {
        if (!c_.in_transaction()) return;
        try {
            c_.rollback();
        } catch (...) {  // the connection is gone: the server rolled back already
        }
    }
    void commit() { c_.commit(); }

private:
    Connection& c_;
};

/// MariaDB reports deadlocks and lock wait timeouts on the guard rows as SQLSTATE 40001 /
/// HY000 1205; both are worth one more try of a short transaction.
bool retryable(const Error& e) {
    const std::string_view m = e.message();
    return e.code() == Code::QueryError &&
           (m.find("SQLSTATE 40001") != std::string_view::npos || m.find("error 1205)") != std::string_view::npos);
}

std::optional<std::int64_t> opt_int(const std::optional<std::string>& v) {
    if (!v) return std::nullopt;
    return std::stoll(*v);
}

// ---- the steps -----------------------------------------------------------------------------

/// What step 1 read: the user's row (if any) and the guard's rows.
struct Snapshot {
    bool user_found = false;
    std::optional<std::string> hash, legacy_salt, legacy_hash;
    AccountRow account;
    SourceRow source;
};

Snapshot read_snapshot(Connection& c, const Statements& sql, std::string_view user, std::string_view source) {
    const ResultSet r = c.query(sql.read, {std::string(user), std::string(user), std::string(source)});
    if (r.rows.size() != 1) {
        if (r.rows.size() > 1) {
            throw Error(Code::LoginUserAmbiguous,
                        std::to_string(r.rows.size()) + " rows of " + sql.users_label +
                            " match the user name (or the guard table has duplicate rows): make the user column "
                            "unique (its collation decides which names are equal); nothing was verified");
        }
        throw Error(Code::Internal, "the login read returned no row");
    }
    const auto& row = r.rows[0];
    Snapshot s;
    s.user_found = row[0] && *row[0] == "1";
    s.hash = row[1];
    s.legacy_salt = row[2];
    s.legacy_hash = row[3];
    s.account.present = row[4].has_value();
    s.account.failures = opt_int(row[4]).value_or(0);
    s.account.since_last_us = opt_int(row[5]);
    s.source.present = row[6].has_value();
    s.source.failures = opt_int(row[6]).value_or(0);
    s.source.since_window_us = opt_int(row[7]);
    return s;
}

struct LockedRows {
    AccountRow account;
    SourceRow source;
    int rows = 0;
};

LockedRows lock_rows(Connection& c, const Statements& sql, std::string_view user, std::string_view source) {
    const ResultSet r = c.query(sql.lock, {std::string(user), std::string(source)});
    LockedRows out;
    for (const auto& row : r.rows) {
        ++out.rows;
        const bool account = row[0] && *row[0] == "account";
        if (account) {
            out.account.present = true;
            out.account.failures = opt_int(row[1]).value_or(0);
            out.account.since_last_us = opt_int(row[2]);
        } else {
            out.source.present = true;
            out.source.failures = opt_int(row[1]).value_or(0);
            out.source.since_window_us = opt_int(row[3]);
        }
    }
    if (out.rows > 2) {
        throw Error(Code::LoginTableShape, sql.guard_label + " holds several rows for one account or source: its "
                                                             "primary key must be (scope, name) (docs/login.md)");
    }
    return out;
}

/// Step 2: decide again on locked rows and, when the attempt may be checked, count it.
Gate reserve(Connection& c, const LoginSettings& s, const Statements& sql, const Snapshot& snap,
             std::string_view user, std::string_view source) {
    for (int attempt = 0;; ++attempt) {
        try {
            Transaction txn(c);
            if (!snap.account.present || !snap.source.present) {
                c.execute(sql.ensure, {std::string(user), std::string(source)});
            }
            LockedRows rows = lock_rows(c, sql, user, source);
            if (rows.rows < 2) {  // purged between the read and the lock
                c.execute(sql.ensure, {std::string(user), std::string(source)});
                rows = lock_rows(c, sql, user, source);
            }
            const Gate gate = login_detail::decide(s, rows.account, rows.source);
            if (gate.verdict != LoginVerdict::Granted) return gate;  // rolled back: nothing changed
            c.execute(sql.reserve, {gate.account_failures_after, gate.source_failures_after, gate.source_window_restarts,
                                    std::string(user), std::string(source)});
            txn.commit();
            return gate;
        } catch (const Error& e) {
            if (attempt < 2 && retryable(e)) continue;
            throw;
        }
    }
}

/// Step 4: the reservation back and, for a rehash or a migration, the new hash (one
/// transaction). Returns true when the new hash was written.
bool settle_success(Connection& c, const Statements& sql, const Snapshot& snap, std::string_view user,
                    std::string_view source, const std::string& new_hash) {
    const std::vector<Param> who{std::string(user), std::string(source)};
    if (new_hash.empty()) {
        c.execute(sql.refund, who);  // one statement: atomic on its own
        return false;
    }
    Transaction txn(c);
    c.execute(sql.refund, who);
    std::uint64_t written = 0;
    if (snap.hash) {
        written = c.execute(sql.rehash, {new_hash, std::string(user), *snap.hash});
    } else {
        written = c.execute(sql.migrate, {new_hash, std::string(user), *snap.legacy_salt, *snap.legacy_hash});
    }
    txn.commit();
    // 0 rows: the stored value changed since step 1 (a password change); it is kept.
    return written == 1;
}

LoginResult result_of(const Gate& gate) {
    LoginResult r;
    r.verdict = gate.verdict;
    r.retry_after_seconds = login_detail::seconds_rounded_up(gate.retry_after_us);
    return r;
}

LoginResult run_login(Connection& c, const PasswordHasher& hasher, const LoginSettings& s, const Statements& sql,
                      std::string_view user, std::string_view password, std::string_view source) {
    // 1. One read: the user's row and the guard's view, in server time.
    const Snapshot snap = read_snapshot(c, sql, user, source);
    const Gate early = login_detail::decide(s, snap.account, snap.source);
    if (early.verdict != LoginVerdict::Granted) return result_of(early);

    // 2. The reservation, on locked rows.
    const Gate gate = reserve(c, s, sql, snap, user, source);
    if (gate.verdict != LoginVerdict::Granted) return result_of(gate);

    // 3. The check, no lock held.
    VerifyResult verdict = VerifyResult::Mismatch;
    if (snap.user_found && snap.hash) {
        verdict = hasher.verify(password, *snap.hash);
    } else if (snap.user_found && s.has_legacy_columns() && snap.legacy_salt && snap.legacy_hash) {
        verdict = hasher.verify_windev_legacy(password, *snap.legacy_salt, *snap.legacy_hash);
    } else {
        // Unknown user, or a row without any hash (a disabled account): the same derivation
        // as a known user's current hash, and the same answer.
        (void)hasher.verify(password, dummy_hash(hasher));
    }
    if (verdict == VerifyResult::Mismatch) return LoginResult{LoginVerdict::Denied, std::nullopt};

    // 4. Success: refund, and the new hash when the stored one is below the policy or legacy.
    std::string new_hash;
    if (verdict == VerifyResult::MatchRehash) new_hash = hasher.hash(password);
    const bool rehashed = settle_success(c, sql, snap, user, source, new_hash);
    return LoginResult{rehashed ? LoginVerdict::GrantedRehashed : LoginVerdict::Granted, std::nullopt};
}

/// A failed statement caused by a missing or misshapen table gets the error that says so.
[[noreturn]] void explain_and_rethrow(Connection& c, const LoginSettings& s, const Error& original) {
    if (original.code() == Code::QueryError && !c.in_transaction()) {
        try {
            login_check_tables(c, s);
        } catch (const Error& e) {
            if (e.code() == Code::LoginTableMissing || e.code() == Code::LoginTableShape) throw e;
        }
    }
    throw original;
}

}  // namespace

std::string_view login_verdict_name(LoginVerdict v) noexcept {
    switch (v) {
        case LoginVerdict::Denied: return "denied";
        case LoginVerdict::Granted: return "granted";
        case LoginVerdict::GrantedRehashed: return "granted_rehashed";
        case LoginVerdict::Throttled: return "throttled";
        case LoginVerdict::Locked: return "locked";
    }
    return "denied";
}

LoginResult login(Connection& connection, const PasswordHasher& hasher, const LoginSettings& settings,
                  std::string_view user, std::string_view password, std::string_view source) {
    settings.validate();
    check_name(user, "user name", "");
    check_name(source, "source",
               ": pass what identifies where the attempt comes from (the client's IP address or workstation name)");
    check_password(hasher, password);
    if (connection.in_transaction()) {
        throw Error(Code::TransactionState,
                    "login runs its own short transactions: commit or roll back the open transaction first");
    }
    const Statements sql = login_detail::statements(settings);
    try {
        return run_login(connection, hasher, settings, sql, user, password, source);
    } catch (const Error& e) {
        explain_and_rethrow(connection, settings, e);
    }
}

}  // namespace verrou
