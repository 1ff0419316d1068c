"""manpower: a validated data package of claims about Russia's military manpower.

The library is importable on its own; the click CLI in ``manpower.cli`` is a thin layer on top.
Heavy dependencies (frictionless, pandera, pandas) are imported inside the functions that need
them so that ``import manpower`` and ``manpower --help`` stay instant.
"""

from manpower.errors import ManpowerError

__all__ = ["ManpowerError", "__version__"]

__version__ = "0.1.0"
