// verrou::Pool against its baselines, in one process:
//  1. acquire + release of a warm pooled connection vs one mTLS connect + close (goal: <= 1 %);
//  2. 8 threads running SELECT by primary key: through one pool (a lease per statement, and a
//     lease per 20 statements) vs raw libmariadb with one connection per thread doing the same
//     prepared-statement work (goal: >= 0.95x the raw throughput).
//
// Usage: bench_pool BED_DIR [ROUNDS] [SECONDS]   (BED_DIR from tests/testbed/testbed.sh up)
// bench/run-pool.sh starts a bed, runs this, and stops the bed.
#include <mysql.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <functional>
#include <map>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "verrou/connection.hpp"
#include "verrou/pool.hpp"
#include "verrou/profile.hpp"

#include "bench_support.hpp"

namespace {

using bench::median;
using bench::read_env;
using bench::slurp;

using Clock = std::chrono::steady_clock;
constexpr int kThreads = 8;
const char* const kSql = "SELECT name FROM customers WHERE id = ?";

[[noreturn]] void die(const char* what, const char* detail) {
    std::fprintf(stderr, "%s: %s\n", what, detail);
    std::exit(1);
}

/// The baseline: one connection per thread opened by hand with libmariadb and the same TLS
/// options, then per statement what verrou's query() does: prepare, bind, execute, fetch, close.
class RawSession {
public:
    RawSession(const std::string& bed, int port, const std::string& password) : m_(mysql_init(nullptr)) {
        const unsigned int timeout = 10;
        const my_bool on = 1;
        const std::string ca = bed + "/pki/dev/ca.crt", cert = bed + "/pki/dev/app_user.crt",
                          key = bed + "/pki/dev/app_user.key";
        mysql_optionsv(m_, MYSQL_OPT_CONNECT_TIMEOUT, &timeout);
        mysql_optionsv(m_, MYSQL_OPT_READ_TIMEOUT, &timeout);
        mysql_optionsv(m_, MYSQL_SET_CHARSET_NAME, "utf8mb4");
        mysql_optionsv(m_, MYSQL_OPT_SSL_CA, ca.c_str());
        mysql_optionsv(m_, MYSQL_OPT_SSL_CERT, cert.c_str());
        mysql_optionsv(m_, MYSQL_OPT_SSL_KEY, key.c_str());
        mysql_optionsv(m_, MARIADB_OPT_TLS_VERSION, "TLSv1.3");
        mysql_optionsv(m_, MYSQL_OPT_SSL_ENFORCE, &on);
        mysql_optionsv(m_, MYSQL_OPT_SSL_VERIFY_SERVER_CERT, &on);
        if (!mysql_real_connect(m_, "127.0.0.1", "app_user", password.c_str(), "appdb", static_cast<unsigned>(port),
                                nullptr, 0))
            die("raw connect failed", mysql_error(m_));
    }
    ~RawSession() { mysql_close(m_); }
    RawSession(const RawSession&) = delete;
    RawSession& operator=(const RawSession&) = delete;

    void select_by_id(long long id) {
        MYSQL_STMT* st = mysql_stmt_init(m_);
        if (!st || mysql_stmt_prepare(st, kSql, static_cast<unsigned long>(std::strlen(kSql))) != 0)
            die("raw prepare failed", mysql_error(m_));
        MYSQL_BIND param{};
        param.buffer_type = MYSQL_TYPE_LONGLONG;
        param.buffer = &id;
        char name[256];
        unsigned long length = 0;
        my_bool is_null = 0;
        MYSQL_BIND result{};
        result.buffer_type = MYSQL_TYPE_STRING;
        result.buffer = name;
        result.buffer_length = sizeof name;
        result.length = &length;
        result.is_null = &is_null;
        if (mysql_stmt_bind_param(st, &param) != 0 || mysql_stmt_execute(st) != 0 ||
            mysql_stmt_bind_result(st, &result) != 0 || mysql_stmt_store_result(st) != 0)
            die("raw execute failed", mysql_stmt_error(st));
        while (mysql_stmt_fetch(st) == 0) {
        }
        mysql_stmt_close(st);
    }

private:
    MYSQL* m_;
};

/// Statements per second of `kThreads` threads each running `work(thread, stop)` for `seconds`.
double throughput(double seconds, const std::function<std::uint64_t(int, const std::atomic<bool>&)>& work) {
    std::atomic<bool> stop{false};
    std::vector<std::uint64_t> counts(kThreads);
    std::vector<std::thread> threads;
    const auto t0 = Clock::now();
    for (int t = 0; t < kThreads; ++t) threads.emplace_back([&, t] { counts[t] = work(t, stop); });
    std::this_thread::sleep_for(std::chrono::duration<double>(seconds));
    stop = true;
    for (auto& th : threads) th.join();
    const double elapsed = std::chrono::duration<double>(Clock::now() - t0).count();
    std::uint64_t total = 0;
    for (auto c : counts) total += c;
    return static_cast<double>(total) / elapsed;
}

}  // namespace

