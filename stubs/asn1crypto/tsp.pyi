from typing import Self

class TimeStampReq:
    def dump(self, force: bool = ...) -> bytes: ...

class TimeStampResp:
    @classmethod
    def load(cls, encoded_data: bytes, strict: bool = ...) -> Self: ...
