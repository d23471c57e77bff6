"""The forum's public face: the start page, the accessibility statement, the language switch."""
