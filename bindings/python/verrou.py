"""verrou.py — ctypes binding of libverrou (the flat C ABI of capi/verrou.h).

It binds exactly as WinDev's API() does: the library is loaded by path (argument or the
VERROU_LIBRARY environment variable), each function is looked up by name and returns a
pointer-sized signed integer (ctypes.c_ssize_t = verrou_int). A negative result becomes a
VerrouError(code, name, message); outputs grow their buffer on BUFFER_TOO_SMALL using
verrou_last_required_size(), as the WLanguage binding does.

    lib = Verrou("/path/libverrou.so")
    prof = lib.profile_open("profiles.json", "dev")
    cnx = lib.connect(prof)
    rows = lib.query(cnx, "SELECT id, name FROM customers WHERE id > ?", [1])["rows"]

`Verrou.raw` gives the bare functions for ABI tests (NULL pointers, odd sizes...).
Standard library only.
"""
from __future__ import annotations

import ctypes
import json
import os
from typing import Any, Iterable, Optional, Union

__all__ = ["Verrou", "VerrouError", "ERROR_CODES", "ERROR_NAMES", "FUNCTIONS",
           "MISMATCH", "MATCH", "MATCH_REHASH"]

MISMATCH, MATCH, MATCH_REHASH = 0, 1, 2

# Same names and values as the VERROU_E_* defines of verrou.h (a test checks it).
ERROR_CODES = {
    "INVALID_ARGUMENT": -1,
    "BUFFER_TOO_SMALL": -2,
    "INVALID_HANDLE": -3,
    "INVALID_UTF8": -4,
    "TOO_LARGE": -5,
    "CONFIG_UNREADABLE": -100,
    "CONFIG_SYNTAX": -101,
    "CONFIG_UNKNOWN_KEY": -102,
    "CONFIG_WRONG_TYPE": -103,
    "CONFIG_MISSING_KEY": -104,
    "CONFIG_DUPLICATE": -105,
    "CONFIG_UNKNOWN_ENVIRONMENT": -106,
    "CONFIG_INVALID_VALUE": -107,
    "CONFIG_UNSAFE": -108,
    "SECRET_NOT_FOUND": -200,
    "SECRET_UNREADABLE": -201,
    "SECRET_EMPTY": -202,
    "SECRET_TOO_SHORT": -203,
    "SECRET_ENV_MISSING": -204,
    "CERT_FILE_MISSING": -300,
    "CERT_UNREADABLE": -301,
    "CERT_PARSE": -302,
    "CERT_EXPIRED": -303,
    "CERT_NOT_YET_VALID": -304,
    "CERT_UNTRUSTED": -305,
    "CERT_KEY_MISMATCH": -306,
    "CERT_KEY_ENCRYPTED": -307,
    "CERT_KEY_PASSPHRASE": -308,
    "CERT_REVOKED": -309,
    "CERT_ENVIRONMENT_GUARD": -310,
    "CERT_PIN_MISMATCH": -311,
    "CERT_PERMISSIONS": -312,
    "CERT_CRL": -313,
    "CERT_REJECTED_BY_SERVER": -314,
    "NETWORK_DNS": -400,
    "NETWORK_REFUSED": -401,
    "NETWORK_TIMEOUT": -402,
    "NETWORK_UNREACHABLE": -403,
    "NETWORK_LOST": -404,
    "TLS_HANDSHAKE": -500,
    "TLS_UNTRUSTED_SERVER": -501,
    "TLS_NAME_MISMATCH": -502,
    "TLS_VERSION_TOO_LOW": -503,
    "TLS_NOT_OFFERED": -504,
    "TLS_SERVER_CERT_EXPIRED": -505,
    "TLS_SERVER_PIN_MISMATCH": -506,
    "AUTH_DENIED": -600,
    "AUTH_CERTIFICATE_REQUIRED": -601,
    "SERVER_ERROR": -700,
    "QUERY_ERROR": -701,
    "QUERY_PARAMETER": -702,
    "SERVER_GONE": -703,
    "TRANSACTION_STATE": -704,
    "PASSWORD_TOO_LONG": -800,
    "PASSWORD_EMPTY": -801,
    "HASH_MALFORMED": -802,
    "HASH_UNKNOWN_ALGORITHM": -803,
    "HASH_UNKNOWN_KEY_ID": -804,
    "HASH_PARAMETER_OUT_OF_RANGE": -805,
    "HASH_POLICY": -806,
    "INTERNAL": -900,
    "OUT_OF_MEMORY": -901,
    "CRYPTO": -902,
}
ERROR_NAMES = {v: k for k, v in ERROR_CODES.items()}
BUFFER_TOO_SMALL = ERROR_CODES["BUFFER_TOO_SMALL"]

