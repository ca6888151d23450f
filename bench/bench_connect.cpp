// Connect + close through verrou vs raw libmariadb with the same TLS options, in one process,
// alternating so both see the same machine state. Also times profile load + validation.
//
// Usage: bench_connect BED_DIR [ROUNDS]   (BED_DIR from tests/testbed/testbed.sh up)
// bench/run-connect.sh starts a bed, runs this, and stops the bed.
#include <mysql.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include "verrou/certificate.hpp"
#include "verrou/connection.hpp"
#include "verrou/profile.hpp"

#include "bench_support.hpp"

namespace {

using bench::median;
using bench::read_env;
using bench::slurp;

using Clock = std::chrono::steady_clock;

/// The baseline: what a careful application would write by hand with libmariadb.
void raw_connect(const std::string& bed, int port, const std::string& password) {
    MYSQL* m = mysql_init(nullptr);
    const unsigned int timeout = 10;
    const my_bool on = 1;
    const unsigned int no_infile = 0;
    const std::string ca = bed + "/pki/dev/ca.crt", cert = bed + "/pki/dev/app_user.crt",
                      key = bed + "/pki/dev/app_user.key", crl = bed + "/pki/dev/crl.pem";
    mysql_optionsv(m, MYSQL_OPT_CONNECT_TIMEOUT, &timeout);
    mysql_optionsv(m, MYSQL_OPT_READ_TIMEOUT, &timeout);
    mysql_optionsv(m, MYSQL_OPT_WRITE_TIMEOUT, &timeout);
    mysql_optionsv(m, MYSQL_SET_CHARSET_NAME, "utf8mb4");
    mysql_optionsv(m, MYSQL_OPT_LOCAL_INFILE, &no_infile);
    mysql_optionsv(m, MYSQL_OPT_SSL_CA, ca.c_str());
    mysql_optionsv(m, MYSQL_OPT_SSL_CERT, cert.c_str());
    mysql_optionsv(m, MYSQL_OPT_SSL_KEY, key.c_str());
    mysql_optionsv(m, MYSQL_OPT_SSL_CRL, crl.c_str());
    mysql_optionsv(m, MARIADB_OPT_TLS_VERSION, "TLSv1.3");
    mysql_optionsv(m, MYSQL_OPT_SSL_ENFORCE, &on);
    mysql_optionsv(m, MYSQL_OPT_SSL_VERIFY_SERVER_CERT, &on);
    if (!mysql_real_connect(m, "127.0.0.1", "app_user", password.c_str(), "appdb",
                            static_cast<unsigned int>(port), nullptr, 0)) {
        std::fprintf(stderr, "raw connect failed: %s\n", mysql_error(m));
        std::exit(1);
    }
    mysql_close(m);
}

}  // namespace

int main(int argc, char** argv) {
    if (argc < 2) {
        std::fprintf(stderr, "usage: %s BED_DIR [ROUNDS]\n", argv[0]);
        return 2;
    }
    const std::string bed = argv[1];
    const int rounds = argc > 2 ? std::max(1, std::atoi(argv[2])) : 100;
    const auto env = read_env(bed + "/testbed.env");
    const int port = std::stoi(env.at("PORT_STRICT"));
    const std::string password = slurp(bed + "/secrets/app_user_password");

    const std::string profile_path = bed + "/bench-profile.ini";
    std::ofstream(profile_path) << "[env.dev]\nhost = 127.0.0.1\nport = " << port
                                << "\nuser = app_user\ndatabase = appdb\npassword_file = secrets/app_user_password\n"
                                   "ssl_ca = pki/dev/ca.crt\nssl_cert = pki/dev/app_user.crt\n"
                                   "ssl_key = pki/dev/app_user.key\nssl_crl = pki/dev/crl.pem\n";

    // Profile load + validation alone (what every verrou connect adds before the network).
    std::vector<double> load_us, validate_us;
    for (int i = 0; i < rounds; ++i) {
        auto t0 = Clock::now();
        verrou::Profile p = verrou::load_profile(profile_path, "dev");
        auto t1 = Clock::now();
        auto report = verrou::validate_tls_material(p);
        auto t2 = Clock::now();
        if (!report.ok()) {
            std::fprintf(stderr, "validation failed: %s\n", report.first_failure()->message.c_str());
            return 1;
        }
        load_us.push_back(std::chrono::duration<double, std::micro>(t1 - t0).count());
        validate_us.push_back(std::chrono::duration<double, std::micro>(t2 - t1).count());
    }

    // Connect + close, alternating; warm up both first (library init, page cache).
    const verrou::Profile profile = verrou::load_profile(profile_path, "dev");
    raw_connect(bed, port, password);
    { auto c = verrou::Connection::open(profile); }
    std::vector<double> raw_ms, verrou_ms;
    for (int i = 0; i < rounds; ++i) {
        auto t0 = Clock::now();
        raw_connect(bed, port, password);
        auto t1 = Clock::now();
        { auto c = verrou::Connection::open(profile); }
        auto t2 = Clock::now();
        raw_ms.push_back(std::chrono::duration<double, std::milli>(t1 - t0).count());
        verrou_ms.push_back(std::chrono::duration<double, std::milli>(t2 - t1).count());
    }
    const double raw = median(raw_ms), ver = median(verrou_ms);
    std::printf("rounds: %d (alternating)\n", rounds);
    std::printf("profile load (INI):          median %8.1f us\n", median(load_us));
    std::printf("TLS material validation:     median %8.1f us\n", median(validate_us));
    std::printf("raw libmariadb connect+close: median %7.3f ms\n", raw);
    std::printf("verrou connect+close:         median %7.3f ms\n", ver);
    std::printf("ratio verrou / raw:           %.3f (goal <= 1.05)\n", ver / raw);
    return 0;
}
