// src/cluster/search.hpp — the host search of Connection::open for a profile that lists several
// servers or asks for a target (docs/clusters.md).
//
// Hosts are tried in the profile's host_order, all within failover_timeout_seconds. A host that
// fails at the network, TLS or server layer is skipped (warning host_skipped on the connection
// that is finally returned); an authentication failure or any local refusal (configuration,
// secret, certificate material, environment guard) stops the search at once: the same
// credentials would fail on every node. After login the host must suit the target
// (@@read_only / @@innodb_read_only) and, when it runs Galera (wsrep_on), be Synced and in the
// Primary component. When no host is usable: Error(NO_USABLE_HOST) listing each host with its
// layer and cause. A host that failed is marked down for a back-off (backoff.hpp) and tried
// last by the searches that follow.
#pragma once

#include <chrono>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "verrou/connection.hpp"
#include "verrou/profile.hpp"

namespace verrou::cluster {

/// True when Connection::open searches (more than one host, or a target other than any);
/// otherwise it connects to profile.host:profile.port exactly as a single-host profile always did.
bool needs_search(const Profile& profile) noexcept;

/// The hosts of the profile (hosts, or {host, port} for a Profile built in code), in the order of
/// one search: file order, or shuffled for host_order = random; then the hosts marked down
/// (src/cluster/backoff.hpp) moved last, in the same relative order.
std::vector<HostPort> search_order(const Profile& profile);

/// Why a connection does not suit the profile now.
struct Unusable {
    std::string reason;  // "not writable (@@read_only = ON; target = writable)", ...
    /// True when the host is up but of another role than the target asks for (read-only for
    /// writable, or the reverse): marked down for that target only. False for a Galera node not
    /// Synced or out of the primary component, or a check that failed: down for every target.
    bool wrong_role = false;
};

/// What a node says of itself after login (one or two round trips).
struct NodeState {
    bool read_only = false;         // @@read_only
    bool innodb_read_only = false;  // @@innodb_read_only
    bool wsrep_on = false;          // a Galera node; the three below are read only then
    std::string wsrep_cluster_size;         // "3"
    std::string wsrep_local_state_comment;  // "Synced", "Donor/Desynced", "Joining", ...
    std::string wsrep_cluster_status;       // "Primary", "non-Primary", "Disconnected"
};
/// Reads it. Throws the query's Error.
NodeState node_state(Connection& connection);
/// Judges it for a target: nullopt when the node suits it.
std::optional<Unusable> judge(const NodeState& state, Target target);

/// The after-login check (node_state + judge), shared by the search and by the pool's check of an idle connection
/// (one function, so that both judge a node alike): target (@@read_only, @@innodb_read_only) and,
/// with wsrep_on, Synced + Primary. nullopt when the connection suits the profile.
std::optional<Unusable> unusable_because(Connection& connection, Target target);

/// Marks `host` down in the process-wide back-off (host_backoff_seconds of `profile`) for
/// `why` (nullopt: it failed to connect). Returns the period.
std::chrono::seconds mark_down(const Profile& profile, const HostPort& host, const std::optional<Unusable>& why);

/// The pool's check of an idle connection of a searched profile (needs_search), in place of a
/// bare ping: the search's own after-login check (unusable_because), so that a connection whose
/// node became read-only, left the primary component or is no longer Synced is replaced like
/// a dead one. Marks the host down when it fails (as mark_down, or as connection_lost when the
/// session died). Returns why the connection must be replaced, or nullopt.
std::optional<std::string> recheck(const Profile& profile, Connection& connection,
                                   std::chrono::steady_clock::time_point opened);

/// A pool's idle connection of a searched profile (needs_search) found lost, opened at `opened`:
/// its host is marked down (HostBackoff::lost).
void connection_lost(const Profile& profile, const Connection& connection, std::chrono::steady_clock::time_point opened);

struct Found {
    Connection connection;
    HostPort reached;
    std::vector<Warning> skipped;  // one host_skipped warning per host tried before
};

/// Opens a connection to one host: `one` is the profile with host / port / hosts set to that host
/// and connect_timeout bounded by what is left of the failover deadline.
using OpenOne = std::function<Connection(const Profile& one)>;

/// The search. Throws the stopping error (auth, local refusal) as it is, or NO_USABLE_HOST.
Found search(const Profile& profile, const OpenOne& open_one);

}  // namespace verrou::cluster
