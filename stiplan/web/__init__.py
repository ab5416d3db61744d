"""Pages that compose several apps (the home page); above every app, beside the URL map."""
