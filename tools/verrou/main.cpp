// verrou — command-line front end of the SDK: doctor, profiles, certificates, password
// hashing, dev/recette PKI, backup freshness. Exit codes follow the Nagios convention.
#include <cstdio>
#include <iostream>
#include <string>
#include <string_view>

#include "cli.hpp"
#include "commands.hpp"
#include "verrou/error.hpp"

namespace {

constexpr const char* kUsage = R"(usage: verrou <command> [options]   (verrou <command> --help for details)

commands:
  doctor   --profile F [--env E] [--json]      diagnose a profile layer by layer
  profile  check|show|windev --profile F [--env E]
  cert     inspect FILE | check --profile F [--env E]
  hash     --profile F [--env E]              hash a password with the profile's policy
  verify   --profile F [--env E] HASH         verify a password against a stored hash
  pki      init-ca|issue-server|issue-client|revoke   dev/recette certificate authority
  field    encrypt|decrypt|rewrap|index --profile F [--env E] --context C   (value on stdin)
  field    rewrap-table --profile F --table T --column C --id-column ID --context-template 'T.C#{id}'
  keys     new --out FILE                      a fresh field-encryption key (owner-only file)
  login    init|status|unlock|purge --profile F [--env E]   the login guard (docs/login.md)
  backup   check DIR [--max-age 30h] [--pattern GLOB] [--verify-checksums] [--json]

Passwords are never taken from the command line: prompt (no echo), --password-stdin or
--password-file. Exit codes: 0 OK, 1 WARNING, 2 CRITICAL, 3 UNKNOWN (usage, unreadable input).
)";

}  // namespace

int main(int argc, char** argv) {
    using namespace verrou::cli;
    if (argc < 2) {
        std::fputs(kUsage, stderr);
        return kUnknown;
    }
    const std::string command = argv[1];
    const ArgList args(argv + 2, argv + argc);
    if (command == "-h" || command == "--help" || command == "help") {
        std::fputs(kUsage, stdout);
        return kOk;
    }
    if (command == "--version" || command == "version") {
        std::cout << "verrou " << VERROU_VERSION_STRING << "\n";
        return kOk;
    }
    try {
        if (command == "doctor") return cmd_doctor(args);
        if (command == "profile") return cmd_profile(args);
        if (command == "cert") return cmd_cert(args);
        if (command == "hash") return cmd_hash(args);
        if (command == "verify") return cmd_verify(args);
        if (command == "backup") return cmd_backup(args);
        if (command == "pki") return cmd_pki(args);
        if (command == "field") return cmd_field(args);
        if (command == "keys") return cmd_keys(args);
        if (command == "login") return cmd_login(args);
        std::cerr << "verrou: unknown command '" << command << "'\n" << kUsage;
        return kUnknown;
    } catch (const UsageError& e) {
        std::cerr << "verrou " << command << ": " << e.message << " (see verrou " << command << " --help)\n";
        return kUnknown;
    } catch (const verrou::Error& e) {
        std::cerr << "verrou " << command << ": [" << verrou::code_name(e.code()) << "] " << e.message() << "\n";
        const auto layer = e.layer();
        return layer == verrou::Layer::Usage || layer == verrou::Layer::Config ? kUnknown : kCritical;
    } catch (const std::exception& e) {
        std::cerr << "verrou " << command << ": internal error: " << e.what() << "\n";
        return kUnknown;
    }
}
