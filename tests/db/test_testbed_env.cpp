// Sanity checks that the test bed the fixture started is the one the tests expect.
#include <doctest/doctest.h>

#include "testbed.hpp"

TEST_CASE("the test bed publishes its servers and PKI") {
    const auto& bed = verrou::test::Testbed::get();
    CHECK(bed.port("strict") > 0);
    CHECK(bed.port("tls12") > 0);
    CHECK(bed.port("plain") > 0);
    CHECK(verrou::test::file_exists(bed.pki("dev/ca.crt")));
    CHECK(verrou::test::file_exists(bed.pki("dev/app_user.crt")));
}
