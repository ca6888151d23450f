// Internal: the doctor's revocation step — what each revocation source (the profile's CRL,
// the OCSP responder) says about the server's certificate and the client's own, with the
// validity window of what it said. The connection makes the same checks (tls/probe for the
// CRL, ocsp::check_server); this only reports them, one entry per source and certificate.
#pragma once

#include <string>
#include <vector>

#include "verrou/doctor.hpp"

namespace verrou::doctor_detail {

/// Server entries first (from `server_chain_der`, the chain the TLS probe verified, leaf
/// first; empty when it verified none), then the client's (`client_cert_path`, "" for none).
/// Never throws for a certificate, the CA, the CRL or the network: entries say what failed.
std::vector<DoctorRevocation> revocation_status(const Profile& profile,
                                                const std::vector<std::string>& server_chain_der,
                                                const std::string& client_cert_path);

}  // namespace verrou::doctor_detail
