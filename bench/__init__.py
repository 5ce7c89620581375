"""Benchmarks of Qiao CRM (`python -m bench`); not part of the test run."""
