"""Identity document readers: SAM serial (Chinese ID cards), PC/SC (eMRTD), simulator."""
