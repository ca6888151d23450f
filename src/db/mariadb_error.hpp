// Internal: turns libmariadb's connect errors into verrou's layered codes, with the likely
// causes a support technician can check.
#pragma once

#include <string>

#include "verrou/certificate.hpp"
#include "verrou/error.hpp"
#include "verrou/profile.hpp"

namespace verrou::db {

struct ConnectFailure {
    unsigned int mysql_errno = 0;
    std::string mysql_message;
    std::string sqlstate;
};

/// Builds the Error a failed mysql_real_connect deserves. May run the TLS probe to explain a
/// handshake failure precisely (the probe sends no credential).
Error classify_connect_failure(const Profile& profile, const ValidationReport& report,
                               const ConnectFailure& failure);

}  // namespace verrou::db
