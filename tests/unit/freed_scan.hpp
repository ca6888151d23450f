// Freed-memory scan for the unit tests: finds copies of a secret that were freed unwiped.
//
// freed_scan.cpp replaces the global operator new/delete of the whole verrou_unit_tests binary;
// while a scan runs, every block C++ code frees is searched for the secret.
#pragma once

#include <functional>
#include <string_view>

namespace freed_scan {

/// Runs `f` with the scan on; returns how many freed blocks held a piece of `secret` (its
/// first and its last 12 characters are looked for, so a partial copy counts too). `secret`
/// must be at least 12 characters long.
int unwiped_blocks(std::string_view secret, const std::function<void()>& f);

}  // namespace freed_scan
