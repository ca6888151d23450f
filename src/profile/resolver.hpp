// src/profile/resolver.hpp — steps shared by load_profile and load_password_hasher.
#pragma once

#include <string>
#include <string_view>

#include "profile/schema.hpp"
#include "profile/tree.hpp"

namespace verrou::profile_detail {

/// Explicit argument, then $VERROU_ENV, then default_environment; throws
/// CONFIG_UNKNOWN_ENVIRONMENT listing the known names.
std::string choose_environment_in(const Tree& tree, std::string_view requested);

/// The environment's settings with [defaults] underneath. A group (password source,
/// passphrase source, one pepper) set in the environment replaces the inherited group
/// as a whole, so "password_env" in prod overrides "password_file" in defaults instead of
/// clashing with it.
Section effective_section(const Tree& tree, const std::string& environment);

/// Reads a Text/Path value: ${VAR} expanded; for paths also leading ~ and the profile's
/// folder for relative paths. Windows paths (C:\..., \\server\share) are kept verbatim.
std::string resolve_text(const Tree& tree, const Value& v, std::string_view key, KeyType type);

/// Builds a SecretRef from a group of keys ("password" → password_file / _env / _secret /
/// password) found in `section`; Kind::None when none is set.
SecretRef secret_ref_from(const Tree& tree, const Section& section, std::string_view file_key,
                          std::string_view env_key, std::string_view secret_key,
                          std::string_view inline_key);

}  // namespace verrou::profile_detail
