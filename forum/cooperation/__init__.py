"""The cooperation register: who cooperates with whom, by theme, proposed by the regions'
contacts and approved by the secretariat."""
