"""One view-model per screen: Qt properties over the core's state, slots for taps."""
