// verrou keys new: a fresh field-encryption key file (docs/encryption.md).
#include <iostream>

#include "cli.hpp"
#include "commands.hpp"
#include "verrou/encryption.hpp"
#include "verrou/error.hpp"

namespace verrou::cli {

namespace {
constexpr const char* kHelp = R"(usage: verrou keys new --out FILE

Writes a fresh random 32-byte key (AES-256 or blind-index key), in standard Base64 followed
by a newline, to FILE: never overwrites an existing file, owner-only permissions (0600). The
key is never printed. Reference it from the profile, e.g.
  [defaults.encryption.keys.k2026]
  file = FILE
Exit 0 written, 3 usage error or FILE exists / cannot be written.
)";
}  // namespace

int cmd_keys(const ArgList& argv) {
    const Args args(argv, {"--out"}, {});
    if (args.help() || args.positional().empty()) {
        std::cout << kHelp;
        return args.help() ? kOk : kUnknown;
    }
    if (args.positional().front() != "new") throw UsageError{"unknown action '" + args.positional().front() + "' (new)"};
    if (args.positional().size() != 1) throw UsageError{"keys new takes no argument besides --out FILE"};
    const std::string out = args.require("--out");
    try {
        write_new_field_key(out);
    } catch (const Error& e) {
        std::cerr << "verrou keys: [" << code_name(e.code()) << "] " << e.message() << "\n";
        return kUnknown;
    }
    std::cout << "wrote a new 32-byte key to " << out << " (owner-only); reference it as encryption.keys.<id>.file\n";
    return kOk;
}

}  // namespace verrou::cli
