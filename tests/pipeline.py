"""Runs the services as real processes (`medbill run SERVICE`) for flow tests."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import uuid
from pathlib import Path


class Pipeline:
    def __init__(
        self,
        *,
        kafka: str,
        database_url: str,
        smtp: tuple[str, int] | None,
        log_dir: Path,
        **extra_env: str,
    ) -> None:
        # unique groups: on Tansu a brand-new group whose only member left without LeaveGroup
        # can stall the next join for a whole session timeout
        prefix = f"test-{uuid.uuid4().hex[:8]}"
        self.env = {
            **os.environ,
            "KAFKA_BOOTSTRAP_SERVERS": kafka,
            "DATABASE_URL": database_url,
            "KAFKA_GROUP_PREFIX": prefix,
            "KAFKA_SESSION_TIMEOUT_MS": "2000",
            "KAFKA_HEARTBEAT_INTERVAL_MS": "300",
            "KAFKA_FETCH_MAX_WAIT_MS": "50",
            "RELAY_POLL_MS": "100",
            "SMTP_FROM": "billing@example.org",
            "CODING_TEAM_EMAIL": "coding@example.org",
            "LOG_LEVEL": "INFO",
            **extra_env,
        }
        if smtp:
            self.env.update(SMTP_HOST=smtp[0], SMTP_PORT=str(smtp[1]))
        self.log_dir = log_dir
        self.procs: dict[str, subprocess.Popen[bytes]] = {}

    def start(self, *services: str) -> None:
        for name in services or ("coder", "biller", "notifier"):
            log = open(self.log_dir / f"{name}.log", "ab")  # noqa: SIM115
            self.procs[name] = subprocess.Popen(
                [sys.executable, "-m", "medbill.cli", "run", name],
                env=self.env,
                stdout=log,
                stderr=log,
            )

    def kill(self, name: str) -> None:
        proc = self.procs.pop(name)
        proc.send_signal(signal.SIGKILL)
        proc.wait(10)

    def stop(self) -> dict[str, int]:
        for proc in self.procs.values():
            if proc.poll() is None:
                proc.send_signal(signal.SIGTERM)
        codes = {}
        for name, proc in self.procs.items():
            try:
                codes[name] = proc.wait(45)
            except subprocess.TimeoutExpired:
                proc.kill()
                codes[name] = -9
        self.procs.clear()
        return codes

    def logs(self, name: str) -> str:
        return (self.log_dir / f"{name}.log").read_text(errors="replace")
