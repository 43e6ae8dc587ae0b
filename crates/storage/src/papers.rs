//! Papers uploaded with online applications and supplements. The bytes go to a content-addressed
//! file store (named by their SHA-256, so identical content is stored once and a stored file can
//! be re-hashed to prove it was not altered); the database records each distinct content, the
//! drafts citizens fill in before submitting, and which papers belong to which dossier. A file is
//! made durable (temporary file, fsync, rename, fsync of the folder) before its hash is recorded,
//! so an acknowledged dossier never points at a missing file (DESIGN §6, "nothing lost").

use std::io::Write as _;
use std::path::{Path, PathBuf};

use sha2::{Digest, Sha256};
use time::OffsetDateTime;
use uuid::Uuid;

use crate::StorageError;
use crate::db::{Db, Tx, exec_db, exec_tx, on_db, on_tx};
use crate::dossier::to_micros;

/// A folder of files named by the SHA-256 of their content: `ab/cdef…` for hash `abcdef…`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PaperStore {
    root: PathBuf,
}

/// What [`PaperStore::put`] stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PutPaper {
    /// SHA-256 of the content, lowercase hex.
    pub sha256: String,
    /// Size in bytes.
    pub size_bytes: i64,
}

fn hex(bytes: &[u8]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut out = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        out.push(char::from(DIGITS[usize::from(b >> 4)]));
        out.push(char::from(DIGITS[usize::from(b & 0x0F)]));
    }
    out
}

/// SHA-256 of some bytes, lowercase hex.
pub fn sha256_hex(bytes: &[u8]) -> String {
    hex(&Sha256::digest(bytes))
}

/// Whether a text is a SHA-256 in lowercase hex (the only names the store makes or opens, so a
/// name from a request can never walk out of the store's folder).
pub fn is_sha256_hex(text: &str) -> bool {
    text.len() == 64
        && text
            .bytes()
            .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
}

fn io_error(path: &Path, source: std::io::Error) -> StorageError {
    StorageError::Io {
        path: path.display().to_string(),
        source,
    }
}

/// Writes `bytes` to `temp`, syncs it, renames it to `path` and syncs the folder.
fn write_durably(dir: &Path, temp: &Path, path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let mut file = std::fs::File::create(temp)?;
    file.write_all(bytes)?;
    file.sync_all()?;
    std::fs::rename(temp, path)?;
    // The rename is durable only once the folder's entry is.
    std::fs::File::open(dir)?.sync_all()
}

impl PaperStore {
    /// A store rooted at a folder (created on first write).
    pub fn new(root: impl Into<PathBuf>) -> PaperStore {
        PaperStore { root: root.into() }
    }

    /// The folder the store lives in.
    pub fn root(&self) -> &Path {
        &self.root
    }

    /// Where the file with this hash lives, or `None` when the text is not a SHA-256.
    pub fn path_of(&self, sha256: &str) -> Option<PathBuf> {
        is_sha256_hex(sha256).then(|| self.root.join(&sha256[..2]).join(&sha256[2..]))
    }

    /// Stores bytes durably and returns their hash. Content already stored is not written again.
    /// Blocking (file I/O and fsync): call it from a blocking task.
    pub fn put(&self, bytes: &[u8]) -> Result<PutPaper, StorageError> {
        let sha256 = sha256_hex(bytes);
        let size_bytes = i64::try_from(bytes.len()).unwrap_or(i64::MAX);
        let dir = self.root.join(&sha256[..2]);
        let path = dir.join(&sha256[2..]);
        if std::fs::metadata(&path).is_ok_and(|m| m.len() == bytes.len() as u64) {
            return Ok(PutPaper { sha256, size_bytes });
        }
        std::fs::create_dir_all(&dir).map_err(|e| io_error(&dir, e))?;
        let temp = dir.join(format!(".tmp-{}", Uuid::new_v4().simple()));
        if let Err(e) = write_durably(&dir, &temp, &path, bytes) {
            let _ = std::fs::remove_file(&temp);
            return Err(io_error(&path, e));
        }
        Ok(PutPaper { sha256, size_bytes })
    }

    /// The bytes stored under a hash, checked against it; `Ok(None)` when there is no such file.
    /// Blocking: call it from a blocking task.
    pub fn open(&self, sha256: &str) -> Result<Option<Vec<u8>>, StorageError> {
        let Some(path) = self.path_of(sha256) else {
            return Ok(None);
        };
        match std::fs::read(&path) {
            Ok(bytes) if sha256_hex(&bytes) == sha256 => Ok(Some(bytes)),
            Ok(_) => Err(StorageError::Corrupt(format!(
                "stored paper {sha256} no longer matches its hash"
            ))),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
            Err(e) => Err(io_error(&path, e)),
        }
    }
}

