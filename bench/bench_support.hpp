// bench/bench_support.hpp — what the benchmarks share: reading a test bed's KEY=VALUE files and
// a whole file, contenders timed in interleaved rounds, and the median and percentiles of timings.
#pragma once

#include <algorithm>
#include <chrono>
#include <functional>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <vector>

namespace bench {

/// KEY=VALUE lines of a bed file (testbed.env, cluster/cluster.env).
inline std::map<std::string, std::string> read_env(const std::string& path) {
    std::map<std::string, std::string> values;
    std::ifstream in(path);
    std::string line;
    while (std::getline(in, line)) {
        const auto eq = line.find('=');
        if (eq != std::string::npos) values[line.substr(0, eq)] = line.substr(eq + 1);
    }
    return values;
}

/// The whole file, without its trailing line break (a secret file as libmariadb wants it).
inline std::string slurp(const std::string& path) {
    std::ifstream in(path);
    std::stringstream ss;
    ss << in.rdbuf();
    std::string s = ss.str();
    while (!s.empty() && (s.back() == '\n' || s.back() == '\r')) s.pop_back();
    return s;
}

inline double median(std::vector<double> v) {
    if (v.empty()) return 0;
    std::sort(v.begin(), v.end());
    return v.size() % 2 ? v[v.size() / 2] : (v[v.size() / 2 - 1] + v[v.size() / 2]) / 2;
}

/// The p-th percentile (0..100) of timings, interpolated between the two nearest ranks (numpy's
/// default), so percentile(v, 50) == median(v): tails show what a median hides (a connect that
/// waited for the responder, a scheduler hiccup on a shared machine).
inline double percentile(std::vector<double> v, double p) {
    if (v.empty()) return 0;
    std::sort(v.begin(), v.end());
    const double rank = std::clamp(p, 0.0, 100.0) / 100.0 * static_cast<double>(v.size() - 1);
    const auto lo = static_cast<std::size_t>(rank);
    const std::size_t hi = std::min(lo + 1, v.size() - 1);
    return v[lo] + (rank - static_cast<double>(lo)) * (v[hi] - v[lo]);
}

/// One way of doing the work being compared, and its timings in milliseconds.
struct Contender {
    std::string name;
    std::function<void()> run;
    std::vector<double> ms;
};

/// One warm-up call each (page faults, CPU frequency, lazy initialisation), then `rounds`
/// rounds in which every contender runs once, the order rotating by one each round: a slow
/// spell of a shared machine falls on all of them, and none always follows the same neighbour.
inline void run_interleaved(std::vector<Contender>& contenders, int rounds) {
    for (auto& c : contenders) c.run();
    for (int r = 0; r < rounds; ++r) {
        for (std::size_t k = 0; k < contenders.size(); ++k) {
            Contender& c = contenders[(k + static_cast<std::size_t>(r)) % contenders.size()];
            const auto t0 = std::chrono::steady_clock::now();
            c.run();
            c.ms.push_back(std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count());
        }
    }
}

}  // namespace bench
