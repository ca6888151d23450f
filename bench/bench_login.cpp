// login() against the bed's strict server, in one process, contenders alternating each round
// so they see the same machine state:
//   granted:   login() of a known user, right password (current policy, no rehash)
//   baseline:  what an application does by hand: one SELECT of the hash + PasswordHasher::verify
//   denied:    login() of a known user, wrong password
//   unknown:   login() of an unknown user (must cost what `denied` costs: a dummy verify)
//   throttled: login() of a throttled account (no derivation, one statement: prepare + execute)
//   select:    the baseline's SELECT alone (one statement, the throttled answer's floor)
// Also counts the round trips of each call (session status: prepares, executes, BEGIN/COMMIT).
//
// Usage: bench_login BED_DIR [ROUNDS]     bench/run-login.sh starts a bed, runs this, stops it.
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <functional>
#include <string>
#include <vector>

#include "bench_support.hpp"
#include "verrou/connection.hpp"
#include "verrou/login.hpp"
#include "verrou/password.hpp"
#include "verrou/profile.hpp"

namespace {

using bench::Contender;
using bench::median;



verrou::Profile bed_profile(const std::string& bed) {
    const std::string path = bed + "/bench-login-profile.ini";
    std::FILE* env = std::fopen((bed + "/testbed.env").c_str(), "r");
    if (!env) throw std::runtime_error("no testbed.env in " + bed);
    char line[512];
    std::string port;
    while (std::fgets(line, sizeof line, env)) {
        std::string l(line);
        if (l.rfind("PORT_STRICT=", 0) == 0) port = l.substr(12, l.find_first_of("\r\n") - 12);
    }
    std::fclose(env);
    std::FILE* f = std::fopen(path.c_str(), "w");
    std::fprintf(f,
                 "[env.dev]\nhost = 127.0.0.1\nport = %s\nuser = app_user\ndatabase = appdb\n"
                 "password_file = secrets/app_user_password\nssl_ca = pki/dev/ca.crt\n"
                 "ssl_cert = pki/dev/app_user.crt\nssl_key = pki/dev/app_user.key\nssl_crl = pki/dev/crl.pem\n",
                 port.c_str());
    std::fclose(f);
    return verrou::load_profile(path, "dev");
}

/// Round trips of the session so far: prepared statements (prepare, execute) and
/// START TRANSACTION / COMMIT / ROLLBACK. The query reading them counts itself (1 prepare +
/// 1 execute), so two readings around `f` differ by f's round trips + 2.
long long round_trips(verrou::Connection& c) {
    const verrou::ResultSet r = c.query(
        "SELECT SUM(VARIABLE_VALUE) FROM information_schema.SESSION_STATUS WHERE VARIABLE_NAME IN "
        "('COM_STMT_PREPARE', 'COM_STMT_EXECUTE', 'COM_BEGIN', 'COM_COMMIT', 'COM_ROLLBACK')");
    return std::stoll(r.rows.at(0).at(0).value());
}

long long round_trips_of(verrou::Connection& c, const std::function<void()>& f) {
    const long long before = round_trips(c);
    f();
    return round_trips(c) - before - 2;
}

}  // namespace

