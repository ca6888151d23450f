// Administration of the guard (state, unlock, purge, init), the tables' shape checks, and the
// JSON shapes of results.
#include <algorithm>
#include <cctype>
#include <map>


#include "login/guard.hpp"
#include "login/login_sql.hpp"
#include "verrou/error.hpp"
#include "verrou/login.hpp"

namespace verrou {

namespace {

using login_detail::quote_name;

std::string lower(std::string s) {
    for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return s;
}

std::optional<std::int64_t> opt_int(const std::optional<std::string>& v) {
    if (!v) return std::nullopt;
    return std::stoll(*v);
}

void check_admin_name(std::string_view value, const char* what) {
    if (value.empty() || value.size() > limits::login_name_max_bytes || value.find('\0') != std::string_view::npos) {
        throw Error(value.size() > limits::login_name_max_bytes ? Code::TooLarge : Code::InvalidArgument,
                    std::string(what) + " must be 1-" + std::to_string(limits::login_name_max_bytes) +
                        " bytes without NUL");
    }
}

struct ColumnInfo {
    std::string type;  // DATA_TYPE, lower case
    bool nullable = false;
    std::optional<std::int64_t> length;
    bool primary = false;
};

struct TableInfo {
    std::map<std::string, ColumnInfo> columns;  // by lower-case name
    std::optional<std::string> database;        // DATABASE() of the session
};

TableInfo describe(Connection& c, const std::string& table) {
    const auto dot = table.find('.');
    Param schema = nullptr;
    std::string name = table;
    if (dot != std::string::npos) {
        schema = table.substr(0, dot);
        name = table.substr(dot + 1);
    }
    const ResultSet r = c.query(
        "SELECT `COLUMN_NAME`, `DATA_TYPE`, `IS_NULLABLE`, `CHARACTER_MAXIMUM_LENGTH`, `COLUMN_KEY`, DATABASE() "
        "FROM information_schema.`COLUMNS` WHERE `TABLE_SCHEMA` = COALESCE(?, DATABASE()) AND `TABLE_NAME` = ? "
        "UNION ALL SELECT NULL, NULL, NULL, NULL, NULL, DATABASE()",
        {schema, name});
    TableInfo info;
    for (const auto& row : r.rows) {
        info.database = row[5];
        if (!row[0]) continue;  // the DATABASE() row
        ColumnInfo col;
        col.type = lower(row[1].value_or(""));
        col.nullable = row[2].value_or("") == "YES";
        col.length = opt_int(row[3]);
        col.primary = row[4].value_or("") == "PRI";
        info.columns[lower(*row[0])] = col;
    }
    return info;
}

[[noreturn]] void table_missing(const TableInfo& info, const std::string& table, const std::string& key,
                                const std::string& remedy) {
    if (table.find('.') == std::string::npos && !info.database) {
        throw Error(Code::LoginTableMissing, "table " + quote_name(table) + " (" + key +
                                                 ") cannot be found: the connection has no database selected; set "
                                                 "database in the profile or write " + key + " as schema.table");
    }
    const std::string where = table.find('.') == std::string::npos ? " in database `" + *info.database + "`" : "";
    throw Error(Code::LoginTableMissing, "table " + quote_name(table) + " (" + key + ") does not exist" + where +
                                             " (or the profile's database user cannot see it): " + remedy);
}

bool is_text(const std::string& t) {
    return t == "varchar" || t == "char" || t == "text" || t == "tinytext" || t == "mediumtext" || t == "longtext";
}
bool is_integer(const std::string& t) { return t == "int" || t == "bigint" || t == "mediumint"; }

[[noreturn]] void shape(const std::string& table, const std::string& column, const std::string& problem) {
    throw Error(Code::LoginTableShape, "table " + quote_name(table) + ", column " + quote_name(column) + ": " + problem);
}

const ColumnInfo& need(const TableInfo& t, const std::string& table, const std::string& column,
                       const std::string& purpose) {
    auto it = t.columns.find(lower(column));
    if (it == t.columns.end()) shape(table, column, "missing (" + purpose + ")");
    return it->second;
}

void check_guard_table(Connection& c, const LoginSettings& s) {
    const TableInfo t = describe(c, s.guard_table);
    if (t.columns.empty()) {
        table_missing(t, s.guard_table, "login.guard_table",
                      "create it with `verrou login init --profile FILE --env ENV`, or have a DBA run the DDL of "
                      "docs/login.md");
    }
    const std::string& g = s.guard_table;
    const std::string ddl = " (see the DDL in docs/login.md)";
    // Every column first (a missing one is the likeliest hand-made mistake), then types, then the key.
    const ColumnInfo& scope = need(t, g, "scope", "ENUM('account', 'source') NOT NULL" + ddl);
    const ColumnInfo& name = need(t, g, "name", "VARCHAR(255) NOT NULL" + ddl);
    const ColumnInfo& failures = need(t, g, "failures", "INT UNSIGNED NOT NULL DEFAULT 0" + ddl);
    for (const char* col : {"last_failure_at", "window_start", "updated_at"}) (void)need(t, g, col, "DATETIME(6)" + ddl);
    if (scope.type != "enum" && !is_text(scope.type)) shape(g, "scope", "is " + scope.type + "; expected ENUM" + ddl);
    if (!is_text(name.type) || name.length.value_or(0) < static_cast<std::int64_t>(limits::login_name_max_bytes)) {
        shape(g, "name", "is " + name.type + (name.length ? "(" + std::to_string(*name.length) + ")" : "") +
                             "; expected VARCHAR(255) (user names and sources up to 255 bytes)" + ddl);
    }
    if (!is_integer(failures.type)) shape(g, "failures", "is " + failures.type + "; expected INT UNSIGNED" + ddl);
    for (const char* col : {"last_failure_at", "window_start", "updated_at"}) {
        const ColumnInfo& ci = need(t, g, col, "DATETIME(6)" + ddl);
        if (ci.type != "datetime") {
            shape(g, col, "is " + ci.type + "; expected DATETIME(6) (server UTC time; a TIMESTAMP would follow each "
                                            "session's time zone)" + ddl);
        }
        if (std::string_view(col) != "updated_at" && !ci.nullable) shape(g, col, "must allow NULL" + ddl);
    }
    if (!scope.primary || !name.primary) {
        shape(g, scope.primary ? "name" : "scope",
              "not part of the primary key; expected PRIMARY KEY (`scope`, `name`): without it concurrent clients "
              "would not share one row per account" + ddl);
    }
}

void check_users_table(Connection& c, const LoginSettings& s) {
    const TableInfo t = describe(c, s.users_table);
    const std::string& u = s.users_table;
    if (t.columns.empty()) {
        table_missing(t, u, "login.users_table",
                      "check login.users_table in the profile (verrou never creates the application's users table)");
    }
    const ColumnInfo& user = need(t, u, s.user_column, "login.user_column");
    if (!is_text(user.type)) shape(u, s.user_column, "is " + user.type + "; the user name column must be text");
    const ColumnInfo& hash = need(t, u, s.hash_column, "login.hash_column");
    if (!is_text(hash.type) || ((hash.type == "varchar" || hash.type == "char") && hash.length.value_or(0) < 255)) {
        shape(u, s.hash_column,
              "is " + hash.type + (hash.length ? "(" + std::to_string(*hash.length) + ")" : "") +
                  "; expected VARCHAR(255) NULL (a rehash writes strings of up to 255 characters)");
    }
    if (s.has_legacy_columns()) {
        if (!hash.nullable) {
            shape(u, s.hash_column, "must allow NULL: rows still in the WinDev legacy format have no hash yet");
        }
        for (const auto& [col, key] : {std::pair{s.legacy_salt_column, "login.legacy_salt_column"},
                                       std::pair{s.legacy_hash_column, "login.legacy_hash_column"}}) {
            const ColumnInfo& ci = need(t, u, col, key);
            if (!ci.nullable) shape(u, col, "must allow NULL: a migrated row has its legacy columns set to NULL");
        }
    }
}

LoginGuardState state_of(Connection& c, const LoginSettings& s, const char* scope, std::string_view name) {
    const std::string guard = quote_name(s.guard_table);
    const ResultSet r = c.query(
        "SELECT `failures`, TIMESTAMPDIFF(MICROSECOND, `last_failure_at`, UTC_TIMESTAMP(6)), "
        "TIMESTAMPDIFF(MICROSECOND, `window_start`, UTC_TIMESTAMP(6)), "
        "DATE_FORMAT(`last_failure_at`, '%Y-%m-%dT%H:%i:%s.%fZ'), DATE_FORMAT(`window_start`, '%Y-%m-%dT%H:%i:%s.%fZ') "
        "FROM " + guard + " WHERE `scope` = ? AND `name` = ?",
        {std::string(scope), std::string(name)});
    LoginGuardState st;
    if (r.rows.empty()) return st;
    const auto& row = r.rows[0];
    st.known = true;
    st.failures = opt_int(row[0]).value_or(0);
    st.last_failure = row[3];
    st.window_start = row[4];
    login_detail::AccountRow account;
    login_detail::SourceRow source;
    if (std::string_view(scope) == "account") {
        account = {true, st.failures, opt_int(row[1])};
    } else {
        source = {true, st.failures, opt_int(row[2])};
    }
    const login_detail::Gate gate = login_detail::decide(s, account, source);
    st.verdict = gate.verdict;
    st.retry_after_seconds = login_detail::seconds_rounded_up(gate.retry_after_us);
    return st;
}

template <class F>
auto explained(Connection& c, const LoginSettings& s, F&& body) -> decltype(body()) {
    try {
        return body();
    } catch (const Error& e) {
        if (e.code() != Code::QueryError) throw;
        login_check_tables(c, s);  // throws the precise error when a table is the cause
        throw;
    }
}

}  // namespace

LoginGuardState login_account_state(Connection& connection, const LoginSettings& settings, std::string_view user) {
    settings.validate();
    check_admin_name(user, "user name");
    return explained(connection, settings, [&] { return state_of(connection, settings, "account", user); });
}

LoginGuardState login_source_state(Connection& connection, const LoginSettings& settings, std::string_view source) {
    settings.validate();
    check_admin_name(source, "source");
    return explained(connection, settings, [&] { return state_of(connection, settings, "source", source); });
}

bool login_unlock(Connection& connection, const LoginSettings& settings, std::string_view user) {
    settings.validate();
    check_admin_name(user, "user name");
    return explained(connection, settings, [&] {
        return connection.execute("UPDATE " + quote_name(settings.guard_table) +
                                      " SET `failures` = 0, `last_failure_at` = NULL, `updated_at` = UTC_TIMESTAMP(6) "
                                      "WHERE `scope` = 'account' AND `name` = ? AND `failures` > 0",
                                  {std::string(user)}) > 0;
    });
}

std::uint64_t login_purge(Connection& connection, const LoginSettings& settings, std::int64_t older_than_seconds) {
    settings.validate();
    if (older_than_seconds < 1 || older_than_seconds > 315'360'000) {
        throw Error(Code::InvalidArgument, "purge window must be 1..315360000 seconds, got " +
                                               std::to_string(older_than_seconds));
    }
    const std::int64_t lock = settings.lockout_after > 0 ? settings.lockout_after : INT32_MAX;
    // Kept whatever their age: a running lock (forever when lockout_seconds = 0), a running
    // backoff (bounded by backoff_max_seconds), a source window still open.
    const std::string sql =
        "DELETE FROM " + quote_name(settings.guard_table) +
        " WHERE `updated_at` < UTC_TIMESTAMP(6) - INTERVAL ? SECOND"
        " AND NOT (`scope` = 'account' AND `failures` >= ? AND (? = 0 OR `last_failure_at` > UTC_TIMESTAMP(6) - "
        "INTERVAL ? SECOND))"
        " AND NOT (`scope` = 'account' AND `failures` >= ? AND `last_failure_at` > UTC_TIMESTAMP(6) - INTERVAL ? SECOND)"
        " AND NOT (`scope` = 'source' AND `window_start` > UTC_TIMESTAMP(6) - INTERVAL ? SECOND)";
    return explained(connection, settings, [&] {
        return connection.execute(
            sql, {older_than_seconds, lock, std::int64_t{settings.lockout_seconds}, std::int64_t{settings.lockout_seconds},
                  std::int64_t{settings.max_failures_per_account}, std::int64_t{settings.backoff_max_seconds},
                  std::int64_t{settings.source_window_seconds}});
    });
}

std::string login_guard_ddl(const LoginSettings& settings) {
    settings.validate();
    return login_detail::guard_ddl(settings);
}

void login_check_tables(Connection& connection, const LoginSettings& settings) {
    settings.validate();
    check_guard_table(connection, settings);
    check_users_table(connection, settings);
}

void login_init(Connection& connection, const LoginSettings& settings) {
    connection.execute(login_guard_ddl(settings));
    login_check_tables(connection, settings);
}

}  // namespace verrou
