"""Small reusable widgets shared by the kiosk's screens."""
