// Classification of libmariadb connect failures: text from the peer is made printable.
#include <doctest/doctest.h>

#include <mysqld_error.h>

#include "db/mariadb_error.hpp"
#include "verrou/error.hpp"

using namespace verrou;

TEST_CASE("connect failure: the server's words reach the message without control characters") {
    Profile p;
    p.host = "127.0.0.1";
    p.port = 3306;
    const ValidationReport report;
    const db::ConnectFailure f{ER_CON_COUNT_ERROR, "Too many\r\nFAKE: [OK] all good\x1b[2J" + std::string(2000, 'x'),
                               "08004"};
    const Error e = db::classify_connect_failure(p, report, f);
    const std::string m(e.message());
    CHECK(e.code() == Code::ServerError);
    CHECK(m.find("too many connections") != std::string::npos);
    CHECK(m.find('\x1b') == std::string::npos);
    CHECK(m.find('\n') == std::string::npos);
    CHECK(m.find('\r') == std::string::npos);
    CHECK(m.size() < 700);  // the peer's text is capped
}
