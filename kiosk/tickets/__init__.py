"""Queue numbers: allocation and the ticket's content."""
