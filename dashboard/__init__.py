"""A geospatial dashboard for the news: place mentions resolved to bundled geodata."""

__version__ = "0.1.0"
