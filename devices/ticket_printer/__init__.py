"""Queue ticket printers (ESC/POS) and their simulator."""
