"""The `slow` marker: tests that run minutes (OCR of a scanned document)."""


def pytest_configure(config):
    config.addinivalue_line("markers", "slow: takes a minute or more (OCR)")
