#include "login/login_sql.hpp"

namespace verrou::login_detail {

namespace {
constexpr const char* kNow = "UTC_TIMESTAMP(6)";
constexpr const char* kBothRows = " WHERE (`scope` = 'account' AND `name` = ?) OR (`scope` = 'source' AND `name` = ?)";
}  // namespace

std::string quote_name(const std::string& validated) {
    const auto dot = validated.find('.');
    if (dot == std::string::npos) return "`" + validated + "`";
    return "`" + validated.substr(0, dot) + "`.`" + validated.substr(dot + 1) + "`";
}

Statements statements(const LoginSettings& s) {
    const std::string users = quote_name(s.users_table), guard = quote_name(s.guard_table);
    const std::string user_col = quote_name(s.user_column), hash_col = quote_name(s.hash_column);
    const std::string salt_col = s.has_legacy_columns() ? quote_name(s.legacy_salt_column) : "";
    const std::string lhash_col = s.has_legacy_columns() ? quote_name(s.legacy_hash_column) : "";
    const std::string now(kNow);

    Statements q;
    q.users_label = "table " + users + " (login.users_table)";
    q.guard_label = "table " + guard + " (login.guard_table)";
    q.read = "SELECT u." + user_col + " IS NOT NULL, u." + hash_col + ", " +
             (s.has_legacy_columns() ? "u." + salt_col + ", u." + lhash_col : std::string("NULL, NULL")) +
             ", a.`failures`, TIMESTAMPDIFF(MICROSECOND, a.`last_failure_at`, " + now +
             "), s.`failures`, TIMESTAMPDIFF(MICROSECOND, s.`window_start`, " + now +
             ") FROM (SELECT 1 AS `one`) AS k LEFT JOIN " + users + " AS u ON u." + user_col + " = ? LEFT JOIN " +
             guard + " AS a ON a.`scope` = 'account' AND a.`name` = ? LEFT JOIN " + guard +
             " AS s ON s.`scope` = 'source' AND s.`name` = ?";
    // Not INSERT IGNORE: it would also turn a too-long name or a wrong column type into a warning.
    q.ensure = "INSERT INTO " + guard + " (`scope`, `name`, `failures`, `updated_at`) VALUES ('account', ?, 0, " +
               now + "), ('source', ?, 0, " + now + ") ON DUPLICATE KEY UPDATE `failures` = `failures`";
    q.lock = "SELECT `scope`, `failures`, TIMESTAMPDIFF(MICROSECOND, `last_failure_at`, " + now +
             "), TIMESTAMPDIFF(MICROSECOND, `window_start`, " + now + ") FROM " + guard + kBothRows + " FOR UPDATE";
    q.reserve = "UPDATE " + guard + " SET `failures` = IF(`scope` = 'account', ?, ?), `last_failure_at` = IF(`scope` = "
                "'account', " + now + ", `last_failure_at`), `window_start` = IF(`scope` = 'source' AND ?, " + now +
                ", `window_start`), `updated_at` = " + now + kBothRows;
    q.refund = "UPDATE " + guard + " SET `failures` = IF(`scope` = 'account' OR `failures` = 0, 0, `failures` - 1), "
               "`last_failure_at` = IF(`scope` = 'account', NULL, `last_failure_at`), `updated_at` = " + now + kBothRows;
    q.rehash = "UPDATE " + users + " SET " + hash_col + " = ? WHERE " + user_col + " = ? AND " + hash_col + " = ?";
    if (s.has_legacy_columns()) {
        q.migrate = "UPDATE " + users + " SET " + hash_col + " = ?, " + salt_col + " = NULL, " + lhash_col +
                    " = NULL WHERE " + user_col + " = ? AND " + hash_col + " IS NULL AND " + salt_col + " = ? AND " +
                    lhash_col + " = ?";
    }
    return q;
}

std::string guard_ddl(const LoginSettings& s) {
    return "CREATE TABLE IF NOT EXISTS " + quote_name(s.guard_table) +
           " (\n"
           "  `scope` ENUM('account', 'source') NOT NULL,\n"
           "  `name` VARCHAR(255) NOT NULL,\n"
           "  `failures` INT UNSIGNED NOT NULL DEFAULT 0,\n"
           "  `last_failure_at` DATETIME(6) NULL,\n"
           "  `window_start` DATETIME(6) NULL,\n"
           "  `updated_at` DATETIME(6) NOT NULL,\n"
           "  PRIMARY KEY (`scope`, `name`)\n"
           ") ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci";
}

}  // namespace verrou::login_detail
