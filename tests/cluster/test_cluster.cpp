// Multi-host profiles against a real three-node Galera cluster (tests/testbed/cluster.sh):
// the host search, targets, a node outside the primary component, a certificate for another
// name, all hosts down within failover_timeout_seconds, and a killed node with a pool and an
// in-flight statement, then its return. The binary starts the cluster once (about a minute)
// and stops it at exit; every case leaves the three nodes Synced. One CTest test (label
// cluster, RESOURCE_LOCK galera_cluster).
#include <doctest/doctest.h>

#include <chrono>
#include <cstdlib>
#include <fstream>
#include <future>
#include <map>
#include <set>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "cluster/backoff.hpp"
#include "db/bed_profile.hpp"
#include <nlohmann/json.hpp>

#include "verrou/connection.hpp"
#include "verrou/doctor.hpp"
#include "verrou/error.hpp"
#include "verrou/native_options.hpp"
#include "verrou/pool.hpp"

using namespace verrou;
using verrou::test::bed_profile;
using verrou::test::Testbed;
using Clock = std::chrono::steady_clock;

namespace {

int sh(const std::string& cmd) {
    const int rc = std::system(cmd.c_str());
    return rc == -1 ? -1 : WEXITSTATUS(rc);
}

/// The cluster, started by the first case that needs it, stopped when the binary exits.
class ClusterBed {
public:
    static ClusterBed& get() {
        static ClusterBed bed;
        return bed;
    }
    HostPort node(int k) const {
        return HostPort{env_.at("NODE" + std::to_string(k) + "_HOST"),
                        static_cast<std::uint16_t>(std::stoi(env_.at("NODE" + std::to_string(k) + "_PORT")))};
    }
    void run(const std::string& args) const {
        const int rc = sh("bash " VERROU_SOURCE_DIR "/tests/testbed/cluster.sh " + args);
        if (rc != 0) throw std::runtime_error("cluster.sh " + args + " failed (" + std::to_string(rc) + ")");
    }
    void sql(int k, const std::string& statement) const {
        run("sql " + dir_ + " " + std::to_string(k) + " \"" + statement + "\" > /dev/null");
    }
    void wait(int size) const { run("wait " + dir_ + " " + std::to_string(size)); }
    const std::string& dir() const { return dir_; }

