"""duluan: a Vietnamese-first platform for public-opinion research."""

__version__ = "0.1.0"
