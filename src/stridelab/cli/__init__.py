"""Command-line interface (``stridelab``)."""
