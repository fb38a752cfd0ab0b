"""Who is asking: a terminal (by its verified client certificate) or a staff member (by a
bearer token). FastAPI dependencies for every router of the centre.

Use in a router::

    from central.auth import AdminStaff, CounterStaff, Terminal, VerifiedTerminal

    @router.post("/v1/fleet/...")
    def beat(terminal: VerifiedTerminal) -> ...:
        terminal.terminal_id, terminal.hall_id      # from the certificate, never the body

    @router.get("/v1/fleet/status")
    def status(admin: AdminStaff) -> ...:           # 401 without a token, 403 if not admin

A terminal's id and hall come only from its certificate (URI SANs, ``central.certs``),
seen by the centre either directly (the TLS extension of the ASGI scope, filled by
``central.tls``) or through a reverse proxy on the same host that forwards the verified
certificate in ``X-Client-Cert`` (accepted only with the proxy's secret or over the
proxy's unix socket, and verified again against the CA). Every request of a terminal
checks the revocation list.
"""

from __future__ import annotations

import functools
import hmac
import logging
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated
from urllib.parse import unquote

from cryptography import x509
from fastapi import Depends, HTTPException, Request

from central.certs import CertIdentity, CertificateError, ChainVerifier, identity_of, load_pem_chain
from central.credentials import Credentials, Role, StaffMember
from central.settings import IdentityMode

log = logging.getLogger(__name__)

# nginx: proxy_set_header X-Client-Cert $ssl_client_escaped_cert;
CLIENT_CERT_HEADER = "x-client-cert"
PROXY_SECRET_HEADER = "x-proxy-secret"


class Forbidden(HTTPException):
    """403 with a reason a technician can act on (no personal data)."""

    def __init__(self, detail: str, *, close: bool = False) -> None:
        super().__init__(403, detail, headers={"Connection": "close"} if close else None)


@dataclass(frozen=True)
class TerminalIdentity:
    """The terminal making a request. ``verified`` is False only on a development centre
    started with ``--insecure-claimed-identity`` (loopback, no certificates): there the
    ids are empty and :meth:`act_as`/:meth:`in_hall` accept whatever the request names."""

    terminal_id: str
    hall_id: str
    verified: bool
    certificate: CertIdentity | None = None

    def act_as(self, claimed: str) -> str:
        """The terminal id to store for a request that names ``claimed``; 403 if the
        certificate belongs to another terminal."""
        if self.verified and claimed != self.terminal_id:
            raise Forbidden(
                f"this certificate is terminal {self.terminal_id}; the request names {claimed}"
            )
        return claimed

    def in_hall(self, claimed: str) -> str:
        """The hall for a request that names ``claimed``; 403 outside the terminal's hall."""
        if self.verified and claimed != self.hall_id:
            raise Forbidden(
                f"terminal {self.terminal_id} belongs to hall {self.hall_id}, not {claimed}"
            )
        return claimed


@functools.lru_cache(maxsize=4096)
def _parse_leaf(pem: str) -> x509.Certificate:
    return load_pem_chain(pem)[0]


class TerminalGate:
    """Turns a request into a :class:`TerminalIdentity` (or a 403), per the centre's
    identity mode. One per app; shared by all request threads (it holds no state)."""

    def __init__(
        self,
        mode: IdentityMode,
        credentials: Credentials,
        *,
        client_ca: str | None = None,
        proxy_secret_file: str | None = None,
    ) -> None:
        self.mode = mode
        self.credentials = credentials
        self._verifier = (
            ChainVerifier(client_ca) if mode is IdentityMode.PROXY and client_ca else None
        )
        self.proxy_secret = (
            Path(proxy_secret_file).read_bytes().strip() if proxy_secret_file else None
        )
        if mode is IdentityMode.PROXY and self._verifier is None:
            raise CertificateError("proxy mode needs --client-ca to check forwarded certificates")

    def came_through_proxy(self, request: Request) -> bool:
        """With a proxy secret, only requests carrying it; over a unix socket (no secret),
        the socket's file mode already keeps everyone but the proxy out."""
        if self.proxy_secret is None:
            return True
        given = request.headers.get(PROXY_SECRET_HEADER, "").encode()
        return hmac.compare_digest(given, self.proxy_secret)

    def certificate(self, request: Request) -> CertIdentity | None:
        """The verified client certificate's identity, None if the client sent none."""
        if self.mode is IdentityMode.TLS:
            tls = (request.scope.get("extensions") or {}).get("tls") or {}
            chain = tls.get("client_cert_chain") or []
            if not chain:
                return None
            leaf = _parse_leaf(chain[0])
        elif self.mode is IdentityMode.PROXY:
            if not self.came_through_proxy(request):
                raise Forbidden("this centre is reached through its proxy only")
            raw = request.headers.get(CLIENT_CERT_HEADER)
            if not raw:
                return None
            chain_certs = load_pem_chain(unquote(raw))
            assert self._verifier is not None
            self._verifier.verify(chain_certs[0], chain_certs[1:])
            leaf = chain_certs[0]
        else:
            return None
        return identity_of(leaf)

    def identify(self, request: Request) -> TerminalIdentity:
        if self.mode is IdentityMode.CLAIMED:
            return TerminalIdentity("", "", verified=False)
        try:
            cert = self.certificate(request)
        except CertificateError as exc:
            raise Forbidden(exc.reason) from None
        if cert is None:
            raise Forbidden("a terminal client certificate is required")
        if self.credentials.is_revoked(cert):
            log.warning("refused revoked certificate of %s", cert.short)
            raise Forbidden(
                f"the certificate of terminal {cert.terminal_id} is revoked", close=True
            )
        return TerminalIdentity(cert.terminal_id, cert.hall_id, verified=True, certificate=cert)


def terminal_identity(request: Request) -> TerminalIdentity:
    """Dependency: the terminal making this request (403 if none or revoked)."""
    gate: TerminalGate = request.app.state.gate
    return gate.identify(request)


def verified_terminal(request: Request) -> TerminalIdentity:
    """Dependency: like :func:`terminal_identity`, but refuses a development centre's
    unverified identity: for routes that must know exactly which terminal asks."""
    found = terminal_identity(request)
    if not found.verified:
        raise Forbidden("this route needs a terminal certificate (centre runs without one)")
    return found


def staff_member(request: Request) -> StaffMember:
    """Dependency: the staff member whose ``Authorization: Bearer`` token this is."""
    header = request.headers.get("authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise HTTPException(
            401, "a staff token is required", headers={"WWW-Authenticate": "Bearer"}
        )
    credentials: Credentials = request.app.state.credentials
    member = credentials.staff_by_token(token.strip())
    if member is None:
        raise HTTPException(401, "unknown staff token", headers={"WWW-Authenticate": "Bearer"})
    return member


def require_role(*roles: Role) -> Callable[[StaffMember], StaffMember]:
    """Dependency factory: a staff member with one of ``roles`` (403 otherwise)."""

    def check(member: Annotated[StaffMember, Depends(staff_member)]) -> StaffMember:
        if member.role not in roles:
            raise Forbidden(f"staff member {member.name} is {member.role.value}: not allowed here")
        return member

    return check


Terminal = Annotated[TerminalIdentity, Depends(terminal_identity)]
VerifiedTerminal = Annotated[TerminalIdentity, Depends(verified_terminal)]
Staff = Annotated[StaffMember, Depends(staff_member)]
AdminStaff = Annotated[StaffMember, Depends(require_role(Role.ADMIN))]
CounterStaff = Annotated[StaffMember, Depends(require_role(Role.COUNTER, Role.ADMIN))]
