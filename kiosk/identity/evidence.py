"""Building and signing the evidence record of one identity check (schema:
:mod:`offline_cache.wire`).

The record is signed with the terminal's certificate key (``[central] client_key``, the
key of its mTLS identity): the centre checks the signature against the certificate, the
certificate against the terminal that submitted it, and the nonce against every nonce
it has seen, so a replayed or transplanted record is told apart.
"""

from __future__ import annotations

import base64
import hashlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from offline_cache.wire import SIGNATURE_ALG, IdentityEvidence, signed_bytes


class EvidenceError(Exception):
    """The record could not be built or signed; the message names why (never the data)."""


@dataclass(frozen=True, repr=False)
class TerminalSigner:
    """The terminal's certificate and private key (PEM files from ``[central]``)."""

    certificate_pem: str
    key_pem: bytes = field(repr=False)

    @classmethod
    def from_files(cls, cert: Path, key: Path) -> TerminalSigner:
        try:
            return cls(cert.read_text("ascii"), key.read_bytes())
        except (OSError, UnicodeDecodeError) as exc:
            raise EvidenceError(f"cannot read the terminal certificate or key: {exc}") from None

    def sign(self, data: bytes) -> str:
        from cryptography.hazmat.primitives import hashes, serialization
        from cryptography.hazmat.primitives.asymmetric import ec

        try:
            key = serialization.load_pem_private_key(self.key_pem, password=None)
        except ValueError as exc:
            raise EvidenceError(f"the terminal key cannot be loaded: {exc}") from None
        if not isinstance(key, ec.EllipticCurvePrivateKey):
            raise EvidenceError("the terminal key is not an EC key")
        return base64.b64encode(key.sign(data, ec.ECDSA(hashes.SHA256()))).decode()


def b64(data: bytes) -> str:
    return base64.b64encode(data).decode()


def wording_digest(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def seal_record(record: dict[str, Any], signer: TerminalSigner | None) -> dict[str, Any]:
    """Validate against the wire schema, then add ``binding`` (signed, or "none")."""
    body = {k: v for k, v in record.items() if k != "binding"}
    if signer is None:
        body["binding"] = {"alg": "none"}
    else:
        body["binding"] = {
            "alg": SIGNATURE_ALG,
            "certificate_pem": signer.certificate_pem,
            "signature_b64": signer.sign(signed_bytes(body)),
        }
    # The schema is the contract with the centre: refuse here, not there.
    IdentityEvidence.model_validate(body)
    return body
