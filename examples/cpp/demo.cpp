// demo.cpp — verrou from a C++ service, linked statically to the core (verrou::core):
// connect over mTLS, show the session, run a parameterized query, hash and verify.
//
//   demo_cpp profiles.json dev
#include <iostream>

#include "verrou/connection.hpp"
#include "verrou/error.hpp"
#include "verrou/password.hpp"
#include "verrou/profile.hpp"

int main(int argc, char** argv) {
    if (argc != 3) {
        std::cerr << "usage: " << argv[0] << " PROFILE ENVIRONMENT\n";
        return 2;
    }
    try {
        const verrou::Profile profile = verrou::load_profile(argv[1], argv[2]);
        verrou::Connection cnx = verrou::Connection::open(profile);
        const verrou::ConnectionInfo& info = cnx.info();
        std::cout << "connected over mutual TLS: " << info.tls_version << ", " << info.cipher << ", as "
                  << info.current_user << "\n";

        const verrou::ResultSet rs =
            cnx.query("SELECT id, name FROM appdb.customers WHERE id >= ? ORDER BY id", {std::int64_t{2}});
        for (const auto& row : rs.rows)
            std::cout << "  " << row[0].value_or("NULL") << "  " << row[1].value_or("NULL") << "\n";

        const verrou::PasswordHasher hasher = verrou::load_password_hasher(argv[1], argv[2]);
        const std::string stored = hasher.hash("correct horse battery staple");
        const verrou::VerifyResult right = hasher.verify("correct horse battery staple", stored);
        const verrou::VerifyResult wrong = hasher.verify("wrong", stored);
        std::cout << "hash: " << stored << "\n"
                  << "verify right: " << static_cast<int>(right) << "\n"
                  << "verify wrong: " << static_cast<int>(wrong) << "\n";
        if (right != verrou::VerifyResult::Match || wrong != verrou::VerifyResult::Mismatch) {
            std::cerr << "demo_cpp: unexpected verdicts\n";
            return 1;
        }
    } catch (const verrou::Error& e) {
        std::cerr << "demo_cpp: " << verrou::code_name(e.code()) << " (" << static_cast<int>(e.code())
                  << "): " << e.what() << "\n";
        return 1;
    }
    return 0;
}
