// One function per subcommand; each returns the process exit code (cli.hpp constants).
#pragma once

#include <string>
#include <vector>

namespace verrou::cli {

using ArgList = std::vector<std::string>;

int cmd_doctor(const ArgList& args);
int cmd_profile(const ArgList& args);
int cmd_cert(const ArgList& args);
int cmd_hash(const ArgList& args);
int cmd_verify(const ArgList& args);
int cmd_backup(const ArgList& args);
int cmd_pki(const ArgList& args);
int cmd_field(const ArgList& args);
int cmd_keys(const ArgList& args);
int cmd_login(const ArgList& args);

}  // namespace verrou::cli
