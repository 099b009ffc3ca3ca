"""Running metrics: spatiotemporal steps and summaries, wearable metrics, watch records, fatigue."""
