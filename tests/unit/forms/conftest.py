"""Fixtures for the forms tests."""

from __future__ import annotations

import pytest
from forms_samples import make_card

from devices.idcard.record import IdDocument
from kiosk.forms.catalog import FormCatalog, load_catalog


@pytest.fixture(scope="session")
def catalog() -> FormCatalog:
    return load_catalog()


@pytest.fixture
def card() -> IdDocument:
    return make_card()
