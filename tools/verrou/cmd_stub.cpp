#include "cli.hpp"
#include "commands.hpp"
namespace verrou::cli {
int cmd_pki(const ArgList&) { throw UsageError{"not built yet"}; }
}
