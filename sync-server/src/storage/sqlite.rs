//! The embedded engine: SQLite in WAL mode with `synchronous = FULL`, so a
//! write that returned `Ok` survives the process being killed and the machine
//! losing power. The same two tables carry over to PostgreSQL.

use std::path::Path;
use std::sync::Mutex;

use protocol::{DocumentId, StorageTask};
use rusqlite::{Connection, OptionalExtension, params};

use super::{Storage, StorageError};
use crate::access::{MemberRecord, TokenRecord, WorkspaceRecord};

mod access;

pub struct SqliteStorage {
    conn: Mutex<Connection>,
}

const SCHEMA: &str = "
    PRAGMA journal_mode = WAL;
    PRAGMA synchronous = FULL;
    CREATE TABLE IF NOT EXISTS chunks (
        doc  TEXT    NOT NULL,
        seq  INTEGER NOT NULL,
        data BLOB    NOT NULL,
        PRIMARY KEY (doc, seq)
    ) WITHOUT ROWID;
    CREATE TABLE IF NOT EXISTS meta (
        key   TEXT PRIMARY KEY,
        value TEXT NOT NULL
    );
";

impl SqliteStorage {
    /// Open (creating if needed) the database file `path`.
    pub fn open(path: &Path) -> Result<Self, StorageError> {
        let fail = |e: rusqlite::Error| StorageError::Open {
            path: path.display().to_string(),
            reason: e.to_string(),
        };
        let conn = Connection::open(path).map_err(fail)?;
        conn.busy_timeout(std::time::Duration::from_secs(5))
            .map_err(fail)?;
        conn.execute_batch(SCHEMA).map_err(fail)?;
        conn.execute_batch(access::SCHEMA).map_err(fail)?;
        Ok(SqliteStorage {
            conn: Mutex::new(conn),
        })
    }

    fn conn(&self) -> std::sync::MutexGuard<'_, Connection> {
        // SQLite rolls back an unfinished transaction itself; the connection
        // stays valid even if a holder panicked.
        self.conn.lock().unwrap_or_else(|p| p.into_inner())
    }
}

impl Storage for SqliteStorage {
    fn load(&self, doc: &DocumentId) -> Result<Vec<Vec<u8>>, StorageError> {
        let fail = |e: rusqlite::Error| StorageError::Read {
            doc: *doc,
            reason: e.to_string(),
        };
        let conn = self.conn();
        let mut stmt = conn
            .prepare_cached("SELECT data FROM chunks WHERE doc = ?1 ORDER BY seq")
            .map_err(fail)?;
        let rows = stmt
            .query_map(params![doc.to_string()], |row| row.get::<_, Vec<u8>>(0))
            .map_err(fail)?;
        rows.collect::<Result<Vec<_>, _>>().map_err(fail)
    }

    fn apply_all(&self, tasks: &[&StorageTask]) -> Result<(), StorageError> {
        let Some(first) = tasks.first() else {
            return Ok(());
        };
        let fail = |doc: DocumentId| {
            move |e: rusqlite::Error| StorageError::Write {
                doc,
                reason: e.to_string(),
            }
        };
        let mut conn = self.conn();
        // One transaction, so one sync to disk for the whole group.
        let tx = conn.transaction().map_err(fail(first.doc()))?;
        for task in tasks {
            let doc = task.doc();
            let key = doc.to_string();
            match task {
                StorageTask::Append { chunk, .. } => {
                    tx.prepare_cached(
                        "INSERT INTO chunks (doc, seq, data)
                         VALUES (?1, (SELECT COALESCE(MAX(seq), 0) + 1 FROM chunks WHERE doc = ?1), ?2)",
                    )
                    .and_then(|mut insert| insert.execute(params![key, chunk]))
                    .map_err(fail(doc))?;
                }
                StorageTask::Compact { snapshot, .. } => {
                    tx.execute("DELETE FROM chunks WHERE doc = ?1", params![key])
                        .map_err(fail(doc))?;
                    tx.execute(
                        "INSERT INTO chunks (doc, seq, data) VALUES (?1, 0, ?2)",
                        params![key, snapshot],
                    )
                    .map_err(fail(doc))?;
                }
            }
        }
        tx.commit().map_err(fail(first.doc()))
    }

    fn get_meta(&self, key: &str) -> Result<Option<String>, StorageError> {
        self.conn()
            .query_row("SELECT value FROM meta WHERE key = ?1", params![key], |r| {
                r.get(0)
            })
            .optional()
            .map_err(|e| StorageError::Meta {
                key: key.to_owned(),
                reason: e.to_string(),
            })
    }

    fn set_meta(&self, key: &str, value: &str) -> Result<(), StorageError> {
        self.conn()
            .execute(
                "INSERT INTO meta (key, value) VALUES (?1, ?2)
                 ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                params![key, value],
            )
            .map(|_| ())
            .map_err(|e| StorageError::Meta {
                key: key.to_owned(),
                reason: e.to_string(),
            })
    }

    fn put_workspace(&self, workspace: &WorkspaceRecord) -> Result<(), StorageError> {
        access::put_workspace(&self.conn(), workspace)
    }

    fn workspaces(&self) -> Result<Vec<WorkspaceRecord>, StorageError> {
        access::workspaces(&self.conn())
    }

    fn put_member(&self, member: &MemberRecord) -> Result<(), StorageError> {
        access::put_member(&self.conn(), member)
    }

    fn members(&self) -> Result<Vec<MemberRecord>, StorageError> {
        access::members(&self.conn())
    }

    fn remove_member(&self, workspace: &str, member: &str) -> Result<bool, StorageError> {
        access::remove_member(&mut self.conn(), workspace, member)
    }

    fn put_token(&self, token: &TokenRecord) -> Result<(), StorageError> {
        access::put_token(&self.conn(), token)
    }

    fn tokens(&self) -> Result<Vec<TokenRecord>, StorageError> {
        access::tokens(&self.conn())
    }

    fn revoke_token(&self, id: &str) -> Result<bool, StorageError> {
        access::revoke_token(&self.conn(), id)
    }

    fn claim(&self, doc: &DocumentId, workspace: &str) -> Result<String, StorageError> {
        access::claim(&self.conn(), doc, workspace)
    }

    fn owners(&self) -> Result<Vec<(DocumentId, String)>, StorageError> {
        access::owners(&self.conn())
    }

    fn claim_unowned(&self, workspace: &str) -> Result<usize, StorageError> {
        access::claim_unowned(&self.conn(), workspace)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sqlite_storage_keeps_the_contract_and_survives_reopening() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("fieldbook.sqlite3");
        {
            let store = SqliteStorage::open(&path).expect("open");
            super::super::contract::check(&store);
        }
        let store = SqliteStorage::open(&path).expect("reopen");
        assert_eq!(
            store.load(&DocumentId::from_bytes([1; 16])).expect("load"),
            vec![b"ab".to_vec(), b"c".to_vec()]
        );
    }

    #[test]
    fn an_unwritable_path_is_a_clear_error() {
        let dir = tempfile::tempdir().expect("tempdir");
        let err = SqliteStorage::open(&dir.path().join("missing/dir/db"))
            .err()
            .expect("cannot open");
        assert!(
            err.to_string().starts_with("cannot open the store at"),
            "{err}"
        );
    }
}
