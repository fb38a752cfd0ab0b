"""Spoken prompts: espeak-ng, and a simulator that keeps what it said."""
