#include "cluster/backoff.hpp"

#include <algorithm>

namespace verrou::cluster {

namespace {

std::string key(const HostPort& host, std::optional<Target> only_for) {
    std::string k = host.text();
    if (only_for) k += " " + std::string(target_name(*only_for));
    return k;
}

}  // namespace

HostBackoff& HostBackoff::process() {
    static HostBackoff registry;
    return registry;
}

std::chrono::seconds HostBackoff::failed(const HostPort& host, std::optional<Target> only_for,
                                         std::chrono::seconds base, Clock::time_point now) {
    if (base.count() <= 0) return std::chrono::seconds(0);
    std::lock_guard lock(m_);
    return mark(key(host, only_for), base, now);
}

std::chrono::seconds HostBackoff::lost(const HostPort& host, Clock::time_point opened, std::chrono::seconds base,
                                       Clock::time_point now) {
    if (base.count() <= 0) return std::chrono::seconds(0);
    std::lock_guard lock(m_);
    const auto r = reached_.find(host.text());
    if (r != reached_.end() && r->second > opened) return std::chrono::seconds(0);
    return mark(key(host, std::nullopt), base, now);
}

std::chrono::seconds HostBackoff::mark(const std::string& k, std::chrono::seconds base, Clock::time_point now) {
    auto [it, fresh] = down_.try_emplace(k);
    Down& d = it->second;
    if (!fresh && now < d.until) return d.period;  // the same outage, seen again
    d.period = fresh ? base : std::min(std::max(kMaxBackoff, base), d.period * 2);
    d.until = now + d.period;
    return d.period;
}

void HostBackoff::succeeded(const HostPort& host, Target target, Clock::time_point now) {
    std::lock_guard lock(m_);
    reached_[host.text()] = now;
    down_.erase(key(host, std::nullopt));
    down_.erase(key(host, target));
}

std::optional<HostBackoff::Clock::time_point> HostBackoff::until(const HostPort& host, Target target) const {
    std::optional<Clock::time_point> out;
    for (const std::optional<Target> k : {std::optional<Target>{}, std::optional<Target>{target}}) {
        const auto it = down_.find(key(host, k));
        if (it != down_.end() && (!out || it->second.until > *out)) out = it->second.until;
    }
    return out;
}

std::optional<HostBackoff::Clock::duration> HostBackoff::down_for(const HostPort& host, Target target,
                                                                  Clock::time_point now) const {
    std::lock_guard lock(m_);
    const std::optional<Clock::time_point> u = until(host, target);
    if (!u || now >= *u) return std::nullopt;
    return *u - now;
}

void HostBackoff::up_first(std::vector<HostPort>& hosts, Target target, Clock::time_point now) const {
    std::vector<bool> down;
    down.reserve(hosts.size());
    {
        std::lock_guard lock(m_);
        for (const HostPort& h : hosts) {
            const std::optional<Clock::time_point> u = until(h, target);
            down.push_back(u && now < *u);
        }
    }
    std::vector<HostPort> ordered;
    ordered.reserve(hosts.size());
    for (const bool want_down : {false, true}) {
        for (std::size_t i = 0; i < hosts.size(); ++i) {
            if (down[i] == want_down) ordered.push_back(std::move(hosts[i]));
        }
    }
    hosts = std::move(ordered);
}

}  // namespace verrou::cluster
