"""The STI registry (issue 12): tasks and their lifecycle under both regimes, councils, outputs,
organisations, people, fields of science and IP assets (see docs/registry.md)."""
