// The process-wide host back-off (src/cluster/backoff.hpp) from many threads at once, as the
// searches and pools of a service use it: failures, successes, lookups and search orders on the
// same hosts. ThreadSanitizer (label threads) judges the locking; the checks judge that a search
// order always holds every host once.
#include <doctest/doctest.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <string>
#include <thread>
#include <vector>

#include "cluster/backoff.hpp"

using namespace verrou;
using verrou::cluster::HostBackoff;

TEST_CASE("host back-off: eight threads failing, clearing and ordering the same hosts") {
    HostBackoff r;
    const std::vector<HostPort> hosts{{"db1", 3306}, {"db2", 3306}, {"db3", 3306}, {"db4", 3306}};
    std::atomic<int> bad_orders{0};
    std::vector<std::thread> threads;
    for (int t = 0; t < 8; ++t) {
        threads.emplace_back([&, t] {
            for (int i = 0; i < 2000; ++i) {
                const HostPort& h = hosts[static_cast<std::size_t>(i + t) % hosts.size()];
                const auto now = HostBackoff::Clock::now();
                switch ((i + t) % 5) {
                    case 0: r.failed(h, std::nullopt, std::chrono::seconds(5), now); break;
                    case 1: r.failed(h, Target::Writable, std::chrono::seconds(5), now); break;
                    case 2: r.succeeded(h, (i & 1) ? Target::Writable : Target::Any, now); break;
                    case 3: r.lost(h, now - std::chrono::seconds(1), std::chrono::seconds(5), now); break;
                    default: (void)r.down_for(h, Target::Writable, now); break;
                }
                std::vector<HostPort> order = hosts;
                r.up_first(order, (i & 1) ? Target::Writable : Target::Any, now);
                std::vector<std::string> seen;
                for (const HostPort& o : order) seen.push_back(o.text());
                std::sort(seen.begin(), seen.end());
                if (seen != std::vector<std::string>{"db1:3306", "db2:3306", "db3:3306", "db4:3306"}) ++bad_orders;
            }
        });
    }
    for (auto& th : threads) th.join();
    CHECK(bad_orders.load() == 0);
}
