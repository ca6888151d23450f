// The OCSP caches (src/ocsp: good answers and the last certificate checked per server, one
// process-wide mutex) under real concurrency: eight threads connecting to the bed's strict
// server with ocsp = hard while the caches are emptied under them, then a warm cache serving
// every thread without a request. Labelled `threads` in CTest (run under ThreadSanitizer by the
// TSan build of that label); the responder is the bed's own (tests/db/ocsp_responder.hpp).
#include <doctest/doctest.h>

#include <atomic>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "db/ocsp_responder.hpp"
#include "ocsp/ocsp.hpp"
#include "verrou/connection.hpp"

using namespace verrou;
using verrou::test::OcspResponder;

namespace {

constexpr int kThreads = 8;

/// Runs `connects` Connection::open of `profile` on each of kThreads threads started together;
/// `between(thread, i)` runs after each connect. The first failure's message, or "".
template <class Between>
std::string connect_from_threads(const Profile& profile, int connects, Between between) {
    std::atomic<int> ready{0};
    std::mutex mutex;
    std::string first_error;
    std::vector<std::thread> threads;
    for (int t = 0; t < kThreads; ++t) {
        threads.emplace_back([&, t] {
            ready.fetch_add(1);
            while (ready.load() < kThreads) std::this_thread::yield();
            for (int i = 0; i < connects; ++i) {
                try {
                    Connection c = Connection::open(profile);
                } catch (const std::exception& e) {
                    const std::lock_guard<std::mutex> lock(mutex);
                    if (first_error.empty()) first_error = e.what();
                }
                between(t, i);
            }
        });
    }
    for (auto& th : threads) th.join();
    return first_error;
}

}  // namespace

TEST_CASE("ocsp caches: eight threads connecting with ocsp = hard while the caches are emptied") {
    OcspResponder responder("threads");
    Profile hard = verrou::test::bed_profile();
    hard.tls.ocsp = OcspMode::Hard;
    hard.tls.ocsp_url = responder.url();
    ocsp::clear_caches();

    // Cold and churning: every thread now and then empties both caches or forgets the server,
    // so lookups, fetches, inserts and erasures interleave. Each connect asks at most once.
    constexpr int kConnects = 4;
    const std::string error = connect_from_threads(hard, kConnects, [&](int t, int i) {
        if ((t + i) % 3 == 0) ocsp::clear_caches();
        else if ((t + i) % 3 == 1) ocsp::forget_server(hard);
    });
    CHECK_MESSAGE(error.empty(), error);
    const int churned = responder.requests();
    CHECK(churned >= 1);
    CHECK(churned <= kThreads * kConnects);

    // Warm: one answer, shared by every thread: no request at all.
    Connection::open(hard);
    const int warm = responder.requests();
    CHECK(connect_from_threads(hard, 3, [](int, int) {}).empty());
    CHECK(responder.requests() == warm);
}
