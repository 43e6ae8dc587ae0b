//! PDF documents of the one-stop office: forms 01–05 of Annex I of Circular 03/2025/TT-VPCP
//! (receipt and appointment, request to complete the papers, refusal at intake, apology and
//! new date, processing stopped), and the electronic receipt of fees and charges of a payment
//! ([`FeeReceipt`], biên lai thu phí, lệ phí), each with a QR code that opens the public
//! verification page.
//!
//! A pure library: data in ([`Document`], plain strings the caller has already formatted),
//! PDF bytes out. Layout is done by typst with templates and fonts compiled into the binary.
//!
//! Paper size: A4 by default. Circular 01/2018/TT-VPCP printed forms 01–05 on A5; offices now
//! print most one-stop slips on A4 (Decree 30/2020/NĐ-CP's format for administrative documents,
//! room for a long list of papers and the QR code), so [`PaperSize::A4`] is the default and
//! [`PaperSize::A5`] is available through [`render_with`] for counters that keep A5 slips.
//!
//! ```no_run
//! # fn demo(doc: &documents::Document) -> Result<(), documents::DocumentError> {
//! let pdf: Vec<u8> = documents::render(doc)?;
//! # Ok(()) }
//! ```

mod forms;
mod money;
mod qr;
pub mod samples;
mod world;

use serde::Serialize;
use typst::diag::SourceDiagnostic;
use typst::foundations::Smart;
use typst_layout::PagedDocument;

pub use forms::{
    Apology, Applicant, Document, FeeLine, FeeReceipt, Letterhead, Paper, Receipt, Refusal,
    Signatory, StopNotice, SupplementRequest,
};
pub use money::{amount_in_words, format_amount, number_in_words};
pub use qr::{qr_matrix, svg as qr_svg};

