// Internal: shell-style file-name matching, the same on every platform.
#pragma once

#include <string_view>

namespace verrou::common {

/// True when `name` matches `pattern` the way glibc's fnmatch(pattern, name, FNM_PERIOD) does
/// in the C locale: `*`, `?`, `[...]` (ranges, `!`/`^` negation, `[:class:]`, `[=c=]`,
/// `[.c.]`; a '[' without its ']' is an ordinary character), `\` quotes the next character,
/// and a leading '.' in `name` is only matched by a literal '.'. Byte-wise: a multibyte UTF-8
/// character counts as several characters for `?`.
bool glob_match(std::string_view pattern, std::string_view name) noexcept;

}  // namespace verrou::common
