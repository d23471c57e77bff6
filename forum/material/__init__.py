"""Material: documents for meetings and themes, their versions and who may read them,
distribution to the participants before a meeting, the knowledge bank per theme, and
Swedish full-text search."""
