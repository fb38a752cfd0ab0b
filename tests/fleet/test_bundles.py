"""What a bundle may carry: layers that merge all < hall < terminal, form definitions and
photo specs published the same way, and nothing of the terminal's own provisioning."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from central.fleet.repo import init_repository
from kiosk.cli.fleet import run_cycle
from kiosk.fleet.forms import with_fleet_forms
from kiosk.forms.catalog import BUILTIN_DIR, load_catalog
from tests.fleet.conftest import Fleet
from tests.outbox.conftest import CENTRAL, clean_env

pytestmark = [pytest.mark.daemon]

SPEC = """
[hall-a-badge]
name = "员工证"
name_en = "Staff badge"
source = "Hall A facilities office, badge photo rule 2026"
width_px = 300
height_px = 400
dpi = 300
print_mm = [25, 33]
head_height = [0.55, 0.7]
head_width = [0.4, 0.65]
crown_margin = [0.05, 0.12]
chin_margin_min = 0.12
[hall-a-badge.backgrounds]
blue = "#3A6EA5"
"""


def test_all_then_hall_then_terminal_each_layer_wins_over_the_one_below(fleet: Fleet) -> None:
    fleet.publish("--all", fleet.toml("all.toml", "[ui]\nidle_timeout_s = 40\nvoice = false\n"))
    fleet.publish("--hall", "hall-a", fleet.toml("h.toml", "[ui]\nidle_timeout_s = 50\n"))
    fleet.publish("--terminal", "T01", fleet.toml("t.toml", "[ui]\nlarge_text = true\n"))
    fleet.publish("--hall", "hall-b", fleet.toml("hb.toml", "[ui]\nidle_timeout_s = 70\n"))
    assert run_cycle(fleet.layered("T01"))["applied"] is True
    t1 = fleet.layered("T01")
    assert (t1.config.ui.idle_timeout_s, t1.config.ui.voice, t1.config.ui.large_text) == (
        50,
        False,
        True,
    )
    assert t1.origin(("ui", "voice")) == "fleet:all.json v2"
    assert t1.origin(("ui", "idle_timeout_s")) == "fleet:hall/hall-a.json v3"
    assert t1.origin(("ui", "large_text")) == "fleet:terminal/T01.json v4"
    assert run_cycle(fleet.layered("T03"))["applied"] is True
    t3 = fleet.layered("T03")  # hall-b: its own hall's layer, not hall-a's, not T01's
    assert (t3.config.ui.idle_timeout_s, t3.config.ui.large_text) == (70, False)


def test_form_definitions_and_photo_specs_travel_in_bundles(fleet: Fleet) -> None:
    form = (BUILTIN_DIR / "residence_permit.toml").read_text("utf-8")
    form = form.replace('id = "residence_permit"', 'id = "hall_a_permit"')
    form = form.replace('title_en = "Residence Permit Registration"', 'title_en = "Hall A permit"')
    fleet.publish("--hall", "hall-a", "--form", fleet.toml("hall_a_permit.toml", form))
    fleet.publish("--hall", "hall-a", "--photo-specs", fleet.toml("specs.toml", SPEC))
    fleet.publish(
        "--hall",
        "hall-a",
        fleet.toml("h.toml", '[photo]\nspecs = ["hall-a-badge", "cn-id-card"]\n'),
    )
    out = run_cycle(fleet.layered("T01"))
    assert out["applied"] is True, out
    config = fleet.layered("T01").config
    assert config.photo.offered == ["hall-a-badge", "cn-id-card"]
    from kiosk.photo.specs import get_spec

    assert get_spec("hall-a-badge").background_hex(None) == "#3A6EA5"
    catalog = with_fleet_forms(load_catalog(), config)  # what the form journey offers
    assert catalog.get("hall_a_permit").title_en == "Hall A permit"
    assert "residence_permit" in catalog.ids()  # the built-in ones stay


def test_a_broken_form_definition_is_refused_with_where_it_is_wrong(fleet: Fleet) -> None:
    fleet.publish("--all", fleet.toml("a.toml", "[ui]\nidle_timeout_s = 45\n"))
    assert run_cycle(fleet.layered("T01"))["applied"] is True
    bad = 'id = "broken_form"\nversion = 1\ntitle = "x"\n'
    version = fleet.publish("--all", "--form", fleet.toml("broken_form.toml", bad))
    out = run_cycle(fleet.layered("T01"))
    assert out["outcome"] == "refused"
    assert f"fleet:all.json v{version} form broken_form" in out["reason"]
    assert fleet.layered("T01").fleet_versions == {"all.json": 2}


@pytest.mark.parametrize(
    "text, key",
    [
        ('[central]\nurl = "https://evil.example"\n', "central.url"),
        ('[central]\nca_file = "/tmp/evil.pem"\n', "central.ca_file"),
        ('[fleet]\nroot = "/tmp/other-root.json"\n', "fleet"),
        ('[terminal]\ndata_dir = "/tmp"\n', "terminal.data_dir"),
    ],
)
def test_provisioning_keys_cannot_be_published(tmp_path: Path, text: str, key: str) -> None:
    init_repository(tmp_path / "repo")
    (tmp_path / "p.toml").write_text(text, encoding="utf-8")
    out = subprocess.run(
        [CENTRAL, "fleet", "publish", "--repo", str(tmp_path / "repo"), "--all",
         str(tmp_path / "p.toml")],
        capture_output=True, text=True, env=clean_env(),
    )  # fmt: skip
    assert out.returncode == 1
    line = 1 if key == "fleet" else 2
    assert f"p.toml:{line}: {key}: a fleet bundle may not set {key}" in out.stderr
