// src/profile/login_section.hpp — the profile's `login` section → LoginSettings.
#pragma once

#include <string>

#include "profile/tree.hpp"
#include "verrou/profile.hpp"

namespace verrou::profile_detail {

/// Reads the environment's login.* keys (already type- and range-checked by validate_tree) over
/// the defaults, then the rules between keys (LoginSettings::validate), located in the file.
LoginSettings read_login_section(const Tree& tree, const Section& section, const std::string& environment);

}  // namespace verrou::profile_detail
