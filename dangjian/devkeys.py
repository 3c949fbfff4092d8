"""Throwaway keys for local development, generated once and kept under var/ (git-ignored)."""
import base64
import os
from pathlib import Path


def local_secret(var_dir: Path, name: str, *, fernet: bool = False) -> str:
    path = Path(var_dir) / "keys" / name
    if path.exists():
        return path.read_text().strip()
    path.parent.mkdir(parents=True, exist_ok=True)
    raw = os.urandom(32)
    value = base64.urlsafe_b64encode(raw).decode() if fernet else base64.b64encode(raw).decode()
    path.write_text(value)
    path.chmod(0o600)
    return value
