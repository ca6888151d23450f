// verrou hash / verrou verify: the profile's hashing policy (algorithm, parameters, pepper)
// applied from the command line, e.g. to seed an account or check a migrated hash.
#include <iostream>
#include <string>

#include "cli.hpp"
#include "commands.hpp"
#include "verrou/error.hpp"
#include "verrou/password.hpp"

namespace verrou::cli {

namespace {

constexpr const char* kHashHelp = R"(usage: verrou hash --profile FILE [--env ENV] [--password-stdin | --password-file F]

Hashes a password with the profile's hashing policy (hashing section: algorithm,
parameters, current pepper) and prints the PHC string on stdout. The password comes from a
no-echo prompt (asked twice), one line of stdin, or a file; never from the command line.
Exit 0 printed, 2 refused (policy, empty password...), 3 usage / unreadable profile.
)";

constexpr const char* kVerifyHelp = R"(usage: verrou verify --profile FILE [--env ENV] [--password-stdin | --password-file F] HASH

Verifies a password against a stored hash (PHC string: $argon2id$..., $pbkdf2-sha256$...,
Django/passlib formats) with the profile's peppers. Quote HASH in the shell ('$...').
Exit 0 match, 1 match but the hash should be recomputed (weaker than the policy, old
pepper, legacy format), 2 mismatch or malformed hash, 3 usage / unreadable profile.
)";

}  // namespace

int cmd_hash(const ArgList& argv) {
    const Args args(argv, {"--profile", "--env", "--password-file"}, {"--password-stdin"});
    if (args.help()) {
        std::cout << kHashHelp;
        return kOk;
    }
    if (!args.positional().empty()) {
        throw UsageError{"unexpected argument (the password is never taken from the command line)"};
    }
    const PasswordHasher hasher = load_password_hasher(args.require("--profile"), args.get_or("--env", ""));
    const SecretBuffer password = read_password(args, "Password to hash: ", true);
    try {
        std::cout << hasher.hash(password.view()) << "\n";
    } catch (const Error& e) {
        std::cerr << "verrou hash: [" << code_name(e.code()) << "] " << e.message() << "\n";
        return kCritical;
    }
    return kOk;
}

int cmd_verify(const ArgList& argv) {
    const Args args(argv, {"--profile", "--env", "--password-file"}, {"--password-stdin"});
    if (args.help()) {
        std::cout << kVerifyHelp;
        return kOk;
    }
    if (args.positional().size() != 1) throw UsageError{"verify takes exactly one HASH argument"};
    const PasswordHasher hasher = load_password_hasher(args.require("--profile"), args.get_or("--env", ""));
    const SecretBuffer password = read_password(args, "Password: ", false);
    VerifyResult result = VerifyResult::Mismatch;
    try {
        result = hasher.verify(password.view(), args.positional().front());
    } catch (const Error& e) {
        std::cout << "MISMATCH: [" << code_name(e.code()) << "] " << e.message() << "\n";
        return kCritical;
    }
    switch (result) {
        case VerifyResult::Match: std::cout << "MATCH\n"; return kOk;
        case VerifyResult::MatchRehash:
            std::cout << "MATCH (rehash: the stored hash is below the current policy)\n";
            return kWarning;
        case VerifyResult::Mismatch: break;
    }
    std::cout << "MISMATCH\n";
    return kCritical;
}

}  // namespace verrou::cli
