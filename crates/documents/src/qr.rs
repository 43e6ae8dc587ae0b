//! The QR code printed on every document: it encodes the public verification URL (DESIGN §6:
//! receipts and results carry a QR code that opens the verification page).
//!
//! Rendered as SVG so typst embeds it as vector graphics: it stays sharp when printed.

use qrcode::{EcLevel, QrCode, render::svg};

use crate::DocumentError;

/// Error correction level: M (15 %) survives a crease or a stamp over a corner and keeps the
/// symbol small for URLs of ~100 characters.
const EC_LEVEL: EcLevel = EcLevel::M;

/// Builds the QR code for `url`.
fn code(url: &str) -> Result<QrCode, DocumentError> {
    if url.is_empty() {
        return Err(DocumentError::EmptyVerificationUrl);
    }
    Ok(QrCode::with_error_correction_level(
        url.as_bytes(),
        EC_LEVEL,
    )?)
}

/// The QR code for `url` as an SVG document, with the 4-module quiet zone the standard asks for.
pub fn svg(url: &str) -> Result<String, DocumentError> {
    Ok(code(url)?
        .render::<svg::Color<'_>>()
        .min_dimensions(200, 200)
        .quiet_zone(true)
        .build())
}

/// The QR matrix for `url`, row by row, `true` for a dark module, without quiet zone.
///
/// Public so that callers (and tests) can check what is printed without rasterising the PDF.
pub fn qr_matrix(url: &str) -> Result<Vec<Vec<bool>>, DocumentError> {
    let code = code(url)?;
    let width = code.width();
    let colors = code.to_colors();
    Ok(colors
        .chunks(width)
        .map(|row| row.iter().map(|c| *c == qrcode::Color::Dark).collect())
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Renders a matrix as a greyscale image, 4 pixels a module, with a 4-module quiet zone.
    fn decode(matrix: &[Vec<bool>]) -> String {
        let scale = 4;
        let quiet = 4;
        let size = (matrix.len() + 2 * quiet) * scale;
        let mut img = rqrr::PreparedImage::prepare_from_greyscale(size, size, |x, y| {
            let (mx, my) = (x / scale, y / scale);
            let dark = mx >= quiet
                && my >= quiet
                && matrix
                    .get(my - quiet)
                    .and_then(|row| row.get(mx - quiet))
                    .copied()
                    .unwrap_or(false);
            if dark { 0 } else { 255 }
        });
        let grids = img.detect_grids();
        assert_eq!(grids.len(), 1, "exactly one QR code is found");
        let (_meta, content) = grids[0].decode().expect("decodes");
        content
    }

    #[test]
    fn the_qr_matrix_decodes_back_to_the_verification_url() {
        let url =
            "https://dichvucong.bacninh.gov.vn/xac-minh/000.00.15.H56-261127-0001?k=3f9a_Zx-7Q";
        assert_eq!(decode(&qr_matrix(url).expect("encodes")), url);
    }

    #[test]
    fn the_svg_is_a_standalone_svg_document() {
        let svg = svg("https://example.vn/x").expect("renders");
        assert!(svg.contains("<svg"), "{svg}");
        assert!(svg.contains("</svg>"));
    }

    #[test]
    fn an_empty_url_is_refused() {
        assert!(matches!(svg(""), Err(DocumentError::EmptyVerificationUrl)));
    }
}
