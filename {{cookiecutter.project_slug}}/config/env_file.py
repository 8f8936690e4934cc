"""Write .env from .env.example, with a fresh random value for every secret.

A secret is a key that .env.example leaves empty and whose name says it is
one: SECRET_KEY or any *_PASSWORD. UID and GID become the ids of the user
running this, for compose.dev.yaml. `./run dotenv` runs this; an existing .env
is never overwritten.
"""

import os
import re
import secrets
import sys
from pathlib import Path

SECRET = re.compile(r"^(SECRET_KEY|\w+_PASSWORD)=$", re.MULTILINE)
USER_ID = re.compile(r"^(UID|GID)=$", re.MULTILINE)
# Random bytes per secret: Flask signs sessions with SECRET_KEY, which a
# guess must never reach; passwords only need to resist online guessing.
SECRET_BYTES = {"SECRET_KEY": 64}
PASSWORD_BYTES = 24


def fresh_secret(match):
    key = match[1]
    return f"{key}={secrets.token_urlsafe(SECRET_BYTES.get(key, PASSWORD_BYTES))}"


def fill_secrets(text):
    return SECRET.sub(fresh_secret, text)


def fill_user_ids(text):
    if not hasattr(os, "getuid"):
        # Windows: Docker Desktop maps the bind mount's owners itself.
        return text
    ids = {"UID": os.getuid(), "GID": os.getgid()}
    return USER_ID.sub(lambda match: f"{match[1]}={ids[match[1]]}", text)


def write_env(example, target):
    """Raises FileExistsError when target exists; only its owner may read it."""
    target.touch(mode=0o600, exist_ok=False)
    target.write_text(fill_user_ids(fill_secrets(example.read_text())))


def main():
    root = Path(__file__).resolve().parent.parent
    try:
        write_env(root / ".env.example", root / ".env")
    except FileExistsError:
        sys.exit("error: .env exists; move it away first to write a new one")
    print("Wrote .env with fresh secrets; edit it to taste.")


if __name__ == "__main__":
    main()
