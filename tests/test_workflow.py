"""The CI workflows (.github/workflows/site.yml for GitHub/Gitea Actions, .gitlab-ci.yml for GitLab):
what runs on every push and merge request, what only on main, and the daily rebuild."""
from __future__ import annotations

import datetime as dt
import re
from zoneinfo import ZoneInfo

import pytest
import yaml

from sme_testkit import REPO

GITHUB = REPO / ".github" / "workflows" / "site.yml"
GITLAB = REPO / ".gitlab-ci.yml"


def load(path):
    return yaml.safe_load(path.read_text("utf-8"))


@pytest.fixture(scope="module")
def gh():
    wf = load(GITHUB)
    # YAML 1.1 (PyYAML) reads the key `on` as the boolean True
    wf["on"] = wf.pop(True) if True in wf else wf["on"]
    return wf


def steps(job) -> list[dict]:
    return job.get("steps", [])


def runs(job) -> str:
    return "\n".join(s.get("run", "") for s in steps(job))


def step_running(job, pattern: str) -> dict:
    hits = [s for s in steps(job) if re.search(pattern, s.get("run", ""))]
    assert len(hits) == 1, f"{pattern!r} in {[s.get('run') for s in steps(job)]}"
    return hits[0]


def uses(job, action: str) -> list[dict]:
    return [s for s in steps(job) if s.get("uses", "").split("@")[0] == action]


def once_a_day(cron: str) -> tuple[int, int]:
    """(hour, minute) of a cron line that fires exactly once every day."""
    fields = cron.split()
    assert len(fields) == 5, cron
    minute, hour, dom, month, dow = fields
    assert minute.isdigit() and hour.isdigit(), cron
    assert (dom, month, dow) == ("*", "*", "*"), cron
    assert 0 <= int(minute) < 60 and 0 <= int(hour) < 24
    return int(hour), int(minute)


# -- GitHub / Gitea Actions ---------------------------------------------------------------------
def test_triggers_push_pull_request_and_a_daily_schedule(gh):
    on = gh["on"]
    assert "push" in on and "pull_request" in on
    assert on["push"] is None or "branches" not in on["push"]            # every branch
    crons = [c["cron"] for c in on["schedule"]]
    assert len(crons) == 1
    hour, minute = once_a_day(crons[0])
    # the rebuild happens just after midnight in China, when statuses change with the date
    utc = dt.datetime(2024, 12, 31, hour, minute, tzinfo=dt.timezone.utc)
    assert utc.astimezone(ZoneInfo("Asia/Shanghai")).time() == dt.time(0, 0)


def test_check_job_validates_tests_and_builds_on_every_event(gh):
    check = gh["jobs"]["check"]
    assert "if" not in check
    for pattern in (r"^make validate$", r"^\.ci/run$|^make test$", r"^make html\b", r"^make codeowners CHECK=1$"):
        step = step_running(check, pattern)
        assert "pull_request" not in str(step.get("if", "")) or "!=" in str(step.get("if"))
    assert step_running(check, r"\.ci/run|make test").get("if") == "github.event_name != 'schedule'"


def test_checkout_fetches_the_full_history(gh):
    for name, job in gh["jobs"].items():
        co = uses(job, "actions/checkout")
        assert co, name
        assert all(s.get("with", {}).get("fetch-depth") == 0 for s in co), name


def test_actions_are_pinned(gh):
    for job in gh["jobs"].values():
        for s in steps(job):
            if "uses" in s:
                ref = s["uses"].split("@")[1]
                assert re.fullmatch(r"v\d+\.\d+\.\d+|[0-9a-f]{40}", ref), s["uses"]


def test_review_summary_on_pull_requests_only(gh):
    step = step_running(gh["jobs"]["check"], r"make review")
    assert step["run"] == "make review BASE=origin/${{ github.base_ref }}"
    assert step["if"] == "github.event_name == 'pull_request'"


def test_as_of_is_the_shanghai_date(gh):
    for name, job in gh["jobs"].items():
        assert 'AS_OF=$(TZ=Asia/Shanghai date +%F)' in runs(job), name
        assert '"$GITHUB_ENV"' in runs(job)


