"""The kiosk's font families, in one small module the out-of-service screen and the doctor's Qt probe share."""

# Tried in order: all cover Latin, Spanish and Vietnamese letters. Here rather than in kiosk.ui.app, which
# loads the whole kiosk: the crash-loop screen and the doctor's probe child need only this list.
FONT_FAMILIES = ["Noto Sans", "Segoe UI", "DejaVu Sans", "Arial"]
