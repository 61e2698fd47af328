def test_health_check_answers_ok_with_a_token(world, client):
    response = client.get(
        "/cpro/transverses/v1/health-check", HTTP_AUTHORIZATION=f"Bearer {world.supplier.token}"
    )
    assert response.status_code == 200
    assert response.json() == {"body": "OK", "statusCodeValue": 200, "statusCode": "OK"}


def test_active_supplier_structures_list_the_supplier(world):
    response = world.supplier.post("transverses/v1/recuperer/structures/actives/fournisseur", {})
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["codeRetour"] == 0
    assert [s["idStructureCPP"] for s in body["listeStructures"]] == [world.personas.structure.pk]
