# sqlcipher3.dbapi2 is the standard library's sqlite3 module built against SQLCipher: the
# same classes, functions and exceptions, so the standard library's types describe it.
from sqlite3 import (
    Connection as Connection,
)
from sqlite3 import (
    Cursor as Cursor,
)
from sqlite3 import (
    DatabaseError as DatabaseError,
)
from sqlite3 import (
    Error as Error,
)
from sqlite3 import (
    IntegrityError as IntegrityError,
)
from sqlite3 import (
    OperationalError as OperationalError,
)
from sqlite3 import (
    Row as Row,
)
from sqlite3 import (
    connect as connect,
)
from sqlite3 import (
    sqlite_version as sqlite_version,
)
