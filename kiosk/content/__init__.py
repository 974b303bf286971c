"""Content pages: files under resources/content/<lang>/, loaded into plain objects."""
