// encrypted_column.cpp — a C++ service storing an encrypted IBAN column plus its blind index
// (verrou::core): store, find a row by its IBAN through the index, decrypt.
//
//   encrypted_column_cpp profiles.json dev
#include <iostream>

#include "verrou/connection.hpp"
#include "verrou/encryption.hpp"
#include "verrou/error.hpp"
#include "verrou/profile.hpp"

int main(int argc, char** argv) {
    if (argc != 3) {
        std::cerr << "usage: " << argv[0] << " PROFILE ENVIRONMENT\n";
        return 2;
    }
    try {
        verrou::Connection cnx = verrou::Connection::open(verrou::load_profile(argv[1], argv[2]));
        const verrou::FieldEncryptor enc = verrou::load_field_encryptor(argv[1], argv[2]);

        cnx.execute("DROP TABLE IF EXISTS appdb.example_accounts_cpp");
        cnx.execute("CREATE TABLE appdb.example_accounts_cpp (id INT PRIMARY KEY, iban_enc TEXT NOT NULL, "
                    "iban_bi VARCHAR(64) NOT NULL, INDEX (iban_bi))");
        const std::vector<std::pair<std::int64_t, std::string>> accounts = {
            {1, "FR7630006000011234567890189"}, {2, "DE89370400440532013000"}};
        for (const auto& [id, iban] : accounts) {
            cnx.execute("INSERT INTO appdb.example_accounts_cpp VALUES (?, ?, ?)",
                        {id, enc.encrypt(iban, "example_accounts.iban#" + std::to_string(id)),
                         enc.blind_index(iban, "example_accounts.iban")});
        }

        const verrou::ResultSet rs = cnx.query("SELECT id, iban_enc FROM appdb.example_accounts_cpp WHERE iban_bi = ?",
                                               {enc.blind_index("FR7630006000011234567890189", "example_accounts.iban")});
        if (rs.rows.size() != 1) {
            std::cerr << "encrypted_column: the blind index found " << rs.rows.size() << " rows\n";
            return 1;
        }
        const std::string id = rs.rows[0][0].value_or("");
        const verrou::SecretBuffer iban = enc.decrypt(rs.rows[0][1].value_or(""), "example_accounts.iban#" + id);
        std::cout << "found by IBAN: id " << id << ", " << iban.view() << "\n";
        cnx.execute("DROP TABLE appdb.example_accounts_cpp");
        if (id != "1" || iban.view() != "FR7630006000011234567890189") {
            std::cerr << "encrypted_column: wrong row or value\n";
            return 1;
        }
    } catch (const verrou::Error& e) {
        std::cerr << "encrypted_column: [" << verrou::code_name(e.code()) << "] " << e.message() << "\n";
        return 1;
    }
    return 0;
}
