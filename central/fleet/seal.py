"""Sealing a secret config value to one terminal's certificate key.

A fleet bundle is readable by every terminal in its scope, and its bytes sit on the
centre's disk: secrets (the ticket QR key, the PIN hash) go in sealed, one copy per
terminal. Format ``hk-seal-1`` (the terminal side is ``kiosk/fleet/sealed.py``)::

    base64( ephemeral public point (X9.62 uncompressed) || nonce (12) || AES-256-GCM ct )
    key = HKDF-SHA256(ECDH(ephemeral, terminal key), info = "hk-seal-1|" + aad)
    aad = "<target path>|<dotted key>|<terminal id>"

The terminal's TLS client key (an EC key, P-256 from ``gen-certs``) opens it.
"""

from __future__ import annotations

import base64
import json
import os
from dataclasses import dataclass
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from cryptography.x509.oid import ExtendedKeyUsageOID

from central.certs import CertificateError, identity_of

SEAL_FORMAT = "hk-seal-1"


class SealError(Exception):
    """A recipient certificate cannot be used for sealing."""


def seal_aad(target_path: str, key: str, terminal_id: str) -> bytes:
    return f"{target_path}|{key}|{terminal_id}".encode()


def _derive(shared: bytes, aad: bytes) -> bytes:
    return HKDF(
        algorithm=hashes.SHA256(), length=32, salt=None, info=SEAL_FORMAT.encode() + b"|" + aad
    ).derive(shared)


def seal(public_key: ec.EllipticCurvePublicKey, value: object, aad: bytes) -> str:
    """``value`` (any JSON value) sealed to ``public_key``."""
    eph = ec.generate_private_key(public_key.curve)
    key = _derive(eph.exchange(ec.ECDH(), public_key), aad)
    nonce = os.urandom(12)
    ct = AESGCM(key).encrypt(nonce, json.dumps(value).encode(), aad)
    point = eph.public_key().public_bytes(
        serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint
    )
    return base64.b64encode(point + nonce + ct).decode("ascii")


@dataclass(frozen=True)
class Recipient:
    """A terminal that can open sealed values: its id, hall and certificate key."""

    terminal_id: str
    hall_id: str
    public_key: ec.EllipticCurvePublicKey
    source: str


def _recipient(cert: x509.Certificate, source: str) -> Recipient | None:
    """The terminal a certificate names (its URI SANs, as the centre reads them), or
    None for the CA's and the server's certificates beside them."""
    try:
        eku = cert.extensions.get_extension_for_class(x509.ExtendedKeyUsage).value
    except x509.ExtensionNotFound:
        return None
    if ExtendedKeyUsageOID.CLIENT_AUTH not in eku:
        return None
    try:
        who = identity_of(cert)
    except CertificateError as exc:
        raise SealError(f"{source}: {exc.reason}") from None
    key = cert.public_key()
    if not isinstance(key, ec.EllipticCurvePublicKey):
        raise SealError(f"{source}: terminal key is not an EC key; cannot seal to it")
    return Recipient(who.terminal_id, who.hall_id, key, source)


def load_recipients(paths: list[Path]) -> list[Recipient]:
    """Terminal certificates from files and folders (``*.pem``); CA and server
    certificates in a ``gen-certs`` folder are skipped."""
    found: list[Recipient] = []
    for path in paths:
        files = sorted(path.glob("*.pem")) if path.is_dir() else [path]
        if not files:
            raise SealError(f"{path}: no *.pem certificates here")
        for file in files:
            try:
                cert = x509.load_pem_x509_certificate(file.read_bytes())
            except ValueError:
                continue  # a key or another PEM file beside the certificates
            except OSError as exc:
                raise SealError(f"{file}: {exc.strerror}") from None
            r = _recipient(cert, str(file))
            if r is not None:
                found.append(r)
    return found
