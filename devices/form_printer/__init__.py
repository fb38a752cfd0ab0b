"""A4 form printers (CUPS, PDF folder) and their simulator."""
