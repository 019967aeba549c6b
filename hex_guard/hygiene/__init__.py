"""Data-team hygiene checks (issue 13): one secret reused across environments, query results and
personal data committed in notebooks and data files, and what kind of Hex token a finding is.

Each module is a set of pure functions over bytes, paths and findings; the scan corridor decides
when they run.
"""
