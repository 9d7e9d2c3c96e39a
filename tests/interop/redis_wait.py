"""tests/interop/redis_wait.py -- wait for the stack's Redis state with
redis-cli (no Python Redis client needed)."""
import subprocess
import time


def until_user(stack, name, timeout=5.0):
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        out = subprocess.run(["redis-cli", "-p", stack["REDIS_PORT"],
                              "HEXISTS", "users", name],
                             capture_output=True, text=True).stdout.strip()
        if out == "1":
            return
        time.sleep(0.02)
    raise RuntimeError("user %s never reached the users mirror" % name)
