"""deploy/k8s/, checked statically: six services, replicas, probes, secrets, Kafka with RF 3."""

from pathlib import Path
from typing import Any

import pytest
import yaml

from phaseout_cli.kafka_security import acl_rows
from phaseout_shared.principals import PRINCIPALS, topics
from phaseout_shared.settings import Settings

K8S = Path(__file__).resolve().parents[3] / "deploy" / "k8s"
DOCS = [d for f in sorted(K8S.glob("*.yaml")) for d in yaml.safe_load_all(f.read_text()) if d]
SERVICES = {
    "aggregator": 8100,
    "energy": 8101,
    "environment": 8102,
    "quality": 8103,
    "safety": 8104,
    "technology": 8105,
}
SETTINGS = {f"PHASEOUT_{n.upper()}" for n in Settings.model_fields}


def of(kind: str) -> dict[str, dict[str, Any]]:
    return {d["metadata"]["name"]: d for d in DOCS if d["kind"] == kind}


def test_every_manifest_is_listed_in_the_kustomization() -> None:
    listed = set(yaml.safe_load((K8S / "kustomization.yaml").read_text())["resources"])
    assert listed == {f.name for f in K8S.glob("*.yaml")} - {"kustomization.yaml"}


@pytest.mark.parametrize(("name", "port"), SERVICES.items())
def test_each_service_runs_replicated_with_probes_on_its_port(name: str, port: int) -> None:
    deployment = of("Deployment")[name]
    assert deployment["spec"]["replicas"] >= 2
    (container,) = deployment["spec"]["template"]["spec"]["containers"]
    assert container["command"] == [f"phaseout-{name}"]
    assert container["readinessProbe"]["httpGet"] == {"path": "/health/ready", "port": port}
    assert container["livenessProbe"]["httpGet"] == {"path": "/health/live", "port": port}
    env = {e["name"]: e for e in container["env"]}
    assert set(env) <= SETTINGS
    assert env["PHASEOUT_HTTP_PORT"]["value"] == str(port)
    assert env["PHASEOUT_DATABASE_URL"]["valueFrom"]["secretKeyRef"] == {
        "name": "phaseout-db",
        "key": name,
    }
    assert env["PHASEOUT_TOPIC_REPLICATION"]["value"] == "3"
    assert of("Service")[name]["spec"]["ports"] == [{"port": port, "targetPort": port}]


def test_kafka_has_three_brokers_and_replication_three() -> None:
    pool = of("KafkaNodePool")["brokers"]
    assert pool["spec"]["replicas"] == 3
    config = of("Kafka")["phaseout"]["spec"]["kafka"]["config"]
    assert config["default.replication.factor"] == 3 and config["min.insync.replicas"] == 2
    bootstrap = {
        e["value"]
        for d in of("Deployment").values()
        for e in d["spec"]["template"]["spec"]["containers"][0]["env"]
        if e["name"] == "PHASEOUT_KAFKA_BOOTSTRAP_SERVERS"
    }
    assert bootstrap == {"phaseout-kafka-bootstrap:9093"}


def test_kafka_listens_only_with_scram_over_tls_and_denies_without_an_acl() -> None:
    kafka = of("Kafka")["phaseout"]
    assert kafka["apiVersion"] == "kafka.strimzi.io/v1"
    listeners = kafka["spec"]["kafka"]["listeners"]
    assert [(li["tls"], li["authentication"]["type"]) for li in listeners] == [
        (True, "scram-sha-512")
    ]
    assert kafka["spec"]["kafka"]["authorization"]["type"] == "simple"
    assert kafka["spec"]["kafka"]["config"]["allow.everyone.if.no.acl.found"] is False


def test_each_kafka_user_has_the_acls_of_the_principal_table() -> None:
    users = of("KafkaUser")
    assert set(users) == {p.name for p in PRINCIPALS}
    found: set[tuple[str, str, str, str]] = set()
    for name, user in users.items():
        assert user["spec"]["authentication"]["type"] == "scram-sha-512"
        for acl in user["spec"]["authorization"]["acls"]:
            resource = acl["resource"]
            star = "*" if resource["patternType"] == "prefix" else ""
            for operation in set(acl["operations"]) - {"Describe"}:
                found.add(
                    (name, operation.upper(), resource["type"].upper(), resource["name"] + star)
                )
    assert found == set(acl_rows())


def test_the_platforms_topics_are_declared_for_the_topic_operator() -> None:
    assert {t["spec"]["topicName"] for t in of("KafkaTopic").values()} == set(topics())


@pytest.mark.parametrize("name", SERVICES)
def test_each_service_speaks_to_kafka_as_its_own_principal(name: str) -> None:
    spec = of("Deployment")[name]["spec"]["template"]["spec"]
    env = {e["name"]: e.get("value") for e in spec["containers"][0]["env"]}
    assert env["PHASEOUT_KAFKA_USERNAME"] == name
    volumes = {v["name"]: v["secret"]["secretName"] for v in spec["volumes"] if "secret" in v}
    assert volumes["kafka-user"] == name


@pytest.mark.parametrize("name", SERVICES)
def test_replicas_keep_evidence_and_documents_in_one_object_store(name: str) -> None:
    """Two replicas cannot share a pod's disk: the files go to the S3-compatible store, whose
    secret key is a mounted file; the pod's own disk only stages a file being received."""
    spec = of("Deployment")[name]["spec"]["template"]["spec"]
    container = spec["containers"][0]
    env = {e["name"]: e for e in container["env"]}
    assert env["PHASEOUT_EVIDENCE_STORE"]["value"] == "s3"
    for key in ("PHASEOUT_EVIDENCE_S3_ENDPOINT", "PHASEOUT_EVIDENCE_S3_ACCESS_KEY"):
        assert env[key]["valueFrom"]["secretKeyRef"]["name"] == "phaseout-evidence"
    mounts = {m["name"]: m["mountPath"] for m in container["volumeMounts"]}
    key_file = env["PHASEOUT_EVIDENCE_S3_SECRET_KEY_FILE"]["value"]
    assert key_file.startswith(mounts["evidence"] + "/")
    assert env["PHASEOUT_EVIDENCE_DIR"]["value"].startswith(mounts["staging"] + "/")
    volumes = {v["name"]: v for v in spec["volumes"]}
    assert volumes["evidence"]["secret"]["secretName"] == "phaseout-evidence"
    assert "emptyDir" in volumes["staging"]


def test_no_secret_value_is_in_the_repository() -> None:
    assert not of("Secret"), "secrets come from the cluster, never from the repo"


@pytest.mark.parametrize("name", SERVICES)
def test_each_service_exports_telemetry_and_waits_for_its_migrations(name: str) -> None:
    template = of("Deployment")[name]["spec"]["template"]
    (container,) = template["spec"]["containers"]
    env = {e["name"]: e.get("value") for e in container["env"]}
    assert env["PHASEOUT_OTLP_ENDPOINT"] == "http://otel-collector:4318"
    assert template["metadata"]["annotations"]["prometheus.io/scrape"] == "true"
    assert container["startupProbe"]["httpGet"] == {"path": "/health/live", "port": SERVICES[name]}
    budget = (
        container["startupProbe"]["periodSeconds"] * container["startupProbe"]["failureThreshold"]
    )
    assert budget >= 300, "migrations of a large database get minutes before liveness counts"
