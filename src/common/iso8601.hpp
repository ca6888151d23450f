// ISO 8601 UTC timestamps ("2026-11-22T07:21:21Z"): the one format verrou prints dates in
// (certificate dates, CRL updates, backup times, "now" in clock messages).
#pragma once

#include <ctime>
#include <string>

namespace verrou {

/// `utc` (a broken-down UTC time) as "YYYY-MM-DDTHH:MM:SSZ"; "" when it cannot be formatted.
std::string iso8601(const std::tm& utc);
/// `t` (seconds since the epoch) in UTC.
std::string iso8601(std::time_t t);

}  // namespace verrou
