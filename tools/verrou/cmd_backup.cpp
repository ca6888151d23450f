#include <iostream>

#include "cli.hpp"
#include "commands.hpp"
#include "verrou/backup.hpp"
#include "verrou/error.hpp"

namespace verrou::cli {

namespace {
constexpr const char* kHelp = R"(usage: verrou backup check DIR [--max-age 30h] [--pattern 'mariadb_*.sql.gz.gpg']
                           [--verify-checksums] [--json]

Checks that the newest file of DIR matching --pattern (a shell glob on the file name) is
younger than --max-age (s, m, h, d; default 30h), by modification time.
--verify-checksums also checks the newest backup against its NAME.sha256 sidecar
(`sha256sum` format). --json prints a machine-readable result (docs/cli.md).

Exit codes (Nagios): 0 fresh, 1 too old, 2 no matching backup or checksum missing /
mismatched, 3 folder unreadable or usage error.
)";
}  // namespace

int cmd_backup(const ArgList& argv) {
    const Args args(argv, {"--max-age", "--pattern"}, {"--verify-checksums", "--json"});
    if (args.help() || args.positional().empty()) {
        std::cout << kHelp;
        return args.help() ? kOk : kUnknown;
    }
    if (args.positional().front() != "check") throw UsageError{"unknown action '" + args.positional().front() + "' (check)"};
    if (args.positional().size() != 2) throw UsageError{"backup check takes exactly one DIR"};
    BackupCheckOptions o;
    o.dir = args.positional()[1];
    try {
        if (auto v = args.get("--max-age")) o.max_age_seconds = parse_duration(*v);
    } catch (const Error& e) {
        throw UsageError{std::string(e.message())};
    }
    if (auto v = args.get("--pattern")) o.pattern = *v;
    o.verify_checksums = args.flag("--verify-checksums");
    const BackupCheckResult r = check_backups(o);
    if (args.flag("--json")) {
        std::cout << backup_result_to_json(o, r) << "\n";
    } else {
        std::cout << "BACKUP " << r.status << " - " << r.message << " | age=" << r.newest_age_seconds
                  << "s;" << o.max_age_seconds << " files=" << r.matching_files << "\n";
    }
    return r.exit_code;
}

}  // namespace verrou::cli
