//! A minimal typst `World`: embedded templates, embedded fonts, and the per-document data
//! files (JSON and the QR SVG) served from memory. Nothing is read from disk or network.
//!
//! Written by hand (~100 lines) rather than with typst-as-lib so the crate pulls no date, home
//! directory or package-download dependencies and the output does not depend on the clock.

use std::sync::LazyLock;

use typst::diag::{FileError, FileResult};
use typst::foundations::{Bytes, Datetime, Duration};
use typst::syntax::{FileId, RootedPath, Source, VirtualPath, VirtualRoot};
use typst::text::{Font, FontBook};
use typst::utils::LazyHash;
use typst::{Library, LibraryExt, World};

use crate::DocumentError;

/// The embedded font files: Liberation Serif 2.1.5 (SIL OFL 1.1), see `fonts/README.md`.
pub(crate) const FONT_FILES: [(&str, &[u8]); 4] = [
    (
        "LiberationSerif-Regular.ttf",
        include_bytes!("../fonts/LiberationSerif-Regular.ttf"),
    ),
    (
        "LiberationSerif-Bold.ttf",
        include_bytes!("../fonts/LiberationSerif-Bold.ttf"),
    ),
    (
        "LiberationSerif-Italic.ttf",
        include_bytes!("../fonts/LiberationSerif-Italic.ttf"),
    ),
    (
        "LiberationSerif-BoldItalic.ttf",
        include_bytes!("../fonts/LiberationSerif-BoldItalic.ttf"),
    ),
];

/// The templates, by virtual path. `common.typ` holds the shared layout.
pub(crate) const TEMPLATES: [(&str, &str); 7] = [
    ("/common.typ", include_str!("../templates/common.typ")),
    ("/form01.typ", include_str!("../templates/form01.typ")),
    ("/form02.typ", include_str!("../templates/form02.typ")),
    ("/form03.typ", include_str!("../templates/form03.typ")),
    ("/form04.typ", include_str!("../templates/form04.typ")),
    ("/form05.typ", include_str!("../templates/form05.typ")),
    ("/receipt.typ", include_str!("../templates/receipt.typ")),
];

/// Virtual path of the document's data, read by the templates with `json(...)`.
pub(crate) const DATA_PATH: &str = "/data.json";
/// Virtual path of the QR code SVG, read by the templates with `image(...)`.
pub(crate) const QR_PATH: &str = "/qr.svg";

/// Fonts parsed once per process.
static FONTS: LazyLock<Vec<Font>> = LazyLock::new(|| {
    FONT_FILES
        .iter()
        .flat_map(|(_, data)| Font::iter(Bytes::new(*data)))
        .collect()
});

/// Metadata of [`FONTS`], in the same order.
static BOOK: LazyLock<LazyHash<FontBook>> =
    LazyLock::new(|| LazyHash::new(FontBook::from_fonts(FONTS.iter())));

/// The standard library: the same for every document (data comes in through files, not
/// `sys.inputs`), so built once.
static LIBRARY: LazyLock<LazyHash<Library>> = LazyLock::new(|| LazyHash::new(Library::default()));

/// The embedded fonts, parsed (for the glyph-coverage test and for callers who want to check a
/// name before printing it).
pub(crate) fn fonts() -> &'static [Font] {
    &FONTS
}

/// Interns a virtual path of the project root.
fn file_id(path: &str) -> Result<FileId, DocumentError> {
    let vpath =
        VirtualPath::new(path).map_err(|e| DocumentError::Internal(format!("{path}: {e:?}")))?;
    Ok(FileId::new(RootedPath::new(VirtualRoot::Project, vpath)))
}

/// The world one document is compiled in.
pub(crate) struct DocumentWorld {
    /// The document's template, the main file.
    main: FileId,
    /// Every template (including `main`) as parsed sources.
    sources: Vec<Source>,
    /// `/data.json`.
    data: (FileId, Bytes),
    /// `/qr.svg`.
    qr: (FileId, Bytes),
}

impl DocumentWorld {
    /// A world whose main file is `main_path` (one of [`TEMPLATES`]), with the given data files.
    pub(crate) fn new(
        main_path: &str,
        data: Vec<u8>,
        qr_svg: String,
    ) -> Result<Self, DocumentError> {
        let sources = TEMPLATES
            .iter()
            .map(|(path, text)| Ok(Source::new(file_id(path)?, (*text).to_owned())))
            .collect::<Result<Vec<_>, DocumentError>>()?;
        Ok(Self {
            main: file_id(main_path)?,
            sources,
            data: (file_id(DATA_PATH)?, Bytes::new(data)),
            qr: (file_id(QR_PATH)?, Bytes::new(qr_svg.into_bytes())),
        })
    }
}

/// The error typst reports for a path we do not serve.
fn not_found(id: FileId) -> FileError {
    FileError::NotFound(id.vpath().get_without_slash().into())
}

impl World for DocumentWorld {
    fn library(&self) -> &LazyHash<Library> {
        &LIBRARY
    }

    fn book(&self) -> &LazyHash<FontBook> {
        &BOOK
    }

    fn main(&self) -> FileId {
        self.main
    }

    fn source(&self, id: FileId) -> FileResult<Source> {
        self.sources
            .iter()
            .find(|s| s.id() == id)
            .cloned()
            .ok_or_else(|| not_found(id))
    }

    fn file(&self, id: FileId) -> FileResult<Bytes> {
        if id == self.data.0 {
            Ok(self.data.1.clone())
        } else if id == self.qr.0 {
            Ok(self.qr.1.clone())
        } else {
            self.source(id)
                .map(|s| Bytes::from_string(s.text().to_owned()))
        }
    }

    fn font(&self, index: usize) -> Option<Font> {
        FONTS.get(index).cloned()
    }

    /// No template prints today's date: dates come formatted in the data, so the output does
    /// not depend on the clock.
    fn today(&self, _offset: Option<Duration>) -> Option<Datetime> {
        None
    }
}
