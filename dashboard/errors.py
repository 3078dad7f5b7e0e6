"""Exceptions the package raises; messages say what the user can do."""


class DashboardError(Exception):
    """Base class for errors the user can act on."""


class GeodataError(DashboardError):
    """The bundled geodata is missing, corrupt or fails validation."""


class InputError(DashboardError):
    """An article cannot be read: empty, binary, not UTF-8, or too large."""
