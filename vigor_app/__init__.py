"""Vigor: an AI fitness companion built as one Reflex app."""

__version__ = "0.1.0"
