"""Is the record bound to the terminal that sent it? The signature over the record's
canonical JSON must verify with the certificate in the record, and that certificate must
name the submitting terminal (and chain to the terminals' CA when one is configured)."""

from __future__ import annotations

import base64
import binascii
from dataclasses import dataclass
from pathlib import Path

from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from offline_cache.wire import SIGNATURE_ALG, Binding

TERMINAL_URN = "urn:hall-kiosk:terminal:"


@dataclass(frozen=True)
class BindingResult:
    state: str  # "bound", "unsigned", "invalid"
    detail: str = ""


def certificate_terminal(cert: x509.Certificate) -> str | None:
    """The terminal a certificate names: its URI SAN ``urn:hall-kiosk:terminal:ID``, else
    its common name (certificates of the pilot CA before terminal URNs)."""
    try:
        san = cert.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
        for uri in san.get_values_for_type(x509.UniformResourceIdentifier):
            if uri.startswith(TERMINAL_URN):
                return uri[len(TERMINAL_URN) :]
    except x509.ExtensionNotFound:
        pass
    names = cert.subject.get_attributes_for_oid(NameOID.COMMON_NAME)
    return str(names[0].value) if names else None


def _issued_by(cert: x509.Certificate, cas: list[x509.Certificate]) -> bool:
    for ca in cas:
        key = ca.public_key()
        if cert.issuer != ca.subject or not isinstance(key, ec.EllipticCurvePublicKey):
            continue
        try:
            assert cert.signature_hash_algorithm is not None
            key.verify(
                cert.signature, cert.tbs_certificate_bytes, ec.ECDSA(cert.signature_hash_algorithm)
            )
            return True
        except InvalidSignature:
            continue
    return False


def load_cas(path: Path | None) -> list[x509.Certificate]:
    return x509.load_pem_x509_certificates(path.read_bytes()) if path else []


def check_binding(binding: Binding, signed: bytes, terminal_id: str,
                  cas: list[x509.Certificate]) -> BindingResult:  # fmt: skip
    if binding.alg == "none":
        return BindingResult("unsigned", "the terminal has no certificate key")
    if binding.alg != SIGNATURE_ALG:
        return BindingResult("invalid", f"unknown signature algorithm {binding.alg}")
    try:
        cert = x509.load_pem_x509_certificate(binding.certificate_pem.encode())
        signature = base64.b64decode(binding.signature_b64, validate=True)
    except (ValueError, binascii.Error):
        return BindingResult("invalid", "unreadable certificate or signature")
    key = cert.public_key()
    if not isinstance(key, ec.EllipticCurvePublicKey):
        return BindingResult("invalid", "the certificate key is not an EC key")
    try:
        key.verify(signature, signed, ec.ECDSA(hashes.SHA256()))
    except InvalidSignature:
        return BindingResult("invalid", "the signature does not match the record")
    named = certificate_terminal(cert)
    if named != terminal_id:
        return BindingResult("invalid", f"signed by terminal {named}, sent by {terminal_id}")
    if cas and not _issued_by(cert, cas):
        return BindingResult("invalid", "the certificate is not from the terminals' CA")
    return BindingResult("bound")
