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
// layer and cause.
#pragma once

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
/// one search: file order, or shuffled for host_order = random.
std::vector<HostPort> search_order(const Profile& profile);

/// Why a freshly opened connection does not suit the profile (target, Galera state), or nullopt.
/// A failing check is a reason too (the host is skipped).
std::optional<std::string> unusable_because(Connection& connection, Target target);

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
