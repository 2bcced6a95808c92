//! The access tables of the embedded store: workspaces, members, tokens
//! (SHA-256 only) and document owners. Created with `IF NOT EXISTS`, so a
//! data directory from before access control opens unchanged; its documents
//! are then given to the default workspace ([`claim_unowned`]).

use protocol::DocumentId;
use rusqlite::{Connection, OptionalExtension, params};

use crate::access::{MemberRecord, Role, TokenRecord, WorkspaceRecord};
use crate::storage::StorageError;

pub const SCHEMA: &str = "
    CREATE TABLE IF NOT EXISTS workspaces (
        id   TEXT PRIMARY KEY,
        name TEXT NOT NULL
    );
    CREATE TABLE IF NOT EXISTS members (
        workspace TEXT NOT NULL,
        member    TEXT NOT NULL,
        role      TEXT NOT NULL,
        PRIMARY KEY (workspace, member)
    );
    CREATE TABLE IF NOT EXISTS tokens (
        hash       TEXT PRIMARY KEY,
        id         TEXT NOT NULL,
        workspace  TEXT NOT NULL,
        member     TEXT NOT NULL,
        role       TEXT NOT NULL,
        expires_at INTEGER NOT NULL,
        revoked    INTEGER NOT NULL DEFAULT 0,
        invitation INTEGER NOT NULL DEFAULT 0
    );
    CREATE TABLE IF NOT EXISTS owners (
        doc       TEXT PRIMARY KEY,
        workspace TEXT NOT NULL
    ) WITHOUT ROWID;
";

fn fail(table: &'static str) -> impl Fn(rusqlite::Error) -> StorageError {
    move |e| StorageError::Access {
        table,
        reason: e.to_string(),
    }
}

fn role(table: &'static str, s: String) -> Result<Role, StorageError> {
    Role::parse(&s).map_err(|e| StorageError::Access {
        table,
        reason: e.to_string(),
    })
}

pub fn put_workspace(c: &Connection, w: &WorkspaceRecord) -> Result<(), StorageError> {
    c.execute(
        "INSERT INTO workspaces (id, name) VALUES (?1, ?2)
         ON CONFLICT (id) DO UPDATE SET name = excluded.name",
        params![w.id, w.name],
    )
    .map(|_| ())
    .map_err(fail("workspaces"))
}

pub fn workspaces(c: &Connection) -> Result<Vec<WorkspaceRecord>, StorageError> {
    select_all(
        c,
        "workspaces",
        "SELECT id, name FROM workspaces ORDER BY id",
        |r| {
            Ok(WorkspaceRecord {
                id: r.get(0)?,
                name: r.get(1)?,
            })
        },
    )
}

pub fn put_member(c: &Connection, m: &MemberRecord) -> Result<(), StorageError> {
    c.execute(
        "INSERT INTO members (workspace, member, role) VALUES (?1, ?2, ?3)
         ON CONFLICT (workspace, member) DO UPDATE SET role = excluded.role",
        params![m.workspace, m.member, m.role.as_str()],
    )
    .map(|_| ())
    .map_err(fail("members"))
}

pub fn members(c: &Connection) -> Result<Vec<MemberRecord>, StorageError> {
    let rows = select_all(
        c,
        "members",
        "SELECT workspace, member, role FROM members ORDER BY workspace, member",
        |r| {
            Ok((
                r.get::<_, String>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, String>(2)?,
            ))
        },
    )?;
    let mut out = Vec::new();
    for (workspace, member, r) in rows {
        out.push(MemberRecord {
            workspace,
            member,
            role: role("members", r)?,
        });
    }
    Ok(out)
}

pub fn remove_member(c: &mut Connection, ws: &str, member: &str) -> Result<bool, StorageError> {
    let tx = c.transaction().map_err(fail("members"))?;
    let removed = tx
        .execute(
            "DELETE FROM members WHERE workspace = ?1 AND member = ?2",
            params![ws, member],
        )
        .map_err(fail("members"))?;
    tx.execute(
        "UPDATE tokens SET revoked = 1 WHERE workspace = ?1 AND member = ?2",
        params![ws, member],
    )
    .map_err(fail("tokens"))?;
    tx.commit().map_err(fail("members"))?;
    Ok(removed > 0)
}

