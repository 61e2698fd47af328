"""Request bodies as documented in OpenAPI (API.md field names).

Every field is read loosely (`Any`): clients send ids as numbers or strings, booleans as
"OUI"/"NON", zero values for absent criteria, and unknown extra fields (TOL-1..TOL-7). The
operations read the values with `api.params`, which answer the API error naming the field.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, create_model, model_validator


class Body(BaseModel):
    model_config = ConfigDict(extra="allow")

    @model_validator(mode="before")
    @classmethod
    def _object(cls, data: Any) -> Any:
        # REQ-2: `null` (or anything but an object) is an empty request.
        return data if isinstance(data, dict) else {}

    @property
    def data(self) -> dict[str, Any]:
        """The body as sent (unknown fields included, for aliases)."""
        return self.model_dump()


def body(name: str, *fields: str, doc: str = "") -> type[Body]:
    model = create_model(name, __base__=Body, **dict.fromkeys(fields, (Any, None)))
    model.__doc__ = doc or name
    return model


Empty = body("RequeteVide", "idUtilisateurCourant", doc="Aucun champ obligatoire.")
