"""Ground reaction force signals from the force plates, combined and split per foot (below kinematics
and kinetics, which both use them)."""
