// Shared pieces of the `verrou` tool: argument parsing, exit codes, password input.
#pragma once

#include <functional>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "verrou/secret.hpp"

namespace verrou::cli {

// Nagios plugin convention, used by every subcommand (docs/cli.md).
inline constexpr int kOk = 0;
inline constexpr int kWarning = 1;
inline constexpr int kCritical = 2;
inline constexpr int kUnknown = 3;  // bad usage, unreadable input: nothing could be checked

/// Thrown for a usage error; main prints it with the subcommand's usage hint, exit 3.
struct UsageError {
    std::string message;
};

/// Parsed command line of one subcommand: --name value / --name=value options, --flags, and
/// positional arguments. Unknown options are usage errors (a typo must not be ignored).
class Args {
public:
    Args(const std::vector<std::string>& argv, const std::set<std::string>& value_options,
         const std::set<std::string>& flags);

    bool flag(const std::string& name) const { return flags_.count(name) != 0; }
    std::optional<std::string> get(const std::string& name) const;
    std::string require(const std::string& name) const;
    std::string get_or(const std::string& name, std::string fallback) const;
    const std::vector<std::string>& positional() const { return positional_; }
    bool help() const { return help_; }

private:
    std::map<std::string, std::string> values_;
    std::set<std::string> flags_;
    std::vector<std::string> positional_;
    bool help_ = false;
};

/// A password typed at a no-echo prompt on /dev/tty, read from stdin (--password-stdin,
/// one line), or from a file (--password-file). Never from the command line itself.
/// `confirm` asks twice at the prompt (for hashing a new password).
SecretBuffer read_password(const Args& args, std::string_view prompt, bool confirm);

}  // namespace verrou::cli