int main(int argc, char** argv) {
    if (argc < 2) {
        std::fprintf(stderr, "usage: %s BED_DIR [ROUNDS] [SECONDS]\n", argv[0]);
        return 2;
    }
    const std::string bed = argv[1];
    const int rounds = argc > 2 ? std::max(1, std::atoi(argv[2])) : 200;
    const double seconds = argc > 3 ? std::max(0.5, std::atof(argv[3])) : 5.0;
    const auto env = read_env(bed + "/testbed.env");
    const int port = std::stoi(env.at("PORT_STRICT"));
    const std::string password = slurp(bed + "/secrets/app_user_password");
    const std::string profile_path = bed + "/bench-pool-profile.ini";
    std::ofstream(profile_path) << "[env.dev]\nhost = 127.0.0.1\nport = " << port
                                << "\nuser = app_user\ndatabase = appdb\npassword_file = secrets/app_user_password\n"
                                   "ssl_ca = pki/dev/ca.crt\nssl_cert = pki/dev/app_user.crt\n"
                                   "ssl_key = pki/dev/app_user.key\n"
                                   "[env.dev.pool]\nmax_size = 8\nacquire_timeout_ms = 60000\n";
    const verrou::Profile profile = verrou::load_profile(profile_path, "dev");

    // 1. acquire + release (warm, the lease runs nothing: no reset round trip) vs connect + close,
    //    alternating so both see the same machine state.
    verrou::Pool pool(profile, 8);
    { auto warm = pool.acquire(); }
    { auto c = verrou::Connection::open(profile); }
    std::vector<double> lease_us, connect_us;
    for (int i = 0; i < rounds; ++i) {
        auto t0 = Clock::now();
        { auto c = pool.acquire(); }
        auto t1 = Clock::now();
        { auto c = verrou::Connection::open(profile); }
        auto t2 = Clock::now();
        lease_us.push_back(std::chrono::duration<double, std::micro>(t1 - t0).count());
        connect_us.push_back(std::chrono::duration<double, std::micro>(t2 - t1).count());
    }
    const double lease = median(lease_us), connect = median(connect_us);
    std::printf("rounds: %d (alternating)\n", rounds);
    std::printf("pool acquire+release (warm): median %9.3f us\n", lease);
    std::printf("connect+close (mTLS):        median %9.3f us\n", connect);
    std::printf("ratio lease / connect:       %.5f = %.3f %% (goal <= 1 %%)\n", lease / connect, 100 * lease / connect);

    // 2. 8 threads, SELECT by primary key, for `seconds` each; raw first, then the pool twice.
    std::vector<std::unique_ptr<RawSession>> raw;
    for (int t = 0; t < kThreads; ++t) raw.push_back(std::make_unique<RawSession>(bed, port, password));
    const double raw_qps = throughput(seconds, [&](int t, const std::atomic<bool>& stop) {
        std::uint64_t n = 0;
        while (!stop) raw[t]->select_by_id(1 + static_cast<long long>(n++ % 3));
        return n;
    });
    raw.clear();
    const double per_statement = throughput(seconds, [&](int, const std::atomic<bool>& stop) {
        std::uint64_t n = 0;
        while (!stop) {
            auto c = pool.acquire();
            (void)c->query(kSql, {static_cast<std::int64_t>(1 + n++ % 3)});
        }
        return n;
    });
    const double per_20 = throughput(seconds, [&](int, const std::atomic<bool>& stop) {
        std::uint64_t n = 0;
        while (!stop) {
            auto c = pool.acquire();
            for (int i = 0; i < 20 && !stop; ++i) (void)c->query(kSql, {static_cast<std::int64_t>(1 + n++ % 3)});
        }
        return n;
    });
    const verrou::PoolStats s = pool.stats();
    std::printf("%d threads x %.1f s, SELECT name FROM customers WHERE id = ?\n", kThreads, seconds);
    std::printf("raw libmariadb, 1 connection/thread: %9.0f statements/s\n", raw_qps);
    std::printf("pool, a lease per statement:         %9.0f statements/s  ratio %.3f (goal >= 0.95)\n", per_statement,
                per_statement / raw_qps);
    std::printf("pool, a lease per 20 statements:     %9.0f statements/s  ratio %.3f (goal >= 0.95)\n", per_20,
                per_20 / raw_qps);
    std::printf("pool stats: created %llu, acquired %llu, waits %llu, discarded %llu\n",
                static_cast<unsigned long long>(s.created), static_cast<unsigned long long>(s.acquired),
                static_cast<unsigned long long>(s.waits), static_cast<unsigned long long>(s.discarded));
    return 0;
}
