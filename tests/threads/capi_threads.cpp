// capi_threads — the C ABI from many threads at once, in C++ so that ThreadSanitizer sees
// both sides of every call (the Python thread test shares the library with an uninstrumented
// interpreter). Run by CTest with the label "threads" in the normal, ASan and TSan builds:
//
//   capi_threads BED_DIR WORK_DIR
//
// Eight threads at once: open/close profiles and hashers (the handle table), hash and verify
// on one shared hasher, per-thread last error and required size, their own connection and a
// shared one, a connection closed while another thread queries it, and stale handles. Any
// wrong result prints what and exits 1; a sanitizer report fails the process by itself.
#include <atomic>
#include <barrier>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <mutex>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "verrou.h"

namespace {

constexpr int kThreads = 8;
constexpr int kRounds = 4;

std::mutex failures_lock;
std::vector<std::string> failures;

void fail(const std::string& what) {
    std::lock_guard<std::mutex> lock(failures_lock);
    failures.push_back(what);
}

std::string last_message() {
    std::string buf(4096, '\0');
    const verrou_int n = verrou_last_error_message(buf.data(), static_cast<verrou_int>(buf.size()));
    return n < 0 ? std::string("(no message)") : buf.substr(0, static_cast<std::size_t>(n));
}

#define EXPECT(cond, what)                                                                          \
    do {                                                                                            \
        if (!(cond)) fail(std::string(what) + " [" #cond "] last error: " + last_message());       \
    } while (0)

std::string read_file(const std::string& path) {
    std::ifstream in(path);
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

std::string bed_value(const std::string& bed, const std::string& key) {
    std::istringstream in(read_file(bed + "/testbed.env"));
    std::string line;
    while (std::getline(in, line)) {
        if (line.rfind(key + "=", 0) == 0) return line.substr(key.size() + 1);
    }
    return {};
}

std::string query(verrou_int conn, const std::string& sql, const char* params) {
    std::string buf(16, '\0');
    verrou_int rc = verrou_query(conn, sql.c_str(), params, buf.data(), static_cast<verrou_int>(buf.size()));
    if (rc == -2 /* BUFFER_TOO_SMALL */) {
        buf.assign(static_cast<std::size_t>(verrou_last_required_size()), '\0');
        rc = verrou_query(conn, sql.c_str(), params, buf.data(), static_cast<verrou_int>(buf.size()));
    }
    if (rc < 0) return "error " + std::to_string(rc);
    return buf.substr(0, static_cast<std::size_t>(rc));
}

}  // namespace

int main(int argc, char** argv) {
    if (argc != 3) {
        std::fprintf(stderr, "usage: capi_threads BED_DIR WORK_DIR\n");
        return 2;
    }
    const std::string bed = argv[1], work = argv[2];
    if (bed_value(bed, "PORT_STRICT").empty()) {
        std::fprintf(stderr, "capi_threads: no test bed in %s\n", bed.c_str());
        return 1;
    }
    const std::string profile = work + "/capi_threads.json";
    {
        std::ofstream out(profile);
        const std::string pki = bed + "/pki/dev/";
        out << R"({"default_environment": "dev", "environments": {"dev": {"host": "127.0.0.1", "port": )"
            << bed_value(bed, "PORT_STRICT") << R"(, "user": "app_user", "database": "appdb", "password_file": ")"
            << bed << R"(/secrets/app_user_password", "ssl_ca": ")" << pki << R"(ca.crt", "ssl_cert": ")" << pki
            << R"(app_user.crt", "ssl_key": ")" << pki << R"(app_user.key", "hashing": {"algorithm": "argon2id",
            "argon2_memory_kib": 19456, "argon2_iterations": 2, "current_pepper": "k1", "peppers": {"k1":
            {"file": ")" << bed << R"(/secrets/pepper_k1"}}}}}})";
    }

    const verrou_int shared_profile = verrou_profile_open(profile.c_str(), nullptr);
    const verrou_int shared_hasher = verrou_hasher_open(profile.c_str(), nullptr);
    if (shared_profile <= 0 || shared_hasher <= 0) {
        std::fprintf(stderr, "capi_threads: cannot open the profile: %s\n", last_message().c_str());
        return 1;
    }
    const verrou_int shared_conn = verrou_connect(shared_profile);
    EXPECT(shared_conn > 0, "shared connect");
    std::string stored(512, '\0');
    const verrou_int n = verrou_hash(shared_hasher, "shared password", stored.data(), 512);
    EXPECT(n > 0, "shared hash");
    stored.resize(n > 0 ? static_cast<std::size_t>(n) : 0);

    std::barrier start(kThreads);
    std::atomic<verrou_int> victim{0};  // a connection thread 0 closes while thread 1 uses it
    std::vector<std::thread> threads;
    for (int t = 0; t < kThreads; ++t) {
        threads.emplace_back([&, t] {
            start.arrive_and_wait();
            for (int r = 0; r < kRounds; ++r) {
                // The handle table: open/close churn from every thread at once.
                for (int k = 0; k < 10; ++k) {
                    const verrou_int p = verrou_profile_open(profile.c_str(), "dev");
                    EXPECT(p > 0, "profile_open");
                    EXPECT(verrou_profile_close(p) == 0, "profile_close");
                    EXPECT(verrou_profile_close(p) == -3, "closing twice is INVALID_HANDLE");
                }
                const verrou_int h = verrou_hasher_open(profile.c_str(), nullptr);
                EXPECT(h > 0, "hasher_open");
                // A per-thread error that no other thread may overwrite.
                const verrou_int bogus = 0x10000 * (t + 1) + 999;
                EXPECT(verrou_hasher_close(bogus) == -3, "bogus close");
                EXPECT(last_message().find(std::to_string(bogus)) != std::string::npos, "own last error");
                // Hash and verify on the shared hasher and on our own.
                const std::string pw = "pw-" + std::to_string(t) + "-" + std::to_string(r) + "-\xc3\xa9";
                std::string mine(512, '\0');
                const verrou_int len = verrou_hash(h, pw.c_str(), mine.data(), 512);
                EXPECT(len > 0, "hash");
                mine.resize(len > 0 ? static_cast<std::size_t>(len) : 0);
                EXPECT(verrou_verify(shared_hasher, pw.c_str(), mine.c_str()) == VERROU_MATCH, "verify own hash");
                EXPECT(verrou_verify(shared_hasher, "shared password", stored.c_str()) == VERROU_MATCH, "verify shared");
                EXPECT(verrou_verify(h, pw.c_str(), stored.c_str()) == VERROU_MISMATCH, "mismatch");
                EXPECT(verrou_hasher_close(h) == 0, "hasher_close");
                // Our own connection and the shared one.
                const verrou_int c = verrou_connect(shared_profile);
                EXPECT(c > 0, "connect");
                const std::string sql = "SELECT " + std::to_string(t) + " AS t, REPEAT('y', " + std::to_string(40 + t) + ") AS pad";
                const std::string got = query(c, sql, nullptr);
                EXPECT(got.find("[[" + std::to_string(t) + ",") != std::string::npos, "own query: " + got);
                const std::string params = "[" + std::to_string(t * 100 + r) + "]";
                const std::string shared_got = query(shared_conn, "SELECT ? AS x", params.c_str());
                EXPECT(shared_got.find("[[" + std::to_string(t * 100 + r) + "]]") != std::string::npos,
                       "shared query: " + shared_got);
                // Close while in use: thread 1 queries the victim while thread 0 closes it.
                if (t == 0 && r == 1) {
                    const verrou_int vc = verrou_connect(shared_profile);
                    EXPECT(vc > 0, "victim connect");
                    victim.store(vc);
                    std::this_thread::sleep_for(std::chrono::milliseconds(20));
                    EXPECT(verrou_disconnect(vc) == 0, "victim disconnect");
                }
                if (t == 1) {
                    for (int k = 0; k < 30; ++k) {
                        const verrou_int vc = victim.load();
                        if (vc == 0) continue;
                        const std::string res = query(vc, "SELECT SLEEP(0.001)", nullptr);
                        EXPECT(res.rfind("{", 0) == 0 || res == "error -3", "victim query: " + res);
                    }
                }
                EXPECT(verrou_disconnect(c) == 0, "disconnect");
            }
        });
    }
    for (auto& th : threads) th.join();
    EXPECT(verrou_disconnect(shared_conn) == 0, "shared disconnect");
    EXPECT(verrou_hasher_close(shared_hasher) == 0, "shared hasher close");
    EXPECT(verrou_profile_close(shared_profile) == 0, "shared profile close");
    std::remove(profile.c_str());
    if (!failures.empty()) {
        for (const auto& f : failures) std::fprintf(stderr, "capi_threads: %s\n", f.c_str());
        return 1;
    }
    std::printf("capi_threads: %d threads x %d rounds OK\n", kThreads, kRounds);
    return 0;
}
