"""Bring the local DaCHS TAP service up for a test session and stop what was started."""

from __future__ import annotations

import os
import shutil
import subprocess
import urllib.request
from pathlib import Path

HERE = Path(__file__).resolve().parent
PORT = int(os.environ.get("TAP_PORT", "8080"))
URL = f"http://127.0.0.1:{PORT}/tap"


def answering() -> bool:
    """True if a TAP service answers on the loopback port."""
    try:
        with urllib.request.urlopen(f"{URL}/capabilities", timeout=5) as r:
            return r.status == 200
    except OSError:
        return False


def can_install() -> tuple[bool, str]:
    """Whether this machine can set DaCHS up (root on Debian with apt-get)."""
    if os.geteuid() != 0:
        return False, "setting up the local TAP service needs root"
    if shutil.which("apt-get") is None:
        return False, "setting up the local TAP service needs Debian's apt-get"
    return True, ""


def up(state: Path) -> None:
    """Run up.sh (installs GAVO DaCHS from Debian when missing, starts it on loopback)."""
    env = dict(os.environ, TAP_STATE=str(state), TAP_PORT=str(PORT))
    subprocess.run(["bash", str(HERE / "up.sh")], check=True, env=env, timeout=1200)


def down(state: Path) -> None:
    """Stop exactly what up.sh started (by pid)."""
    env = dict(os.environ, TAP_STATE=str(state))
    subprocess.run(["bash", str(HERE / "down.sh")], check=False, env=env, timeout=120)


def load(rd_dirs: list[Path]) -> None:
    """Import resource descriptors into the running service."""
    subprocess.run(["bash", str(HERE / "load.sh"), *map(str, rd_dirs)], check=True, timeout=600)