_I = ctypes.c_ssize_t      # verrou_int
_S = ctypes.c_char_p       # const char * (UTF-8, NUL-terminated) or NULL
_B = ctypes.c_void_p       # char *buf (a ctypes buffer or None for NULL)

# Every exported function and its parameter types: the ABI, in the order of verrou.h.
FUNCTIONS = {
    "verrou_version": (_B, _I),
    "verrou_last_error_code": (),
    "verrou_last_error_message": (_B, _I),
    "verrou_last_required_size": (),
    "verrou_error_name": (_I, _B, _I),
    "verrou_profile_open": (_S, _S),
    "verrou_profile_close": (_I,),
    "verrou_profile_describe": (_I, _B, _I),
    "verrou_connect": (_I,),
    "verrou_disconnect": (_I,),
    "verrou_connection_info": (_I, _B, _I),
    "verrou_execute": (_I, _S, _S),
    "verrou_query": (_I, _S, _S, _B, _I),
    "verrou_begin": (_I,),
    "verrou_commit": (_I,),
    "verrou_rollback": (_I,),
    "verrou_hasher_open": (_S, _S),
    "verrou_hasher_close": (_I,),
    "verrou_hash": (_I, _S, _B, _I),
    "verrou_verify": (_I, _S, _S),
    "verrou_needs_rehash": (_I, _S),
    "verrou_verify_windev_legacy": (_I, _S, _S, _S),
    "verrou_doctor": (_S, _S, _B, _I),
    "verrou_cert_check": (_I, _B, _I),
}

Text = Union[str, bytes, None]


class VerrouError(Exception):
    """A negative result of a verrou_* call: code (< 0), symbolic name, message."""

    def __init__(self, code: int, name: str, message: str):
        super().__init__(f"{name} ({code}): {message}")
        self.code = code
        self.name = name
        self.message = message


class _Raw:
    """The bare C functions, resolved by name like API("verrou", "verrou_connect", ...)."""

    def __init__(self, cdll: ctypes.CDLL):
        for name, argtypes in FUNCTIONS.items():
            fn = getattr(cdll, name)  # AttributeError when the library lacks it
            fn.restype = _I
            fn.argtypes = list(argtypes)
            setattr(self, name, fn)


def _c(text: Text) -> Optional[bytes]:
    """str → UTF-8 bytes; bytes pass unchanged (tests send invalid UTF-8); None → NULL."""
    if text is None or isinstance(text, bytes):
        return text
    return str(text).encode("utf-8")


