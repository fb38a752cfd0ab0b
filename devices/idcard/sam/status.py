"""SW3 status codes of a SAM module (GA 467) and one named error for each failure code."""

from __future__ import annotations

from enum import IntEnum

from devices.idcard.sam.errors import SamError


class Sw3(IntEnum):
    """The third status byte of every response frame."""

    OK = 0x90
    NO_CONTENT = 0x91
    CARD_FOUND = 0x9F
    BAD_CHECKSUM = 0x10
    BAD_LENGTH = 0x11
    BAD_COMMAND = 0x21
    UNAUTHORIZED_OPERATION = 0x23
    UNRECOGNISED_ERROR = 0x24
    CARD_REJECTED_SAM = 0x31
    SAM_REJECTED_CARD = 0x32
    VERIFICATION_FAILED = 0x33
    FINGERPRINT_VERIFICATION_FAILED = 0x37
    INFORMATION_LENGTH = 0x3F
    UNKNOWN_CARD_TYPE = 0x40
    READ_FAILED = 0x41
    RANDOM_NUMBER_FAILED = 0x47
    SELF_TEST_FAILED = 0x60
    NOT_AUTHORISED = 0x66
    CARD_NOT_FOUND = 0x80
    SELECT_FAILED = 0x81


SUCCESS = frozenset({Sw3.OK, Sw3.CARD_FOUND})


class SamStatusError(SamError):
    """The SAM answered a command with a failure status. ``status`` is the SW3 byte."""

    status: int = -1
    meaning = "failure"

    def __init__(self, command: str, status: int | None = None, device: str = "id_card") -> None:
        if status is not None:
            self.status = status
        self.command = command
        super().__init__(f"{self.meaning} (SAM status 0x{self.status:02X} on {command})", device)


class SamRejectedChecksumError(SamStatusError):
    status, meaning = Sw3.BAD_CHECKSUM, "the SAM received a frame with a bad checksum"


class SamRejectedLengthError(SamStatusError):
    status, meaning = Sw3.BAD_LENGTH, "the SAM received a frame with a bad length"


class SamCommandError(SamStatusError):
    status, meaning = Sw3.BAD_COMMAND, "the SAM refused the command"


class SamUnauthorizedOperationError(SamStatusError):
    status, meaning = Sw3.UNAUTHORIZED_OPERATION, "operation not permitted by the SAM"


class SamUnrecognisedError(SamStatusError):
    status, meaning = Sw3.UNRECOGNISED_ERROR, "the SAM reported an unrecognised error"


class CardRejectedSamError(SamStatusError):
    status, meaning = Sw3.CARD_REJECTED_SAM, "the card did not authenticate the SAM"


class SamRejectedCardError(SamStatusError):
    status, meaning = Sw3.SAM_REJECTED_CARD, "the SAM did not authenticate the card (not genuine?)"


class VerificationError(SamStatusError):
    status, meaning = Sw3.VERIFICATION_FAILED, "the card's information failed verification"


class FingerprintVerificationError(SamStatusError):
    status, meaning = (
        Sw3.FINGERPRINT_VERIFICATION_FAILED,
        "the fingerprint data failed verification",
    )


class InformationLengthError(SamStatusError):
    status, meaning = Sw3.INFORMATION_LENGTH, "the card's information has a bad length"


class UnknownCardTypeError(SamStatusError):
    status, meaning = Sw3.UNKNOWN_CARD_TYPE, "not an ID card the SAM knows"


class CardReadFailedError(SamStatusError):
    status, meaning = Sw3.READ_FAILED, "reading the card failed"


class RandomNumberError(SamStatusError):
    status, meaning = Sw3.RANDOM_NUMBER_FAILED, "the SAM could not get a random number"


class SamSelfTestError(SamStatusError):
    status, meaning = Sw3.SELF_TEST_FAILED, "the SAM failed its self-test"


class SamNotAuthorisedError(SamStatusError):
    status, meaning = Sw3.NOT_AUTHORISED, "the SAM is not authorised for use"


class CardNotFoundError(SamStatusError):
    status, meaning = Sw3.CARD_NOT_FOUND, "no card on the reader"


class CardSelectError(SamStatusError):
    status, meaning = Sw3.SELECT_FAILED, "the card on the reader could not be selected"


class NoContentError(SamStatusError):
    status, meaning = Sw3.NO_CONTENT, "the card holds nothing for this item"


class UnknownStatusError(SamStatusError):
    """A status byte no standard names; ``status`` keeps it."""

    meaning = "the SAM answered with an unknown status"


ERRORS: dict[int, type[SamStatusError]] = {
    cls.status: cls
    for cls in (
        SamRejectedChecksumError,
        SamRejectedLengthError,
        SamCommandError,
        SamUnauthorizedOperationError,
        SamUnrecognisedError,
        CardRejectedSamError,
        SamRejectedCardError,
        VerificationError,
        FingerprintVerificationError,
        InformationLengthError,
        UnknownCardTypeError,
        CardReadFailedError,
        RandomNumberError,
        SamSelfTestError,
        SamNotAuthorisedError,
        CardNotFoundError,
        CardSelectError,
        NoContentError,
    )
}


def status_error(command: str, status: int, device: str = "id_card") -> SamStatusError:
    """The named error for a failure status (``UnknownStatusError`` for an unnamed one)."""
    cls = ERRORS.get(status)
    if cls is None:
        return UnknownStatusError(command, status, device)
    return cls(command, device=device)