def test_deploy_on_main_only_after_the_checks(gh):
    deploy = gh["jobs"]["deploy"]
    assert deploy["needs"] == "check"
    cond = deploy["if"]
    assert "github.ref == 'refs/heads/main'" in cond
    assert "github.event_name != 'pull_request'" in cond
    assert "||" not in cond
    publish = step_running(deploy, r"^make publish\b")
    assert "OUTPUT=public" in publish["run"]
    assert publish["env"]["SITEURL"] == "${{ vars.SITEURL }}"
    assert "github.repository" in publish["env"]["REGISTRY_REPO_URL"]
    upload = uses(deploy, "actions/upload-pages-artifact")
    assert upload and upload[0]["with"]["path"] == "public"
    assert uses(deploy, "actions/deploy-pages")
    assert deploy["permissions"]["pages"] == "write" and deploy["permissions"]["id-token"] == "write"
    # the check job publishes nothing
    assert "make publish" not in runs(gh["jobs"]["check"])
    assert not uses(gh["jobs"]["check"], "actions/deploy-pages")


def test_two_deploys_never_race(gh):
    conc = gh["jobs"]["deploy"]["concurrency"]
    assert conc["cancel-in-progress"] is False
    assert "${{" not in conc["group"]            # one group for every run, whatever the ref


def test_least_privilege_by_default(gh):
    assert gh["permissions"] == {"contents": "read"}


# -- GitLab CI -----------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def gl():
    return load(GITLAB)


def script(job) -> str:
    return "\n".join(job.get("script", []))


def test_gitlab_runs_validate_test_build_on_every_pipeline(gl):
    assert "rules" not in gl["check"]
    assert re.search(r"^make validate$", script(gl["check"]), re.M)
    assert re.search(r"^make codeowners CHECK=1$", script(gl["check"]), re.M)
    assert re.search(r"^make html\b", script(gl["check"]), re.M)
    assert script(gl["test"]) == ".ci/run"
    assert gl["test"]["rules"][0] == {"if": '$CI_PIPELINE_SOURCE == "schedule"', "when": "never"}
    sources = " ".join(r["if"] for r in gl["workflow"]["rules"])
    assert "merge_request_event" in sources and "$CI_COMMIT_BRANCH" in sources


def test_gitlab_full_history_and_shanghai_date(gl):
    assert gl["variables"]["GIT_DEPTH"] == "0"
    assert any("AS_OF=\"$(TZ=Asia/Shanghai date +%F)\"" in ln for ln in gl["default"]["before_script"])


def test_gitlab_review_on_merge_requests_only(gl):
    assert gl["review"]["rules"] == [{"if": '$CI_PIPELINE_SOURCE == "merge_request_event"'}]
    assert "make review BASE=origin/$CI_MERGE_REQUEST_TARGET_BRANCH_NAME" in script(gl["review"])


def test_gitlab_pages_on_main_only_never_in_parallel(gl):
    pages = gl["pages"]
    assert pages["rules"] == [{"if": '$CI_PIPELINE_SOURCE == "merge_request_event"', "when": "never"},
                              {"if": '$CI_COMMIT_BRANCH == "main"'}]
    assert pages["resource_group"]
    assert pages["artifacts"]["paths"] == ["public"]
    assert re.search(r"^make publish OUTPUT=public$", script(pages), re.M)
    assert gl["stages"].index(pages["stage"]) > gl["stages"].index(gl["check"]["stage"])
    for name, job in gl.items():
        if isinstance(job, dict) and "script" in job and name != "pages":
            assert "make publish" not in script(job), name


def test_gitlab_daily_schedule_is_documented(gl):
    # GitLab keeps schedules in the project settings, not in the file: the file must say how to set it
    text = GITLAB.read_text("utf-8")
    assert "Pipeline schedules" in text and "0 0 * * *" in text and "Asia/Shanghai" in text
    once_a_day("0 0 * * *")
