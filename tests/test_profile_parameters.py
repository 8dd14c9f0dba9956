"""The parameters a delivery lead asks for first, each with the backlog delta a lead would expect."""

from __future__ import annotations

import functools

import pytest

from sprintgen.profiles.resolve import build_backlog


@functools.lru_cache(maxsize=None)
def _backlog(profile_id: str, params: tuple[tuple[str, str], ...]):
    return build_backlog(profile_id, dict(params))


def backlog(profile_id: str, **params: str):
    return _backlog(profile_id, tuple(sorted(params.items())))


def keys(profile_id: str, **params: str) -> set[str]:
    return {s.key for s in backlog(profile_id, **params).stories}


def likely(profile_id: str, key: str, **params: str) -> float:
    return backlog(profile_id, **params).story(key).estimate.likely


@pytest.mark.parametrize("profile_id", ["rag", "fine-tuning", "hybrid"])
def test_low_traffic_removes_the_load_work(profile_id):
    assert keys(profile_id, traffic="medium") - keys(profile_id, traffic="low") == {"launch.capacity-check"}
    assert not {k for k in keys(profile_id, traffic="low") if "load" in k or "capacity" in k}
    assert "launch.capacity-check" in backlog(profile_id).story("launch.pilot").depends_on


@pytest.mark.parametrize("profile_id", ["rag", "fine-tuning", "hybrid"])
def test_compliance_is_a_list_and_each_regime_adds_its_assessment(profile_id):
    both = keys(profile_id, compliance="gdpr,hipaa")
    assert both - keys(profile_id) == {"governance.retention", "governance.audit", "governance.gdpr",
                                       "governance.hipaa"}
    assert keys(profile_id, compliance="gdpr") | keys(profile_id, compliance="hipaa") == both


@pytest.mark.parametrize("profile_id,extra", [
    ("rag", {"orchestration.model-serving"}),
    ("fine-tuning", {"release.gpu-capacity"}),
    ("hybrid", {"orchestration.model-serving", "release.gpu-capacity"}),
])
def test_self_hosting_adds_serving_on_our_own_gpus(profile_id, extra):
    assert keys(profile_id, hosting="self-hosted") - keys(profile_id, hosting="api") == extra


def test_tuning_method_changes_the_training_infrastructure():
    lora, full, managed = (keys("fine-tuning", tuning_method=m) for m in ("lora", "full", "managed"))
    assert full - lora == {"training.distributed"}
    assert lora - managed == {"training.infrastructure"} and managed - lora == {"training.managed-service"}
    assert "training.distributed" in backlog("fine-tuning", tuning_method="full").story("training.run-1").depends_on


@pytest.mark.parametrize("profile_id", ["rag", "fine-tuning", "hybrid"])
def test_a_latency_target_adds_a_latency_budget(profile_id):
    assert keys(profile_id, latency_target_ms="1500") - keys(profile_id) == {"monitoring.latency-budget"}


def test_a_freshness_target_under_an_hour_adds_event_driven_sync():
    assert keys("rag", freshness_hours="0.25") - keys("rag") == {"freshness.event-sync"}
    assert keys("rag", freshness_hours="1") == keys("rag")


@pytest.mark.parametrize("profile_id,extra", [
    ("rag", {"embeddings.multilingual", "evaluation.multilingual"}),
    ("fine-tuning", {"dataset.multilingual", "evaluation.multilingual"}),
])
def test_languages_add_the_multilingual_work_and_scale_its_evaluation(profile_id, extra):
    assert keys(profile_id, languages="2") - keys(profile_id) == extra
    assert keys(profile_id, languages="2") == keys(profile_id, multilingual="true")
    two, seven = (likely(profile_id, "evaluation.multilingual", languages=n) for n in ("2", "7"))
    assert seven == pytest.approx(3 * two)  # per extra language, half the work of the first


def test_a_running_rag_system_replaces_the_rag_build():
    built, running = keys("hybrid"), keys("hybrid", existing_rag="true")
    assert running - built == {"running.verify", "running.access-check", "running.rollback"}
    assert not {k for k in running if k.split(".")[0] in ("ingest", "embeddings", "retrieval", "access",
                                                         "orchestration", "freshness", "content")}
    assert {"dataset.labelling-1", "integration.context-examples", "training.run-2"} <= running
