"""API.md §3 (URL-3), §4.1-§4.3: unknown paths, trailing slash, bodies, methods."""

PATH = "transverses/v1/recuperer/structures/actives/fournisseur"


def test_unknown_path_is_404_api_non_trouvee(world):
    response = world.supplier.post("factures/v1/nexistepas")
    assert response.status_code == 404
    assert response.json() == {"codeRetour": 404, "libelle": "API non trouvée"}


def test_paths_are_case_sensitive(world):
    assert world.supplier.post(PATH.upper()).status_code == 404


def test_one_trailing_slash_is_tolerated(world):
    response = world.supplier.post(PATH + "/")
    assert response.status_code == 200
    assert response.json()["codeRetour"] == 0
    assert world.supplier.post(PATH + "//").status_code == 404


def test_empty_null_and_unknown_fields_bodies_are_accepted(world):
    for raw in (
        b"",
        b"null",
        b"{}",
        b'{"unknownField": {"deep": [1, 2]}, "idUtilisateurCourant": 0}',
    ):
        response = world.supplier.post(PATH, raw=raw)
        assert response.status_code == 200, raw
        assert response.json()["codeRetour"] == 0


def test_invalid_json_is_400_20005(world):
    response = world.supplier.post(PATH, raw=b"{not json")
    assert response.status_code == 400
    assert response.json()["codeRetour"] == 20005


def test_wrong_method_is_405(world, client):
    response = client.get(f"/cpro/{PATH}", HTTP_AUTHORIZATION=f"Bearer {world.supplier.token}")
    assert response.status_code == 405
    assert response.json() == {"codeRetour": 405, "libelle": "Méthode non autorisée"}


def test_non_json_content_type_is_415(world, client):
    response = client.post(
        f"/cpro/{PATH}",
        data="a=b",
        content_type="text/plain",
        HTTP_AUTHORIZATION=f"Bearer {world.supplier.token}",
        HTTP_CPRO_ACCOUNT=world.supplier.account,
    )
    assert response.status_code == 415
    assert response.json()["codeRetour"] == 415


def test_answers_are_json_utf8(world):
    response = world.supplier.post(PATH)
    assert response["Content-Type"] == "application/json;charset=utf-8"