/// Why a paper is attached to a dossier.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PaperPurpose {
    /// Handed in with the application.
    Application,
    /// Handed in as a supplement the agency asked for.
    Supplement,
    /// The agency's electronic result (kết quả điện tử), attached when it is marked ready.
    Result,
}

impl PaperPurpose {
    /// Stored text form.
    pub fn as_str(self) -> &'static str {
        match self {
            PaperPurpose::Application => "application",
            PaperPurpose::Supplement => "supplement",
            PaperPurpose::Result => "result",
        }
    }

    /// Parses the stored text form.
    pub fn parse(s: &str) -> Option<PaperPurpose> {
        match s {
            "application" => Some(PaperPurpose::Application),
            "supplement" => Some(PaperPurpose::Supplement),
            "result" => Some(PaperPurpose::Result),
            _ => None,
        }
    }
}

/// A paper to attach to a dossier; its content must already be in the paper store. The attaching
/// transaction records the content in `paper_blob` when [`Db::record_paper_blob`] has not, so a
/// submission that carries its papers (the API's) is one write, not one per paper and another.
/// The foreign key from `dossier_paper` to `paper_blob` therefore no longer proves the content
/// was checked: only build these from an upload the server checked and stored itself
/// (`web::apply::papers::store_file`), never from a hash a client sent.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewDossierPaper {
    /// Name of the required paper (component) it answers, or a free label for supplements.
    pub component: String,
    /// SHA-256 of the content.
    pub sha256: String,
    /// File name as uploaded, made safe to show.
    pub file_name: String,
    /// Media type found by sniffing the content.
    pub media_type: String,
    /// Size in bytes.
    pub size_bytes: i64,
    /// Application or supplement.
    pub purpose: PaperPurpose,
}

/// A paper of a dossier as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DossierPaper {
    /// Order of attachment, from 1.
    pub position: i64,
    /// Name of the required paper it answers.
    pub component: String,
    /// SHA-256 of the content: open it with [`PaperStore::open`].
    pub sha256: String,
    /// File name as uploaded, made safe.
    pub file_name: String,
    /// Media type.
    pub media_type: String,
    /// Size in bytes.
    pub size_bytes: i64,
    /// Application or supplement.
    pub purpose: PaperPurpose,
    /// When it was attached.
    pub added_at: OffsetDateTime,
}

#[derive(sqlx::FromRow)]
struct DossierPaperRow {
    position: i64,
    component: String,
    sha256: String,
    file_name: String,
    media_type: String,
    size_bytes: i64,
    purpose: String,
    added_at: OffsetDateTime,
}

/// A paper one of a citizen's dossiers holds, for "my papers".
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct AccountPaper {
    /// The dossier it was handed in with.
    pub dossier_code: String,
    /// Name of the required paper it answered.
    pub component: String,
    /// SHA-256 of the content.
    pub sha256: String,
    /// File name as uploaded, made safe.
    pub file_name: String,
    /// Media type.
    pub media_type: String,
    /// Size in bytes.
    pub size_bytes: i64,
    /// When it was attached.
    pub added_at: OffsetDateTime,
    /// `application`, `supplement` or `result` (see [`PaperPurpose`]).
    pub purpose: String,
}

/// An application a citizen is filling in on the portal.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct StoredDraft {
    /// Random id (it is the only key to the draft, so it must not be guessable).
    pub id: Uuid,
    /// National procedure code.
    pub procedure_code: String,
    /// The answers so far, JSON (the web layer owns the shape).
    pub answers: String,
    /// When it was started.
    pub created_at: OffsetDateTime,
    /// When it last changed.
    pub updated_at: OffsetDateTime,
    /// The dossier code once submitted.
    pub submitted_code: Option<String>,
    /// The citizen account it belongs to; `None` for a draft started without signing in, which
    /// only its random id reaches.
    pub citizen_id: Option<String>,
}

impl Tx {
    /// Records the dossier a draft became; a draft is submitted once.
    pub(crate) async fn mark_draft_submitted(
        &mut self,
        id: Uuid,
        code: &str,
        at: OffsetDateTime,
    ) -> Result<(), StorageError> {
        exec_tx!(self, |c| {
            sqlx::query(
                "update application_draft set submitted_code = $1, updated_at = $2 \
                 where id = $3 and submitted_code is null",
            )
            .bind(code)
            .bind(to_micros(at))
            .bind(id)
            .execute(c)
            .await
        })?;
        Ok(())
    }

