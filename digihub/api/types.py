from typing import Annotated, Any

from annotated_types import MaxLen
from ninja import Schema
from pydantic import Field, ValidationInfo, field_validator
from pydantic_core import PydanticCustomError

from digihub.core.validators import text_problem

# Database ids: a path or query number beyond a 64-bit integer is refused (422), not a 500.
DbId = Annotated[int, Field(ge=1, le=2**63 - 1)]

# Free text (a description, a reason) is allowed this many characters or more; such fields may
# hold line breaks and tabs, shorter ones (names, titles) are a single line, as in the forms.
MULTILINE_MIN_LENGTH = 1000


class InputSchema(Schema):
    """The base of every API input schema: text refuses control, bidi and zero-width
    characters, with the same rule and message as the forms (422 at the field)."""

    @field_validator("*", mode="after")
    @classmethod
    def _plain_text(cls, value: Any, info: ValidationInfo) -> Any:
        texts = [value] if isinstance(value, str) else value if isinstance(value, list) else []
        if not any(isinstance(text, str) for text in texts):
            return value
        multiline = _multiline(cls, info.field_name)
        for text in texts:
            problem = text_problem(text, multiline=multiline) if isinstance(text, str) else None
            if problem is not None:
                raise PydanticCustomError(
                    "text_characters", "{message}", {"message": problem.message}
                )
        return value


def _multiline(schema: type[Schema], name: str | None) -> bool:
    field = schema.model_fields.get(name or "")
    if field is None:
        return False
    limits = [meta.max_length for meta in field.metadata if isinstance(meta, MaxLen)]
    return bool(limits) and limits[0] >= MULTILINE_MIN_LENGTH
