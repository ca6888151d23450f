// The TLS policy of a profile with ssl_cipher: checked once by load_profile and reused by every
// Connection::open (tls::policy_of), against the old way — the list checked again by
// Connection::open and again by the probe (two check_cipher_list per connection). Same process,
// alternating, ratio of medians. No network: this is the part of a connect that the policy saves.
//
// Usage: bench_tls_policy [ROUNDS]
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "bench_support.hpp"
#include "tls/policy.hpp"
#include "verrou/profile.hpp"

namespace {

using bench::median;

using Clock = std::chrono::steady_clock;


template <typename F>
double micros(F&& f, int reps) {
    const auto t0 = Clock::now();
    for (int i = 0; i < reps; ++i) f();
    return std::chrono::duration<double, std::micro>(Clock::now() - t0).count() / reps;
}

}  // namespace

int main(int argc, char** argv) {
    const int rounds = argc > 1 ? std::atoi(argv[1]) : 15;
    constexpr int reps = 200;
    verrou::TlsSettings tls;
    tls.min_version = verrou::TlsVersion::Tls12;
    tls.cipher = "TLS_AES_256_GCM_SHA384:TLS_CHACHA20_POLY1305_SHA256:ECDHE-ECDSA-AES256-GCM-SHA384";
    tls.policy = verrou::tls::parse_policy(tls.min_version, tls.cipher);  // what load_profile leaves
    std::size_t sink = 0;
    std::vector<double> before, after;
    for (int r = 0; r < rounds; ++r) {
        before.push_back(micros([&] {
            for (int k = 0; k < 2; ++k) sink += verrou::tls::check_cipher_list(tls.cipher, tls.min_version).list.all.size();
        }, reps));
        after.push_back(micros([&] { sink += verrou::tls::policy_of(tls)->ciphers().all.size(); }, reps));
    }
    const double b = median(before), a = median(after);
    std::printf("ssl_cipher per connection, %d rounds x %d: checked twice (before) %.2f us, policy reused (after) "
                "%.3f us, ratio %.0fx (sink %zu)\n",
                rounds, reps, b, a, b / a, sink);
    return 0;
}