    /// Attaches papers to a dossier after the ones it has, in this transaction.
    pub(crate) async fn insert_papers(
        &mut self,
        dossier_id: Uuid,
        papers: &[NewDossierPaper],
        at: OffsetDateTime,
    ) -> Result<(), StorageError> {
        if papers.is_empty() {
            return Ok(());
        }
        let (last,): (i64,) = on_tx!(self, |c| {
            sqlx::query_as(
                "select coalesce(max(position), 0) from dossier_paper where dossier_id = $1",
            )
            .bind(dossier_id)
            .fetch_one(c)
            .await
        })?;
        self.insert_papers_from(dossier_id, last + 1, papers, at)
            .await
    }

    /// Attaches papers at positions `first`, `first + 1`, … (a new dossier's start at 1, with
    /// no need to look), recording their contents too, in two statements whatever their number.
    pub(crate) async fn insert_papers_from(
        &mut self,
        dossier_id: Uuid,
        first: i64,
        papers: &[NewDossierPaper],
        at: OffsetDateTime,
    ) -> Result<(), StorageError> {
        if papers.is_empty() {
            return Ok(());
        }
        let at = to_micros(at);
        let rows: Vec<(Uuid, OffsetDateTime, &NewDossierPaper, i64)> = papers
            .iter()
            .zip(first..)
            .map(|(p, position)| (dossier_id, at, p, position))
            .collect();
        self.insert_new_papers(&rows).await
    }

    /// Attaches papers to dossiers, possibly several dossiers' at once (a group commit's batch):
    /// (dossier, when, paper, position). Their contents' records go in first, once per hash.
    pub(crate) async fn insert_new_papers(
        &mut self,
        rows: &[(Uuid, OffsetDateTime, &NewDossierPaper, i64)],
    ) -> Result<(), StorageError> {
        if rows.is_empty() {
            return Ok(());
        }
        exec_tx!(self, |c| {
            let mut insert = sqlx::QueryBuilder::new(
                "insert into paper_blob (sha256, media_type, size_bytes, created_at) ",
            );
            insert.push_values(rows, |mut row, (_, at, p, _)| {
                row.push_bind(&p.sha256)
                    .push_bind(&p.media_type)
                    .push_bind(p.size_bytes)
                    .push_bind(*at);
            });
            insert.push(" on conflict (sha256) do nothing");
            insert.build().execute(c).await
        })?;
        exec_tx!(self, |c| {
            let mut insert = sqlx::QueryBuilder::new(
                "insert into dossier_paper (dossier_id, position, component, sha256, file_name, \
                   media_type, size_bytes, purpose, added_at) ",
            );
            insert.push_values(rows, |mut row, (dossier_id, at, p, position)| {
                row.push_bind(*dossier_id)
                    .push_bind(*position)
                    .push_bind(&p.component)
                    .push_bind(&p.sha256)
                    .push_bind(&p.file_name)
                    .push_bind(&p.media_type)
                    .push_bind(p.size_bytes)
                    .push_bind(p.purpose.as_str())
                    .push_bind(*at);
            });
            insert.build().execute(c).await
        })?;
        Ok(())
    }
}

impl Db {
    /// Records a stored content (once per hash; recording it again changes nothing).
    pub async fn record_paper_blob(
        &self,
        sha256: &str,
        media_type: &str,
        size_bytes: i64,
    ) -> Result<(), StorageError> {
        exec_db!(self, |pool| {
            sqlx::query(
                "insert into paper_blob (sha256, media_type, size_bytes, created_at) \
                 values ($1, $2, $3, $4) on conflict (sha256) do nothing",
            )
            .bind(sha256)
            .bind(media_type)
            .bind(size_bytes)
            .bind(to_micros(OffsetDateTime::now_utc()))
            .execute(pool)
            .await
        })?;
        Ok(())
    }

    /// The media type and size recorded for a content, if any.
    pub async fn paper_blob(&self, sha256: &str) -> Result<Option<(String, i64)>, StorageError> {
        Ok(on_db!(self, |pool| {
            sqlx::query_as("select media_type, size_bytes from paper_blob where sha256 = $1")
                .bind(sha256)
                .fetch_optional(pool)
                .await
        })?)
    }

    /// The papers of the dossiers applied for from `account`, newest first (at most `limit`).
    /// Ownership is the account stored with the dossier, never an id from the request.
    pub async fn papers_of_account(
        &self,
        account: &str,
        limit: i64,
    ) -> Result<Vec<AccountPaper>, StorageError> {
        Ok(on_db!(self, |pool| {
            sqlx::query_as(
                "select d.code as dossier_code, p.component, p.sha256, p.file_name, p.media_type, \
                 p.size_bytes, p.added_at, p.purpose \
                 from dossier_paper p join dossier d on d.id = p.dossier_id \
                 where d.applicant_account = $1 order by p.added_at desc, p.position limit $2",
            )
            .bind(account)
            .bind(limit)
            .fetch_all(pool)
            .await
        })?)
    }

