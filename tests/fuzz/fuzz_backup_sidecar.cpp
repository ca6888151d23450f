// Fuzz target: what `verrou backup check` reads that someone else wrote — the .sha256 sidecar
// (sha256sum format) beside a backup, and the --max-age duration.
// First byte: even → sidecar_hash(rest, backup name); odd → parse_duration(rest).
// Properties: a hash found is 64 lower-case hex digits; a duration's number is at most 100 years
// of seconds whatever its unit (so n * 86400 cannot overflow);
// INVALID_ARGUMENT only, messages valid UTF-8.
#include <cstddef>
#include <cstdint>
#include <string>

#include "backup/sidecar.hpp"
#include "fuzz_check.hpp"
#include "verrou/backup.hpp"

using namespace verrou;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    if (size == 0) return 0;
    const std::string_view rest(reinterpret_cast<const char*>(data) + 1, size - 1);
    if ((data[0] & 1) == 0) {
        const auto h = backup_detail::sidecar_hash(rest, "mariadb_2026-12-05.sql.gz.gpg");
        if (h) {
            fuzz::check(h->size() == 64 && h->find_first_not_of("0123456789abcdef") == std::string::npos,
                        "sidecar hash is not 64 lower-case hex digits", *h);
        }
        return 0;
    }
    try {
        const long long s = parse_duration(rest);
        fuzz::check(s >= 0 && s <= 100LL * 365 * 86400 * 86400, "duration out of range", rest);  // the number x a day
    } catch (const Error& e) {
        fuzz::check_error(e, {Code::InvalidArgument});
    }
    return 0;
}
