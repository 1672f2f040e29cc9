"""Models and their features: folders on disk, scikit-learn and transformers backends, cue rules."""
