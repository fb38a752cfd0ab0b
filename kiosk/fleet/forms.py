"""Form definitions from signed fleet bundles, added to the terminal's catalog."""

from __future__ import annotations

from kiosk.config import KioskConfig
from kiosk.forms.catalog import FormCatalog


def with_fleet_forms(catalog: FormCatalog, config: KioskConfig) -> FormCatalog:
    """``catalog`` plus the forms of the verified bundles this terminal runs with; a
    bundle's form replaces a built-in one with the same id. Unchanged without a fleet."""
    if not config.fleet.root:
        return catalog
    from kiosk.fleet.layers import fleet_forms

    extra = fleet_forms(config)
    return FormCatalog([*catalog, *extra]) if extra else catalog
