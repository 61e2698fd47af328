"""A bounded schema-driven fuzz (hypothesis): random bodies built from each operation's
documented fields never make the API answer 500, and always answer its JSON shape."""

import json

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.api.test_openapi import EXPECTED

SCALARS = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(2**70), max_value=2**70),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=30),
    st.sampled_from(
        [
            "",
            "0",
            "OUI",
            "NON",
            "2024-02-30",
            "A1",
            "FACTURE",
            "SAISIE_API",
            "PDF",
            "MISE_EN_PAIEMENT",
            "11000201100044",
            "Zm9v",
            "true",
        ]
    ),
)
VALUES = st.recursive(
    SCALARS,
    lambda children: st.one_of(
        st.lists(children, max_size=3), st.dictionaries(st.text(max_size=8), children, max_size=3)
    ),
    max_leaves=6,
)


def _fields(document, path):
    operation = document["paths"][f"/cpro/{path}"].get("post")
    if not operation:
        return []
    ref = operation["requestBody"]["content"]["application/json"]["schema"]["$ref"]
    return list(document["components"]["schemas"][ref.rsplit("/", 1)[1]]["properties"])


def test_fuzzed_bodies_never_make_a_500(world, client):
    document = client.get("/cpro/openapi.json").json()
    paths = sorted(EXPECTED - {"transverses/v1/health-check"})
    bodies = st.sampled_from(paths).flatmap(
        lambda path: st.tuples(
            st.just(path),
            st.one_of(
                st.dictionaries(
                    st.sampled_from(_fields(document, path) or ["x"]), VALUES, max_size=6
                ),
                VALUES,
            ),
        )
    )

    @settings(
        max_examples=300, deadline=None, suppress_health_check=list(HealthCheck), database=None
    )
    @given(bodies)
    def check(case):
        path, body = case
        raw = json.dumps(body, allow_nan=True).encode()
        response = world.supplier.post(path, raw=raw)
        assert response.status_code in (200, 400, 413), (path, body, response.content[:300])
        answer = response.json()
        assert isinstance(answer["codeRetour"], int), (path, body)
        assert isinstance(answer["libelle"], str)

    check()
