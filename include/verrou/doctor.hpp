// verrou/doctor.hpp — "which layer broke, and why": a step-by-step diagnosis of one profile.
//
// run_doctor walks the layers a connection goes through, in order:
//   profile → secrets → certificates → [hosts] → dns → tcp → tls → revocation → auth
// and reports each one as OK / WARNING / FAILED with the cause and a hint. It stops at the
// first FAILED step; the remaining steps are SKIPPED. A profile listing several hosts (or with a
// target) gets the step `hosts`: every host connected on its own and reported (reached or the
// layer and cause it failed with; its role and, for a Galera node, the cluster as it sees it);
// dns, tcp and tls then check the first usable host. `revocation` shows, for the server's and
// the client's certificates, what each source (CRL, OCSP) says and for how long, before the
// password is sent. Nothing secret is ever put in the report: secrets are named by their
// reference ("env var DB_PASSWORD"), never shown.
//
// The exit code follows the Nagios plugin convention so monitoring can run `verrou doctor`
// as is: 0 OK, 1 WARNING, 2 CRITICAL, 3 UNKNOWN (the profile could not be read at all).
// docs/doctor.md documents every field of the JSON form.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "verrou/certificate.hpp"
#include "verrou/error.hpp"
#include "verrou/profile.hpp"

namespace verrou {

enum class DoctorStatus { Ok, Warning, Failed, Skipped };
std::string_view doctor_status_name(DoctorStatus s) noexcept;  // "OK", "WARNING", "FAILED", "SKIPPED"

/// Nagios exit codes.
enum class NagiosCode : int { Ok = 0, Warning = 1, Critical = 2, Unknown = 3 };

struct DoctorStep {
    std::string name;                  // profile, secrets, certificates, [hosts,] dns, tcp, tls,
                                       // revocation, auth
    std::string title;                 // "Profile", "Secrets", ... (for humans)
    DoctorStatus status = DoctorStatus::Skipped;
    Code code = Code::Ok;              // the error code of the failure / warning, Ok otherwise
    std::string message;               // one line: what was found (the cause, when not OK)
    std::string hint;                  // what to do about it ("" when nothing to do)
    std::vector<std::string> details;  // further lines (certificate findings, chain, causes)
};

/// One certificate of the server's chain, as seen by the TLS probe.
struct DoctorServerTls {
    std::string peer_address;          // "127.0.0.1:3306"
    std::string server_version;        // from the MariaDB greeting
    bool tls_offered = false;
    bool handshake_done = false;
    std::string tls_version;           // negotiated by the probe
    std::string cipher;
    std::string verify_error;          // OpenSSL's verification text, "" when verified
    std::vector<CertificateInfo> chain;  // leaf first
};

/// What one revocation source says about one certificate (step "revocation").
struct DoctorRevocation {
    std::string certificate;           // "server" or "client"
    std::string subject;               // "/CN=db.prod.local"
    std::string serial;                // upper-case hex
    std::string source;                // "crl" (ssl_crl) or "ocsp"
    std::string location;              // the CRL file, or the responder's URL
    std::string answer;                // "good", "revoked", or "none" (no valid answer: see code)
    std::string this_update;           // ISO 8601 UTC: the CRL's lastUpdate / answer's thisUpdate
    std::string next_update;           // ISO 8601 UTC: nextUpdate; "" when none is given
    bool cached = false;               // an OCSP answer this process had already verified
    Code code = Code::Ok;              // CERT_REVOKED, CERT_OCSP_UNAVAILABLE, CERT_OCSP_INVALID, CERT_CRL
    std::string message;               // plain words
};

/// One host of a profile listing several (step "hosts"), connected on its own.
struct DoctorHost {
    std::string host;                  // "db1:3306"
    bool reached = false;              // connected and logged in
    Code code = Code::Ok;              // why it could not be reached; Ok when reached
    bool usable = false;               // reached, and suits the target and the Galera state
    std::string message;               // the failure, or why it is not usable; "" when usable
    std::optional<bool> read_only;     // @@read_only or @@innodb_read_only, when reached
    std::optional<bool> wsrep_on;      // when reached
    /// As this node sees the cluster (when reached and wsrep_on): "3", "Synced", "Primary".
    std::optional<std::string> wsrep_cluster_size;
    std::optional<std::string> wsrep_local_state_comment;
    std::optional<std::string> wsrep_cluster_status;
};

/// The authenticated session (step "auth").
struct DoctorSession {
    std::string current_user;          // CURRENT_USER()
    std::string ssl_version;           // SHOW STATUS 'Ssl_version' (the server's view)
    std::string ssl_cipher;            // SHOW STATUS 'Ssl_cipher'
    std::string tls_version;           // the client's view
    std::string cipher;
    std::string server_version;
    bool using_next_certificate = false;
    std::optional<CertificateInfo> client_certificate;
};

struct DoctorReport {
    std::string profile_path;
    std::string environment;           // "" when the profile could not be loaded
    std::vector<DoctorStep> steps;     // the eight steps in order, nine with `hosts` (4th)
    std::string stopped_at;            // name of the FAILED step, "" when none failed
    std::optional<ValidationReport> certificates;
    std::optional<DoctorServerTls> server;
    std::optional<DoctorSession> session;
    std::vector<DoctorHost> hosts;     // step `hosts`: one per host in file order, else empty
    std::vector<DoctorRevocation> revocation;  // step `revocation`: server entries, then client

    /// Worst step status (Skipped steps do not count).
    DoctorStatus status() const noexcept;
    /// 0 OK, 1 WARNING, 2 CRITICAL, 3 UNKNOWN (profile unreadable, unknown environment).
    NagiosCode exit_code() const noexcept;
    const DoctorStep* step(std::string_view name) const noexcept;
};

/// Loads the profile (environment chosen as load_profile does) and diagnoses it. Never throws
/// for a problem of the profile, the material, the network or the server: they are steps.
DoctorReport run_doctor(const std::string& profile_path, std::string_view environment = {});

/// Diagnoses an already-loaded profile (the "profile" step reports it as given; the hashing
/// section of its file is not checked).
DoctorReport run_doctor(const Profile& profile);

/// Stable JSON (docs/doctor.md). Never contains secret material.
std::string doctor_report_to_json(const DoctorReport& report);

/// Short human-readable form, one block per step, for terminals and support tickets.
std::string doctor_report_to_text(const DoctorReport& report);

}  // namespace verrou
