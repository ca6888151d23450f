// A mariadbd of its own for a test that kills, freezes or restarts it (testbed.sh serve /
// crash / freeze / thaw / restart / stop): the bed's shared servers are never touched, so tests
// running in parallel (ctest -j) are not disturbed. Same users, data and dev PKI as 'strict'.
#pragma once

#include <cstdio>
#include <cstdlib>
#include <stdexcept>
#include <string>

#include "bed_profile.hpp"

namespace verrou::test {

class PrivateServer {
public:
    /// `name`: [a-z0-9]{1,16}, unique among the tests that may run at the same time.
    /// `cert` / `key`: the server's certificate and key (default: the bed's dev/server).
    explicit PrivateServer(std::string name, const std::string& cert = {}, const std::string& key = {})
        : name_(std::move(name)) {
        const auto& bed = Testbed::get();
        const std::string out = run("serve " + quote(bed.dir()) + " " + name_ + " " + quote(bed.pki("dev/ca.crt")) +
                                    " " + quote(cert.empty() ? bed.pki("dev/server.crt") : cert) + " " +
                                    quote(key.empty() ? bed.pki("dev/server.key") : key));
        // serve prints the port last.
        std::string last = out;
        while (!last.empty() && last.back() == '\n') last.pop_back();
        port_ = std::stoi(last.substr(last.rfind('\n') == std::string::npos ? 0 : last.rfind('\n') + 1));
    }
    ~PrivateServer() {
        try {
            run("stop " + quote(Testbed::get().dir()) + " " + name_);
        } catch (...) {
        }
    }
    PrivateServer(const PrivateServer&) = delete;
    PrivateServer& operator=(const PrivateServer&) = delete;

    int port() const { return port_; }
    /// bed_profile() pointed at this server.
    Profile profile() const {
        Profile p = bed_profile();
        p.port = static_cast<std::uint16_t>(port_);
        return p;
    }
    void crash() { fault("crash"); }      // SIGKILL
    void freeze() { fault("freeze"); }    // SIGSTOP
    void thaw() { fault("thaw"); }        // SIGCONT
    void restart() { fault("restart"); }  // SIGKILL if running, then start again on the same port
    /// Runs `statements` as root over the server's socket; its tab-separated output.
    std::string root_sql(const std::string& statements) {
        return run("sql " + quote(Testbed::get().dir()) + " " + name_ + " " + quote(statements));
    }

private:
    void fault(const std::string& op) { run(op + " " + quote(Testbed::get().dir()) + " " + name_); }

    static std::string quote(const std::string& s) {
        std::string out = "'";
        for (char c : s) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
        return out + "'";
    }

    static std::string run(const std::string& args) {
        const std::string cmd = "bash '" VERROU_SOURCE_DIR "/tests/testbed/testbed.sh' " + args + " 2>&1";
        FILE* pipe = ::popen(cmd.c_str(), "r");
        if (pipe == nullptr) throw std::runtime_error("cannot run " + cmd);
        std::string out;
        char buf[512];
        while (std::fgets(buf, sizeof buf, pipe) != nullptr) out += buf;
        const int rc = ::pclose(pipe);
        if (rc != 0) throw std::runtime_error(cmd + " failed: " + out);
        return out;
    }

    std::string name_;
    int port_ = 0;
};

}  // namespace verrou::test
