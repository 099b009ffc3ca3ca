"""Signal processing used across stridelab (numpy only, so the CLI stays light)."""

from stridelab.dsp.filters import butterworth_response, lowpass

__all__ = ["butterworth_response", "lowpass"]
