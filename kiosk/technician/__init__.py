"""What technicians use on site: the PIN, device self-tests."""
