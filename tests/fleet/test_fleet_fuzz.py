"""Hypothesis on what the fleet parses from outside: bundles, sealed values, and the
secret-cutting of ``fleet publish``."""

from __future__ import annotations

import contextlib
import tomllib
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric import ec
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pydantic import ValidationError

from central.fleet.publish import PublishError, strip_secrets
from central.fleet.seal import seal
from kiosk.fleet.layers import BundleProblem, bundle_layer
from kiosk.fleet.sealed import UnsealError, seal_aad, unseal
from offline_cache.wire import FleetBundle, FleetScope

KEY = ec.generate_private_key(ec.SECP256R1())
OTHER = ec.generate_private_key(ec.SECP256R1())
FAST = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@FAST
@given(st.binary(max_size=400))
def test_any_bytes_as_a_bundle_are_refused_cleanly(data: bytes) -> None:
    with contextlib.suppress(ValidationError):
        FleetBundle.model_validate_json(data)


@FAST
@given(st.text(max_size=200))
def test_any_sealed_text_fails_only_with_unseal_error(text: str) -> None:
    with pytest.raises(UnsealError):
        unseal(KEY, text, b"aad", "technician.pin_hash")


@FAST
@given(st.text(max_size=60), st.sampled_from(["T01", "T02"]))
def test_sealed_values_open_only_for_their_terminal_and_place(value: str, tid: str) -> None:
    aad = seal_aad("all.json", "ticket.verification_secret", tid)
    sealed = seal(KEY.public_key(), value, aad)
    assert unseal(KEY, sealed, aad, "k") == value
    with pytest.raises(UnsealError):
        unseal(OTHER, sealed, aad, "k")  # another terminal's key
    with pytest.raises(UnsealError):
        unseal(KEY, sealed, seal_aad("hall/x.json", "ticket.verification_secret", tid), "k")


SAFE = st.text(alphabet=st.characters(blacklist_categories=["Cs", "Cc"]), max_size=30)


@FAST
@given(secret=SAFE, other=SAFE, before=st.booleans())
def test_publish_cuts_out_exactly_the_secret(secret: str, other: str, before: bool) -> None:
    esc = secret.replace("\\", "\\\\").replace('"', '\\"')
    esc_o = other.replace("\\", "\\\\").replace('"', '\\"')
    lines = [f'verification_secret = "{esc}"', f'privacy_notice = "{esc_o}"']
    if not before:
        lines.reverse()
    text = "[ticket]\n" + "\n".join(lines) + "\n[ui]\nidle_timeout_s = 30\n"
    data = tomllib.loads(text)
    try:
        stripped, secrets = strip_secrets(Path("f.toml"), text, data)
    except PublishError:
        return  # refused: never published
    assert secrets == {"ticket.verification_secret": secret}
    left = tomllib.loads(stripped)
    assert "verification_secret" not in left["ticket"]
    assert left["ticket"]["privacy_notice"] == other
    assert not [line for line in stripped.splitlines() if "verification_secret =" in line]


@FAST
@given(st.text(max_size=300))
def test_any_config_text_in_a_signed_bundle_gives_a_layer_or_a_named_problem(text: str) -> None:
    bundle = FleetBundle(scope=FleetScope.ALL, version=3, published_at=0.0, config=text)
    try:
        layer = bundle_layer("all.json", bundle, "T01", None)
    except BundleProblem as exc:
        assert exc.where == "fleet:all.json v3"
        return
    assert layer.version == 3
