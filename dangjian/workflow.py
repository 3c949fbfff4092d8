


def _apply(instance, fields: dict):
    for name, value in fields.items():
        setattr(instance, name, value)


def _changed(instance, fields: dict) -> dict:
    out = {}
    for name, value in fields.items():
        old = getattr(instance, name)
        if old != value:
            out[name] = [str(old) if old is not None else None, str(value) if value is not None else None]
    return out
