#include "common/iso8601.hpp"

namespace verrou {

std::string iso8601(const std::tm& utc) {
    char buf[32];
    if (std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &utc) == 0) return {};
    return buf;
}

std::string iso8601(std::time_t t) {
    std::tm tm{};
#ifdef _WIN32
    gmtime_s(&tm, &t);
#else
    gmtime_r(&t, &tm);
#endif
    return iso8601(tm);
}

}  // namespace verrou
