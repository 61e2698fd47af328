"""docs/api.md stays true: its Python sequence runs against a live server with the demo
data, every operation it names exists, and its error table is the code's."""

from __future__ import annotations

import contextlib
import io
import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from django.core.management import call_command

from invoicing.errors import ReturnCode

ROOT = Path(__file__).resolve().parents[2]
GUIDE = ROOT / "docs" / "api.md"
README = ROOT / "README.md"


def _guide() -> str:
    return GUIDE.read_text(encoding="utf-8")


def _python_example() -> str:
    [code] = re.findall(r"```python\n(.*?)```", _guide(), re.S)
    return code


@pytest.mark.django_db(transaction=True)
def test_the_python_sequence_of_the_guide_runs_against_the_demo(live_server, monkeypatch):
    call_command("seed_demo", stdout=io.StringIO())
    monkeypatch.setenv("CPRO_BASE_URL", live_server.url)
    printed = io.StringIO()

    with contextlib.redirect_stdout(printed):
        exec(compile(_python_example(), str(GUIDE), "exec"), {"__name__": "guide"})  # noqa: S102

    output = printed.getvalue()
    assert "recipient: Destinataire Etat" in output
    deposited = re.search(r"deposited: (\d+) (\w+) ([0-9a-f]{64})", output)
    assert deposited and deposited.group(2) == "DEPOSEE", output
    assert "status now: MISE_A_DISPOSITION" in output
    assert "'DEPOSEE'" in output.split("history:")[1]


@pytest.mark.skipif(not shutil.which("curl"), reason="the README's commands need curl")
@pytest.mark.django_db(transaction=True)
def test_the_readme_curl_sequence_answers_a_search(live_server):
    """README "API": get a token, build cpro-account, call rechercher/fournisseur, as written
    (a line-wrapping base64 once broke the header)."""
    call_command("seed_demo", stdout=io.StringIO())
    api_section = README.read_text(encoding="utf-8").split("## API", 1)[1].split("\n## ", 1)[0]
    [script] = re.findall(r"```sh\n(.*?)```", api_section, re.S)
    script = script.replace("http://127.0.0.1:8000", live_server.url)

    done = subprocess.run(  # noqa: S603
        ["bash", "-eo", "pipefail", "-c", script],  # noqa: S607
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )

    assert done.returncode == 0, done.stderr
    answer = json.loads(done.stdout)
    assert answer["codeRetour"] in (0, 20000), answer
    assert "listeFactures" in answer


def test_every_operation_the_guide_names_exists(client):
    paths = {p.removeprefix("/cpro/") for p in client.get("/cpro/openapi.json").json()["paths"]}
    named = set(
        re.findall(
            r"\b((?:transverses|factures|structures|utilisateurs|engagementsJuridiques)"
            r"/v1/[\w/-]+)",
            _guide(),
        )
    )
    assert len(named) >= 15
    assert named <= paths, named - paths


def test_the_error_table_is_the_code_catalogue():
    rows = dict(re.findall(r"^\| (\d{5}) \| [^|]+ \| ([^|]+?) \|$", _guide(), re.M))
    assert rows == {str(int(code)): str(code.label) for code in ReturnCode}
