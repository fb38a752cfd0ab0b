"""Terminal configuration: built-in defaults < terminal file < fleet layer."""

from kiosk.config.loader import ConfigError, load_config
from kiosk.config.schema import KioskConfig, ServiceCategory

__all__ = ["ConfigError", "KioskConfig", "ServiceCategory", "load_config"]
