// verrou login init | status | unlock | purge: administration of the brute-force guard of
// login() (docs/login.md), through the profile's connection and its `login` section.
#include <iostream>
#include <string>

#include "cli.hpp"
#include "commands.hpp"
#include "verrou/connection.hpp"
#include "verrou/error.hpp"
#include "verrou/login.hpp"
#include "verrou/profile.hpp"

namespace verrou::cli {

namespace {

constexpr const char* kHelp = R"(usage: verrou login init   --profile FILE [--env ENV] [--print-ddl]
       verrou login status --profile FILE [--env ENV] [--json] USER [--source SOURCE]
       verrou login unlock --profile FILE [--env ENV] USER
       verrou login purge  --profile FILE [--env ENV] --older-than SECONDS

The guard of login() (docs/login.md), in the tables of the profile's `login` section.
  init    creates the guard table if it does not exist (CREATE TABLE IF NOT EXISTS), then
          checks the guard and users tables; --print-ddl prints the DDL instead (for DBAs)
  status  the account's state (and the source's with --source): failures, throttled or
          locked and for how long, in the server's time
  unlock  clears the account's failures and lock
  purge   deletes guard rows idle for more than SECONDS, never a running lock or backoff
Exit codes: 0 OK (status: free), 1 status: throttled, 2 status: locked / a check failed,
3 usage or unreadable profile.
)";

void print_state(std::string_view kind, const std::string& name, const LoginGuardState& st) {
    std::cout << kind << " " << name << ": ";
    if (!st.known) {
        std::cout << "no failure recorded\n";
        return;
    }
    std::cout << st.failures << (kind == "account" ? " consecutive failure(s)" : " failure(s) in the window");
    switch (st.verdict) {
        case LoginVerdict::Throttled:
            std::cout << ", throttled for " << st.retry_after_seconds.value_or(0) << " s\n";
            return;
        case LoginVerdict::Locked:
            if (st.retry_after_seconds) std::cout << ", locked for " << *st.retry_after_seconds << " s\n";
            else std::cout << ", locked until an administrator unlocks it (verrou login unlock)\n";
            return;
        default: std::cout << ", free\n"; return;
    }
}

int exit_code(const LoginGuardState& st) {
    return st.verdict == LoginVerdict::Locked ? kCritical : st.verdict == LoginVerdict::Throttled ? kWarning : kOk;
}

}  // namespace

int cmd_login(const ArgList& argv) {
    const Args args(argv, {"--profile", "--env", "--source", "--older-than"}, {"--print-ddl", "--json"});
    if (args.help() || args.positional().empty()) {
        if (args.help()) {
            std::cout << kHelp;
            return kOk;
        }
        throw UsageError{"missing action: init, status, unlock or purge"};
    }
    const std::string action = args.positional().front();
    const std::vector<std::string> rest(args.positional().begin() + 1, args.positional().end());
    if (action != "init" && action != "status" && action != "unlock" && action != "purge") {
        throw UsageError{"unknown action '" + action + "': init, status, unlock or purge"};
    }
    const bool takes_user = action == "status" || action == "unlock";
    if (takes_user && rest.size() != 1) throw UsageError{action + " takes exactly one USER"};
    if (!takes_user && !rest.empty()) throw UsageError{action + " takes no USER"};
    const Profile profile = load_profile(args.require("--profile"), args.get_or("--env", ""));
    const LoginSettings& settings = profile.login;

    if (action == "init" && args.flag("--print-ddl")) {
        std::cout << login_guard_ddl(settings) << ";\n";
        return kOk;
    }
    Connection connection = Connection::open(profile);
    if (action == "init") {
        login_init(connection, settings);
        std::cout << "guard table " << settings.guard_table << " ready; users table " << settings.users_table
                  << " has the columns of the login section\n";
        return kOk;
    }
    if (action == "unlock") {
        const bool cleared = login_unlock(connection, settings, rest[0]);
        std::cout << (cleared ? "unlocked: " : "nothing to unlock (no failure recorded): ") << rest[0] << "\n";
        return kOk;
    }
    if (action == "purge") {
        const std::string text = args.require("--older-than");
        std::int64_t seconds = 0;
        try {
            std::size_t used = 0;
            seconds = std::stoll(text, &used);
            if (used != text.size()) throw std::invalid_argument("trailing text");
        } catch (const std::exception&) {
            throw UsageError{"--older-than takes a number of seconds"};
        }
        std::cout << login_purge(connection, settings, seconds) << " row(s) purged\n";
        return kOk;
    }
    // status
    const LoginGuardState account = login_account_state(connection, settings, rest[0]);
    std::optional<LoginGuardState> source;
    if (const auto s = args.get("--source")) source = login_source_state(connection, settings, *s);
    if (args.flag("--json")) {
        std::cout << "[" << login_state_json("account", rest[0], account);
        if (source) std::cout << ",\n" << login_state_json("source", *args.get("--source"), *source);
        std::cout << "]\n";
    } else {
        print_state("account", rest[0], account);
        if (source) print_state("source", *args.get("--source"), *source);
    }
    return std::max(exit_code(account), source ? exit_code(*source) : kOk);
}

}  // namespace verrou::cli
