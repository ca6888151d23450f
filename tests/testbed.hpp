// Test-side access to the test bed started by tests/testbed/testbed.sh (CTest fixture).
// The bed writes $VERROU_TESTBED/testbed.env with KEY=VALUE lines (ports, passwords);
// certificates live under $VERROU_TESTBED/pki/<env>/.
#pragma once

#include <cstdlib>
#include <fstream>
#include <map>
#include <stdexcept>
#include <string>
#include <sys/stat.h>

namespace verrou::test {

inline bool file_exists(const std::string& path) {
    struct stat st {};
    return ::stat(path.c_str(), &st) == 0;
}

class Testbed {
public:
    static const Testbed& get() {
        static const Testbed bed;
        return bed;
    }
    const std::string& dir() const { return dir_; }
    std::string pki(const std::string& rel) const { return dir_ + "/pki/" + rel; }
    std::string value(const std::string& key) const {
        auto it = values_.find(key);
        if (it == values_.end()) throw std::runtime_error("testbed.env has no " + key);
        return it->second;
    }
    int port(const std::string& server) const { return std::stoi(value("PORT_" + upper(server))); }

private:
    Testbed() {
        const char* env = std::getenv("VERROU_TESTBED");
        dir_ = (env && *env) ? env : VERROU_TESTBED_DIR;
        std::ifstream in(dir_ + "/testbed.env");
        if (!in) throw std::runtime_error("test bed not running: no " + dir_ + "/testbed.env");
        std::string line;
        while (std::getline(in, line)) {
            auto eq = line.find('=');
            if (eq != std::string::npos) values_[line.substr(0, eq)] = line.substr(eq + 1);
        }
    }
    static std::string upper(std::string s) {
        for (auto& c : s) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
        return s;
    }
    std::string dir_;
    std::map<std::string, std::string> values_;
};

}  // namespace verrou::test
