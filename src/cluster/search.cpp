#include "cluster/search.hpp"

#include <algorithm>
#include <cctype>
#include <chrono>
#include <cmath>
#include <random>

#include "cluster/backoff.hpp"
#include "verrou/error.hpp"

namespace verrou::cluster {

namespace {

using Clock = std::chrono::steady_clock;

/// Network, TLS and server-side failures are the host's own: the next one may work. Everything
/// else (auth, configuration, secrets, local certificate material, the environment guard, a
/// client certificate the server refused) would fail the same on every host.
bool skippable(const Error& e) noexcept {
    switch (e.layer()) {
        case Layer::Network:
        case Layer::Tls:
            return true;
        case Layer::Server:
            return true;
        default:
            return false;
    }
}

struct Outcome {
    HostPort host;
    std::string layer;  // "NETWORK", "TLS", "SERVER", or "" when not tried
    std::string cause;
};

std::string value_of(const ResultSet& rs, std::string_view name) {
    for (const auto& row : rs.rows) {
        if (row.size() < 2 || !row[0] || !row[1]) continue;
        std::string n = *row[0];
        std::transform(n.begin(), n.end(), n.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
        if (n == name) return *row[1];
    }
    return {};
}

bool on(const std::string& v) { return v == "ON" || v == "1" || v == "on"; }

}  // namespace

bool needs_search(const Profile& profile) noexcept {
    return profile.hosts.size() > 1 || profile.target != Target::Any;
}

std::vector<HostPort> search_order(const Profile& profile) {
    std::vector<HostPort> hosts = profile.hosts;
    if (hosts.empty()) hosts.push_back(HostPort{profile.host, profile.port});
    if (profile.host_order == HostOrder::Random && hosts.size() > 1) {
        thread_local std::mt19937 rng{std::random_device{}()};
        std::shuffle(hosts.begin(), hosts.end(), rng);
    }
    HostBackoff::process().up_first(hosts, profile.target, HostBackoff::Clock::now());
    return hosts;
}

NodeState node_state(Connection& connection) {
    NodeState n;
    const ResultSet vars = connection.query(
        "SHOW GLOBAL VARIABLES WHERE Variable_name IN ('read_only', 'innodb_read_only', 'wsrep_on')");
    n.read_only = on(value_of(vars, "read_only"));
    n.innodb_read_only = on(value_of(vars, "innodb_read_only"));
    n.wsrep_on = on(value_of(vars, "wsrep_on"));
    if (n.wsrep_on) {
        const ResultSet status = connection.query(
            "SHOW GLOBAL STATUS WHERE Variable_name IN "
            "('wsrep_cluster_size', 'wsrep_local_state_comment', 'wsrep_cluster_status')");
        n.wsrep_cluster_size = value_of(status, "wsrep_cluster_size");
        n.wsrep_local_state_comment = value_of(status, "wsrep_local_state_comment");
        n.wsrep_cluster_status = value_of(status, "wsrep_cluster_status");
    }
    return n;
}

std::optional<Unusable> judge(const NodeState& n, Target target) {
    if (n.wsrep_on) {
        const std::string& cluster = n.wsrep_cluster_status;
        const std::string& state = n.wsrep_local_state_comment;
        if (cluster != "Primary") {
            return Unusable{"Galera node not in the primary component (wsrep_cluster_status = " +
                            (cluster.empty() ? std::string("unknown") : cluster) + ")"};
        }
        if (state != "Synced") {
            return Unusable{"Galera node not synced (wsrep_local_state_comment = " +
                            (state.empty() ? std::string("unknown") : state) + ")"};
        }
    }
    if (target == Target::Writable && (n.read_only || n.innodb_read_only)) {
        return Unusable{std::string("not writable (") +
                            (n.read_only ? "@@read_only = ON" : "@@innodb_read_only = ON") + "; target = writable)",
                        true};
    }
    if (target == Target::ReadOnly && !n.read_only && !n.innodb_read_only) {
        return Unusable{"not read-only (@@read_only = OFF; target = read_only)", true};
    }
    return std::nullopt;
}

std::optional<Unusable> unusable_because(Connection& connection, Target target) {
    try {
        return judge(node_state(connection), target);
    } catch (const Error& e) {
        return Unusable{"the check of its state failed: " + std::string(code_name(e.code())) + ": " + e.what()};
    }
}

std::chrono::seconds mark_down(const Profile& profile, const HostPort& host, const std::optional<Unusable>& why) {
    const std::optional<Target> only_for = why && why->wrong_role ? std::optional<Target>(profile.target) : std::nullopt;
    return HostBackoff::process().failed(host, only_for, std::chrono::seconds(profile.host_backoff_seconds),
                                         HostBackoff::Clock::now());
}

void connection_lost(const Profile& profile, const Connection& connection, Clock::time_point opened) {
    const HostPort host{connection.info().host, connection.info().port};
    HostBackoff::process().lost(host, opened, std::chrono::seconds(profile.host_backoff_seconds), Clock::now());
}

std::optional<std::string> recheck(const Profile& profile, Connection& connection, Clock::time_point opened) {
    std::optional<Unusable> why = unusable_because(connection, profile.target);
    if (!why) return std::nullopt;
    const HostPort host{connection.info().host, connection.info().port};
    if (connection.lost()) connection_lost(profile, connection, opened);
    else mark_down(profile, host, why);
    return host.text() + ": " + why->reason;
}

Found search(const Profile& profile, const OpenOne& open_one) {
    const std::vector<HostPort> order = search_order(profile);
    const auto started = Clock::now();
    const auto deadline = started + std::chrono::seconds(profile.failover_timeout_seconds);
    std::vector<Outcome> outcomes;
    std::vector<Warning> skipped;
    for (const HostPort& host : order) {
        const auto left = std::chrono::duration<double>(deadline - Clock::now()).count();
        if (left <= 0) {
            outcomes.push_back({host, "", "not tried: failover_timeout_seconds (" +
                                              std::to_string(profile.failover_timeout_seconds) + ") reached"});
            continue;
        }
        Profile one = profile;
        one.host = host.host;
        one.port = host.port;
        one.hosts = {host};
        // libmariadb may wait connect_timeout twice for an unanswering server (a frozen node:
        // measured 2x on the Galera bed), so an attempt gets at most half of what is left.
        one.connect_timeout_seconds =
            std::max(1, std::min(profile.connect_timeout_seconds, static_cast<int>(std::floor(left / 2))));
        std::string layer;
        std::string cause;
        std::optional<Unusable> why;
        try {
            Connection c = open_one(one);
            why = unusable_because(c, profile.target);
            if (!why) {
                HostBackoff::process().succeeded(host, profile.target, Clock::now());
                return Found{std::move(c), host, std::move(skipped)};
            }
            layer = "SERVER";
            cause = why->reason;
        } catch (const Error& e) {
            if (!skippable(e)) throw;
            layer = std::string(layer_name(e.layer()));
            cause = std::string(code_name(e.code())) + ": " + e.what();
        }
        const std::chrono::seconds down = mark_down(profile, host, why);
        skipped.push_back(make_warning(WarningCode::HostSkipped,
                                       host.text() + " skipped (" + layer + "): " + cause +
                                           (down.count() > 0 ? "; marked down for " + std::to_string(down.count()) + " s (tried last)"
                                                             : std::string())));
        outcomes.push_back({host, layer, std::move(cause)});
    }
    const auto elapsed = std::chrono::duration<double>(Clock::now() - started).count();
    std::string msg = "no usable host for environment '" + profile.environment + "' (" +
                      std::to_string(order.size()) + " tried in " + std::to_string(static_cast<int>(elapsed * 10) / 10) +
                      "." + std::to_string(static_cast<int>(elapsed * 10) % 10) + " s; target = " +
                      std::string(target_name(profile.target)) + ", failover_timeout_seconds = " +
                      std::to_string(profile.failover_timeout_seconds) + ")";
    for (const Outcome& o : outcomes) {
        msg += "; " + o.host.text() + (o.layer.empty() ? "" : " [" + o.layer + "]") + ": " + o.cause;
    }
    throw Error(Code::NoUsableHost, msg);
}

}  // namespace verrou::cluster