/// Why a document could not be rendered.
#[derive(Debug, thiserror::Error)]
pub enum DocumentError {
    /// The verification URL is empty, so there is nothing to put in the QR code.
    #[error("the verification URL is empty")]
    EmptyVerificationUrl,
    /// The verification URL is too long for a QR code.
    #[error("the verification URL cannot be encoded as a QR code: {0}")]
    Qr(#[from] qrcode::types::QrError),
    /// The amounts of a fee receipt cannot be printed: no fee line, a total too large for a
    /// `u64`, or more refunded than paid.
    #[error("the receipt's amounts are invalid: {0}")]
    InvalidAmounts(&'static str),
    /// The data could not be serialised for the template (should not happen).
    #[error("the document data could not be serialised: {0}")]
    Data(#[from] serde_json::Error),
    /// Typst reported errors while laying out the document (a bug in a template).
    #[error("typst could not lay out form {form}: {message}")]
    Layout {
        /// The form number, "01" to "05", or "BL" for the fee receipt.
        form: &'static str,
        /// The typst diagnostics, joined.
        message: String,
    },
    /// The PDF writer failed.
    #[error("the PDF could not be written: {0}")]
    Pdf(String),
    /// Anything else that cannot happen with valid embedded templates.
    #[error("internal error: {0}")]
    Internal(String),
}

/// Paper size of the rendered document.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum PaperSize {
    /// ISO A4 (210 × 297 mm), 13 pt text, Decree 30/2020 margins. The default.
    #[default]
    A4,
    /// ISO A5 (148 × 210 mm), 11 pt text, as Circular 01/2018/TT-VPCP printed these forms.
    A5,
}

/// Options for [`render_with`].
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct RenderOptions {
    /// Paper size; A4 unless told otherwise.
    pub paper: PaperSize,
}

/// What the templates receive as `/data.json`.
#[derive(Serialize)]
struct TemplateData<'a> {
    /// "a4" or "a5".
    paper: PaperSize,
    /// Form number, "01" to "05" ("BL" for the fee receipt).
    form_number: &'static str,
    /// The legal reference printed in the footer.
    footer: &'static str,
    /// Title in capitals (also the PDF's title metadata).
    title: &'static str,
    /// The form's own fields.
    form: &'a Document,
    /// The fee receipt's amounts, formatted (`None` for the other documents).
    amounts: Option<ReceiptAmounts>,
}

/// The amounts of a [`FeeReceipt`] as printed: in figures with dots between thousands, the total
/// and the refund also in words. Computed here so the template does no arithmetic.
#[derive(Serialize)]
struct ReceiptAmounts {
    /// Each line's amount in figures, in the order of `lines`.
    lines: Vec<String>,
    /// The total in figures.
    total: String,
    /// The total in words, e.g. "Năm mươi nghìn đồng".
    total_words: String,
    /// The refund, when there is one.
    refund: Option<Refund>,
}

/// A refund printed on a fee receipt.
#[derive(Serialize)]
struct Refund {
    /// Amount refunded in figures.
    amount: String,
    /// Amount refunded in words.
    words: String,
    /// What the agency keeps (total less refund) in figures.
    kept: String,
    /// What the agency keeps in words.
    kept_words: String,
}

impl ReceiptAmounts {
    /// Checks and formats the amounts of `receipt`.
    fn of(receipt: &FeeReceipt) -> Result<Self, DocumentError> {
        if receipt.lines.is_empty() {
            return Err(DocumentError::InvalidAmounts("the receipt has no fee line"));
        }
        let total = receipt.total_vnd().ok_or(DocumentError::InvalidAmounts(
            "the total of the fee lines is too large",
        ))?;
        let refund = match receipt.refunded_vnd {
            None | Some(0) => None,
            Some(refunded) => {
                let kept = total
                    .checked_sub(refunded)
                    .ok_or(DocumentError::InvalidAmounts(
                        "the refund is larger than the total",
                    ))?;
                Some(Refund {
                    amount: format_amount(refunded),
                    words: amount_in_words(refunded),
                    kept: format_amount(kept),
                    kept_words: amount_in_words(kept),
                })
            }
        };
        Ok(Self {
            lines: receipt
                .lines
                .iter()
                .map(|l| format_amount(l.amount_vnd))
                .collect(),
            total: format_amount(total),
            total_words: amount_in_words(total),
            refund,
        })
    }
}

/// Renders `document` as an A4 PDF.
pub fn render(document: &Document) -> Result<Vec<u8>, DocumentError> {
    render_with(document, &RenderOptions::default())
}

/// Renders `document` as a PDF with the given options.
pub fn render_with(document: &Document, options: &RenderOptions) -> Result<Vec<u8>, DocumentError> {
    let (doc, _warnings) = layout(document, options)?;
    let pdf_options = typst_pdf::PdfOptions {
        // No timestamp and a stable identifier: the same data gives the same bytes, which the
        // record seal (SHA-256 of the issued file) relies on.
        ident: Smart::Custom(format!(
            "motcua-form-{}-{}",
            document.form_number(),
            document.verification_url()
        )),
        timestamp: None,
        ..Default::default()
    };
    typst_pdf::pdf(&doc, &pdf_options).map_err(|errors| DocumentError::Pdf(join(&errors)))
}

/// Lays `document` out, returning the pages and typst's warnings.
fn layout(
    document: &Document,
    options: &RenderOptions,
) -> Result<(PagedDocument, Vec<String>), DocumentError> {
    let form = document.form_number();
    let amounts = match document {
        Document::FeeReceipt(receipt) => Some(ReceiptAmounts::of(receipt)?),
        _ => None,
    };
    let data = serde_json::to_vec(&TemplateData {
        paper: options.paper,
        form_number: form,
        footer: document.legal_reference(),
        title: document.title(),
        form: document,
        amounts,
    })?;
    let qr_svg = qr::svg(document.verification_url())?;
    let world = world::DocumentWorld::new(document.template(), data, qr_svg)?;
    let result = typst::compile::<PagedDocument>(&world);
    // Typst memoises across compilations; drop what older compilations left so a long-running
    // server does not grow without bound.
    typst::comemo::evict(10);
    let warnings = result
        .warnings
        .iter()
        .map(|w| w.message.to_string())
        .collect();
    let doc = result.output.map_err(|errors| DocumentError::Layout {
        form,
        message: join(&errors),
    })?;
    Ok((doc, warnings))
}

/// Joins typst diagnostics into one message.
fn join(diagnostics: &[SourceDiagnostic]) -> String {
    diagnostics
        .iter()
        .map(|d| {
            let mut s = d.message.to_string();
            for hint in &d.hints {
                s.push_str(" (hint: ");
                s.push_str(&hint.v);
                s.push(')');
            }
            s
        })
        .collect::<Vec<_>>()
        .join("; ")
}

/// The characters of `text` that one of the embedded font faces (regular, bold, italic, bold
/// italic) has no glyph for, in order of first appearance, whitespace ignored.
///
/// Typst prints an empty box for such a character without any warning, so callers can use
/// this to flag a name that will not print (e.g. in a script the fonts do not cover).
pub fn missing_glyphs(text: &str) -> Vec<char> {
    let mut missing = Vec::new();
    for c in text.chars().filter(|c| !c.is_whitespace()) {
        let covered = world::fonts()
            .iter()
            .all(|font| font.info().coverage.contains(u32::from(c)));
        if !covered && !missing.contains(&c) {
            missing.push(c);
        }
    }
    missing
}

/// The source of every embedded template, by file name, for tests and reviews.
pub fn templates() -> impl Iterator<Item = (&'static str, &'static str)> {
    world::TEMPLATES.iter().copied()
}

/// Number of embedded font faces (4: Liberation Serif regular, bold, italic, bold italic).
pub fn font_face_count() -> usize {
    world::fonts().len()
}

#[cfg(test)]
mod tests {
    use super::*;
    use typst::layout::{Frame, FrameItem};

