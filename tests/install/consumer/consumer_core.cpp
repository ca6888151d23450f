// consumer_core PROFILE — links verrou::core from an installed tree: hash and verify with the
// profile's hashing section (no server needed). Exit 0 only if every verdict is right.
#include <verrou/error.hpp>
#include <verrou/password.hpp>

#include <iostream>

int main(int argc, char** argv) {
    if (argc != 2) {
        std::cerr << "usage: consumer_core PROFILE\n";
        return 2;
    }
    try {
        const verrou::PasswordHasher hasher = verrou::load_password_hasher(argv[1], "dev");
        const std::string stored = hasher.hash("Frédéric's été password");
        const bool ok = hasher.verify("Frédéric's été password", stored) == verrou::VerifyResult::Match &&
                        hasher.verify("Frederic's ete password", stored) == verrou::VerifyResult::Mismatch;
        std::cout << "consumer_core: " << stored.substr(0, 10) << "... " << (ok ? "ok" : "WRONG VERDICT") << "\n";
        return ok ? 0 : 1;
    } catch (const verrou::Error& e) {
        std::cerr << "consumer_core: " << verrou::code_name(e.code()) << ": " << e.what() << "\n";
        return 1;
    }
}
