"""Benchmarks: each module measures one speed or memory target, printing figure and command."""
