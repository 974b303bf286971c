"""Settings: where the file is, what it may say, and loading it."""
