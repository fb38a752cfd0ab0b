"""The central service that terminals sync to, and the fleet admin CLI."""
