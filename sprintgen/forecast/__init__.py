"""The Monte Carlo forecast of a plan: sampling sizes and velocity, packing each trial, percentiles and dates."""
