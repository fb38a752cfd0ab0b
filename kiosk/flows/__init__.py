"""Citizen journeys as explicit state machines. The UI renders ``state``; it never decides."""
