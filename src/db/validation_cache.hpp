// Internal: remembers recent validation reports so that an application opening many
// connections with one profile does not re-parse its certificates and key every time
// (OpenSSL 3's PEM key decoder alone costs a third of a TLS connect).
//
// An entry is reused only while (a) every file it read is unchanged — same device, inode,
// size and modification time — (b) the TLS settings are identical, and (c) it is younger
// than `ttl` (60 s), so date-based findings (expiry, rollover) are at most that stale.
// Failed reports are never cached: a fixed file is picked up at the next attempt. Rotated
// certificates need no flush either: a replaced file has another inode, size or mtime.
#pragma once

#include <chrono>

#include "verrou/certificate.hpp"
#include "verrou/profile.hpp"

namespace verrou::db {

/// validate_tls_material(profile), or a cached copy still valid under the rules above.
ValidationReport validate_cached(const Profile& profile,
                                 std::chrono::seconds ttl = std::chrono::seconds(60));

}  // namespace verrou::db
