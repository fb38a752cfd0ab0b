"""eMRTD over PC/SC: a private pcscd with the vpcd virtual reader and a card emulator."""
