from typing import Annotated

from pydantic import Field

# Database ids: a path or query number beyond a 64-bit integer is refused (422), not a 500.
DbId = Annotated[int, Field(ge=1, le=2**63 - 1)]
