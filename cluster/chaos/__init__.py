"""Chaos runs: fault proxies, process and clock faults, a recorded workload, invariant checks."""
