"""Hall kiosk core: configuration, citizen session, flows. No Qt here."""

__version__ = "0.1.0"
