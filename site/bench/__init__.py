"""Benchmarks run by `manage.py bench`. Each module measures one area and returns figures.

They build their own data, measure in this process on this machine, and clean up after
themselves. Figures are reported, never asserted: these machines are shared and noisy.
"""
