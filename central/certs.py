"""A private CA with a server certificate and terminal client certificates (test or pilot).

A city runs its own PKI; this makes the same shape of files for one hall:
``ca.pem``/``ca.key``, ``server.pem``/``server.key`` (SAN: the given hosts) and
``terminal-<ID>.pem``/``terminal-<ID>.key`` (CN = terminal id, clientAuth).
"""

from __future__ import annotations

import datetime as dt
import ipaddress
import os
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID


def _name(cn: str) -> x509.Name:
    return x509.Name(
        [
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, "Hall kiosk pilot"),
            x509.NameAttribute(NameOID.COMMON_NAME, cn),
        ]
    )


def _write_key(path: Path, key: ec.EllipticCurvePrivateKey) -> None:
    data = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "wb") as fh:
        fh.write(data)


def _write_cert(path: Path, cert: x509.Certificate) -> None:
    path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))


def _san(host: str) -> x509.GeneralName:
    try:
        return x509.IPAddress(ipaddress.ip_address(host))
    except ValueError:
        return x509.DNSName(host)


def generate(
    out: Path,
    terminals: list[str],
    hosts: list[str] | None = None,
    days: int = 825,
) -> dict[str, Path]:
    """Write the CA, server and terminal files into ``out``; returns name -> path."""
    out.mkdir(parents=True, exist_ok=True)
    hosts = hosts or ["127.0.0.1", "localhost"]
    now = dt.datetime.now(dt.UTC) - dt.timedelta(minutes=5)
    until = now + dt.timedelta(days=days)
    ca_key = ec.generate_private_key(ec.SECP256R1())
    ca = (
        x509.CertificateBuilder()
        .subject_name(_name("Hall kiosk pilot CA"))
        .issuer_name(_name("Hall kiosk pilot CA"))
        .public_key(ca_key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now)
        .not_valid_after(until)
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=False,
                content_commitment=False,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=True,
                crl_sign=True,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(ca_key.public_key()), False)
        .sign(ca_key, hashes.SHA256())
    )
    paths = {"ca": out / "ca.pem", "ca_key": out / "ca.key"}
    _write_cert(paths["ca"], ca)
    _write_key(paths["ca_key"], ca_key)

    def leaf(cn: str, usage: x509.ObjectIdentifier, san: list[x509.GeneralName]) -> tuple:
        key = ec.generate_private_key(ec.SECP256R1())
        builder = (
            x509.CertificateBuilder()
            .subject_name(_name(cn))
            .issuer_name(ca.subject)
            .public_key(key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(now)
            .not_valid_after(until)
            .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
            .add_extension(x509.ExtendedKeyUsage([usage]), critical=False)
            .add_extension(
                x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_key.public_key()), False
            )
        )
        if san:
            builder = builder.add_extension(x509.SubjectAlternativeName(san), critical=False)
        return builder.sign(ca_key, hashes.SHA256()), key

    cert, key = leaf(hosts[0], ExtendedKeyUsageOID.SERVER_AUTH, [_san(h) for h in hosts])
    paths["server"], paths["server_key"] = out / "server.pem", out / "server.key"
    _write_cert(paths["server"], cert)
    _write_key(paths["server_key"], key)
    for tid in terminals:
        cert, key = leaf(tid, ExtendedKeyUsageOID.CLIENT_AUTH, [])
        paths[f"terminal-{tid}"] = out / f"terminal-{tid}.pem"
        paths[f"terminal-{tid}_key"] = out / f"terminal-{tid}.key"
        _write_cert(paths[f"terminal-{tid}"], cert)
        _write_key(paths[f"terminal-{tid}_key"], key)
    return paths
