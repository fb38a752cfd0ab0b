"""1:1 match on real faces: the same person years apart scores above the threshold,
other people below it, also against a 102 x 126 chip-size JPEG of the reference."""

from __future__ import annotations

import itertools
import shutil
from pathlib import Path

import pytest

from kiosk.config.loader import default_layer, load_layers
from kiosk.identity.matcher import FaceMatcher, MatchResult
from kiosk.identity.models import RECOGNIZER_FILE, ModelError, model_files
from tests.identity.faces import PERSON, chip_photo, load

THRESHOLD = load_layers([default_layer()]).identity.match_threshold  # the shipped default
NAMES = sorted(PERSON)
GENUINE = [(a, b) for a, b in itertools.combinations(NAMES, 2) if PERSON[a] == PERSON[b]]
IMPOSTOR = [(a, b) for a, b in itertools.combinations(NAMES, 2) if PERSON[a] != PERSON[b]]


@pytest.fixture(scope="module")
def embeddings(faces: dict[str, Path], matcher: FaceMatcher) -> dict[str, object]:
    out: dict[str, object] = {}
    for name in NAMES:
        image = load(faces[name])
        full = matcher.embed(image)
        chip = matcher.embed(chip_photo(image, matcher))
        assert full is not None and chip is not None, name
        out[name], out[name + "@chip"] = full, chip
    return out


def test_the_sample_has_genuine_and_impostor_pairs() -> None:
    assert len(GENUINE) >= 8 and len(IMPOSTOR) >= 30


@pytest.mark.parametrize(("a", "b"), GENUINE)
def test_same_person_years_apart_is_matched(a: str, b: str, embeddings: dict) -> None:
    for probe, ref in ((a, b), (a, b + "@chip"), (b, a + "@chip")):
        result = MatchResult(FaceMatcher.similarity(embeddings[probe], embeddings[ref]), THRESHOLD)
        assert result.same_person, f"{probe} vs {ref}: {result.score:.3f} < {THRESHOLD}"


@pytest.mark.parametrize(("a", "b"), IMPOSTOR)
def test_another_person_is_refused(a: str, b: str, embeddings: dict) -> None:
    for probe, ref in ((a, b), (a, b + "@chip"), (b, a + "@chip")):
        result = MatchResult(FaceMatcher.similarity(embeddings[probe], embeddings[ref]), THRESHOLD)
        assert not result.same_person, f"{probe} vs {ref}: {result.score:.3f} >= {THRESHOLD}"


def test_match_reports_score_and_threshold(faces: dict[str, Path], matcher: FaceMatcher) -> None:
    result = matcher.match(load(faces["person_b_2"]), load(faces["person_b_1"]), THRESHOLD)
    assert result.as_dict()["threshold"] == THRESHOLD
    assert result.as_dict()["same_person"] is True
    assert 0 < result.score <= 1


def test_a_model_file_that_is_not_the_pinned_one_is_refused(tmp_path: Path) -> None:
    good = model_files()
    for path in (good.detector, good.recognizer):
        shutil.copy(path, tmp_path / path.name)
    assert model_files(tmp_path).recognizer.name == RECOGNIZER_FILE
    tampered = tmp_path / RECOGNIZER_FILE
    data = bytearray(tampered.read_bytes())
    data[len(data) // 2] ^= 0x01
    tampered.write_bytes(bytes(data))
    with pytest.raises(ModelError, match="not the pinned file"):
        model_files(tmp_path)
    tampered.unlink()
    with pytest.raises(ModelError, match="cannot read"):
        model_files(tmp_path)
