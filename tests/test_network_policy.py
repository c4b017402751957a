"""The Kubernetes NetworkPolicies: only Rasa reaches the action server, only gateways reach Rasa."""

from __future__ import annotations

from typing import Any

from tests.test_deploy import _k8s


def _pod_labels(manifests: dict[tuple[str, str], dict[str, Any]]) -> dict[str, dict[str, str]]:
    """Every workload's pod labels (a pod without labels is matched by no podSelector)."""
    return {
        name: doc["spec"]["template"].get("metadata", {}).get("labels", {})
        for (kind, name), doc in manifests.items()
        if kind in {"Deployment", "StatefulSet", "Job", "DaemonSet"}
    }


def _admitted(policy: dict[str, Any], labels: dict[str, str], port: int) -> bool:
    """Whether the policy lets a pod with `labels` connect on `port`."""
    for rule in policy["spec"].get("ingress", []):
        ports = [p["port"] for p in rule.get("ports", [])]
        if ports and port not in ports:
            continue
        for peer in rule.get("from", []):
            wanted = peer.get("podSelector", {}).get("matchLabels")
            if set(peer) != {"podSelector"} or wanted is None:
                return True  # a namespace or address block: more than pods we know
            if all(labels.get(k) == v for k, v in wanted.items()):
                return True
    return False


def _policies_for(
    manifests: dict[tuple[str, str], dict[str, Any]], labels: dict[str, str]
) -> list[dict[str, Any]]:
    return [
        doc
        for (kind, _), doc in manifests.items()
        if kind == "NetworkPolicy"
        and "Ingress" in doc["spec"]["policyTypes"]
        and all(labels.get(k) == v for k, v in doc["spec"]["podSelector"]["matchLabels"].items())
    ]


def _who_reaches(target: str, port: int) -> set[str]:
    manifests = _k8s()
    labels = _pod_labels(manifests)
    policies = _policies_for(manifests, labels[target])
    assert policies, f"no NetworkPolicy selects the {target} pods: every pod can reach them"
    return {name for name, pod in labels.items() if any(_admitted(p, pod, port) for p in policies)}


def test_only_rasa_pods_reach_the_action_server() -> None:
    assert _who_reaches("actions", 5055) == {"rasa"}


def test_only_gateway_pods_reach_rasa() -> None:
    assert _who_reaches("rasa", 5005) == {"gateway"}
