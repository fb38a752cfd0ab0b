"""The PySide6 + QML touch UI. Thin: view-models turn core state into Qt properties."""
