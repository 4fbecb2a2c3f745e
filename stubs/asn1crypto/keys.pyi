from typing import Self

class PrivateKeyInfo:
    @classmethod
    def load(cls, encoded_data: bytes, strict: bool = ...) -> Self: ...