    ~ClusterBed() { sh("bash " VERROU_SOURCE_DIR "/tests/testbed/cluster.sh down " + dir_ + " > /dev/null 2>&1"); }

private:
    ClusterBed() : dir_(Testbed::get().dir()) {
        const auto t0 = Clock::now();
        run("up " + dir_ + " 3");
        MESSAGE("cluster up in " << std::chrono::duration<double>(Clock::now() - t0).count() << " s");
        std::ifstream in(dir_ + "/cluster/cluster.env");
        std::string line;
        while (std::getline(in, line)) {
            const auto eq = line.find('=');
            if (eq != std::string::npos) env_[line.substr(0, eq)] = line.substr(eq + 1);
        }
    }
    std::string dir_;
    std::map<std::string, std::string> env_;
};

/// app_user over mTLS to the listed nodes (VERIFY_IDENTITY against each host's own name).
Profile cluster_profile(const std::vector<HostPort>& hosts) {
    Profile p = bed_profile();
    p.hosts = hosts;
    p.host = hosts.front().host;
    p.port = hosts.front().port;
    p.failover_timeout_seconds = 30;
    p.connect_timeout_seconds = 5;
    return p;
}

Profile all_nodes() {
    const ClusterBed& c = ClusterBed::get();
    return cluster_profile({c.node(1), c.node(2), c.node(3)});
}

std::string node_name(Connection& c) {
    return c.query("SHOW VARIABLES LIKE 'wsrep_node_name'").rows.at(0).at(1).value();
}

template <typename F>
Error failure_of(F&& call) {
    try {
        call();
    } catch (const Error& e) {
        return e;
    }
    FAIL("the call succeeded although it should have failed");
    return Error(Code::Internal, "unreachable");
}

bool contains(const std::string& hay, const std::string& needle) { return hay.find(needle) != std::string::npos; }

std::vector<Warning> skipped(const Connection& c) {
    std::vector<Warning> out;
    for (const Warning& w : c.info().warnings) {
        if (w.code == "host_skipped") out.push_back(w);
    }
    return out;
}

/// Waits until no node is marked down (src/cluster/backoff.hpp) by an earlier case, so that a
/// case asserting which node is reached starts from the file order. Waits on the state, bounded.
void no_node_marked_down() {
    const ClusterBed& bed = ClusterBed::get();
    for (int i = 0; i < 1300; ++i) {
        bool any = false;
        for (int k = 1; k <= 3; ++k) {
            for (Target t : {Target::Any, Target::Writable, Target::ReadOnly}) {
                any = any || cluster::HostBackoff::process().down_for(bed.node(k), t, Clock::now()).has_value();
            }
        }
        if (!any) return;
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    FAIL("a node is still marked down after 130 s");
}

bool marked_down(const HostPort& host, Target target = Target::Any) {
    return cluster::HostBackoff::process().down_for(host, target, Clock::now()).has_value();
}

/// A port nobody listens on (below 1024, never bound by the bed): connect is refused at once.
constexpr std::uint16_t closed_port() { return 1; }

}  // namespace

TEST_CASE("cluster: in_order reaches the first node, random spreads, reached is said") {
    const ClusterBed& bed = ClusterBed::get();
    no_node_marked_down();
    Profile p = all_nodes();
    Connection c = Connection::open(p);
    CHECK(node_name(c) == "node1");
    CHECK(c.info().reached == bed.node(1).text());
    CHECK(c.info().host == bed.node(1).host);
    CHECK(c.info().port == bed.node(1).port);
    CHECK(skipped(c).empty());

    p.host_order = HostOrder::Random;
    std::set<std::string> seen;
    for (int i = 0; i < 30 && seen.size() < 3; ++i) {
        Connection r = Connection::open(p);
        seen.insert(node_name(r));
    }
    CHECK(seen.size() == 3);

    // A dead first entry is skipped with a warning naming it and its layer.
    Profile dead_first = cluster_profile({HostPort{"127.0.0.1", closed_port()}, bed.node(2)});
    Connection d = Connection::open(dead_first);
    CHECK(node_name(d) == "node2");
    REQUIRE(skipped(d).size() == 1);
    CHECK(contains(skipped(d)[0].message, "127.0.0.1:1"));
    CHECK(contains(skipped(d)[0].message, "NETWORK"));

    // WinDev's native access gets the host a search reaches, not the dead first entry.
    const NativeOptions native = native_options(dead_first);
    CHECK(native.server == bed.node(2).host);
    CHECK(native.port == bed.node(2).port);
}

TEST_CASE("cluster: the doctor walks every host and reports the cluster as each node sees it") {
    const ClusterBed& bed = ClusterBed::get();
    no_node_marked_down();
    const DoctorReport r = run_doctor(all_nodes());
    MESSAGE(doctor_report_to_text(r));
    CHECK(r.status() == DoctorStatus::Ok);
    const DoctorStep* hosts = r.step("hosts");
    REQUIRE(hosts != nullptr);
    CHECK(hosts->status == DoctorStatus::Ok);
    CHECK(contains(hosts->message, "3 of 3 hosts usable"));
    REQUIRE(r.hosts.size() == 3);
    for (int k = 1; k <= 3; ++k) {
        const DoctorHost& h = r.hosts[static_cast<std::size_t>(k - 1)];
        CAPTURE(h.host);
        CHECK(h.host == bed.node(k).text());
        CHECK(h.reached);
        CHECK(h.usable);
        CHECK(h.read_only == false);
        CHECK(h.wsrep_on == true);
        CHECK(h.wsrep_cluster_size == "3");
        CHECK(h.wsrep_local_state_comment == "Synced");
        CHECK(h.wsrep_cluster_status == "Primary");
    }
    CHECK(contains(doctor_report_to_text(r), bed.node(2).text() + ": reached, usable; writable; Galera as this node "
                                                                  "sees it: cluster size 3, Synced, Primary"));
    // The order of the steps: the hosts step comes before those that look at one host.
    std::vector<std::string> names;
    for (const DoctorStep& s : r.steps) names.push_back(s.name);
    CHECK(names == std::vector<std::string>{"profile", "secrets", "certificates", "hosts", "dns", "tcp", "tls", "revocation", "auth"});
}

TEST_CASE("cluster: target = writable skips a read_only node, target = read_only finds it") {
    const ClusterBed& bed = ClusterBed::get();
    no_node_marked_down();
    bed.sql(1, "SET GLOBAL read_only = 1");
    struct Restore {
        const ClusterBed& bed;
        ~Restore() {
            try {
                bed.sql(1, "SET GLOBAL read_only = 0");
            } catch (...) {
            }
        }
    } restore{bed};
    Profile p = all_nodes();
    p.target = Target::Writable;
    Connection w = Connection::open(p);
    CHECK(node_name(w) == "node2");
    CHECK(w.info().reached == bed.node(2).text());
    REQUIRE(skipped(w).size() == 1);
    CHECK(contains(skipped(w)[0].message, bed.node(1).text()));
    CHECK(contains(skipped(w)[0].message, "not writable"));
    // Up but of the wrong role: tried last by the searches for writable only.
    CHECK(marked_down(bed.node(1), Target::Writable));
    CHECK_FALSE(marked_down(bed.node(1), Target::ReadOnly));
    w.execute("CREATE TABLE IF NOT EXISTS appdb.cluster_writes (id INT PRIMARY KEY) ENGINE=InnoDB");

    p.target = Target::ReadOnly;
    p.hosts = {bed.node(2), bed.node(1), bed.node(3)};
    Connection r = Connection::open(p);
    CHECK(node_name(r) == "node1");
    CHECK(skipped(r).size() == 1);

    // Only read_only nodes and target = writable: NO_USABLE_HOST naming each.
    p.target = Target::Writable;
    p.hosts = {bed.node(1)};
    const Error none = failure_of([&] { Connection::open(p); });
    CHECK(none.code() == Code::NoUsableHost);
    CHECK(contains(none.what(), bed.node(1).text()));
    CHECK(contains(none.what(), "not writable"));
}

TEST_CASE("cluster: the pool replaces an idle connection whose node became read_only") {
    const ClusterBed& bed = ClusterBed::get();
    no_node_marked_down();
    Profile p = all_nodes();
    p.target = Target::Writable;
    p.pool.idle_check_seconds = 0;  // the check runs at every acquire
    Connection::open(p).execute("CREATE TABLE IF NOT EXISTS appdb.cluster_writes (id INT PRIMARY KEY) ENGINE=InnoDB");
    Pool pool(p, 2);
    CHECK(node_name(*pool.acquire()) == "node1");  // now idle in the pool, to node 1

    bed.sql(1, "SET GLOBAL read_only = 1");
    struct Restore {
        const ClusterBed& bed;
        ~Restore() {
            try {
                bed.sql(1, "SET GLOBAL read_only = 0");
            } catch (...) {
            }
        }
    } restore{bed};
    const PoolStats before = pool.stats();
    {
        // No error for the caller: the connection to the read-only node is replaced by one the
        // search opens on a writable node, and the write goes through.
        Pool::Lease l = pool.acquire();
        CHECK(node_name(*l) == "node2");
        l->execute("REPLACE INTO appdb.cluster_writes VALUES (?)", {std::int64_t{200}});
    }
    const PoolStats after = pool.stats();
    CHECK(after.replaced == before.replaced + 1);
    CHECK(contains(after.last_error, bed.node(1).text()));
    CHECK(contains(after.last_error, "not writable"));
    // Marked down for writable only: a read_only search still wants it first.
    CHECK(marked_down(bed.node(1), Target::Writable));
    CHECK_FALSE(marked_down(bed.node(1), Target::ReadOnly));
}

TEST_CASE("cluster: a host presenting a certificate for another name is skipped, never accepted") {
    const ClusterBed& bed = ClusterBed::get();
    no_node_marked_down();
    // "127.13" is node 3's address (127.0.0.13) in the short dotted form the resolver accepts,
    // but not the name its certificate gives (IP:127.0.0.13): a name mismatch.
    const HostPort impostor{"127.13", bed.node(3).port};
    Profile p = cluster_profile({impostor, bed.node(2)});
    Connection c = Connection::open(p);
    CHECK(node_name(c) == "node2");
    REQUIRE(skipped(c).size() == 1);
    CHECK(contains(skipped(c)[0].message, "127.13"));
    CHECK(contains(skipped(c)[0].message, "TLS"));

    Profile only = cluster_profile({impostor});
    only.target = Target::Writable;  // searched even alone
    const Error e = failure_of([&] { Connection::open(only); });
    CHECK(e.code() == Code::NoUsableHost);
    CHECK(contains(e.what(), "[TLS]"));
    // Single-host path: the same refusal as itself.
    Profile single = bed_profile();
    single.host = impostor.host;
    single.port = impostor.port;
    CHECK(layer_of(failure_of([&] { Connection::open(single); }).code()) == Layer::Tls);
}

TEST_CASE("cluster: a node outside the primary component is skipped") {
    const ClusterBed& bed = ClusterBed::get();
    no_node_marked_down();
    // A pool holding an idle connection to node 1 from before: checked at acquire as the search
    // checks a host, so replaced once node 1 is out of the primary component.
    Profile pooled = all_nodes();
    pooled.pool.idle_check_seconds = 0;
    Pool pool(pooled, 2);
    CHECK(node_name(*pool.acquire()) == "node1");
    bed.sql(1, "SET GLOBAL wsrep_provider_options = 'gmcast.isolate=1'");
    struct Restore {
        const ClusterBed& bed;
        ~Restore() {
            try {
                bed.sql(1, "SET GLOBAL wsrep_provider_options = 'gmcast.isolate=0'");
                bed.wait(3);
            } catch (...) {
            }
        }
    } restore{bed};
    Profile p = all_nodes();
    const auto t0 = Clock::now();
    Connection c = Connection::open(p);
    for (int i = 0; i < 150 && node_name(c) == "node1"; ++i) {  // until node 1 notices it is alone
        std::this_thread::sleep_for(std::chrono::milliseconds(200));
        c = Connection::open(p);
    }
    MESSAGE("node 1 left the primary component after " << std::chrono::duration<double>(Clock::now() - t0).count() << " s");
    CHECK(node_name(c) == "node2");
    REQUIRE(skipped(c).size() == 1);
    CHECK(contains(skipped(c)[0].message, bed.node(1).text()));
    CHECK(contains(skipped(c)[0].message, "primary component"));
    CHECK(contains(skipped(c)[0].message, "marked down for 5 s"));
    CHECK(marked_down(bed.node(1)));
    const PoolStats before = pool.stats();
    {
        Pool::Lease l = pool.acquire();
        CHECK(node_name(*l) != "node1");
    }
    CHECK(pool.stats().replaced == before.replaced + 1);
    CHECK(contains(pool.stats().last_error, "primary component"));
}

TEST_CASE("cluster: all hosts down is one error listing each host, within failover_timeout_seconds") {
    const ClusterBed& bed = ClusterBed::get();
    Profile p = cluster_profile({HostPort{"127.0.0.1", closed_port()}, HostPort{"127.0.0.2", closed_port()},
                                 HostPort{"127.0.0.3", closed_port()}});
    const Error refused = failure_of([&] { Connection::open(p); });
    CHECK(refused.code() == Code::NoUsableHost);
    CHECK(layer_of(refused.code()) == Layer::Server);
    for (const char* h : {"127.0.0.1:1", "127.0.0.2:1", "127.0.0.3:1"}) CHECK(contains(refused.what(), h));
    CHECK(contains(refused.what(), "[NETWORK]"));
    // Every host is now marked down: all are still tried (a search never gives up on a host for
    // its back-off alone, so the first one back is found).
    for (const HostPort& h : p.hosts) CHECK(marked_down(h));
    const Error again = failure_of([&] { Connection::open(p); });
    CHECK(again.code() == Code::NoUsableHost);
    for (const char* h : {"127.0.0.1:1", "127.0.0.2:1", "127.0.0.3:1"}) CHECK(contains(again.what(), h));

    // A frozen node accepts TCP but never answers: the search gives up at the deadline.
    bed.run("freeze " + bed.dir() + " 3");
    struct Thaw {
        const ClusterBed& bed;
        ~Thaw() {
            try {
                bed.run("thaw " + bed.dir() + " 3");
                bed.wait(3);
            } catch (...) {
            }
        }
    } thaw{bed};
    Profile frozen = cluster_profile({bed.node(3), HostPort{"127.0.0.1", closed_port()}});
    frozen.failover_timeout_seconds = 2;
    frozen.connect_timeout_seconds = 10;
    frozen.read_timeout_seconds = 10;
    const auto t0 = Clock::now();
    const Error late = failure_of([&] { Connection::open(frozen); });
    const double took = std::chrono::duration<double>(Clock::now() - t0).count();
    MESSAGE("frozen node: NO_USABLE_HOST after " << took << " s (failover_timeout_seconds = 2): " << std::string(late.what()));
    CHECK(late.code() == Code::NoUsableHost);
    CHECK(took < 2 + 3.0);  // the deadline plus a margin for a loaded machine
    CHECK(contains(late.what(), bed.node(3).text()));
    CHECK(contains(late.what(), "127.0.0.1:1"));
}

TEST_CASE("cluster: a killed node: new connections and the pool go on, in-flight work is SERVER_GONE, the node returns") {
    const ClusterBed& bed = ClusterBed::get();
    no_node_marked_down();
    Profile p = all_nodes();
    // Long enough that the restart below ends inside it: the case then sees the back-off end.
    p.host_backoff_seconds = 30;
    Connection::open(p).execute("CREATE TABLE IF NOT EXISTS appdb.cluster_writes (id INT PRIMARY KEY) ENGINE=InnoDB");
    p.pool.idle_check_seconds = 0;  // every idle connection is pinged before it is handed out
    Pool pool(p, 4);
    std::vector<Pool::Lease> warm;
    for (int i = 0; i < 3; ++i) warm.push_back(pool.acquire());
    for (auto& l : warm) CHECK(node_name(*l) == "node1");
    warm.clear();  // three idle connections to node 1

    Connection busy = Connection::open(p);
    REQUIRE(node_name(busy) == "node1");
    auto in_flight = std::async(std::launch::async, [&] {
        try {
            busy.query("SELECT SLEEP(20)");
            return std::string("no error");
        } catch (const Error& e) {
            return std::string(code_name(e.code()));
        }
    });
    std::this_thread::sleep_for(std::chrono::milliseconds(500));
    bed.run("kill " + bed.dir() + " 1");
    CHECK(in_flight.get() == "SERVER_GONE");
    CHECK(busy.lost());

    // New connections: node 2, at once (node 1 refuses TCP), with a warning naming node 1,
    // which is now marked down: the next searches try it last, so they go to node 2 directly.
    Connection fresh = Connection::open(p);
    CHECK(node_name(fresh) == "node2");
    REQUIRE(skipped(fresh).size() == 1);
    CHECK(contains(skipped(fresh)[0].message, "marked down for 30 s"));
    REQUIRE(marked_down(bed.node(1)));
    Connection next = Connection::open(p);
    CHECK(node_name(next) == "node2");
    CHECK(skipped(next).empty());
    // The pool: its idle connections to node 1 fail their ping and are replaced; the caller
    // sees no error.
    for (int i = 0; i < 3; ++i) {
        Pool::Lease l = pool.acquire();
        CHECK(node_name(*l) != "node1");
        l->execute("REPLACE INTO appdb.cluster_writes VALUES (?)", {std::int64_t{100 + i}});
    }

    // The doctor names the dead node with its layer and cause; the two others are fine and see
    // a cluster of two (once they have evicted node 1).
    bed.wait(2);
    const DoctorReport doc = run_doctor(p);
    MESSAGE(doctor_report_to_text(doc));
    REQUIRE(doc.step("hosts") != nullptr);
    CHECK(doc.step("hosts")->status == DoctorStatus::Warning);
    CHECK(contains(doc.step("hosts")->message, "2 of 3 hosts usable"));
    CHECK(contains(doc.step("hosts")->message, bed.node(1).text()));
    CHECK(doc.exit_code() == NagiosCode::Warning);
    CHECK(doc.step("auth")->status == DoctorStatus::Ok);
    REQUIRE(doc.hosts.size() == 3);
    CHECK(doc.hosts[0].host == bed.node(1).text());
    CHECK_FALSE(doc.hosts[0].reached);
    CHECK_FALSE(doc.hosts[0].usable);
    CHECK(layer_of(doc.hosts[0].code) == Layer::Network);
    CHECK_FALSE(doc.hosts[0].wsrep_on.has_value());
    for (std::size_t k = 1; k < 3; ++k) {
        CAPTURE(doc.hosts[k].host);
        CHECK(doc.hosts[k].usable);
        CHECK(doc.hosts[k].wsrep_cluster_size == "2");
        CHECK(doc.hosts[k].wsrep_local_state_comment == "Synced");
        CHECK(doc.hosts[k].wsrep_cluster_status == "Primary");
    }
    CHECK(contains(doctor_report_to_text(doc), bed.node(1).text() + ": not reached, NETWORK layer: NETWORK_"));
    const auto j = nlohmann::json::parse(doctor_report_to_json(doc));
    CHECK(j["hosts"][0]["layer"] == "NETWORK");
    CHECK(j["hosts"][0]["wsrep_cluster_size"].is_null());
    CHECK(j["hosts"][1]["wsrep_cluster_size"] == "2");
    CHECK(j["hosts"][1]["wsrep_local_state_comment"] == "Synced");

    // Restart: it rejoins (cluster.sh waits until it is Synced) and new connections use it again.
    const auto t0 = Clock::now();
    bed.run("start " + bed.dir() + " 1");
    bed.wait(3);
    MESSAGE("node 1 rejoined in " << std::chrono::duration<double>(Clock::now() - t0).count() << " s");
    // Until its back-off ends it is tried last (the others are fine, so not at all); then the
    // next search tries it in its place again.
    no_node_marked_down();
    Connection back = Connection::open(p);
    CHECK(node_name(back) == "node1");
    CHECK(skipped(back).empty());
    CHECK(back.query("SELECT COUNT(*) FROM appdb.cluster_writes WHERE id BETWEEN 100 AND 199").rows.at(0).at(0) == "3");
    // The pool too: its connections still to node 1 from before the kill are replaced by new
    // ones, which the search opens on node 1 again.
    std::vector<Pool::Lease> all;
    for (int i = 0; i < 4; ++i) all.push_back(pool.acquire());
    int on_node1 = 0;
    for (auto& l : all) on_node1 += node_name(*l) == "node1" ? 1 : 0;
    CHECK(on_node1 >= 1);
}