    /// The text typst laid out, glyph runs in page order (one `\n` between runs).
    fn laid_out_text(doc: &PagedDocument) -> String {
        fn walk(frame: &Frame, out: &mut String) {
            for (_, item) in frame.items() {
                match item {
                    FrameItem::Group(g) => walk(&g.frame, out),
                    FrameItem::Text(t) => {
                        out.push_str(&t.text);
                        out.push('\n');
                    }
                    _ => {}
                }
            }
        }
        let mut out = String::new();
        for page in doc.pages() {
            walk(&page.frame, &mut out);
        }
        out
    }

    #[test]
    fn the_templates_lay_out_without_typst_warnings() {
        for doc in crate::samples::all() {
            for paper in [PaperSize::A4, PaperSize::A5] {
                let (_, warnings) = layout(&doc, &RenderOptions { paper }).expect("lays out");
                assert!(
                    warnings.is_empty(),
                    "form {} on {paper:?}: {warnings:?}",
                    doc.form_number()
                );
            }
        }
    }

    #[test]
    fn typst_markup_in_user_text_is_laid_out_literally() {
        let nasty = r#"Lê *Văn* _An_ #strong[x] $x^2$ [a] \ "q" <l> @ref // c = - + 1."#;
        let mut receipt = crate::samples::receipt();
        receipt.applicant.name = nasty.to_owned();
        receipt.procedure = format!("{nasty} (thủ tục)");
        let (doc, _) =
            layout(&Document::Receipt(receipt), &RenderOptions::default()).expect("lays out");
        // Glyph runs break at spaces and style changes only; compare without whitespace.
        let text: String = laid_out_text(&doc)
            .chars()
            .filter(|c| !c.is_whitespace())
            .collect();
        let want: String = nasty.chars().filter(|c| !c.is_whitespace()).collect();
        assert!(text.contains(&want), "{want} not in {text}");
    }

    #[test]
    fn typst_markup_in_a_fee_receipt_payer_is_laid_out_literally() {
        let nasty = r#"N. *T.* _H._ #strong[x] $x^2$ [a] \ "q" <l> @ref // c = - + 1."#;
        let mut receipt = crate::samples::fee_receipt();
        receipt.payer = nasty.to_owned();
        let (doc, _) =
            layout(&Document::FeeReceipt(receipt), &RenderOptions::default()).expect("lays out");
        let text: String = laid_out_text(&doc)
            .chars()
            .filter(|c| !c.is_whitespace())
            .collect();
        let want: String = nasty.chars().filter(|c| !c.is_whitespace()).collect();
        assert!(text.contains(&want), "{want} not in {text}");
    }

    #[test]
    fn the_fee_receipt_lays_out_its_amount_in_words_code_and_reference() {
        let (doc, _) = layout(
            &Document::FeeReceipt(crate::samples::fee_receipt()),
            &RenderOptions::default(),
        )
        .expect("lays out");
        let text: String = laid_out_text(&doc)
            .chars()
            .filter(|c| !c.is_whitespace())
            .collect();
        for want in [
            "BIÊN LAI THU PHÍ, LỆ PHÍ",
            "Ba mươi chín nghìn đồng",
            crate::samples::DOSSIER_CODE,
            crate::samples::PAYMENT_REFERENCE,
            "N. T. H. Nhung",
            "39.000",
        ] {
            let want: String = want.chars().filter(|c| !c.is_whitespace()).collect();
            assert!(text.contains(&want), "{want} not in {text}");
        }
    }

    #[test]
    fn the_receipt_lays_out_its_vietnamese_text() {
        let (doc, _) = layout(
            &Document::Receipt(crate::samples::receipt()),
            &RenderOptions::default(),
        )
        .expect("lays out");
        let text: String = laid_out_text(&doc)
            .chars()
            .filter(|c| !c.is_whitespace())
            .collect();
        for want in [
            "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
            "Độc lập - Tự do - Hạnh phúc",
            "GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ",
            "Nguyễn Thị Hồng Nhung",
            "Bắc Ninh, ngày 27 tháng 11 năm 2026",
        ] {
            let want: String = want.chars().filter(|c| !c.is_whitespace()).collect();
            assert!(text.contains(&want), "{want} not in {text}");
        }
    }
}
