"""deploy/: the example environment names every variable Baton reads, with placeholders for
every secret; the Procfile and the systemd units start the same three processes."""

import re

from baton.core.tests.production import ROOT

DEPLOY = ROOT / "deploy"
SECRETS = (
    "BATON_SECRET_KEY",
    "BATON_FIELD_KEY",
    "BATON_FIELD_HASH_KEY",
    "BATON_AUDIT_SIGNING_KEY",
    "BATON_METRICS_TOKEN",
)
TEST_ONLY = {"BATON_TEST_SQLITE_NAME"}


def example() -> dict[str, str]:
    pairs = {}
    for line in (DEPLOY / "baton.env.example").read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            name, _, value = line.partition("=")
            pairs[name] = value
    return pairs


def read_by_the_code() -> set[str]:
    sources = [ROOT / "baton" / "settings.py", DEPLOY / "gunicorn.conf.py"]
    pattern = re.compile(
        r"""(?:environ(?:\.get)?[(\[]|_secret\(|_env_bool\(|_env_list\()\s*"([A-Z][A-Z0-9_]+)\""""
    )
    names = {name for source in sources for name in pattern.findall(source.read_text(encoding="utf-8"))}
    units = [DEPLOY / "Procfile", *sorted((DEPLOY / "systemd").glob("*.service"))]
    names |= {
        name for unit in units for name in re.findall(r"\$\{([A-Z_]+)", unit.read_text(encoding="utf-8"))
    }
    return names | {"PROMETHEUS_MULTIPROC_DIR"}  # read by prometheus_client itself


def test_the_example_names_every_variable_and_only_those():
    listed, used = set(example()), read_by_the_code() - TEST_ONLY
    assert used - listed == set(), "read by Baton but missing from deploy/baton.env.example"
    assert listed - used == set(), "listed in deploy/baton.env.example but read by nothing"


def test_the_example_holds_no_secret():
    values = example()
    for name in SECRETS:
        assert values[name].startswith("REPLACE_ME"), name
    assert ":REPLACE_ME" in values["DATABASE_URL"]
    assert values["BATON_ENV"] == "production"
    assert values["BATON_NOTIFY_WEBHOOK_URL"] == ""


def test_procfile_and_units_start_web_worker_and_one_beat():
    procfile = dict(
        line.split(": ", 1)
        for line in (DEPLOY / "Procfile").read_text().splitlines()
        if line and line[0] != "#"
    )
    assert set(procfile) == {"web", "worker", "beat"}
    assert "gunicorn -c deploy/gunicorn.conf.py" in procfile["web"]
    assert "celery -A baton --quiet worker" in procfile["worker"]
    assert "celery -A baton --quiet beat" in procfile["beat"]
    for unit, command in (
        ("web", "gunicorn -c deploy/gunicorn.conf.py"),
        ("worker", "worker"),
        ("beat", "beat"),
    ):
        text = (DEPLOY / "systemd" / f"baton-{unit}.service").read_text()
        assert "EnvironmentFile=/etc/baton/baton.env" in text
        assert re.search(rf"^ExecStart=.*{re.escape(command)}", text, re.MULTILINE), unit
        assert "WantedBy=baton.target" in text
    assert "PROMETHEUS_MULTIPROC_DIR=/run/baton/metrics" in (DEPLOY / "baton.env.example").read_text()
