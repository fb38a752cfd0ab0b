"""Qt renderers the core reaches through entry points (``hall_kiosk.renderers``)."""
