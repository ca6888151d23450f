// tests/error_of.hpp — the one helper for "this call must throw verrou::Error": it runs the call
// and returns the error, so a test can check its code and message. A call that succeeds, or
// throws anything else, fails the test.
#pragma once

#include <doctest/doctest.h>

#include <exception>

#include "verrou/error.hpp"

namespace verrou::test {

template <typename Call>
verrou::Error error_of(Call&& call) {
    try {
        call();
    } catch (const verrou::Error& e) {
        return e;
    } catch (const std::exception& e) {
        FAIL("expected verrou::Error, got std::exception: " << e.what());
    }
    FAIL("expected verrou::Error, the call succeeded");
    return verrou::Error(verrou::Code::Internal, "unreachable");
}

}  // namespace verrou::test
