"""Nominations proposed by a region's contact and decided by the secretariat."""