int main(int argc, char** argv) {
    if (argc < 2) {
        std::fprintf(stderr, "usage: %s BED_DIR [ROUNDS]\n", argv[0]);
        return 2;
    }
    const std::string bed = argv[1];
    const int rounds = argc > 2 ? std::max(1, std::atoi(argv[2])) : 51;
    const verrou::Profile profile = bed_profile(bed);
    verrou::Connection c = verrou::Connection::open(profile);
    const verrou::PasswordHasher hasher(verrou::HashPolicy{}, {}, "");  // today's OWASP Argon2id

    verrou::LoginSettings s;
    const std::string suffix = std::to_string(::getpid());
    s.users_table = "bench_users_" + suffix;
    s.guard_table = "bench_guard_" + suffix;
    s.max_failures_per_account = 1'000'000;  // the denied / unknown contenders never throttle
    s.backoff_max_seconds = 86'400;
    s.lockout_after = 0;
    s.max_failures_per_source = 0;
    verrou::LoginSettings strict = s;  // the same tables, for the throttled account
    strict.max_failures_per_account = 1;
    strict.backoff_initial_seconds = 86'400;

    c.execute("CREATE TABLE `" + s.users_table + "` (`login` VARCHAR(100) PRIMARY KEY, `password_hash` VARCHAR(255) NULL)");
    int rc = 0;
    try {
        verrou::login_init(c, s);
        const std::string pw = "correct horse battery staple";
        c.execute("INSERT INTO `" + s.users_table + "` VALUES ('bench', ?), ('locked', ?)", {hasher.hash(pw), hasher.hash(pw)});
        const std::string select = "SELECT `password_hash` FROM `" + s.users_table + "` WHERE `login` = ?";
        if (verrou::login(c, hasher, strict, "locked", "wrong", "bench").verdict != verrou::LoginVerdict::Denied) return 1;

        auto expect = [](verrou::LoginVerdict got, verrou::LoginVerdict want) {
            if (got != want) {
                std::fprintf(stderr, "unexpected verdict %s\n", std::string(verrou::login_verdict_name(got)).c_str());
                std::exit(1);
            }
        };
        std::vector<Contender> cs;
        cs.push_back({"login granted", [&] { expect(verrou::login(c, hasher, s, "bench", pw, "bench").verdict, verrou::LoginVerdict::Granted); }, {}});
        cs.push_back({"baseline: SELECT + verify", [&] {
                          const verrou::ResultSet r = c.query(select, {std::string("bench")});
                          if (hasher.verify(pw, *r.rows.at(0).at(0)) != verrou::VerifyResult::Match) std::exit(1);
                      }, {}});
        cs.push_back({"login denied (known user)", [&] { expect(verrou::login(c, hasher, s, "bench", "wrong", "bench").verdict, verrou::LoginVerdict::Denied); }, {}});
        cs.push_back({"login denied (unknown user)", [&] { expect(verrou::login(c, hasher, s, "nobody", "wrong", "bench").verdict, verrou::LoginVerdict::Denied); }, {}});
        cs.push_back({"login throttled", [&] { expect(verrou::login(c, hasher, strict, "locked", pw, "bench").verdict, verrou::LoginVerdict::Throttled); }, {}});
        cs.push_back({"SELECT alone (1 statement)", [&] { (void)c.query(select, {std::string("bench")}); }, {}});

        bench::run_interleaved(cs, rounds);  // the warm-up fills the dummy hash, page cache and guard rows
        std::printf("rounds: %d (alternating, rotating order); policy argon2id m=%u t=%u p=%u\n\n", rounds,
                    hasher.policy().argon2_memory_kib, hasher.policy().argon2_iterations, hasher.policy().argon2_parallelism);
        std::printf("| contender | median ms | round trips per call |\n|---|---:|---:|\n");
        for (auto& k : cs) {
            std::printf("| %s | %.3f | %lld |\n", k.name.c_str(), median(k.ms), round_trips_of(c, k.run));
        }
        const double granted = median(cs[0].ms), base = median(cs[1].ms), denied = median(cs[2].ms),
                     unknown = median(cs[3].ms), throttled = median(cs[4].ms), one = median(cs[5].ms);
        std::printf("\nlogin granted / baseline:        %.3f (goal <= 1.05)\n", granted / base);
        std::printf("unknown / known-wrong (denied):  %.3f (goal within 0.90 .. 1.10)\n", unknown / denied);
        std::printf("throttled / one statement:       %.3f (no derivation: %.3f ms vs %.3f ms verify)\n", throttled / one,
                    throttled, base - one);
    } catch (const verrou::Error& e) {
        std::fprintf(stderr, "bench_login: %s\n", e.what());
        rc = 1;
    }
    c.execute("DROP TABLE IF EXISTS `" + s.users_table + "`, `" + s.guard_table + "`");
    return rc;
}
