/// SQLite storage over GRDB.
import OrionCore
