// Internal: the "what to do about it" line of a doctor step, by error code.
#pragma once

#include <string>

#include "verrou/error.hpp"
#include "verrou/profile.hpp"

namespace verrou::doctor_detail {

/// A short, actionable hint for `code`; `profile` (may be null) lets it name the settings
/// involved. Never contains secret material.
std::string hint_for(Code code, const Profile* profile);

}  // namespace verrou::doctor_detail
