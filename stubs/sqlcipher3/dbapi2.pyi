# sqlcipher3.dbapi2 is the standard library's sqlite3 module built against SQLCipher: the
# same classes, functions and exceptions (and the authorizer's action codes and answers used
# by Connection.set_authorizer), so the standard library's types describe it.
from sqlite3 import SQLITE_ALTER_TABLE as SQLITE_ALTER_TABLE
from sqlite3 import SQLITE_ANALYZE as SQLITE_ANALYZE
from sqlite3 import SQLITE_ATTACH as SQLITE_ATTACH
from sqlite3 import SQLITE_CREATE_INDEX as SQLITE_CREATE_INDEX
from sqlite3 import SQLITE_CREATE_TABLE as SQLITE_CREATE_TABLE
from sqlite3 import SQLITE_CREATE_TRIGGER as SQLITE_CREATE_TRIGGER
from sqlite3 import SQLITE_CREATE_VIEW as SQLITE_CREATE_VIEW
from sqlite3 import SQLITE_CREATE_VTABLE as SQLITE_CREATE_VTABLE
from sqlite3 import SQLITE_DELETE as SQLITE_DELETE
from sqlite3 import SQLITE_DENY as SQLITE_DENY
from sqlite3 import SQLITE_DROP_INDEX as SQLITE_DROP_INDEX
from sqlite3 import SQLITE_DROP_TABLE as SQLITE_DROP_TABLE
from sqlite3 import SQLITE_DROP_TRIGGER as SQLITE_DROP_TRIGGER
from sqlite3 import SQLITE_DROP_VIEW as SQLITE_DROP_VIEW
from sqlite3 import SQLITE_DROP_VTABLE as SQLITE_DROP_VTABLE
from sqlite3 import SQLITE_INSERT as SQLITE_INSERT
from sqlite3 import SQLITE_OK as SQLITE_OK
from sqlite3 import SQLITE_PRAGMA as SQLITE_PRAGMA
from sqlite3 import SQLITE_REINDEX as SQLITE_REINDEX
from sqlite3 import SQLITE_UPDATE as SQLITE_UPDATE
from sqlite3 import Connection as Connection
from sqlite3 import Cursor as Cursor
from sqlite3 import DatabaseError as DatabaseError
from sqlite3 import Error as Error
from sqlite3 import IntegrityError as IntegrityError
from sqlite3 import OperationalError as OperationalError
from sqlite3 import Row as Row
from sqlite3 import connect as connect
from sqlite3 import sqlite_version as sqlite_version
