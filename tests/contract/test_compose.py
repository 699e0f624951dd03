"""compose.yaml runs the product: KRaft Kafka, PostgreSQL, topic creation and three services."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from functools import cache
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
COMPOSE_FILE = ROOT / "compose.yaml"
APP_SERVICES = ("coder", "biller", "notifier")
INFRA_SERVICES = ("kafka", "postgres", "topics", "mailpit")

# The environment variables (services/common/settings.py) compose must set for the services,
# with the value compose gives each when the operator sets nothing.
APP_ENV_DEFAULTS = {
    "KAFKA_BOOTSTRAP_SERVERS": "kafka:9092",
    "DATABASE_URL": "postgresql://postgres:medbill@postgres:5432/medbill",
    "SMTP_HOST": "mailpit",
    "SMTP_PORT": "1025",
    "SMTP_FROM": None,
    "CODING_TEAM_EMAIL": None,
    "KAFKA_SESSION_TIMEOUT_MS": "10000",
    "KAFKA_HEARTBEAT_INTERVAL_MS": "3000",
    "LOG_LEVEL": None,
}
NEEDED_BY = {
    "coder": set(APP_ENV_DEFAULTS),
    "biller": set(APP_ENV_DEFAULTS),
    "notifier": set(APP_ENV_DEFAULTS),
    "topics": {"KAFKA_BOOTSTRAP_SERVERS"},
}
OPERATOR_VARIABLES = set(APP_ENV_DEFAULTS) | {
    "POSTGRES_PASSWORD", "MEDBILL_TAG", "KAFKA_CLUSTER_ID", "MAILPIT_UI_PORT", "KAFKA_HOST_PORT",
    "POSTGRES_HOST_PORT",
}  # fmt: skip


@cache
def raw() -> dict:
    return yaml.safe_load(COMPOSE_FILE.read_text())


@cache
def rendered() -> dict:
    """The file as docker-compose 1.29 (Debian's) resolves it, with every default in force."""
    binary = shutil.which("docker-compose")
    if binary is None:
        pytest.fail(
            "docker-compose is not installed: install Debian's docker-compose "
            "(apt-get install docker-compose) so compose.yaml can be checked by the real parser"
        )
    env = {k: v for k, v in os.environ.items() if k not in OPERATOR_VARIABLES}
    result = subprocess.run(
        [binary, "-f", str(COMPOSE_FILE), "config"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, f"docker-compose config failed:\n{result.stderr}"
    return yaml.safe_load(result.stdout)


def environment(service: dict) -> dict[str, str]:
    env = service.get("environment") or {}
    if isinstance(env, list):
        env = dict(item.split("=", 1) for item in env)
    return {k: str(v) for k, v in env.items()}


def test_docker_compose_accepts_the_file_and_names_every_service():
    services = rendered()["services"]
    assert set(services) == set(APP_SERVICES) | set(INFRA_SERVICES)


def test_raw_file_has_the_services_and_no_version_key():
    assert set(raw()["services"]) == set(APP_SERVICES) | set(INFRA_SERVICES)
    assert "version" not in raw()


def test_kafka_is_a_single_kraft_node_without_zookeeper():
    services = rendered()["services"]
    kafka = services["kafka"]
    env = environment(kafka)
    assert kafka["image"] == "apache/kafka:3.9.1"
    assert set(env["KAFKA_PROCESS_ROLES"].split(",")) == {"broker", "controller"}
    assert env["KAFKA_CONTROLLER_QUORUM_VOTERS"] == f"{env['KAFKA_NODE_ID']}@kafka:9093"
    assert env["KAFKA_LISTENERS"] == "PLAINTEXT://:9092,CONTROLLER://:9093,HOST://:9094"
    assert env["KAFKA_ADVERTISED_LISTENERS"] == "PLAINTEXT://kafka:9092,HOST://127.0.0.1:9094"
    assert "HOST:PLAINTEXT" in env["KAFKA_LISTENER_SECURITY_PROTOCOL_MAP"].split(",")
    assert env["KAFKA_OFFSETS_TOPIC_REPLICATION_FACTOR"] == "1"
    assert env["KAFKA_GROUP_INITIAL_REBALANCE_DELAY_MS"] == "0"
    assert env["KAFKA_AUTO_CREATE_TOPICS_ENABLE"] == "false"
    assert re.fullmatch(r"[A-Za-z0-9_-]{22}", env["CLUSTER_ID"])  # a base64 UUID
    assert "kafka-topics.sh --bootstrap-server localhost:9092 --list" in " ".join(
        kafka["healthcheck"]["test"]
    )
    assert not any("zookeeper" in key.lower() for key in env)
    assert not any("zookeeper" in (s.get("image") or name) for name, s in services.items())


def test_postgres_has_a_password_from_the_environment_a_volume_and_a_healthcheck():
    postgres = rendered()["services"]["postgres"]
    assert postgres["image"] == "postgres:16.4"
    assert "${POSTGRES_PASSWORD:-medbill}" in str(raw()["services"]["postgres"]["environment"])
    assert environment(postgres)["POSTGRES_DB"] == "medbill"
    assert any("/var/lib/postgresql/data" in str(v) for v in postgres["volumes"])
    assert "pg_isready" in " ".join(postgres["healthcheck"]["test"])


def test_topics_are_created_once_kafka_is_healthy():
    topics = rendered()["services"]["topics"]
    assert topics["command"] == ["topics", "create"]
    assert topics["depends_on"]["kafka"]["condition"] == "service_healthy"
    assert topics["restart"] == "no"
    assert topics["build"]["context"] == str(ROOT)


@pytest.mark.parametrize("name", APP_SERVICES)
def test_app_services_run_from_one_image_and_scale(name):
    service = rendered()["services"][name]
    assert service["build"]["context"] == str(ROOT)
    assert service["image"] == rendered()["services"]["topics"]["image"]
    assert service["command"] == ["run", name]
    assert service["depends_on"]["topics"]["condition"] == "service_completed_successfully"
    assert service["depends_on"]["postgres"]["condition"] == "service_healthy"
    assert service["healthcheck"]["test"] == ["CMD", "medbill", "health", name]
    assert "container_name" not in service and "ports" not in service


@pytest.mark.parametrize("name", [*APP_SERVICES, "topics"])
def test_services_get_every_variable_they_read_with_a_default(name):
    env = environment(rendered()["services"][name])
    assert NEEDED_BY[name] <= set(env), NEEDED_BY[name] - set(env)
    for key in NEEDED_BY[name]:
        assert env[key], key
        if APP_ENV_DEFAULTS[key] is not None:
            assert env[key] == APP_ENV_DEFAULTS[key], key
    declared = environment(raw()["services"][name])  # YAML merge keys already applied
    for key in NEEDED_BY[name] - {"DATABASE_URL"}:
        assert declared[key] == f"${{{key}:-{env[key]}}}", f"{key} can be set by the operator"


def test_consumer_timeouts_suit_apache_kafka():
    env = environment(rendered()["services"]["biller"])
    session, heartbeat = (
        int(env["KAFKA_SESSION_TIMEOUT_MS"]),
        int(env["KAFKA_HEARTBEAT_INTERVAL_MS"]),
    )
    assert 6000 <= session <= 300_000  # group.min/max.session.timeout.ms broker defaults
    assert heartbeat * 3 <= session


def test_notifier_sends_mail_through_the_dev_smtp_server():
    services = rendered()["services"]
    assert services["mailpit"]["image"].startswith("axllent/mailpit")
    assert environment(services["notifier"])["SMTP_HOST"] == "mailpit"
    assert "mailpit" in services["notifier"]["depends_on"]


def test_dockerfile_builds_one_non_root_image_with_the_cli_as_entrypoint():
    dockerfile = (ROOT / "Dockerfile").read_text()
    assert re.search(r"^FROM python:3\.11-slim", dockerfile, re.M)
    assert "pip install -c requirements.lock ." in dockerfile
    assert re.search(r"^USER (?!root)\S+", dockerfile, re.M)
    assert 'ENTRYPOINT ["medbill"]' in dockerfile
    ignored = (ROOT / ".dockerignore").read_text().split()
    assert {".venv", ".git", "**/__pycache__"} <= set(ignored)


def test_compose_names_only_variables_the_settings_read():
    from services.common.settings import Settings

    read = {name.upper() for name in Settings.model_fields}
    assert set(APP_ENV_DEFAULTS) <= read, set(APP_ENV_DEFAULTS) - read


def published(service: dict) -> list[tuple[str, int, int]]:
    """(host address, host port, container port) of each published port."""
    found = []
    for port in service.get("ports") or []:
        text = port if isinstance(port, str) else f"{port['published']}:{port['target']}"
        *host, published_port, target = text.split("/")[0].split(":")
        found.append((host[0] if host else "0.0.0.0", int(published_port), int(target)))
    return found


def test_the_broker_the_database_and_the_mail_ui_are_reachable_from_the_host_only():
    services = rendered()["services"]
    assert published(services["kafka"]) == [("127.0.0.1", 9094, 9094)]
    assert published(services["postgres"]) == [("127.0.0.1", 5433, 5432)]
    assert published(services["mailpit"]) == [("127.0.0.1", 8025, 8025)]


def test_the_brokers_host_listener_advertises_the_published_port():
    """A client on the host bootstraps on the published port and is sent back to the
    advertised one: both come from KAFKA_HOST_PORT."""
    kafka = raw()["services"]["kafka"]
    assert (
        "HOST://127.0.0.1:${KAFKA_HOST_PORT:-9094}"
        in kafka["environment"]["KAFKA_ADVERTISED_LISTENERS"]
    )
    assert kafka["ports"] == ["127.0.0.1:${KAFKA_HOST_PORT:-9094}:9094"]


def test_every_image_has_a_pinned_tag():
    for name, service in rendered()["services"].items():
        image = service["image"]
        repository, _, tag = image.rpartition(":")
        assert repository and tag and tag != "latest", (name, image)
        if name not in (*APP_SERVICES, "topics"):
            assert re.fullmatch(r"v?[0-9]+\.[0-9]+(\.[0-9]+)?", tag), (name, image)
