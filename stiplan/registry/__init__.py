"""The STI registry (issue 12): for now only the `stiplan registry dedupe` command; tasks come later."""
