"""The form journey: choose a form, place the ID card, confirm what the card says,
complete the rest, review, print, and leave with a receipt number and QR.

Pure Python. The UI calls the verbs and ``tick(now)``; card reads and printing run
on the controller's worker pool so the screen never freezes.

What the citizen is promised, and how it is kept:

- Before anything is asked, the outbox must be able to take a form (UNAVAILABLE
  otherwise, with its own screen): nobody fills in a form that cannot be kept.
- A card is read only when it was placed during this journey (a ``card_inserted``
  event), once per placement. A card already lying on the reader when the journey asks
  for one (an earlier citizen's, say) is never read: the screen asks to lift it first.
- The form is queued (with its receipt) before it is printed. A printer fault then
  gives NOT_PRINTED, which still shows the receipt; a form that could not be queued
  gives NOT_SUBMITTED, which says plainly that nothing was sent or printed.
- A print job that has not printed when the session ends is cancelled, so it never
  comes out after its owner has gone.
- Answers are checked when the citizen leaves a field or taps Next, never mid-typing.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from datetime import date
from enum import Enum, auto

from devices.base import DeviceError
from devices.health import DeviceEvent, EventKind
from devices.idcard.protocol import CardReadError, IdCardReader, Presence
from devices.idcard.record import IdDocument
from kiosk.flows.journey import Announcement, JourneyContext, JourneyEntry
from kiosk.flows.machine import Machine, Timeout
from kiosk.forms.catalog import FormCatalog
from kiosk.forms.dates import bounds, clamp, step
from kiosk.forms.desk import FormDesk, FormNotQueued, PrintOutcome
from kiosk.forms.filled import FilledForm, FormInvalid, fill, prefill
from kiosk.forms.model import FieldDef, FieldType, FormDefinition
from kiosk.forms.places import AddressChoice, Places, compose, load_places
from kiosk.forms.validate import FieldProblem, check_field
from kiosk.session import Session

log = logging.getLogger(__name__)

CARD_READ_TIMEOUT_S = 2.0


class FormState(Enum):
    UNAVAILABLE = auto()  # the outbox cannot take a form now: nothing is asked
    CHOOSE_FORM = auto()
    PLACE_CARD = auto()
    CONFIRM_CARD = auto()
    COMPLETE = auto()
    REVIEW = auto()
    PRINTING = auto()
    DONE = auto()
    NOT_PRINTED = auto()  # queued, the paper did not come out
    NOT_SUBMITTED = auto()  # nothing queued, nothing printed
    FINISHED = auto()


class FormEvent(Enum):
    FORM_CHOSEN = auto()
    CARD_READ = auto()
    CONFIRMED = auto()
    ANSWERS_OK = auto()
    PRINT = auto()
    PRINTED = auto()
    PRINT_FAILED = auto()
    NOT_QUEUED = auto()
    BACK = auto()
    TIMEOUT = auto()


SCREENS = {
    FormState.UNAVAILABLE: "form_unavailable",
    FormState.CHOOSE_FORM: "form_choose",
    FormState.PLACE_CARD: "form_card",
    FormState.CONFIRM_CARD: "form_confirm",
    FormState.COMPLETE: "form_complete",
    FormState.REVIEW: "form_review",
    FormState.PRINTING: "form_printing",
    FormState.DONE: "form_done",
    FormState.NOT_PRINTED: "form_not_printed",
    FormState.NOT_SUBMITTED: "form_not_submitted",
    FormState.FINISHED: "form_done",
}
RESULT_STATES = (FormState.DONE, FormState.NOT_PRINTED, FormState.NOT_SUBMITTED)


class CardStep(Enum):
    """What the card screen asks of the citizen now."""

    PLACE = auto()  # place your card
    LIFT_FIRST = auto()  # a card lies on the reader from before: take it away first
    READING = auto()  # a card was placed: reading it
    PLACE_AGAIN = auto()  # the card could not be read: lift it and place it again


@dataclass
class FormServices:
    """What the journey needs from the terminal."""

    catalog: FormCatalog
    reader: IdCardReader
    desk: FormDesk
    today: Callable[[], date] = date.today
    places: Places | None = None  # the address pickers' data (the built-in city if None)


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
        self._session = session
        self._pool = pool
        self.places = services.places or load_places()
        self.form: FormDefinition | None = None
        self.card: IdDocument | None = None
        self.card_step = CardStep.PLACE
        self.answers: dict[str, str] = {}
        self.addresses: dict[str, AddressChoice] = {}
        self.problems: dict[str, FieldProblem] = {}
        self.card_problems: list[FieldProblem] = []
        self.filled: FilledForm | None = None
        self.outcome: PrintOutcome | None = None
        self.receipt = ""
        self.refusal = services.desk.refusal()  # "" when the outbox can take a form
        self.announcement: Announcement | None = None
        self._reading: Future[IdDocument] | None = None
        self._printing: Future[PrintOutcome] | None = None
        session.put("form_journey", self)  # wiped (via wipe()) when the session ends
        if self.refusal:
            log.warning("form journey not started: %s", self.refusal)
        S, E = FormState, FormEvent
        self.machine: Machine[FormState, FormEvent] = Machine(
            "form",
            S.UNAVAILABLE if self.refusal else S.CHOOSE_FORM,
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
                (S.PRINTING, E.NOT_QUEUED): S.NOT_SUBMITTED,
                (S.DONE, E.TIMEOUT): S.FINISHED,
                (S.NOT_PRINTED, E.TIMEOUT): S.FINISHED,
                (S.NOT_SUBMITTED, E.TIMEOUT): S.FINISHED,
            },
            {
                S.DONE: Timeout(done_timeout_s, E.TIMEOUT),
                # Longer: the citizen needs time to note the receipt, or to find staff.
                S.NOT_PRINTED: Timeout(done_timeout_s * 2, E.TIMEOUT),
                S.NOT_SUBMITTED: Timeout(done_timeout_s * 2, E.TIMEOUT),
            },
            now=now,
        )
        self.machine.on_enter(self._entered)

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
        return self.state in (FormState.CHOOSE_FORM, FormState.UNAVAILABLE)

    @property
    def idle_exempt(self) -> bool:
        # Printing must not be cut short; the result screens return by themselves.
        return self.state is FormState.PRINTING or self.state in RESULT_STATES

    def prompt_values(self) -> dict[str, str]:
        # "T01-20261127-7KQ3MX" is read as its last part (the voice spells it out).
        return {"receipt": self.receipt.rsplit("-", 1)[-1]} if self.receipt else {}

    def forms(self) -> list[FormDefinition]:
        return list(self._services.catalog)

    @property
    def holds_personal_data(self) -> bool:
        return self.card is not None or bool(self.answers)

    @property
    def card_on_reader(self) -> bool:
        """A card still lies on the reader (the result screens ask to take it)."""
        return self._presence() is not Presence.ABSENT

    @property
    def booth_photo(self) -> bytes:
        """The photo accepted at the booth in this visit (b"" if none)."""
        return self._session.booth_photo

    def typed_answers(self) -> list[str]:
        """Names of the fields the citizen has answered (what Exit would throw away)."""
        return [name for name, value in self.answers.items() if value.strip()]

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

    def date_range(self, name: str) -> tuple[date, date]:
        """The first and last date the field accepts today."""
        f = self._field(name)
        return bounds(f.min_date, f.max_date, self._services.today())

    def date_value(self, name: str) -> date | None:
        value = self.answers.get(name, "")
        try:
            return date.fromisoformat(value) if len(value) == 10 else None
        except ValueError:
            return None

    # -- what the citizen does ------------------------------------------------
    def choose(self, form_id: str, now: float) -> None:
        self.form = self._services.catalog.get(form_id)
        self.machine.fire(FormEvent.FORM_CHOSEN, now)

    def confirm_card(self, now: float) -> None:
        if self.card_problems:
            raise RuntimeError("the card's data does not fit this form")
        self.machine.fire(FormEvent.CONFIRMED, now)

    def set_answer(self, name: str, value: str, now: float) -> None:
        """Store one answer as it is typed. Nothing is judged mid-typing: a problem
        already shown goes away as soon as the answer is right, a new one waits until
        the citizen leaves the field (:meth:`leave_field`) or taps Next."""
        f = self._field(name)
        if name in self.card_values():
            raise ValueError(f"{name} comes from the ID card")
        self.answers[name] = value
        if name in self.problems and self._check(f, value) is None:
            del self.problems[name]

    def choose_answer(self, name: str, value: str, now: float) -> FieldProblem | None:
        """A tap on an option button: a whole answer, checked at once."""
        self.set_answer(name, value, now)
        return self.leave_field(name, now)

    def leave_field(self, name: str, now: float) -> FieldProblem | None:
        """The citizen left the field: say now what is wrong with it, if anything (an
        empty field is not an error until Next: they may come back to it)."""
        f = self._field(name)
        value = self.answers.get(name, "")
        problem = self._check(f, value) if value.strip() else None
        if problem is None:
            self.problems.pop(name, None)
        else:
            self.problems[name] = problem
        return problem

    def pick_address(self, name: str, district: str, street: str, now: float) -> None:
        """District and street from the pickers (``street`` "" = typed with the number)."""
        f = self._field(name)
        if f.type is not FieldType.ADDRESS:
            raise ValueError(f"{name} is not an address")
        found = self.places.district(district)
        if found is None or (street and found.street(street) is None):
            raise ValueError(f"{district} {street} is not in the list")
        house = self.addresses[name].house if name in self.addresses else ""
        self._set_address(name, AddressChoice(district, street, house), now)

    def set_house(self, name: str, house: str, now: float) -> None:
        """The typed rest of an address (house number; with the street when not listed)."""
        choice = self.addresses.get(name)
        if choice is None:
            raise ValueError(f"pick the district of {name} first")
        self._set_address(name, AddressChoice(choice.district, choice.street, house), now)

    def _set_address(self, name: str, choice: AddressChoice, now: float) -> None:
        self.addresses[name] = choice
        self.set_answer(name, compose(self.places, choice) if choice.house.strip() else "", now)

    def step_date(self, name: str, unit: str, delta: int, now: float) -> date:
        """The date picker: move the field's date by days, months or years (``unit`` d, m,
        y), starting from today, and kept inside the dates the field accepts today."""
        low, high = self.date_range(name)
        current = self.date_value(name)
        if current is None:
            day = clamp(self._services.today(), low, high)
        else:
            try:
                day = clamp(step(current, unit, delta), low, high)
            except (OverflowError, ValueError):
                day = current
        self.set_answer(name, day.isoformat(), now)
        self.leave_field(name, now)
        return day

    def submit_answers(self, now: float) -> bool:
        """Check everything; on success move to the review page. On failure the first
        problem (in form order) is announced."""
        assert self.form is not None
        answers = {k: v for k, v in self.answers.items() if v.strip()}
        try:
            self.filled = fill(
                self.form,
                answers,
                self.card,
                photo=self.booth_photo if self._has_photo_box() else b"",
                today=self._services.today(),
            )
        except FormInvalid as exc:
            self.problems = {p.field: p for p in exc.problems}
            first = self.first_problem()
            if first is not None:
                self._announce(first)
            return False
        self.problems = {}
        self.machine.fire(FormEvent.ANSWERS_OK, now)
        return True

    def first_problem(self) -> FieldProblem | None:
        """The problem of the first field in form order."""
        if self.form is None:
            return None
        return next(
            (self.problems[f.name] for f in self.form.fields() if f.name in self.problems), None
        )

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
        return True

    def on_device_event(self, event: DeviceEvent, now: float) -> bool:
        """Card placed: read it (once). Card lifted: the screen's request changes."""
        if self.state is FormState.PLACE_CARD:
            if event.kind is EventKind.CARD_INSERTED and self._reading is None:
                self.card_step = CardStep.READING
                self._reading = self._pool.submit(self._services.reader.read, CARD_READ_TIMEOUT_S)
                return True
            if event.kind is EventKind.CARD_REMOVED and self.card_step is CardStep.LIFT_FIRST:
                self.card_step = CardStep.PLACE
                return True
        elif event.kind is EventKind.CARD_REMOVED and self.state in RESULT_STATES:
            return True  # the "take your card" line goes
        return False

    def close(self) -> None:
        """Left (finished, cancelled, idle): stop waiting for the reader. A print under
        way completes and is recorded; a job that has not printed is then cancelled."""
        self._reading = None
        printing, self._printing = self._printing, None
        if printing is not None:
            printing.add_done_callback(self._cancel_unprinted)
        elif self.outcome is not None:
            self._withdraw(self.outcome)

    # -- time -------------------------------------------------------------------
    def tick(self, now: float) -> bool:
        """Advance on finished I/O or timeouts; True if the state changed."""
        before = (self.state, self.card_step)
        if self.state is FormState.PLACE_CARD:
            self._collect_card(now)
        if self._printing is not None and self._printing.done():
            future, self._printing = self._printing, None
            self._print_finished(future, now)
        self.machine.tick(now)
        return (self.state, self.card_step) != before

    def _entered(self, state: FormState) -> None:
        if state is FormState.PLACE_CARD:
            self._ask_for_card()

    def _ask_for_card(self) -> None:
        """Waiting for a card from now on; one already there must be lifted first."""
        self._reading = None
        try:
            self._services.reader.ask_for_card()
        except DeviceError as exc:
            log.warning("reader cannot show the request: %s", exc.reason)
        left = self._presence() is not Presence.ABSENT
        self.card_step = CardStep.LIFT_FIRST if left else CardStep.PLACE

    def _presence(self) -> Presence:
        try:
            return self._services.reader.presence
        except DeviceError:
            return Presence.ABSENT

    def _collect_card(self, now: float) -> None:
        if self._reading is None or not self._reading.done():
            return
        future, self._reading = self._reading, None
        try:
            card = future.result()
        except CardReadError as exc:  # lifted mid-read, a bad frame: place it again
            log.info("card not read: %s", exc.reason)
            self.card_step = CardStep.PLACE_AGAIN
            return
        except Exception:  # a driver bug must not take the screen down
            log.exception("ID card read failed")
            self.card_step = CardStep.PLACE_AGAIN
            return
        self.card = card
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
        except FormNotQueued as exc:
            log.warning("form not submitted: %s", exc.reason)
            self.outcome = None
            self.receipt = ""
            self.machine.fire(FormEvent.NOT_QUEUED, now)
            return
        except Exception:  # FormDesk turns every failure into an outcome; a bug must not
            log.exception("form print failed")  # leave a receipt for nothing queued
            self.outcome = None
            self.receipt = ""
            self.machine.fire(FormEvent.NOT_QUEUED, now)
            return
        self.receipt = self.outcome.receipt
        event = FormEvent.PRINTED if self.outcome.printed else FormEvent.PRINT_FAILED
        self.machine.fire(event, now)

    def _cancel_unprinted(self, future: Future[PrintOutcome]) -> None:
        """After the session ended: withdraw the job if it has not printed."""
        if future.cancelled() or future.exception() is not None:
            return
        self._withdraw(future.result())

    def _withdraw(self, outcome: PrintOutcome) -> None:
        if not outcome.job.unfinished:
            return
        try:
            self._pool.submit(self._services.desk.cancel_unprinted, outcome)
        except RuntimeError:  # the pool is shut down (the kiosk is stopping): cancel now
            self._services.desk.cancel_unprinted(outcome)

    def _has_photo_box(self) -> bool:
        return self.form is not None and any(f.type is FieldType.PHOTO for f in self.form.fields())

    def _field(self, name: str) -> FieldDef:
        if self.form is None:
            raise RuntimeError("no form chosen")
        return self.form.field(name)

    def _check(self, f: FieldDef, value: str) -> FieldProblem | None:
        return check_field(f, value, self._services.today())

    def _announce(self, problem: FieldProblem) -> None:
        assert self.form is not None
        f = self.form.field(problem.field)
        seq = self.announcement.seq + 1 if self.announcement else 1
        self.announcement = Announcement(
            seq, f"{f.label}：{problem.message}", f"{f.label_en}: {problem.message_en}"
        )

    def _forget_card(self) -> None:
        if self.card is not None:
            self.card.wipe()
        self.card = None
        self.card_problems = []

    def wipe(self) -> None:
        """Drop every answer and the card; the session calls this when it ends."""
        self._forget_card()
        self.answers.clear()
        self.addresses.clear()
        self.problems.clear()
        self.announcement = None
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
