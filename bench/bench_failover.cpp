// Failover time on the Galera test bed: from killing the node a client is connected to, to that
// client's first successful query (on another node). The client queries in a loop through one
// Connection with reconnect = true and a profile listing the three nodes in order: the call
// that meets the loss reports SERVER_GONE, the next one connects again through the host search
// (node 1 refused, node 2 taken). Each run kills node 1 (SIGKILL), then restarts it and waits
// until the cluster is whole again.
//
// Usage: bench_failover BED_DIR [RUNS]   (BED_DIR: a bed with the cluster up, cluster.sh up)
// bench/run-failover.sh starts a bed and the cluster, runs this, and stops them.
#include <signal.h>
#include <sys/types.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <map>
#include <string>
#include <thread>
#include <vector>

#include "verrou/connection.hpp"
#include "verrou/error.hpp"
#include "verrou/profile.hpp"

#include "bench_support.hpp"

namespace {

using bench::read_env;

using Clock = std::chrono::steady_clock;

verrou::Profile cluster_profile(const std::string& bed, const std::map<std::string, std::string>& env) {
    verrou::Profile p;
    p.source_file = bed + "/in-memory-profile";
    p.environment = "dev";
    for (int k = 1; k <= 3; ++k) {
        const std::string n = std::to_string(k);
        p.hosts.push_back(verrou::HostPort{env.at("NODE" + n + "_HOST"),
                                           static_cast<std::uint16_t>(std::stoi(env.at("NODE" + n + "_PORT")))});
    }
    p.host = p.hosts[0].host;
    p.port = p.hosts[0].port;
    p.user = "app_user";
    p.database = "appdb";
    p.connect_timeout_seconds = 5;
    p.read_timeout_seconds = 10;
    p.reconnect = true;
    p.password.kind = verrou::SecretRef::Kind::File;
    p.password.target = bed + "/secrets/app_user_password";
    p.tls.ca = bed + "/pki/dev/ca.crt";
    p.tls.cert = bed + "/pki/dev/app_user.crt";
    p.tls.key = bed + "/pki/dev/app_user.key";
    p.tls.crl = bed + "/pki/dev/crl.pem";
    p.tls.expected_cert_cn = "app_user-dev";
    return p;
}

std::string node_of(verrou::Connection& c) {
    return c.query("SHOW VARIABLES LIKE 'wsrep_node_name'").rows.at(0).at(1).value_or("?");
}

int run_shell(const std::string& cmd) {
    const int rc = std::system(cmd.c_str());
    return rc == -1 ? -1 : WEXITSTATUS(rc);
}

}  // namespace

int main(int argc, char** argv) {
    if (argc < 2) {
        std::fprintf(stderr, "usage: bench_failover BED_DIR [RUNS]\n");
        return 2;
    }
    const std::string bed = argv[1];
    const int runs = argc > 2 ? std::max(1, std::atoi(argv[2])) : 5;
    const std::string cluster_sh = std::string(VERROU_SOURCE_DIR) + "/tests/testbed/cluster.sh";
    const auto env = read_env(bed + "/cluster/cluster.env");
    if (env.empty()) {
        std::fprintf(stderr, "no cluster in %s (cluster.sh up %s)\n", bed.c_str(), bed.c_str());
        return 2;
    }
    const verrou::Profile profile = cluster_profile(bed, env);
    std::vector<double> ms;
    for (int run = 1; run <= runs; ++run) {
        verrou::Connection c = verrou::Connection::open(profile);
        if (node_of(c) != "node1") {
            std::fprintf(stderr, "run %d: the client did not start on node 1\n", run);
            return 1;
        }
        std::atomic<bool> killed{false};
        Clock::time_point t_kill;
        Clock::time_point t_ok;
        std::string reached;
        int failures = 0;
        std::thread client([&] {
            for (;;) {
                try {
                    c.query("SELECT 1");
                    // Served by another node: a query that completed on node 1 just before it
                    // died does not count.
                    if (killed.load() && c.info().host != profile.hosts[0].host) {
                        t_ok = Clock::now();
                        reached = node_of(c);
                        return;
                    }
                } catch (const verrou::Error&) {
                    ++failures;
                }
                std::this_thread::sleep_for(std::chrono::milliseconds(2));
            }
        });
        std::this_thread::sleep_for(std::chrono::milliseconds(300));
        std::ifstream pid_file(bed + "/cluster/node1/launcher.pid");
        pid_t pid = 0;
        pid_file >> pid;
        if (pid <= 0) {
            std::fprintf(stderr, "no pid for node 1\n");
            std::_Exit(1);
        }
        t_kill = Clock::now();
        killed.store(true);
        ::kill(pid, SIGKILL);
        client.join();
        const double took = std::chrono::duration<double, std::milli>(t_ok - t_kill).count();
        ms.push_back(took);
        std::printf("run %d: first successful query %.1f ms after the kill, on %s (%d failed call(s) before)\n", run,
                    took, reached.c_str(), failures);
        std::fflush(stdout);
        if (run_shell("bash " + cluster_sh + " kill " + bed + " 1 > /dev/null && bash " + cluster_sh + " start " + bed +
                      " 1 > /dev/null && bash " + cluster_sh + " wait " + bed + " 3") != 0) {
            std::fprintf(stderr, "node 1 did not come back\n");
            return 1;
        }
    }
    std::sort(ms.begin(), ms.end());
    std::printf("failover (kill -> first successful query), median of %d: %.1f ms (min %.1f, max %.1f)\n", runs,
                ms[ms.size() / 2], ms.front(), ms.back());
    return 0;
}