pub fn put_token(c: &Connection, t: &TokenRecord) -> Result<(), StorageError> {
    c.execute(
        "INSERT INTO tokens (hash, id, workspace, member, role, expires_at, revoked, invitation)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
        params![
            t.hash,
            t.id,
            t.workspace,
            t.member,
            t.role.as_str(),
            i64::try_from(t.expires_at).unwrap_or(i64::MAX),
            t.revoked,
            t.invitation
        ],
    )
    .map(|_| ())
    .map_err(fail("tokens"))
}

pub fn tokens(c: &Connection) -> Result<Vec<TokenRecord>, StorageError> {
    let rows = select_all(
        c,
        "tokens",
        "SELECT hash, id, workspace, member, role, expires_at, revoked, invitation
         FROM tokens ORDER BY workspace, member, id",
        |r| {
            Ok((
                r.get::<_, String>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, String>(2)?,
                r.get::<_, String>(3)?,
                r.get::<_, String>(4)?,
                r.get::<_, i64>(5)?,
                r.get::<_, bool>(6)?,
                r.get::<_, bool>(7)?,
            ))
        },
    )?;
    let mut out = Vec::new();
    for (hash, id, workspace, member, r, expires, revoked, invitation) in rows {
        out.push(TokenRecord {
            id,
            hash,
            workspace,
            member,
            role: role("tokens", r)?,
            expires_at: u64::try_from(expires).unwrap_or(0),
            revoked,
            invitation,
        });
    }
    Ok(out)
}

pub fn revoke_token(c: &Connection, id: &str) -> Result<bool, StorageError> {
    c.execute("UPDATE tokens SET revoked = 1 WHERE id = ?1", params![id])
        .map(|n| n > 0)
        .map_err(fail("tokens"))
}

pub fn claim(c: &Connection, doc: &DocumentId, ws: &str) -> Result<String, StorageError> {
    let key = doc.to_string();
    c.execute(
        "INSERT INTO owners (doc, workspace) VALUES (?1, ?2) ON CONFLICT (doc) DO NOTHING",
        params![key, ws],
    )
    .map_err(fail("owners"))?;
    c.query_row(
        "SELECT workspace FROM owners WHERE doc = ?1",
        params![key],
        |r| r.get::<_, String>(0),
    )
    .optional()
    .map_err(fail("owners"))?
    .ok_or(StorageError::Access {
        table: "owners",
        reason: format!("claim of {doc} did not stick"),
    })
}

pub fn owners(c: &Connection) -> Result<Vec<(DocumentId, String)>, StorageError> {
    let rows = select_all(c, "owners", "SELECT doc, workspace FROM owners", |r| {
        Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?))
    })?;
    let mut out = Vec::new();
    for (doc, ws) in rows {
        match DocumentId::parse(&doc) {
            Ok(doc) => out.push((doc, ws)),
            Err(e) => tracing::warn!(%doc, error = %e, "skipped an owner row with a bad id"),
        }
    }
    Ok(out)
}

pub fn claim_unowned(c: &Connection, ws: &str) -> Result<usize, StorageError> {
    c.execute(
        "INSERT INTO owners (doc, workspace)
         SELECT DISTINCT doc, ?1 FROM chunks WHERE doc NOT IN (SELECT doc FROM owners)",
        params![ws],
    )
    .map_err(fail("owners"))
}

/// Every row `sql` (no parameters) selects from `table`, as `row` reads it.
fn select_all<T>(
    c: &Connection,
    table: &'static str,
    sql: &str,
    row: impl FnMut(&rusqlite::Row<'_>) -> rusqlite::Result<T>,
) -> Result<Vec<T>, StorageError> {
    let mut stmt = c.prepare(sql).map_err(fail(table))?;
    let rows = stmt.query_map([], row).map_err(fail(table))?;
    rows.collect::<Result<_, _>>().map_err(fail(table))
}
