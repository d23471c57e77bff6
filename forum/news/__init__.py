"""News from the secretariat, and the forum's public face: its feed, sitemap and robots.txt."""
