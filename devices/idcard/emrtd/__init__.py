"""ICAO 9303 eMRTD chip reading: BAC, secure messaging, LDS files (transport-agnostic).

The PC/SC driver (``devices.idcard.pcsc``) hands :class:`~devices.idcard.emrtd.chip.ChipSession`
a function that sends one APDU and returns the response; everything here is pure Python.
"""
