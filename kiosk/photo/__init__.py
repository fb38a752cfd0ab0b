"""The ID photo pipeline: specs as data, quality checks, background, crop, export."""
