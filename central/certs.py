"""Terminal identity in X.509: the private CA a hall or city uses, and how the centre reads
a terminal's id and hall from its verified client certificate.

``kiosk-central gen-certs DIR --terminal T01 --hall HALL`` makes (or reuses) in DIR:
``ca.pem``/``ca.key``, ``server.pem``/``server.key`` (SAN: the given hosts) and
``terminal-<ID>.pem``/``terminal-<ID>.key``. ``issued.jsonl`` lists every terminal
certificate issued from that CA (serial, terminal, hall, validity, SHA-256).

A terminal certificate names its terminal and its hall twice: for machines, as two URI
subject alternative names (``urn:hall-kiosk:terminal:T01`` and
``urn:hall-kiosk:hall:HALL``), which is what the centre reads; for people, as the
subject ``CN=T01, OU=HALL``. Its ``notBefore`` is the moment of issue (not backdated),
so ``kiosk-central revoke T01`` can refuse every certificate issued to T01 until then and
accept the one issued afterwards. Terminal ids are unique per centre: one id, one hall.
"""

from __future__ import annotations

import datetime as dt
import ipaddress
import json
import os
import re
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

TERMINAL_URN = "urn:hall-kiosk:terminal:"
HALL_URN = "urn:hall-kiosk:hall:"
# The same alphabets as the wire (offline_cache.wire) and the terminal's config.
TERMINAL_ID = re.compile(r"^[A-Za-z0-9_-]{1,32}$")
HALL_ID = re.compile(r"^[A-Za-z0-9_.-]{1,64}$")
ORGANISATION = "Hall kiosk"
INDEX = "issued.jsonl"


