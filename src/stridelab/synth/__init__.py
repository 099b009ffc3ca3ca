"""Synthetic data generators (always labelled synthetic in their output)."""
