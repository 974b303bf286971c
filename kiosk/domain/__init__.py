"""Domain rules in plain Python: request types, validation, red flags, reference codes."""
