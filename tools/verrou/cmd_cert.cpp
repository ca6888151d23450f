#include <iostream>
#include <string>

#include "cli.hpp"
#include "commands.hpp"
#include "verrou/certificate.hpp"
#include "verrou/error.hpp"
#include "verrou/profile.hpp"

namespace verrou::cli {

namespace {

constexpr const char* kHelp = R"(usage: verrou cert inspect FILE
       verrou cert check --profile FILE [--env ENV]

  inspect  print subject, issuer, SAN, validity, days left, SHA-256 fingerprint and serial
           of the first certificate of a PEM file. Exit 0, or 3 when it cannot be read.
  check    monitoring check of the profile's certificates (CA, client, next for rollover),
           local, plus the client certificate's OCSP status when the certificate or
           ocsp_url names a responder (ocsp, docs/ocsp.md). The first line is Nagios plugin output.
           Exit 0 OK, 1 WARNING (a certificate inside expiry_warning_days, or another
           warning finding), 2 CRITICAL (expired, not yet valid, invalid chain, key...),
           3 UNKNOWN (profile unreadable).
)";

void print_info(const CertificateInfo& c) {
    std::string sans;
    for (const auto& n : c.subject_alt_names) sans += (sans.empty() ? "" : ", ") + n;
    std::cout << "file:        " << c.path << "\n"
              << "subject:     " << c.subject << "\n"
              << "issuer:      " << c.issuer << "\n"
              << "SAN:         " << (sans.empty() ? "(none)" : sans) << "\n"
              << "not before:  " << c.not_before << "\n"
              << "not after:   " << c.not_after << "\n"
              << "days left:   " << c.days_left << (c.days_left < 0 ? " (EXPIRED)" : "")
              << (c.seconds_until_valid > 0 ? " (NOT YET VALID)" : "") << "\n"
              << "SHA-256:     " << c.sha256_fingerprint << "\n"
              << "serial:      " << c.serial_hex << "\n"
              << "CA:          " << (c.is_ca ? "yes" : "no") << "\n";
}

int inspect(const Args& args) {
    if (args.positional().size() != 2) throw UsageError{"cert inspect takes exactly one FILE"};
    try {
        print_info(inspect_certificate(args.positional()[1]));
    } catch (const Error& e) {
        std::cerr << "verrou cert inspect: [" << code_name(e.code()) << "] " << e.message() << "\n";
        return kUnknown;
    }
    return kOk;
}

int check(const Args& args) {
    if (args.positional().size() != 1) throw UsageError{"unexpected argument '" + args.positional()[1] + "'"};
    Profile p;
    try {
        p = load_profile(args.require("--profile"), args.get_or("--env", ""));
    } catch (const Error& e) {
        std::cout << "CERT UNKNOWN - [" << code_name(e.code()) << "] " << e.message() << "\n";
        return kUnknown;
    }
    const ValidationReport r = validate_tls_material_online(p);
    const CheckFinding* worst = r.first_failure();
    int code = worst ? kCritical : kOk;
    if (!worst) {
        for (const auto& f : r.findings) {
            if (f.status == CheckStatus::Warning) {
                worst = &f;
                code = kWarning;
                break;
            }
        }
    }
    static constexpr const char* kNames[] = {"OK", "WARNING", "CRITICAL"};
    std::cout << "CERT " << kNames[code] << " - ";
    if (worst) {
        std::cout << worst->check << ": " << worst->message;
    } else if (r.client) {
        std::cout << "client " << r.client->common_name << " valid until " << r.client->not_after << " ("
                  << r.client->days_left << " days left)";
    } else {
        std::cout << "certificates valid";
    }
    // Perfdata: monitoring graphs the days left of the certificate actually presented.
    std::cout << " |";
    if (r.client) std::cout << " client_days_left=" << r.client->days_left;
    if (r.ca) std::cout << " ca_days_left=" << r.ca->days_left;
    std::cout << "\n";
    std::cout << "environment: " << p.environment << ", certificate used: "
              << (r.using_next_certificate ? "next (ssl_cert_next) " : "current (ssl_cert) ") << r.cert_path << "\n";
    for (const auto& f : r.findings) {
        std::cout << "[" << check_status_name(f.status) << "] " << f.check << ": " << f.message << "\n";
    }
    return code;
}

}  // namespace

int cmd_cert(const ArgList& argv) {
    const Args args(argv, {"--profile", "--env"}, {});
    if (args.help() || args.positional().empty()) {
        std::cout << kHelp;
        return args.help() ? kOk : kUnknown;
    }
    const std::string& action = args.positional().front();
    if (action == "inspect") return inspect(args);
    if (action == "check") return check(args);
    throw UsageError{"unknown action '" + action + "' (inspect, check)"};
}

}  // namespace verrou::cli
