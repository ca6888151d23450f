// What OCSP (docs/ocsp.md, issue #17) costs Connection::open, against the bed's strict server
// (TLS 1.3, mTLS) and the test bed's scriptable responder on 127.0.0.1
// (tests/db/ocsp_responder.hpp, reused as is), in one process:
//  1. warm: open + close with ocsp = hard and the good answer cached vs the same profile with
//     ocsp = off, alternating (goal: hard / off <= 1.05); the responder must get no request;
//  2. the warm server check alone, as Connection::open calls it (ocsp::check_server, cache hit);
//  3. cold: both caches emptied (ocsp::clear_caches) before each hard connect — probe, one
//     exchange with the responder, then the connect — against an off connect of the same round,
//     and the probe alone, so the difference can be split into probe and OCSP exchange.
// The bed's dev/server certificate names no responder: the profile's ocsp_url points at it,
// which only changes where the URL comes from (once per probe), not the path measured.
//
// Usage: bench_ocsp BED_DIR [ROUNDS] [COLD_ROUNDS]   (BED_DIR from tests/testbed/testbed.sh up)
// bench/run-ocsp.sh starts a bed, runs this, and stops the bed.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <string>
#include <vector>

#include "db/ocsp_responder.hpp"
#include "ocsp/ocsp.hpp"
#include "tls/policy.hpp"
#include "tls/probe.hpp"
#include "verrou/connection.hpp"

#include "bench_support.hpp"

namespace {

using bench::median;
using bench::percentile;
using Clock = std::chrono::steady_clock;

struct Profiles {
    verrou::Profile off;
    verrou::Profile hard;
};

template <typename F>
double micros(F&& f) {
    const auto t0 = Clock::now();
    f();
    return std::chrono::duration<double, std::micro>(Clock::now() - t0).count();
}

double connect_us(const verrou::Profile& p) {
    return micros([&] { auto c = verrou::Connection::open(p); });
}

// One named function per warm contender: callgrind (docs/benchmarks.md) then counts each one's
// instructions by name, a figure the machine's load cannot move.
[[gnu::noinline]] double open_hard_warm(const Profiles& p) { return connect_us(p.hard); }
[[gnu::noinline]] double open_off(const Profiles& p) { return connect_us(p.off); }

void report(const char* what, const std::vector<double>& us) {
    std::printf("%-44s median %9.1f us  p10 %9.1f  p90 %9.1f  p99 %9.1f  max %9.1f\n", what, median(us),
                percentile(us, 10), percentile(us, 90), percentile(us, 99), percentile(us, 100));
}

/// The bed's app_user profile (tests/db/bed_profile.hpp) with OCSP off, and the same with
/// ocsp = hard asking `responder`.
Profiles profiles_for(const verrou::test::OcspResponder& responder) {
    Profiles p{verrou::test::bed_profile(), {}};
    p.off.tls.ocsp = verrou::OcspMode::Off;
    p.hard = p.off;
    p.hard.tls.ocsp = verrou::OcspMode::Hard;
    p.hard.tls.ocsp_url = responder.url();
    return p;
}

/// 1. Warm: alternating, the order flipping every round so neither always runs second.
void warm_phase(const Profiles& p, const verrou::test::OcspResponder& responder, int rounds) {
    const int before = responder.requests();
    std::vector<double> hard, off;
    for (int i = 0; i < rounds; ++i) {
        if (i % 2 == 0) hard.push_back(open_hard_warm(p));
        off.push_back(open_off(p));
        if (i % 2 == 1) hard.push_back(open_hard_warm(p));
    }
    std::printf("warm: %d rounds (alternating) of Connection::open + close\n", rounds);
    report("ocsp = hard, answer cached", hard);
    report("ocsp = off", off);
    std::printf("ratio hard / off (medians): %.3f (goal <= 1.05)\n", median(hard) / median(off));
    std::printf("responder requests during the warm phase: %d (expected 0)\n", responder.requests() - before);
}

/// 2. The check Connection::open runs before libmariadb when the cache is warm.
void warm_check(const Profiles& p) {
    const auto policy = verrou::tls::policy_of(p.hard.tls);
    constexpr int kBatches = 21, kCalls = 1000;
    std::vector<double> per_call;
    for (int b = 0; b < kBatches; ++b) {
        per_call.push_back(micros([&] {
                               for (int i = 0; i < kCalls; ++i) (void)verrou::ocsp::check_server(p.hard, policy);
                           }) /
                           kCalls);
    }
    std::printf("warm ocsp::check_server alone (%d batches x %d calls): median %.3f us per call\n", kBatches,
                kCalls, median(per_call));
}

/// 3. Cold: an empty cache before every hard connect (a first connect, or the first after the
/// cached answer expired).
void cold_phase(const Profiles& p, const verrou::test::OcspResponder& responder, int rounds) {
    const auto policy = verrou::tls::policy_of(p.hard.tls);
    const int before = responder.requests();
    std::vector<double> cold, off, probe, extra;
    for (int i = 0; i < rounds; ++i) {
        verrou::ocsp::clear_caches();
        const double c = connect_us(p.hard);
        const double o = connect_us(p.off);
        probe.push_back(micros([&] { (void)verrou::tls::probe_server(verrou::tls::probe_options_for(p.hard, policy)); }));
        cold.push_back(c);
        off.push_back(o);
        extra.push_back(c - o);
    }
    std::printf("cold: %d rounds, caches emptied before each hard connect\n", rounds);
    report("ocsp = hard, empty cache", cold);
    report("ocsp = off", off);
    report("probe alone (TLS handshake, no login)", probe);
    report("cold - off, same round", extra);
    std::printf("cold cost (median of cold - off): %.1f us; minus the probe's median: %.1f us for the OCSP "
                "exchange and its checks\n",
                median(extra), median(extra) - median(probe));
    std::printf("responder requests during the cold phase: %d (expected %d)\n", responder.requests() - before,
                rounds);
}

}  // namespace

int main(int argc, char** argv) {
    if (argc < 2) {
        std::fprintf(stderr, "usage: %s BED_DIR [ROUNDS] [COLD_ROUNDS]\n", argv[0]);
        return 2;
    }
    const int rounds = argc > 2 ? std::max(1, std::atoi(argv[2])) : 200;
    const int cold_rounds = argc > 3 ? std::max(1, std::atoi(argv[3])) : 20;
    // The test helpers find the bed through VERROU_TESTBED (tests/testbed.hpp).
    ::setenv("VERROU_TESTBED", argv[1], 1);
    try {
        verrou::test::OcspResponder responder("bench");
        const Profiles p = profiles_for(responder);
        // Warm-up: libmariadb, OpenSSL and the validation cache, and the one answer fetched.
        for (int i = 0; i < 3; ++i) {
            connect_us(p.off);
            connect_us(p.hard);
        }
        std::printf("responder requests during the warm-up (3 hard connects): %d (expected 1)\n",
                    responder.requests());
        warm_phase(p, responder, rounds);
        warm_check(p);
        cold_phase(p, responder, cold_rounds);
    } catch (const std::exception& e) {
        // verrou's messages name certificates and responders, never a secret (docs/errors.md).
        std::fprintf(stderr, "bench_ocsp: %s\n", e.what());
        return 1;
    }
    return 0;
}
