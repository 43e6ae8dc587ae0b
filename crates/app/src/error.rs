//! The one error of the application layer. A use-case refuses (the rules said no), conflicts
//! (someone acted in between), or fails (storage); the web edge turns each into its answer.

use domain::dossier::Refusal;
use storage::StorageError;
use storage::dossier::DossierWriteError;

/// Why a use-case did not happen. One error for the whole layer, so the edge maps it to an
/// answer in one place (`web::AppError`).
#[derive(Debug, thiserror::Error)]
pub enum ServiceError {
    /// No dossier or procedure with that code.
    #[error("not found")]
    NotFound,
    /// The rules refused the action; the code is stable for translation.
    #[error("{message}")]
    Refused {
        /// Stable machine code of the refusal (see `domain::dossier::Refusal::code`).
        code: &'static str,
        /// English explanation.
        message: String,
    },
    /// Someone acted on the dossier in between; reload and try again.
    #[error("the dossier was changed by someone else; reload it and try again")]
    Conflict,
    /// An idempotency key came back with a different request.
    #[error("this idempotency key was already used for a different request")]
    KeyReused,
    /// Storage failed.
    #[error(transparent)]
    Storage(#[from] StorageError),
    /// A stored projection or event no longer reads back: a bug or a hand edit.
    #[error("stored dossier data is corrupt: {0}")]
    Corrupt(String),
    /// The caller used a limited resource (the population database) too often lately.
    #[error("too many requests; try again in {} minutes", crate::limits::minutes(*wait))]
    Limited {
        /// How long until the caller may try again.
        wait: std::time::Duration,
    },
    /// Something that should not fail did (a worker thread, a hash).
    #[error("{0}")]
    Internal(String),
}

impl From<Refusal> for ServiceError {
    fn from(r: Refusal) -> Self {
        ServiceError::Refused {
            code: r.code(),
            message: r.to_string(),
        }
    }
}

impl From<DossierWriteError> for ServiceError {
    fn from(e: DossierWriteError) -> Self {
        match e {
            DossierWriteError::Conflict { .. } => ServiceError::Conflict,
            DossierWriteError::KeyReused => ServiceError::KeyReused,
            DossierWriteError::NotFound => ServiceError::NotFound,
            // The service decides before writing; a refusal inside the transaction carries the
            // rule's own code and message.
            DossierWriteError::Refused(r) => ServiceError::Refused {
                code: r.code,
                message: r.message,
            },
            DossierWriteError::Storage(e) => ServiceError::Storage(e),
        }
    }
}
