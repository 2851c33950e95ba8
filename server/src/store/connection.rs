//! Connections to either backend behind one type, so the store's queries are written
//! once: diesel's `MultiConnection` over PostgreSQL and SQLite, a pool that opens the
//! right kind, and write transactions that take the write lock at once on SQLite.

use diesel::connection::{
    AnsiTransactionManager, Connection, SimpleConnection, TransactionManager,
};
use diesel::pg::PgConnection;
use diesel::r2d2::{self, R2D2Connection};
use diesel::sqlite::SqliteConnection;

use super::{StoreError, StoreResult};

/// A connection to either backend.
#[derive(diesel::MultiConnection)]
pub enum Conn {
    /// PostGIS.
    Pg(PgConnection),
    /// The embedded SQLite file.
    Sqlite(SqliteConnection),
}

/// Which backend a store is on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    /// PostgreSQL with PostGIS.
    Postgis,
    /// One SQLite file.
    Sqlite,
}

/// Opens connections of one backend for the pool.
#[derive(Debug)]
pub struct Manager {
    pub(super) url: String,
    pub(super) backend: Backend,
}

/// What every SQLite connection needs: wait for locks rather than fail, enforce foreign
/// keys, and sync at commit in WAL mode.
const SQLITE_PRAGMAS: &str =
    "PRAGMA busy_timeout = 30000; PRAGMA foreign_keys = ON; PRAGMA synchronous = NORMAL;";

impl r2d2::ManageConnection for Manager {
    type Connection = Conn;
    type Error = r2d2::Error;

    fn connect(&self) -> Result<Conn, r2d2::Error> {
        match self.backend {
            Backend::Postgis => PgConnection::establish(&self.url)
                .map(Conn::Pg)
                .map_err(r2d2::Error::ConnectionError),
            Backend::Sqlite => {
                let mut c =
                    SqliteConnection::establish(&self.url).map_err(r2d2::Error::ConnectionError)?;
                c.batch_execute(SQLITE_PRAGMAS)
                    .map_err(r2d2::Error::QueryError)?;
                Ok(Conn::Sqlite(c))
            }
        }
    }

    fn is_valid(&self, conn: &mut Conn) -> Result<(), r2d2::Error> {
        conn.ping().map_err(r2d2::Error::QueryError)
    }

    fn has_broken(&self, conn: &mut Conn) -> bool {
        conn.is_broken()
    }
}

/// Runs `f` in a write transaction: on SQLite `BEGIN IMMEDIATE`, so that two writers
/// never both read and then find they cannot write; on PostGIS an ordinary one (rows and
/// layers are locked where needed, see [`lock_layer`]). Commits when `f` succeeds,
/// rolls back when it fails.
///
/// # Errors
/// `f`'s error, or the database's.
pub fn write<T>(conn: &mut Conn, f: impl FnOnce(&mut Conn) -> StoreResult<T>) -> StoreResult<T> {
    type Tm = <Conn as Connection>::TransactionManager;
    if let Conn::Sqlite(c) = conn {
        AnsiTransactionManager::begin_transaction_sql(c, "BEGIN IMMEDIATE")?;
    } else {
        Tm::begin_transaction(conn)?;
    }
    match f(conn) {
        Ok(v) => {
            Tm::commit_transaction(conn)?;
            Ok(v)
        }
        Err(e) => {
            if let Err(rollback) = Tm::rollback_transaction(conn) {
                tracing::warn!(error = %rollback, "rollback failed");
            }
            Err(e)
        }
    }
}

/// Serialises writes to one layer until the transaction ends: PostGIS takes an advisory
/// lock on the layer id; SQLite's immediate transaction already holds the one write
/// lock.
///
/// # Errors
/// The database's.
pub fn lock_layer(conn: &mut Conn, id: &str) -> StoreResult<()> {
    if let Conn::Pg(c) = conn {
        use diesel::RunQueryDsl as _;
        diesel::sql_query("SELECT pg_advisory_xact_lock(hashtext($1))")
            .bind::<diesel::sql_types::Text, _>(id)
            .execute(c)?;
    }
    Ok(())
}

impl From<r2d2::PoolError> for StoreError {
    fn from(e: r2d2::PoolError) -> Self {
        Self::Unavailable(Box::new(e))
    }
}
