"""Epstein's (2002) civil-violence Model I, on the decision kernel of the campaign model.

``grid`` (state and neighbourhoods) → ``kernel`` (the compiled step) → ``engine``
(``run_civil_violence``); ``variants`` holds the rules of each variant as data, ``analysis`` the
outburst measures.
"""

from quotasim.civil_violence.engine import run_civil_violence
from quotasim.civil_violence.variants import VARIANTS, Variant

__all__ = ["VARIANTS", "Variant", "run_civil_violence"]