class CertificateError(Exception):
    """A certificate or CA directory cannot be used; ``reason`` says why."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True)
class CertIdentity:
    """What a terminal certificate says about its holder (no personal data)."""

    terminal_id: str
    hall_id: str
    serial: str  # hex, as `openssl x509 -serial` prints it
    fingerprint: str  # SHA-256 of the DER, hex
    not_before: float  # seconds since the epoch

    @property
    def short(self) -> str:
        return f"{self.terminal_id}@{self.hall_id} (serial {self.serial[:16]})"


def identity_of(cert: x509.Certificate) -> CertIdentity:
    """The terminal and hall a certificate names in its URI SANs.

    Raises CertificateError unless it names exactly one terminal and one hall, each
    well-formed: a server certificate, a staff member's or one from another PKI that
    happens to chain to the same CA never passes as a terminal.
    """
    try:
        san = cert.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
    except x509.ExtensionNotFound:
        raise CertificateError("the certificate names no terminal (no subjectAltName)") from None
    uris = san.get_values_for_type(x509.UniformResourceIdentifier)
    terminals = [u[len(TERMINAL_URN) :] for u in uris if u.startswith(TERMINAL_URN)]
    halls = [u[len(HALL_URN) :] for u in uris if u.startswith(HALL_URN)]
    if len(terminals) != 1 or len(halls) != 1:
        raise CertificateError(
            f"the certificate must name one terminal and one hall "
            f"(found {len(terminals)} and {len(halls)})"
        )
    if not TERMINAL_ID.match(terminals[0]) or not HALL_ID.match(halls[0]):
        raise CertificateError("the certificate's terminal or hall id is malformed")
    try:
        usage = cert.extensions.get_extension_for_class(x509.ExtendedKeyUsage).value
    except x509.ExtensionNotFound:
        usage = None
    if usage is not None and ExtendedKeyUsageOID.CLIENT_AUTH not in usage:
        raise CertificateError("the certificate is not for client authentication")
    return CertIdentity(
        terminal_id=terminals[0],
        hall_id=halls[0],
        serial=format(cert.serial_number, "X"),
        fingerprint=cert.fingerprint(hashes.SHA256()).hex(),
        not_before=cert.not_valid_before_utc.timestamp(),
    )


def _name(cn: str, unit: str | None = None) -> x509.Name:
    attrs = [x509.NameAttribute(NameOID.ORGANIZATION_NAME, ORGANISATION)]
    if unit:
        attrs.append(x509.NameAttribute(NameOID.ORGANIZATIONAL_UNIT_NAME, unit))
    attrs.append(x509.NameAttribute(NameOID.COMMON_NAME, cn))
    return x509.Name(attrs)


def _write_private(path: Path, data: bytes) -> None:
    """Atomically, 0600 from the first byte."""
    tmp = path.with_name(f".{path.name}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "wb") as fh:
        fh.write(data)
        fh.flush()
        os.fsync(fh.fileno())
    os.replace(tmp, path)


def _write_key(path: Path, key: ec.EllipticCurvePrivateKey) -> None:
    _write_private(
        path,
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        ),
    )


def _write_cert(path: Path, cert: x509.Certificate) -> None:
    tmp = path.with_name(f".{path.name}.tmp")
    tmp.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    os.replace(tmp, path)


def _san(host: str) -> x509.GeneralName:
    try:
        return x509.IPAddress(ipaddress.ip_address(host))
    except ValueError:
        return x509.DNSName(host)


def _key_usage(*, sign_certs: bool) -> x509.KeyUsage:
    return x509.KeyUsage(
        digital_signature=not sign_certs,
        content_commitment=False,
        key_encipherment=False,
        data_encipherment=False,
        key_agreement=False,
        key_cert_sign=sign_certs,
        crl_sign=sign_certs,
        encipher_only=False,
        decipher_only=False,
    )


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC).replace(microsecond=0)


def _load_or_make_ca(out: Path, days: int) -> tuple[x509.Certificate, ec.EllipticCurvePrivateKey]:
    ca_pem, ca_key = out / "ca.pem", out / "ca.key"
    if ca_pem.exists() or ca_key.exists():
        if not (ca_pem.exists() and ca_key.exists()):
            raise CertificateError(f"{out} holds only one of ca.pem and ca.key")
        cert = x509.load_pem_x509_certificate(ca_pem.read_bytes())
        key = serialization.load_pem_private_key(ca_key.read_bytes(), password=None)
        if not isinstance(key, ec.EllipticCurvePrivateKey) or key.public_key() != (
            cert.public_key()
        ):
            raise CertificateError(f"{ca_key} is not the key of {ca_pem}")
        return cert, key
    key = ec.generate_private_key(ec.SECP256R1())
    start = _now() - dt.timedelta(minutes=5)
    name = _name(f"{ORGANISATION} CA")
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(start)
        .not_valid_after(start + dt.timedelta(days=days))
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(_key_usage(sign_certs=True), critical=True)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), False)
        .sign(key, hashes.SHA256())
    )
    _write_key(ca_key, key)
    _write_cert(ca_pem, cert)
    return cert, key


def _leaf(
    ca: x509.Certificate,
    ca_key: ec.EllipticCurvePrivateKey,
    subject: x509.Name,
    usage: x509.ObjectIdentifier,
    san: Sequence[x509.GeneralName],
    start: dt.datetime,
    days: int,
) -> tuple[x509.Certificate, ec.EllipticCurvePrivateKey]:
    key = ec.generate_private_key(ec.SECP256R1())
    cert = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(ca.subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(start)
        .not_valid_after(min(start + dt.timedelta(days=days), ca.not_valid_after_utc))
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(_key_usage(sign_certs=False), critical=True)
        .add_extension(x509.ExtendedKeyUsage([usage]), critical=False)
        .add_extension(x509.SubjectAlternativeName(san), critical=False)
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_key.public_key()), False
        )
        .sign(ca_key, hashes.SHA256())
    )
    return cert, key


@dataclass(frozen=True)
class IssuedRecord:
    """One line of ``issued.jsonl``."""

    terminal_id: str
    hall_id: str
    serial: str
    fingerprint: str
    not_before: str
    not_after: str


def read_index(out: Path) -> list[IssuedRecord]:
    path = out / INDEX
    if not path.exists():
        return []
    records = []
    for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip():
            continue
        try:
            records.append(IssuedRecord(**json.loads(line)))
        except (ValueError, TypeError):
            raise CertificateError(f"{path}:{n}: not an issued-certificate record") from None
    return records


def generate(
    out: Path,
    terminals: list[str],
    hall: str | None = None,
    hosts: list[str] | None = None,
    days: int = 825,
) -> dict[str, Path]:
    """Write (or reuse) the CA, the server certificate and one certificate per terminal.

    The CA in ``out`` is reused when present. The server certificate is made when absent
    or when ``hosts`` is given. Terminal certificates need ``hall``; a terminal id already
    issued for another hall from this CA is refused. Returns name -> path.
    """
    for tid in terminals:
        if not TERMINAL_ID.match(tid):
            raise CertificateError(f"terminal id {tid!r}: use 1-32 of A-Z a-z 0-9 _ -")
    if terminals and not hall:
        raise CertificateError("terminal certificates need --hall (the hall the terminal is in)")
    if hall is not None and not HALL_ID.match(hall):
        raise CertificateError(f"hall id {hall!r}: use 1-64 of A-Z a-z 0-9 _ . -")
    index = read_index(out) if out.exists() else []
    for tid in terminals:
        other = {r.hall_id for r in index if r.terminal_id == tid} - {hall}
        if other:
            raise CertificateError(
                f"terminal {tid} already has a certificate for hall {sorted(other)[0]} "
                f"({out / INDEX}); terminal ids are unique per centre"
            )
    out.mkdir(parents=True, exist_ok=True)
    os.chmod(out, 0o700)
    ca, ca_key = _load_or_make_ca(out, days)
    paths = {"ca": out / "ca.pem", "ca_key": out / "ca.key"}
    paths["server"], paths["server_key"] = out / "server.pem", out / "server.key"
    if hosts or not paths["server"].exists():
        hosts = hosts or ["127.0.0.1", "localhost"]
        # Backdated: terminals check the server's validity against their own clocks.
        cert, key = _leaf(
            ca,
            ca_key,
            _name(hosts[0]),
            ExtendedKeyUsageOID.SERVER_AUTH,
            [_san(h) for h in hosts],
            _now() - dt.timedelta(minutes=5),
            days,
        )
        _write_key(paths["server_key"], key)
        _write_cert(paths["server"], cert)
    for tid in terminals:
        assert hall is not None
        uris = [
            x509.UniformResourceIdentifier(TERMINAL_URN + tid),
            x509.UniformResourceIdentifier(HALL_URN + hall),
        ]
        # Not backdated: only the centre checks it, on its own clock, and revocation
        # compares this instant with the instant a terminal was revoked.
        cert, key = _leaf(
            ca, ca_key, _name(tid, hall), ExtendedKeyUsageOID.CLIENT_AUTH, uris, _now(), days
        )
        paths[f"terminal-{tid}"] = out / f"terminal-{tid}.pem"
        paths[f"terminal-{tid}_key"] = out / f"terminal-{tid}.key"
        _write_key(paths[f"terminal-{tid}_key"], key)
        _write_cert(paths[f"terminal-{tid}"], cert)
        ident = identity_of(cert)
        record = IssuedRecord(
            terminal_id=tid,
            hall_id=hall,
            serial=ident.serial,
            fingerprint=ident.fingerprint,
            not_before=cert.not_valid_before_utc.isoformat(),
            not_after=cert.not_valid_after_utc.isoformat(),
        )
        with open(out / INDEX, "a", encoding="utf-8") as fh:
            fh.write(json.dumps(asdict(record)) + "\n")
    return paths


def load_pem_chain(pem: str | bytes) -> list[x509.Certificate]:
    data = pem.encode() if isinstance(pem, str) else pem
    try:
        return x509.load_pem_x509_certificates(data)
    except ValueError:
        raise CertificateError("not a PEM certificate") from None


class ChainVerifier:
    """Verifies a client certificate against the configured CA file, as the TLS stack
    would: signature chain, validity period, clientAuth usage. Used when a reverse proxy
    hands the centre a certificate it says it verified: trust, but check."""

    def __init__(self, ca_file: str) -> None:
        from cryptography.x509.verification import PolicyBuilder, Store

        try:
            roots = x509.load_pem_x509_certificates(Path(ca_file).read_bytes())
        except ValueError:
            raise CertificateError(f"{ca_file}: no PEM certificate in it") from None
        self._builder = PolicyBuilder().store(Store(roots))

    def verify(self, leaf: x509.Certificate, intermediates: list[x509.Certificate]) -> None:
        from cryptography.x509.verification import VerificationError

        try:
            verifier = self._builder.time(dt.datetime.now(dt.UTC)).build_client_verifier()
            verifier.verify(leaf, intermediates)
        except VerificationError as exc:
            raise CertificateError(f"the forwarded certificate does not verify: {exc}") from None
