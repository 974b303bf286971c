"""The hand-off to a clinic's record system: requests as FHIR R4 transaction Bundles (R4B models, wire-compatible)."""
