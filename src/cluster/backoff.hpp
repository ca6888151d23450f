// src/cluster/backoff.hpp — hosts marked down after a failure, for every search of the process
// (docs/clusters.md, "Back-off").
//
// A host that failed at the network / TLS / server layer during a search, whose Galera node was
// not Synced or not in the primary component, or whose pooled connection was found dead, is
// marked down for host_backoff_seconds; while it keeps failing each new failure doubles the
// period, up to 60 s (or host_backoff_seconds when larger); a success forgets it. The search
// tries the hosts that are up first and the ones marked down last — never skips them, so that
// a search where every host is down still finds the first one that came back. Keyed by
// host:port, process-wide, thread-safe.
//
// A host that is up but not what the target asks for (a read_only node for target = writable)
// is marked down for that target only: the same process may also search the cluster for
// read_only, and there that node is the one it wants first.
#pragma once

#include <chrono>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "verrou/profile.hpp"

namespace verrou::cluster {

class HostBackoff {
public:
    using Clock = std::chrono::steady_clock;

    /// The one registry every search and pool of the process shares.
    static HostBackoff& process();

    /// A failure of `host` at `now`, for every target (`only_for` nullopt) or for one. A failure
    /// while the host is already marked down (several threads or pooled connections noticing the
    /// same outage) does not lengthen the period: only a failure after the period ended (a
    /// re-probe) doubles it. `base` 0: not marked. Returns how long the host is now marked down
    /// (0 when not marked).
    std::chrono::seconds failed(const HostPort& host, std::optional<Target> only_for, std::chrono::seconds base,
                                Clock::time_point now);
    /// A connection to `host` opened at `opened` was found dead (a pool's idle connection). The
    /// host is marked down for every target, unless a search reached it after `opened`: then
    /// the connection died with an earlier run of the server (restarted since), and the next
    /// search finds out by itself whether it is up.
    std::chrono::seconds lost(const HostPort& host, Clock::time_point opened, std::chrono::seconds base,
                              Clock::time_point now);
    /// A success of a search for `target` at `now`: the host is up (and suits `target`) again;
    /// its next failure starts from the base period.
    void succeeded(const HostPort& host, Target target, Clock::time_point now);
    /// How long `host` stays marked down for `target` after `now`, or nullopt when it is up.
    std::optional<Clock::duration> down_for(const HostPort& host, Target target, Clock::time_point now) const;

    /// `hosts` in the same relative order, the ones up (for `target`) first, the ones marked
    /// down last.
    void up_first(std::vector<HostPort>& hosts, Target target, Clock::time_point now) const;

private:
    struct Down {
        Clock::time_point until;
        std::chrono::seconds period{0};  // the last period given
    };
    /// Under the lock: marks `k` down (or keeps the period of the outage it is in).
    std::chrono::seconds mark(const std::string& k, std::chrono::seconds base, Clock::time_point now);
    /// Under the lock: until when `host` is down for `target` (the later of its two entries).
    std::optional<Clock::time_point> until(const HostPort& host, Target target) const;
    mutable std::mutex m_;
    std::map<std::string, Down> down_;  // key: "host:port", or "host:port target" for one target
    std::map<std::string, Clock::time_point> reached_;  // "host:port": last success of a search
};

/// The longest period, unless host_backoff_seconds is longer.
inline constexpr std::chrono::seconds kMaxBackoff{60};

}  // namespace verrou::cluster
