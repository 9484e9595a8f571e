"""The native engine's refusal: what it does not reproduce exactly, it does not answer."""

from __future__ import annotations

from mscowl.errors import MscowlError


class UnsupportedShapesError(MscowlError):
    """The shapes (or data) use something the native engine does not reproduce exactly;
    ``mscowl validate --engine auto`` then uses pySHACL."""

    exit_code = 2
