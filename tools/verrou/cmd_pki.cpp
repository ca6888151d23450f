#include <iostream>
#include <string>
#include <vector>

#include "cli.hpp"
#include "commands.hpp"
#include "verrou/error.hpp"
#include "verrou/pki.hpp"

namespace verrou::cli {

namespace {

constexpr const char* kHelp = R"(usage: verrou pki init-ca      --env ENV --dir D [--days 3650]
       verrou pki issue-server --env ENV --dir D --host NAME [--host NAME...] [--ip ADDR...] [--days 397] [--ocsp-url URL]
       verrou pki issue-client --env ENV --dir D --user USER [--days 365] [--ocsp-url URL]
       verrou pki issue-ocsp-responder --env ENV --dir D [--days 90]
       verrou pki revoke       --env ENV --dir D (--serial HEX | --cert FILE)
       verrou pki crl          --env ENV --dir D

A small CA for dev and recette environments (production should use the organisation's
PKI): one CA per environment in D/ENV/ (ca.crt, ca.key, crl.pem, index.json, index.txt), EC
P-256, SHA-256, CN "verrou ENV CA". Issued files go to D/ENV/issued/: servers as HOST.crt/.key
(SAN from --host/--ip, EKU serverAuth), clients as USER-ENV.crt/.key (the CN verrou's
environment guard and MariaDB's REQUIRE SUBJECT expect, EKU clientAuth).
--ocsp-url http://HOST:PORT/ names the OCSP responder in the certificate (Authority
Information Access); issue-ocsp-responder issues its delegated signing certificate
(D/ENV/issued/ocsp-responder.crt/.key, EKU OCSPSigning). index.txt is the CA's database in
`openssl ca` format, what `openssl ocsp -index D/ENV/index.txt` serves.
Keys are written mode 0600, atomically; existing files are never overwritten.
revoke adds the certificate to the CRL, regenerates D/ENV/crl.pem and rewrites index.txt
(a running `openssl ocsp` re-reads it before its next answer).
Exit 0 done, 2 refused or failed, 3 usage.
)";

// --host and --ip may repeat: collect them in order (Args keeps only the last value).
std::vector<std::string> collect(const ArgList& argv, const std::string& name, ArgList& rest) {
    std::vector<std::string> values;
    for (std::size_t i = 0; i < argv.size(); ++i) {
        if (argv[i] == name && i + 1 < argv.size()) {
            values.push_back(argv[++i]);
        } else if (argv[i].rfind(name + "=", 0) == 0) {
            values.push_back(argv[i].substr(name.size() + 1));
        } else {
            rest.push_back(argv[i]);
        }
    }
    return values;
}

int days_of(const Args& args, int fallback) {
    const auto v = args.get("--days");
    if (!v) return fallback;
    try {
        std::size_t used = 0;
        const int d = std::stoi(*v, &used);
        if (used != v->size() || d < 1) throw UsageError{"--days must be a positive integer"};
        return d;
    } catch (const std::logic_error&) {
        throw UsageError{"--days must be a positive integer"};
    }
}

void print(const pki::Issued& i) {
    std::cout << "subject:   " << i.subject << "\n"
              << "serial:    " << i.serial_hex << "\n"
              << "not after: " << i.not_after << "\n"
              << "cert:      " << i.cert_path << "\n"
              << "key:       " << i.key_path << " (mode 0600)\n";
}

}  // namespace

int run(const std::string& action, const std::string& env, const std::string& dir, const Args& args,
        const std::vector<std::string>& hosts, const std::vector<std::string>& ips);

int cmd_pki(const ArgList& argv) {
    ArgList rest1, rest2;
    const auto hosts = collect(argv, "--host", rest1);
    const auto ips = collect(rest1, "--ip", rest2);
    const Args args(rest2, {"--env", "--dir", "--days", "--user", "--serial", "--cert", "--ocsp-url"}, {});
    if (args.help() || args.positional().empty()) {
        std::cout << kHelp;
        return args.help() ? kOk : kUnknown;
    }
    if (args.positional().size() != 1) throw UsageError{"unexpected argument '" + args.positional()[1] + "'"};
    const std::string action = args.positional().front();
    const std::string env = args.require("--env");
    const std::string dir = args.require("--dir");
    try {
        return run(action, env, dir, args, hosts, ips);
    } catch (const Error& e) {
        // A refusal (existing file, unknown serial, no CA) is CRITICAL, not a usage error.
        std::cerr << "verrou pki " << action << ": [" << code_name(e.code()) << "] " << e.message() << "\n";
        return kCritical;
    }
}

int run(const std::string& action, const std::string& env, const std::string& dir, const Args& args,
        const std::vector<std::string>& hosts, const std::vector<std::string>& ips) {
    if (args.get("--ocsp-url") && action != "issue-server" && action != "issue-client") {
        throw UsageError{"--ocsp-url applies to issue-server and issue-client only"};
    }
    if (action == "init-ca") {
        print(pki::init_ca(dir, env, days_of(args, 3650)));
    } else if (action == "issue-server") {
        if (hosts.empty() && ips.empty()) throw UsageError{"issue-server needs --host and/or --ip"};
        print(pki::issue_server(dir, env, hosts, ips, days_of(args, 397), args.get("--ocsp-url").value_or("")));
    } else if (action == "issue-client") {
        print(pki::issue_client(dir, env, args.require("--user"), days_of(args, 365),
                                args.get("--ocsp-url").value_or("")));
    } else if (action == "issue-ocsp-responder") {
        print(pki::issue_ocsp_responder(dir, env, days_of(args, 90)));
    } else if (action == "revoke") {
        const auto serial = args.get("--serial");
        const auto cert = args.get("--cert");
        if (!serial == !cert) throw UsageError{"revoke needs exactly one of --serial or --cert"};
        const std::string crl = serial ? pki::revoke_serial(dir, env, *serial) : pki::revoke_certificate(dir, env, *cert);
        std::cout << "revoked; CRL regenerated: " << crl << "; OCSP index rewritten\n";
    } else if (action == "crl") {
        std::cout << "CRL regenerated: " << pki::generate_crl(dir, env) << "\n";
    } else {
        throw UsageError{"unknown action '" + action +
                         "' (init-ca, issue-server, issue-client, issue-ocsp-responder, revoke, crl)"};
    }
    return kOk;
}

}  // namespace verrou::cli
