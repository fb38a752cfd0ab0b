"""Device drivers. One sub-package per device kind: a Protocol, real drivers and a
simulator. Nothing here imports kiosk/ or ui/."""
