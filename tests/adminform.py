"""The admin's change form as a browser posts it back: every field at its current value, with the
changes a test makes."""


def admin_form_data(response) -> dict:
    """The POST data of an admin change form as it stands (every field at its current value)."""
    form = response.context["adminform"].form
    data = {}
    for name in form.fields:
        value = form[name].value()
        if value is None or value is False:
            continue
        data[name] = "on" if value is True else value
    data["_save"] = "Save"
    return data


def post_admin_change(client, url: str, changes: dict):
    """Open the admin change form at `url` and save it with `changes`; the POST's response."""
    data = admin_form_data(client.get(url))
    data.update(changes)
    return client.post(url, data)
