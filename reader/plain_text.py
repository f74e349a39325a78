"""Issue 22: written by the helper that owns this module."""

from __future__ import annotations
