#include <iostream>

#include "cli.hpp"
#include "commands.hpp"
#include "verrou/doctor.hpp"

namespace verrou::cli {

namespace {
constexpr const char* kHelp = R"(usage: verrou doctor --profile FILE [--env ENV] [--json]

Walks the layers of an mTLS connection in order and reports each one as OK / WARNING /
FAILED with the cause and a hint: 1 profile, 2 secrets, 3 certificates, 4 DNS, 5 TCP,
6 TLS (the server's chain, version, cipher), 7 SQL authentication (CURRENT_USER(),
Ssl_version). Stops at the first failed layer; later steps are SKIPPED. No secret is ever
printed. --json prints the stable JSON report (docs/doctor.md).

Exit codes (Nagios): 0 OK, 1 WARNING (e.g. certificate inside expiry_warning_days),
2 CRITICAL (a layer failed), 3 UNKNOWN (profile unreadable, unknown environment, usage).
)";
}  // namespace

int cmd_doctor(const ArgList& argv) {
    const Args args(argv, {"--profile", "--env"}, {"--json"});
    if (args.help()) {
        std::cout << kHelp;
        return kOk;
    }
    if (!args.positional().empty()) throw UsageError{"unexpected argument '" + args.positional().front() + "'"};
    const DoctorReport report = run_doctor(args.require("--profile"), args.get_or("--env", ""));
    std::cout << (args.flag("--json") ? doctor_report_to_json(report) + "\n" : doctor_report_to_text(report));
    return static_cast<int>(report.exit_code());
}

}  // namespace verrou::cli
