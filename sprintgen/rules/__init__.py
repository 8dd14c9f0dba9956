"""Data files that drive sprintgen's decisions (the `recommend` rules), shipped inside the wheel."""
