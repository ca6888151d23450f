// A scriptable OCSP responder of its own for a test (tests/testbed/ocsp_responder.py, written
// with the `cryptography` package, not verrou): started in the constructor on 127.0.0.1, stopped
// in the destructor. state() rewrites how it answers; requests() counts what it received.
#pragma once

#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <stdexcept>
#include <string>

#include "bed_profile.hpp"

extern char** environ;

namespace verrou::test {

class OcspResponder {
public:
    /// Signs with the dev CA's delegated responder (OCSP-signing EKU).
    explicit OcspResponder(const std::string& name) {
        const auto& bed = Testbed::get();
        dir_ = bed.dir() + "/ocsp-" + name;
        if (std::system(("rm -rf '" + dir_ + "' && mkdir -p '" + dir_ + "'").c_str()) != 0) {
            throw std::runtime_error("cannot create " + dir_);
        }
        state("{}");
        int out[2];
        if (::pipe(out) != 0) throw std::runtime_error("pipe failed");
        posix_spawn_file_actions_t actions;
        posix_spawn_file_actions_init(&actions);
        posix_spawn_file_actions_adddup2(&actions, out[1], 1);
        posix_spawn_file_actions_addclose(&actions, out[0]);
        const std::string script = VERROU_SOURCE_DIR "/tests/testbed/ocsp_responder.py";
        const std::string cert = bed.pki("dev/ocsp-responder.crt");
        const std::string key = bed.pki("dev/ocsp-responder.key");
        const std::string state_path = dir_ + "/state.json";
        const std::string count_path = dir_ + "/count";
        const char* argv[] = {"python3", script.c_str(), "--signer-cert", cert.c_str(), "--signer-key", key.c_str(),
                              "--state", state_path.c_str(), "--count", count_path.c_str(), nullptr};
        const int rc = posix_spawnp(&pid_, "python3", &actions, nullptr, const_cast<char**>(argv), environ);
        posix_spawn_file_actions_destroy(&actions);
        ::close(out[1]);
        if (rc != 0) {
            ::close(out[0]);
            throw std::runtime_error("cannot start the OCSP responder");
        }
        std::string line;
        char c = 0;
        while (::read(out[0], &c, 1) == 1 && c != '\n') line += c;
        ::close(out[0]);
        if (line.empty()) throw std::runtime_error("the OCSP responder did not start");
        port_ = std::stoi(line);
    }
    ~OcspResponder() {
        if (pid_ > 0) {
            ::kill(pid_, SIGTERM);
            int status = 0;
            ::waitpid(pid_, &status, 0);
        }
    }
    OcspResponder(const OcspResponder&) = delete;
    OcspResponder& operator=(const OcspResponder&) = delete;

    std::string url() const { return "http://127.0.0.1:" + std::to_string(port_) + "/"; }
    int port() const { return port_; }
    /// How to answer from the next request on (see ocsp_responder.py).
    void state(const std::string& json) const {
        std::ofstream(dir_ + "/state.json.tmp") << json;
        std::rename((dir_ + "/state.json.tmp").c_str(), (dir_ + "/state.json").c_str());
    }
    /// Requests received so far.
    int requests() const {
        std::ifstream in(dir_ + "/count");
        int n = 0;
        std::string line;
        while (std::getline(in, line)) ++n;
        return n;
    }

private:
    std::string dir_;
    pid_t pid_ = -1;
    int port_ = 0;
};

}  // namespace verrou::test
