"""Fix sentences the doctor gives and the kiosk also logs, in a module that loads nothing else."""

# Read-aloud logs it when speech cannot start; the doctor's text-to-speech check gives it as its fix.
SPEECH_FIX = (
    "install the speech engine, its voices and libraries: on Debian/Ubuntu `apt install speech-dispatcher "
    "espeak-ng libspeechd2 libpulse0`; on Windows the engine is built in: add a voice for each language under "
    "Settings > Time & language > Speech"
)
