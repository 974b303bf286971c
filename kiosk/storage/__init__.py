"""Storage: SQLAlchemy models, the one place that owns transactions, migrations."""
