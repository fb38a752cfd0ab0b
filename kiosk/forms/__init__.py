"""Self-service forms: definitions as data, checks as the citizen types, A4 output.

Pure Python: rendering (Qt) and the outbox are reached through the Protocols in
:mod:`kiosk.forms.ports`.
"""
