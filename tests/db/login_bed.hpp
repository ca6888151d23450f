// Test-side helpers for login(): a private users table and guard table per test (named after
// the process and a counter, so parallel CTest processes never share one), dropped at the end.
#pragma once

#include <unistd.h>

#include <atomic>
#include <string>

#include "bed_profile.hpp"
#include "verrou/connection.hpp"
#include "verrou/login.hpp"
#include "verrou/password.hpp"

namespace verrou::test {

/// Argon2id at test cost (1 MiB, t = 1): milliseconds per derivation. `memory_kib` varies the
/// policy for rehash tests.
inline PasswordHasher test_hasher(std::uint32_t memory_kib = 1024, std::optional<WindevLegacySettings> legacy = {}) {
    HashPolicy p;
    p.argon2_memory_kib = memory_kib;
    p.argon2_iterations = 1;
    return PasswordHasher(p, {}, "", std::move(legacy));
}

class LoginTables {
public:
    explicit LoginTables(bool legacy_columns = false) : admin(Connection::open(bed_profile())) {
        static std::atomic<int> counter{0};
        const std::string suffix = std::to_string(::getpid()) + "_" + std::to_string(counter++);
        settings.users_table = "login_users_" + suffix;
        settings.guard_table = "login_guard_" + suffix;
        if (legacy_columns) {
            settings.legacy_salt_column = "legacy_salt";
            settings.legacy_hash_column = "legacy_hash";
        }
        admin.execute("CREATE TABLE `" + settings.users_table +
                      "` (`id` INT AUTO_INCREMENT PRIMARY KEY, `login` VARCHAR(100) NOT NULL, "
                      "`password_hash` VARCHAR(255) NULL, `legacy_salt` VARCHAR(255) NULL, "
                      "`legacy_hash` VARCHAR(255) NULL, UNIQUE KEY (`login`)) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4");
        login_init(admin, settings);
    }
    ~LoginTables() {
        try {
            admin.execute("DROP TABLE IF EXISTS `" + settings.users_table + "`, `" + settings.guard_table + "`");
        } catch (...) {
        }
    }
    LoginTables(const LoginTables&) = delete;
    LoginTables& operator=(const LoginTables&) = delete;

    void add_user(const std::string& name, const std::optional<std::string>& hash,
                  const std::optional<std::string>& legacy_salt = {}, const std::optional<std::string>& legacy_hash = {}) {
        const auto p = [](const std::optional<std::string>& v) -> Param { return v ? Param(*v) : Param(nullptr); };
        admin.execute("INSERT INTO `" + settings.users_table +
                          "` (`login`, `password_hash`, `legacy_salt`, `legacy_hash`) VALUES (?, ?, ?, ?)",
                      {name, p(hash), p(legacy_salt), p(legacy_hash)});
    }

    /// The user's row as stored: hash, legacy salt, legacy hash.
    std::vector<std::optional<std::string>> row(const std::string& name) {
        const ResultSet r = admin.query("SELECT `password_hash`, `legacy_salt`, `legacy_hash` FROM `" +
                                            settings.users_table + "` WHERE `login` = ?",
                                        {name});
        return r.rows.at(0);
    }

    std::int64_t guard_failures(const std::string& scope, const std::string& name) {
        const ResultSet r = admin.query("SELECT `failures` FROM `" + settings.guard_table +
                                            "` WHERE `scope` = ? AND `name` = ?",
                                        {scope, name});
        return r.rows.empty() ? -1 : std::stoll(*r.rows[0][0]);
    }

    Connection admin;
    LoginSettings settings;
};

}  // namespace verrou::test
