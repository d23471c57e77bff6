"""The roster: regions, organisations, people, bodies, seats and nominations."""
