"""Qt widgets only: one module per screen; rules live in kiosk.services."""