    /// The newest hand-in of the content `sha256` among the papers of `account`'s dossiers, if
    /// there is one: opening a paper does not depend on how many others the account has.
    pub async fn account_paper(
        &self,
        account: &str,
        sha256: &str,
    ) -> Result<Option<AccountPaper>, StorageError> {
        Ok(on_db!(self, |pool| {
            sqlx::query_as(
                "select d.code as dossier_code, p.component, p.sha256, p.file_name, p.media_type, \
                 p.size_bytes, p.added_at, p.purpose \
                 from dossier_paper p join dossier d on d.id = p.dossier_id \
                 where d.applicant_account = $1 and p.sha256 = $2 \
                 order by p.added_at desc, p.position limit 1",
            )
            .bind(account)
            .bind(sha256)
            .fetch_optional(pool)
            .await
        })?)
    }

    /// A dossier's papers in the order they were attached.
    pub async fn dossier_papers(
        &self,
        dossier_id: Uuid,
    ) -> Result<Vec<DossierPaper>, StorageError> {
        let rows: Vec<DossierPaperRow> = on_db!(self, |pool| {
            sqlx::query_as(
                "select position, component, sha256, file_name, media_type, size_bytes, purpose, added_at \
                 from dossier_paper where dossier_id = $1 order by position",
            )
            .bind(dossier_id)
            .fetch_all(pool)
            .await
        })?;
        rows.into_iter()
            .map(|r| {
                Ok(DossierPaper {
                    purpose: PaperPurpose::parse(&r.purpose).ok_or_else(|| {
                        StorageError::Corrupt(format!("paper purpose {:?}", r.purpose))
                    })?,
                    position: r.position,
                    component: r.component,
                    sha256: r.sha256,
                    file_name: r.file_name,
                    media_type: r.media_type,
                    size_bytes: r.size_bytes,
                    added_at: r.added_at,
                })
            })
            .collect()
    }

    /// Starts a draft; starting one that exists changes nothing.
    pub async fn create_draft(
        &self,
        id: Uuid,
        procedure_code: &str,
        answers: &str,
        citizen_id: Option<&str>,
    ) -> Result<(), StorageError> {
        let now = to_micros(OffsetDateTime::now_utc());
        exec_db!(self, |pool| {
            sqlx::query(
                "insert into application_draft (id, procedure_code, answers, created_at, updated_at, submitted_code, citizen_id) \
                 values ($1, $2, $3, $4, $4, null, $5) on conflict (id) do nothing",
            )
            .bind(id)
            .bind(procedure_code)
            .bind(answers)
            .bind(now)
            .bind(citizen_id)
            .execute(pool)
            .await
        })?;
        Ok(())
    }

    /// The draft with this id.
    pub async fn draft(&self, id: Uuid) -> Result<Option<StoredDraft>, StorageError> {
        Ok(on_db!(self, |pool| {
            sqlx::query_as(
                "select id, procedure_code, answers, created_at, updated_at, submitted_code, citizen_id \
                 from application_draft where id = $1",
            )
            .bind(id)
            .fetch_optional(pool)
            .await
        })?)
    }

    /// Replaces a draft's answers; `false` when there is no such draft or it was submitted.
    pub async fn update_draft(&self, id: Uuid, answers: &str) -> Result<bool, StorageError> {
        let changed = exec_db!(self, |pool| {
            sqlx::query(
                "update application_draft set answers = $1, updated_at = $2 \
                 where id = $3 and submitted_code is null",
            )
            .bind(answers)
            .bind(to_micros(OffsetDateTime::now_utc()))
            .bind(id)
            .execute(pool)
            .await
        })?;
        Ok(changed == 1)
    }

    /// The folder of the SQLite database file, if this is one (the default attachment store
    /// lives beside it); `None` on PostgreSQL or in memory.
    pub fn sqlite_folder(&self) -> Option<PathBuf> {
        match self {
            Db::Sqlite(pools) => {
                let options = pools.writer.connect_options();
                let file = options.get_filename();
                let parent = file.parent()?;
                Some(if parent.as_os_str().is_empty() {
                    PathBuf::from(".")
                } else {
                    parent.to_path_buf()
                })
            }
            Db::Postgres(_) => None,
        }
    }
}
