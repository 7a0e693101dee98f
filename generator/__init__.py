"""prehab: a static site generator for a publication about running injuries."""

__version__ = "0.1.0"
