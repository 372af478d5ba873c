"""Every manifest of deploy/k8s/ against the schemas of what it targets: Strimzi's resources
against Strimzi 1.2.0's CRDs (deploy/k8s/crds/), the rest against Kubernetes' own API schemas.
Strict: a field the schema does not know fails, as a misspelt key would be dropped by the API."""

import copy
from pathlib import Path
from typing import Any

import jsonschema
import kubernetes_validate
import pytest
import yaml

K8S = Path(__file__).resolve().parents[3] / "deploy" / "k8s"
STRIMZI = K8S / "crds" / "strimzi-1.2.0"
KUBERNETES = "1.37.0"
DOCS = [
    (f.name, d)
    for f in sorted(K8S.glob("*.yaml"))
    if f.name != "kustomization.yaml"
    for d in yaml.safe_load_all(f.read_text())
    if d
]


def strict(schema: Any) -> Any:
    """The schema with unknown properties refused wherever it lists the known ones (as
    kubeconform's -strict does), except where Kubernetes keeps unknown fields on purpose."""
    if isinstance(schema, dict):
        schema = {k: strict(v) for k, v in schema.items()}
        keeps = schema.get("x-kubernetes-preserve-unknown-fields")
        if "properties" in schema and "additionalProperties" not in schema and not keeps:
            schema["additionalProperties"] = False
    elif isinstance(schema, list):
        schema = [strict(v) for v in schema]
    return schema


def crd_schemas() -> dict[tuple[str, str], dict[str, Any]]:
    """(apiVersion, kind) -> the served version's schema, for every CRD in the folder."""
    found = {}
    for path in sorted(STRIMZI.glob("*.yaml")):
        crd = yaml.safe_load(path.read_text())
        for version in crd["spec"]["versions"]:
            if version["served"]:
                key = (f"{crd['spec']['group']}/{version['name']}", crd["spec"]["names"]["kind"])
                found[key] = strict(copy.deepcopy(version["schema"]["openAPIV3Schema"]))
    return found


CRDS = crd_schemas()


def test_the_crds_are_strimzis_own_at_the_targeted_api_version() -> None:
    kinds = {kind for (api, kind) in CRDS if api == "kafka.strimzi.io/v1"}
    assert {"Kafka", "KafkaNodePool", "KafkaTopic", "KafkaUser"} <= kinds


@pytest.mark.parametrize(
    ("file", "doc"), DOCS, ids=[f"{f}:{d['kind']}/{d['metadata']['name']}" for f, d in DOCS]
)
def test_each_manifest_is_valid_for_what_it_targets(file: str, doc: dict[str, Any]) -> None:
    key = (doc["apiVersion"], doc["kind"])
    if doc["apiVersion"].endswith("strimzi.io/v1") or key in CRDS:
        assert key in CRDS, f"{key} is not served by Strimzi 1.2.0"
        body = {k: v for k, v in doc.items() if k not in ("apiVersion", "kind", "metadata")}
        jsonschema.validate({"apiVersion": key[0], "kind": key[1], **body}, CRDS[key])
    else:
        kubernetes_validate.validate(doc, KUBERNETES, strict=True)


def test_a_misspelt_field_is_caught() -> None:
    """The check is not vacuous: a Strimzi resource or a Deployment with a typo fails."""
    user = next(d for _, d in DOCS if d["kind"] == "KafkaUser")
    broken = copy.deepcopy(user)
    broken["spec"]["authorisation"] = broken["spec"].pop("authorization")
    body = {k: v for k, v in broken.items() if k != "metadata"}
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(body, CRDS[("kafka.strimzi.io/v1", "KafkaUser")])
    deployment = copy.deepcopy(next(d for _, d in DOCS if d["kind"] == "Deployment"))
    deployment["spec"]["replica"] = deployment["spec"].pop("replicas")
    with pytest.raises(kubernetes_validate.ValidationError):
        kubernetes_validate.validate(deployment, KUBERNETES, strict=True)
