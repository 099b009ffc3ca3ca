"""Command-line interface (``stridelab``).

Importing it (before NumPy is loaded) sets ``NUMPY_MADVISE_HUGEPAGE=0`` unless the environment
already sets it: NumPy otherwise asks Linux for transparent huge pages for every array of 4 MB or
more, and where the kernel then compacts memory on the page fault (``transparent_hugepage/defrag``
= ``madvise``, a common default) the first touch of an hour-long recording's arrays cost 2-3x the
system time of ordinary pages, and varied from run to run (issue 12; ``docs/validation.md``, "Long
recordings"). Values are unchanged; ``NUMPY_MADVISE_HUGEPAGE=1`` restores NumPy's default.
"""

import os

os.environ.setdefault("NUMPY_MADVISE_HUGEPAGE", "0")
