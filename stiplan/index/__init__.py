"""The innovation index (PII): frameworks, data and analyses on top of stiplan.analytics.index."""
