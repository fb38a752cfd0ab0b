"""Opening a secret the centre sealed to this terminal's key (format ``hk-seal-1``,
sealing side: ``central/fleet/seal.py``)."""

from __future__ import annotations

import base64
import binascii
import json
from pathlib import Path

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

SEAL_FORMAT = "hk-seal-1"


class UnsealError(Exception):
    """A sealed value cannot be opened with this terminal's key. Names the key only."""

    def __init__(self, key: str, problem: str) -> None:
        super().__init__(f"{key}: {problem}")
        self.key = key
        self.problem = problem


def seal_aad(target_path: str, key: str, terminal_id: str) -> bytes:
    return f"{target_path}|{key}|{terminal_id}".encode()


def load_private_key(path: Path) -> ec.EllipticCurvePrivateKey:
    key = serialization.load_pem_private_key(path.read_bytes(), None)
    if not isinstance(key, ec.EllipticCurvePrivateKey):
        raise ValueError(f"{path}: not an EC key")
    return key


def unseal(private_key: ec.EllipticCurvePrivateKey, sealed: str, aad: bytes, key: str) -> object:
    """The JSON value sealed for this terminal; UnsealError if it is not ours or damaged."""
    try:
        raw = base64.b64decode(sealed, validate=True)
    except (binascii.Error, ValueError):
        raise UnsealError(key, "sealed value is not base64") from None
    size = (private_key.curve.key_size + 7) // 8
    point_len = 1 + 2 * size
    if len(raw) < point_len + 12 + 16:
        raise UnsealError(key, "sealed value is too short")
    try:
        eph = ec.EllipticCurvePublicKey.from_encoded_point(private_key.curve, raw[:point_len])
    except ValueError:
        raise UnsealError(key, "sealed value holds no valid public point") from None
    shared = private_key.exchange(ec.ECDH(), eph)
    derived = HKDF(
        algorithm=hashes.SHA256(), length=32, salt=None, info=SEAL_FORMAT.encode() + b"|" + aad
    ).derive(shared)
    nonce, ct = raw[point_len : point_len + 12], raw[point_len + 12 :]
    try:
        plain = AESGCM(derived).decrypt(nonce, ct, aad)
    except InvalidTag:
        raise UnsealError(key, "not sealed to this terminal's key, or altered") from None
    return json.loads(plain)
