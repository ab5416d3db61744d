"""stiplan: the platform a provincial Department of S&T uses to run its STI plan to 2030."""