class Verrou:
    """One loaded libverrou. Handles are plain ints, as in C and WLanguage."""

    def __init__(self, path: Optional[str] = None, initial_buffer: int = 256):
        path = path or os.environ.get("VERROU_LIBRARY")
        if not path:
            raise ValueError("path to libverrou not given and VERROU_LIBRARY is not set")
        self.path = path
        self._cdll = ctypes.CDLL(path)
        self.raw = _Raw(self._cdll)
        self.initial_buffer = max(1, int(initial_buffer))

    # ---- plumbing ---------------------------------------------------------------------
    def last_error_message(self) -> str:
        size = 256
        while True:
            buf = ctypes.create_string_buffer(size)
            r = self.raw.verrou_last_error_message(buf, size)
            if r >= 0:
                return buf.raw[:r].decode("utf-8", "replace")
            need = self.raw.verrou_last_required_size()
            if r != BUFFER_TOO_SMALL or need <= size:
                return ""
            size = need

    def error(self, result: int) -> VerrouError:
        """The VerrouError for a negative result just returned on this thread."""
        code = self.raw.verrou_last_error_code() or result
        message = self.last_error_message()
        return VerrouError(code, ERROR_NAMES.get(code, "UNKNOWN"), message)

    def _check(self, result: int) -> int:
        if result < 0:
            raise self.error(result)
        return result

    def _out(self, fn, *args) -> str:
        """Calls fn(*args, buf, size), growing buf on BUFFER_TOO_SMALL."""
        size = self.initial_buffer
        while True:
            buf = ctypes.create_string_buffer(size)
            r = fn(*args, buf, size)
            if r >= 0:
                return buf.raw[:r].decode("utf-8")
            if r == BUFFER_TOO_SMALL:
                need = self.raw.verrou_last_required_size()
                if need > size:
                    size = need
                    continue
            raise self.error(r)

    # ---- library ------------------------------------------------------------------------
    def version(self) -> str:
        return self._out(self.raw.verrou_version)

    def last_error_code(self) -> int:
        return self.raw.verrou_last_error_code()

    def last_required_size(self) -> int:
        return self.raw.verrou_last_required_size()

    def error_name(self, code: int) -> str:
        return self._out(self.raw.verrou_error_name, code)

    # ---- profiles -------------------------------------------------------------------------
    def profile_open(self, path: Text, environment: Text = None) -> int:
        return self._check(self.raw.verrou_profile_open(_c(path), _c(environment)))

    def profile_close(self, profile: int) -> int:
        return self._check(self.raw.verrou_profile_close(profile))

    def profile_describe(self, profile: int) -> dict:
        return json.loads(self._out(self.raw.verrou_profile_describe, profile))

    # ---- connections ----------------------------------------------------------------------
    def connect(self, profile: int) -> int:
        return self._check(self.raw.verrou_connect(profile))

    def disconnect(self, connection: int) -> int:
        return self._check(self.raw.verrou_disconnect(connection))

    def connection_info(self, connection: int) -> dict:
        return json.loads(self._out(self.raw.verrou_connection_info, connection))

    @staticmethod
    def params_json(params: Union[None, str, bytes, Iterable[Any]]) -> Optional[bytes]:
        if params is None or isinstance(params, (str, bytes)):
            return _c(params)
        return json.dumps(list(params), ensure_ascii=False).encode("utf-8")

    def execute(self, connection: int, sql: Text, params=None) -> int:
        return self._check(self.raw.verrou_execute(connection, _c(sql), self.params_json(params)))

    def query_json(self, connection: int, sql: Text, params=None) -> str:
        return self._out(self.raw.verrou_query, connection, _c(sql), self.params_json(params))

    def query(self, connection: int, sql: Text, params=None, exact_decimals: bool = False) -> dict:
        """{"columns": [...], "rows": [[...], ...]}; exact_decimals parses numbers as Decimal."""
        text = self.query_json(connection, sql, params)
        if exact_decimals:
            import decimal
            return json.loads(text, parse_float=decimal.Decimal)
        return json.loads(text)

    def begin(self, connection: int) -> int:
        return self._check(self.raw.verrou_begin(connection))

    def commit(self, connection: int) -> int:
        return self._check(self.raw.verrou_commit(connection))

    def rollback(self, connection: int) -> int:
        return self._check(self.raw.verrou_rollback(connection))

    # ---- passwords ------------------------------------------------------------------------
    def hasher_open(self, path: Text, environment: Text = None) -> int:
        return self._check(self.raw.verrou_hasher_open(_c(path), _c(environment)))

    def hasher_close(self, hasher: int) -> int:
        return self._check(self.raw.verrou_hasher_close(hasher))

    def hash(self, hasher: int, password: Text) -> str:
        return self._out(self.raw.verrou_hash, hasher, _c(password))

    def verify(self, hasher: int, password: Text, stored: Text) -> int:
        return self._check(self.raw.verrou_verify(hasher, _c(password), _c(stored)))

    def needs_rehash(self, hasher: int, stored: Text) -> bool:
        return self._check(self.raw.verrou_needs_rehash(hasher, _c(stored))) == 1

    def verify_windev_legacy(self, hasher: int, password: Text, salt: Text, stored_base64: Text) -> int:
        """A legacy WinDev record (salt column, Base64 hash column) checked with the profile's
        hashing.windev_legacy settings: MATCH_REHASH (store hash(password)) or MISMATCH."""
        return self._check(self.raw.verrou_verify_windev_legacy(hasher, _c(password), _c(salt), _c(stored_base64)))

    # ---- diagnosis and monitoring ---------------------------------------------------------
    def doctor(self, path: Text, environment: Text = None) -> dict:
        """The layered diagnosis of docs/doctor.md: report["status"], report["exit_code"]."""
        return json.loads(self._out(self.raw.verrou_doctor, _c(path), _c(environment)))

    def cert_check(self, profile: int) -> dict:
        """Local certificate check: {"status" (OK/WARNING/FAILED), "exit_code" (0/1/2), "environment", "certificates"}."""
        return json.loads(self._out(self.raw.verrou_cert_check, profile))
