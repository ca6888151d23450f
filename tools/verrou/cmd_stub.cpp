#include "cli.hpp"
#include "commands.hpp"
namespace verrou::cli {
int cmd_backup(const ArgList&) { throw UsageError{"not built yet"}; }
int cmd_pki(const ArgList&) { throw UsageError{"not built yet"}; }
}
