// login.cpp — a login screen's logic on the static core (verrou::core): one call per attempt,
// the application only turns the verdict into a message (never "unknown user").
//
//   demo_login_cpp profiles.json dev
//
// Same expectations as examples/c/login.c (examples/run-demo.sh prepares the tables).
#include <iostream>
#include <string>

#include "verrou/connection.hpp"
#include "verrou/error.hpp"
#include "verrou/login.hpp"
#include "verrou/password.hpp"
#include "verrou/profile.hpp"

namespace {

std::string message(const verrou::LoginResult& r) {
    using verrou::LoginVerdict;
    switch (r.verdict) {
        case LoginVerdict::Granted:
        case LoginVerdict::GrantedRehashed: return "Welcome!";  // a rehash is already stored
        case LoginVerdict::Denied: return "Wrong user name or password.";
        case LoginVerdict::Throttled:
            return "Too many attempts. Try again in " + std::to_string(r.retry_after_seconds.value_or(1)) +
                   " second(s).";
        case LoginVerdict::Locked:
            if (r.retry_after_seconds) {
                return "This account is locked. Try again in " + std::to_string((*r.retry_after_seconds + 59) / 60) +
                       " minute(s).";
            }
            return "This account is locked. Contact your administrator.";
    }
    return "";
}

}  // namespace

int main(int argc, char** argv) {
    if (argc != 3) {
        std::cerr << "usage: demo_login_cpp PROFILE ENVIRONMENT\n";
        return 2;
    }
    using verrou::LoginVerdict;
    struct Attempt {
        const char* user;
        const char* password;
        LoginVerdict expected;
    };
    const Attempt attempts[] = {
        {"amelie", "pas le bon", LoginVerdict::Denied},
        {"nobody", "motdepasse-demo", LoginVerdict::Denied},
        {"amelie", "motdepasse-demo", LoginVerdict::Granted},
        {"amelie", "1", LoginVerdict::Denied},
        {"amelie", "2", LoginVerdict::Denied},
        {"amelie", "3", LoginVerdict::Denied},
        {"amelie", "motdepasse-demo", LoginVerdict::Throttled},
    };
    try {
        const verrou::Profile profile = verrou::load_profile(argv[1], argv[2]);
        verrou::Connection connection = verrou::Connection::open(profile);
        const verrou::PasswordHasher hasher = verrou::load_password_hasher(argv[1], argv[2]);
        int unexpected = 0;
        for (const Attempt& a : attempts) {
            const verrou::LoginResult r = verrou::login(connection, hasher, profile.login, a.user, a.password, "poste-42");
            std::cout << "login " << a.user << " " << verrou::login_result_json(r) << "\n  -> " << message(r) << "\n";
            if (r.verdict != a.expected) unexpected = 1;
        }
        return unexpected;
    } catch (const verrou::Error& e) {
        std::cerr << "demo_login_cpp: [" << verrou::code_name(e.code()) << "] " << e.message() << "\n";
        return 1;
    }
}
