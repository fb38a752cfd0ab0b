"""The centre's own judgement of identity checks (issue 10), independent of the terminal.

A terminal's evidence record (``offline_cache.wire``) arrives through the outbox
like any submission. Here the centre checks the record is bound to the terminal that
sent it and was not seen before, judges liveness again on the measurement series with
its own rules, matches the best frame with its own SFace against the reference (the
document's photo in the record, or one an operator registered for the ID number), and
queues what it cannot decide for a reviewer. Nothing here imports the kiosk.
"""
