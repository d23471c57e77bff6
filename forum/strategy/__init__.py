"""The national strategy: its periods and the themes that meetings take up."""
