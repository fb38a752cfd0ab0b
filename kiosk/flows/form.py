"""The form journey: choose a form, place the ID card, confirm what the card says,
complete the rest, review, print, and leave with a receipt number and QR.

Pure Python. The UI calls the verbs and ``tick(now)``; card reads and printing run
on the controller's worker pool so the screen never freezes. A printer fault moves
to NOT_PRINTED, which still shows the receipt: the form is recorded and queued for
the centre either way.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from datetime import date
from enum import Enum, auto

from devices.health import DeviceEvent, EventKind
from devices.idcard.protocol import CardReadError, IdCardReader
from devices.idcard.record import IdDocument
from kiosk.flows.journey import JourneyContext, JourneyEntry
from kiosk.flows.machine import Machine, Timeout
from kiosk.forms.catalog import FormCatalog
from kiosk.forms.desk import FormDesk, PrintOutcome
from kiosk.forms.filled import FilledForm, FormInvalid, fill, prefill
from kiosk.forms.model import FieldDef, FormDefinition
from kiosk.forms.validate import FieldProblem, check_field
from kiosk.session import Session

log = logging.getLogger(__name__)

CARD_POLL_S = 0.15  # between read attempts while waiting for the card
CARD_READ_TIMEOUT_S = 2.0


class FormState(Enum):
    CHOOSE_FORM = auto()
    PLACE_CARD = auto()
    CONFIRM_CARD = auto()
    COMPLETE = auto()
    REVIEW = auto()
    PRINTING = auto()
    DONE = auto()
    NOT_PRINTED = auto()
    FINISHED = auto()


class FormEvent(Enum):
    FORM_CHOSEN = auto()
    CARD_READ = auto()
    CONFIRMED = auto()
    ANSWERS_OK = auto()
    PRINT = auto()
    PRINTED = auto()
    PRINT_FAILED = auto()
    BACK = auto()
    TIMEOUT = auto()


SCREENS = {
    FormState.CHOOSE_FORM: "form_choose",
    FormState.PLACE_CARD: "form_card",
    FormState.CONFIRM_CARD: "form_confirm",
    FormState.COMPLETE: "form_complete",
    FormState.REVIEW: "form_review",
    FormState.PRINTING: "form_printing",
    FormState.DONE: "form_done",
    FormState.NOT_PRINTED: "form_not_printed",
    FormState.FINISHED: "form_done",
}


@dataclass
class FormServices:
    """What the journey needs from the terminal."""

    catalog: FormCatalog
    reader: IdCardReader
    desk: FormDesk
    today: Callable[[], date] = date.today


class FormJourney:
    """One citizen filling one form. Holds personal data: wiped with the session."""

    name = "form"

    def __init__(
        self,
        services: FormServices,
        session: Session,
        pool: ThreadPoolExecutor,
        done_timeout_s: float,
        now: float,
    ) -> None:
        self._services = services
        self._pool = pool
        self.form: FormDefinition | None = None
        self.card: IdDocument | None = None
        self.answers: dict[str, str] = {}
        self.problems: dict[str, FieldProblem] = {}
        self.card_problems: list[FieldProblem] = []
        self.filled: FilledForm | None = None
        self.outcome: PrintOutcome | None = None
        self.receipt = ""
        self.card_read_at: float | None = None  # for the card-to-screen benchmark
        self._reading: Future[IdDocument] | None = None
        self._printing: Future[PrintOutcome] | None = None
        self._next_read = now
        session.put("form_journey", self)  # wiped (via wipe()) when the session ends
        S, E = FormState, FormEvent
        self.machine: Machine[FormState, FormEvent] = Machine(
            "form",
            S.CHOOSE_FORM,
            {
                (S.CHOOSE_FORM, E.FORM_CHOSEN): S.PLACE_CARD,
                (S.PLACE_CARD, E.CARD_READ): S.CONFIRM_CARD,
                (S.PLACE_CARD, E.BACK): S.CHOOSE_FORM,
                (S.CONFIRM_CARD, E.CONFIRMED): S.COMPLETE,
                (S.CONFIRM_CARD, E.BACK): S.PLACE_CARD,
                (S.COMPLETE, E.ANSWERS_OK): S.REVIEW,
                (S.COMPLETE, E.BACK): S.CONFIRM_CARD,
                (S.REVIEW, E.PRINT): S.PRINTING,
                (S.REVIEW, E.BACK): S.COMPLETE,
                (S.PRINTING, E.PRINTED): S.DONE,
                (S.PRINTING, E.PRINT_FAILED): S.NOT_PRINTED,
                (S.DONE, E.TIMEOUT): S.FINISHED,
                (S.NOT_PRINTED, E.TIMEOUT): S.FINISHED,
            },
            {
                S.DONE: Timeout(done_timeout_s, E.TIMEOUT),
                # Longer: the citizen needs time to photograph the receipt QR.
                S.NOT_PRINTED: Timeout(done_timeout_s * 2, E.TIMEOUT),
            },
            now=now,
        )

    # -- what the UI reads ----------------------------------------------------
    @property
    def state(self) -> FormState:
        return self.machine.state

    @property
    def finished(self) -> bool:
        return self.state is FormState.FINISHED

    @property
    def screen(self) -> str:
        return SCREENS[self.state]

    @property
    def can_go_back(self) -> bool:
        """The header's back button leaves the journey only from the first screen;
        elsewhere it steps back inside the journey (see :meth:`back`)."""
        return self.state is FormState.CHOOSE_FORM

    @property
    def idle_exempt(self) -> bool:
        # Printing must not be cut short; the result screens return by themselves.
        return self.state in (FormState.PRINTING, FormState.DONE, FormState.NOT_PRINTED)

    def prompt_values(self) -> dict[str, str]:
        # "T01-20261127-7KQ3MX" is read as its last part (the voice spells it out).
        return {"receipt": self.receipt.rsplit("-", 1)[-1]} if self.receipt else {}

    def forms(self) -> list[FormDefinition]:
        return list(self._services.catalog)

    @property
    def holds_personal_data(self) -> bool:
        return self.card is not None or bool(self.answers)

    def remaining(self, now: float) -> float | None:
        return self.machine.remaining(now)

    def card_values(self) -> dict[str, str]:
        """What the card filled in, by field name (read-only on screen)."""
        if self.form is None or self.card is None:
            return {}
        return prefill(self.form, self.card)

    def typed_fields(self) -> list[FieldDef]:
        """Fields the citizen completes: inputs the card did not fill."""
        if self.form is None:
            return []
        from_card = self.card_values()
        return [f for f in self.form.fields() if f.is_input and f.name not in from_card]

    # -- what the citizen does ------------------------------------------------
    def choose(self, form_id: str, now: float) -> None:
        self.form = self._services.catalog.get(form_id)
        self.machine.fire(FormEvent.FORM_CHOSEN, now)
        self._next_read = now

    def confirm_card(self, now: float) -> None:
        if self.card_problems:
            raise RuntimeError("the card's data does not fit this form")
        self.machine.fire(FormEvent.CONFIRMED, now)

    def set_answer(self, name: str, value: str, now: float) -> FieldProblem | None:
        """Store one answer as it is typed; returns the problem to show at once, if any."""
        if self.form is None:
            raise RuntimeError("no form chosen")
        f = self.form.field(name)
        if name in self.card_values():
            raise ValueError(f"{name} comes from the ID card")
        self.answers[name] = value
        problem = check_field(f, value, self._services.today(), typing=True)
        if problem is None:
            self.problems.pop(name, None)
        else:
            self.problems[name] = problem
        return problem

    def submit_answers(self, now: float) -> bool:
        """Check everything; on success move to the review page."""
        assert self.form is not None
        answers = {k: v for k, v in self.answers.items() if v.strip()}
        try:
            self.filled = fill(self.form, answers, self.card, today=self._services.today())
        except FormInvalid as exc:
            self.problems = {p.field: p for p in exc.problems}
            return False
        self.problems = {}
        self.machine.fire(FormEvent.ANSWERS_OK, now)
        return True

    def print(self, now: float) -> None:
        assert self.filled is not None
        self.machine.fire(FormEvent.PRINT, now)
        self._printing = self._pool.submit(self._services.desk.print, self.filled)

    def back(self, now: float) -> bool:
        """One step back; False when there is nowhere back to go inside the journey."""
        if not self.machine.can(FormEvent.BACK):
            return False
        if self.state is FormState.CONFIRM_CARD:
            self._forget_card()
        self.machine.fire(FormEvent.BACK, now)
        self._next_read = now + 1.0  # give the citizen time to lift the card
        return True

    def on_device_event(self, event: DeviceEvent, now: float) -> bool:
        """A card placed on the reader: read it now rather than at the next poll."""
        if event.kind is EventKind.CARD_INSERTED and self.state is FormState.PLACE_CARD:
            self._next_read = now
            self._poll_card(now)
        return False

    def close(self) -> None:
        """Left (finished, cancelled, idle): stop waiting for the reader. A print already
        under way completes and is recorded; its outcome is no longer shown."""
        self._reading = None
        self._printing = None

    # -- time -------------------------------------------------------------------
    def tick(self, now: float) -> bool:
        """Advance on finished I/O or timeouts; True if the state changed."""
        before = self.state
        if self.state is FormState.PLACE_CARD:
            self._poll_card(now)
        if self._printing is not None and self._printing.done():
            future, self._printing = self._printing, None
            self._print_finished(future, now)
        self.machine.tick(now)
        return self.state is not before

    def _poll_card(self, now: float) -> None:
        if self._reading is None:
            if now >= self._next_read:
                self._reading = self._pool.submit(self._services.reader.read, CARD_READ_TIMEOUT_S)
            return
        if not self._reading.done():
            return
        future, self._reading = self._reading, None
        self._next_read = now + CARD_POLL_S
        try:
            card = future.result()
        except CardReadError:
            return  # no card yet, or lifted mid-read: keep waiting
        except Exception:  # a driver bug must not take the screen down
            log.exception("ID card read failed")
            return
        self.card = card
        self.card_read_at = now
        self.card_problems = self._check_card()
        self.machine.fire(FormEvent.CARD_READ, now)

    def _check_card(self) -> list[FieldProblem]:
        assert self.form is not None
        values = self.card_values()
        today = self._services.today()
        out = []
        for name, value in values.items():
            problem = check_field(self.form.field(name), value, today)
            if problem is not None:
                out.append(problem)
        return out

    def _print_finished(self, future: Future[PrintOutcome], now: float) -> None:
        try:
            self.outcome = future.result()
        except Exception:
            # Rendering or recording failed: the citizen still gets the receipt number.
            log.exception("form print failed")
            self.outcome = None
        self.receipt = (
            self.outcome.receipt if self.outcome else (self.filled.receipt if self.filled else "")
        )
        printed = self.outcome is not None and self.outcome.printed
        self.machine.fire(FormEvent.PRINTED if printed else FormEvent.PRINT_FAILED, now)

    def _forget_card(self) -> None:
        if self.card is not None:
            self.card.wipe()
        self.card = None
        self.card_problems = []

    def wipe(self) -> None:
        """Drop every answer and the card; the session calls this when it ends."""
        self._forget_card()
        self.answers.clear()
        self.problems.clear()
        if self.filled is not None:
            self.filled.wipe()
        self.filled = None


def form_entry(services: FormServices) -> JourneyEntry:
    """The menu tile for filling in a form."""

    def start(ctx: JourneyContext, now: float) -> FormJourney:
        return FormJourney(services, ctx.session, ctx.pool, ctx.config.ui.done_timeout_s, now)

    return JourneyEntry(
        name="form",
        title_zh="自助填表",
        title_en="Fill in a form",
        subtitle_zh="刷身份证，表格自动填写并打印",
        subtitle_en="Swipe your ID card, the form fills itself and prints",
        icon="表",
        start=start,
    )
