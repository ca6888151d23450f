#!/usr/bin/env python3
"""A scriptable OCSP responder on 127.0.0.1 for the tests (docs/testbed.md, docs/ocsp.md).

    ocsp_responder.py --signer-cert C --signer-key K --state STATE.json --count COUNT [--port N]

Prints its port on the first line of stdout once it listens. Every request appends one line to
COUNT (so tests count requests at the responder) and re-reads STATE.json, which says how to
answer (all keys optional):

    {"revoked": {"<serial hex>": "key_compromise"},   revoked serials (with a ReasonFlags name)
     "unknown": ["<serial hex>"],                       serials answered 'unknown'
     "mode": "normal" | "stale" | "other" | "sleep" | "http500" | "trylater",
     "sleep_seconds": 5,                                 with mode sleep, before answering
     "signer_cert": "...", "signer_key": "...",          sign with another certificate/key
     "next_update_seconds": 3600}

stale: thisUpdate two days ago and nextUpdate one day ago; other: the answer is about another
serial; the nonce of the request is echoed. Written with the `cryptography` package (no verrou
code), so the suite judges verrou's OCSP client against an independent implementation.
"""
import argparse
import datetime
import json
import os
import sys
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.x509 import ocsp


def load_state(path):
    try:
        with open(path, encoding="utf-8") as f:
            return json.load(f)
    except FileNotFoundError:
        return {}


def load_signer(cert_path, key_path):
    with open(cert_path, "rb") as f:
        cert = x509.load_pem_x509_certificate(f.read())
    with open(key_path, "rb") as f:
        key = serialization.load_pem_private_key(f.read(), password=None)
    return cert, key


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--signer-cert", required=True)
    ap.add_argument("--signer-key", required=True)
    ap.add_argument("--state", required=True)
    ap.add_argument("--count", required=True)
    ap.add_argument("--port", type=int, default=0)
    args = ap.parse_args()

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.0"

        def log_message(self, *a):
            pass

        def do_POST(self):
            length = int(self.headers.get("Content-Length", "0"))
            body = self.rfile.read(length)
            with open(args.count, "a", encoding="utf-8") as f:
                f.write("request\n")
            state = load_state(args.state)
            mode = state.get("mode", "normal")
            if mode == "sleep":
                time.sleep(float(state.get("sleep_seconds", 5)))
            if mode == "http500":
                self.send_response(500)
                self.send_header("Content-Length", "0")
                self.end_headers()
                return
            if mode == "trylater":
                der = ocsp.OCSPResponseBuilder.build_unsuccessful(ocsp.OCSPResponseStatus.TRY_LATER).public_bytes(
                    serialization.Encoding.DER)
                self.answer(der)
                return
            req = ocsp.load_der_ocsp_request(body)
            serial = req.serial_number
            serial_hex = format(serial, "X")
            serial_hex = serial_hex if len(serial_hex) % 2 == 0 else "0" + serial_hex
            now = datetime.datetime.now(datetime.timezone.utc).replace(microsecond=0)
            this_update = now - datetime.timedelta(minutes=1)
            next_update = now + datetime.timedelta(seconds=int(state.get("next_update_seconds", 3600)))
            if mode == "stale":
                this_update = now - datetime.timedelta(days=2)
                next_update = now - datetime.timedelta(days=1)
            revoked = {k.upper(): v for k, v in state.get("revoked", {}).items()}
            unknown = {k.upper() for k in state.get("unknown", [])}
            status, rev_time, rev_reason = ocsp.OCSPCertStatus.GOOD, None, None
            if serial_hex in revoked:
                status = ocsp.OCSPCertStatus.REVOKED
                rev_time = now - datetime.timedelta(hours=1)
                rev_reason = x509.ReasonFlags[revoked[serial_hex]]
            elif serial_hex in unknown:
                status = ocsp.OCSPCertStatus.UNKNOWN
            if mode == "other":
                serial += 1
            cert, key = load_signer(state.get("signer_cert", args.signer_cert),
                                    state.get("signer_key", args.signer_key))
            builder = ocsp.OCSPResponseBuilder().add_response_by_hash(
                req.issuer_name_hash, req.issuer_key_hash, serial, req.hash_algorithm, status,
                this_update, next_update, rev_time, rev_reason)
            builder = builder.responder_id(ocsp.OCSPResponderEncoding.HASH, cert).certificates([cert])
            try:
                nonce = req.extensions.get_extension_for_class(x509.OCSPNonce).value.nonce
                builder = builder.add_extension(x509.OCSPNonce(nonce), critical=False)
            except x509.ExtensionNotFound:
                pass
            self.answer(builder.sign(key, hashes.SHA256()).public_bytes(serialization.Encoding.DER))

        def answer(self, der):
            self.send_response(200)
            self.send_header("Content-Type", "application/ocsp-response")
            self.send_header("Content-Length", str(len(der)))
            self.end_headers()
            self.wfile.write(der)

    server = ThreadingHTTPServer(("127.0.0.1", args.port), Handler)
    server.daemon_threads = True
    print(server.server_address[1], flush=True)
    sys.stdout.close()
    os.close(1)
    server.serve_forever()


if __name__ == "__main__":
    main()
