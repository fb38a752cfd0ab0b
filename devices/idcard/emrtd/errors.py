"""Named errors of eMRTD reading. Messages never carry personal data."""

from __future__ import annotations


class EmrtdError(Exception):
    """Base of every eMRTD failure; ``str()`` is one line for a technician."""


class TlvError(EmrtdError):
    """A BER-TLV structure is malformed."""

    def __init__(self, problem: str, offset: int) -> None:
        super().__init__(f"malformed TLV at byte {offset}: {problem}")
        self.problem = problem
        self.offset = offset


class TagMismatchError(EmrtdError):
    """A data group did not start with the tag the LDS expects."""

    def __init__(self, expected: int, got: int) -> None:
        super().__init__(f"expected tag {expected:X}, got {got:X}")
        self.expected = expected
        self.got = got


class BiometricFormatError(EmrtdError):
    """DG2's biometric template or its ISO/IEC 19794-5 record cannot be read."""


class StatusWordError(EmrtdError):
    """The chip answered a command with a status word other than success."""

    def __init__(self, command: str, sw: int) -> None:
        super().__init__(f"{command} refused by the chip: SW {sw:04X}")
        self.command = command
        self.sw = sw


class AccessDeniedError(StatusWordError):
    """The chip refused a read before access control (SW 6982 / 6985)."""


class BacRefusedError(EmrtdError):
    """Basic Access Control failed: the MRZ data does not open this chip."""

    def __init__(self, sw: int | None = None, problem: str = "") -> None:
        detail = f"SW {sw:04X}" if sw is not None else problem
        super().__init__(f"BAC refused ({detail}): check the document number, birth and expiry")
        self.sw = sw


class SecureMessagingError(EmrtdError):
    """A protected response failed its MAC check or is malformed."""


class TransportError(EmrtdError):
    """The APDU could not be exchanged (card removed, reader gone, length not supported).

    ``card_gone`` says the card or the service went away, so retrying cannot help.
    """

    def __init__(self, problem: str, *, card_gone: bool = False) -> None:
        super().__init__(problem)
        self.card_gone = card_gone
