"""The demo: data for every app built through the apps' actions, and `stiplan demo`. It sits on
top of every app and nothing in stiplan imports it."""
