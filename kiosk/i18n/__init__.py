"""Every user-facing string, per language, from one catalog of TOML files."""
