"""Benchmarks: a generated forum served by gunicorn as in production, measured from a second
process on loopback (`python -m benchmarks.run`)."""
