//! End-to-end tests of the documents crate: every form renders to a well-formed PDF, the
//! embedded fonts cover Vietnamese, the text in the PDF is exactly what was asked for (checked
//! with poppler's `pdftotext` when it is installed) and the QR code scans back to the URL.

use std::io::Write;
use std::process::{Command, Stdio};

use documents::{
    Document, DocumentError, FeeLine, PaperSize, RenderOptions, render, render_with, samples,
};

/// Every Vietnamese letter: the 12 base vowels with the 5 tone marks, đ, in both cases, plus the
/// consonants and the punctuation the forms use.
const VIETNAMESE: &str = "aàáảãạ ăằắẳẵặ âầấẩẫậ eèéẻẽẹ êềếểễệ iìíỉĩị oòóỏõọ ôồốổỗộ ơờớởỡợ \
    uùúủũụ ưừứửữự yỳýỷỹỵ đ bcdghklmnpqrstvx \
    AÀÁẢÃẠ ĂẰẮẲẴẶ ÂẦẤẨẪẬ EÈÉẺẼẸ ÊỀẾỂỄỆ IÌÍỈĨỊ OÒÓỎÕỌ ÔỒỐỔỖỘ ƠỜỚỞỠỢ \
    UÙÚỦŨỤ ƯỪỨỬỮỰ YỲÝỶỸỴ Đ BCDGHKLMNPQRSTVX 0123456789 .,;:!?-–—…/()\"'“”‘’%";

/// Runs `tool args… -` on `input`, returning stdout; `None` when the tool is not installed.
fn poppler(tool: &str, args: &[&str], input: &[u8]) -> Option<Vec<u8>> {
    let mut child = match Command::new(tool)
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
    {
        Ok(child) => child,
        Err(_) => {
            println!("NOTICE: `{tool}` (poppler-utils) is not installed; check skipped");
            return None;
        }
    };
    let mut stdin = child.stdin.take().expect("stdin");
    let input = input.to_vec();
    let writer = std::thread::spawn(move || stdin.write_all(&input));
    let out = child.wait_with_output().expect("poppler runs");
    writer
        .join()
        .expect("writer thread")
        .expect("write pdf to poppler");
    assert!(out.status.success(), "{tool} failed");
    Some(out.stdout)
}

/// Text of the PDF as `pdftotext -layout` sees it (lines as printed, columns side by side).
fn pdftotext(pdf: &[u8]) -> Option<String> {
    poppler("pdftotext", &["-layout", "-enc", "UTF-8", "-", "-"], pdf)
        .map(|out| String::from_utf8(out).expect("pdftotext prints UTF-8"))
}

/// Text of the PDF in reading order (`pdftotext` without `-layout`: one column after the other).
fn pdftotext_reading_order(pdf: &[u8]) -> Option<String> {
    poppler("pdftotext", &["-enc", "UTF-8", "-", "-"], pdf)
        .map(|out| String::from_utf8(out).expect("pdftotext prints UTF-8"))
}

/// Number of pages counted in the PDF's page tree, without any PDF library: the `/Count` of
/// the root `/Pages` dictionary (typst writes the page tree uncompressed, as
/// `<</Type/Pages/Count 1/Kids[…]>>`). Also checks that as many page objects exist.
fn page_count(pdf: &[u8]) -> usize {
    let text = String::from_utf8_lossy(pdf).replace("/Type /", "/Type/");
    let (_, after) = text.split_once("/Type/Pages").expect("a /Pages dictionary");
    let dict = after.split(">>").next().expect("dictionary end");
    let count: usize = dict
        .split("/Count")
        .nth(1)
        .expect("a /Count entry")
        .trim_start()
        .split(|c: char| !c.is_ascii_digit())
        .next()
        .expect("a number after /Count")
        .parse()
        .expect("/Count is a number");
    let page_objects = text.matches("/Type/Page/").count() + text.matches("/Type/Page>>").count();
    assert_eq!(page_objects, count, "page objects vs /Count");
    count
}

/// Asserts the basic shape of a PDF file.
fn assert_well_formed(pdf: &[u8], pages: usize) {
    assert!(pdf.starts_with(b"%PDF-"), "starts with the PDF header");
    let tail = String::from_utf8_lossy(&pdf[pdf.len().saturating_sub(32)..]).to_string();
    assert!(
        tail.trim_end().ends_with("%%EOF"),
        "ends with %%EOF: {tail:?}"
    );
    assert!(
        pdf.windows(9).any(|w| w == b"startxref"),
        "has a cross-reference"
    );
    assert_eq!(page_count(pdf), pages, "page count");
}

/// Removes all whitespace, since pdftotext lays text out in columns.
fn squash(s: &str) -> String {
    s.chars().filter(|c| !c.is_whitespace()).collect()
}

#[test]
fn every_form_renders_to_a_one_page_a4_pdf() {
    for doc in samples::all() {
        let pdf = render(&doc).unwrap_or_else(|e| panic!("form {}: {e}", doc.form_number()));
        assert_well_formed(&pdf, 1);
        assert!(
            String::from_utf8_lossy(&pdf)
                .replace("/MediaBox [", "/MediaBox[")
                .contains("/MediaBox[0 0 595.2756 841.8898]"),
            "form {} is A4",
            doc.form_number()
        );
    }
}

#[test]
fn every_form_renders_on_a5_too() {
    for doc in samples::all() {
        let pdf = render_with(
            &doc,
            &RenderOptions {
                paper: PaperSize::A5,
            },
        )
        .unwrap_or_else(|e| panic!("form {}: {e}", doc.form_number()));
        assert!(pdf.starts_with(b"%PDF-"));
        assert!(
            String::from_utf8_lossy(&pdf)
                .replace("/MediaBox [", "/MediaBox[")
                .contains("/MediaBox[0 0 419.52756 595.2756]"),
            "form {} is A5",
            doc.form_number()
        );
    }
}

#[test]
fn every_template_and_vietnamese_letter_has_a_glyph_in_the_embedded_fonts() {
    assert_eq!(
        documents::font_face_count(),
        4,
        "regular, bold, italic, bold italic"
    );
    assert_eq!(
        documents::missing_glyphs(VIETNAMESE),
        Vec::<char>::new(),
        "Vietnamese sample"
    );
    for (name, source) in documents::templates() {
        assert_eq!(
            documents::missing_glyphs(source),
            Vec::<char>::new(),
            "template {name}"
        );
    }
    for doc in samples::all() {
        let json = format!("{doc:?}");
        assert_eq!(
            documents::missing_glyphs(&json),
            Vec::<char>::new(),
            "sample {}",
            doc.form_number()
        );
    }
}

#[test]
fn missing_glyphs_names_characters_the_fonts_lack() {
    assert_eq!(documents::missing_glyphs("Nguyễn 阮 😀"), vec!['阮', '😀']);
}

#[test]
fn a_receipt_pdf_contains_the_exact_vietnamese_text() {
    let pdf = render(&Document::Receipt(samples::receipt())).expect("renders");
    assert_well_formed(&pdf, 1);
    let Some(text) = pdftotext(&pdf) else { return };
    for want in [
        "UBND TỈNH BẮC NINH",
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "Độc lập - Tự do - Hạnh phúc",
        "Bắc Ninh, ngày 27 tháng 11 năm 2026",
        "GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ",
        "Mã hồ sơ: 000.00.15.H56-261127-0001",
        "Tiếp nhận hồ sơ của: Nguyễn Thị Hồng Nhung",
        "Số 5 đường Lý Thái Tổ, phường Kinh Bắc, tỉnh Bắc Ninh",
        "Tờ khai đăng ký khai sinh",
        "Bản sao có chứng thực",
        "Thời gian trả kết quả giải quyết hồ sơ: 08 giờ 30 phút, ngày 30 tháng 11 năm 2026",
        "NGƯỜI TIẾP NHẬN HỒ SƠ",
        "Trần Văn Bình",
        "(Ký và ghi rõ họ tên)",
    ] {
        assert!(text.contains(want), "{want:?} not in:\n{text}");
    }
    // The agency's name may wrap in its column, and the URL under the QR code.
    let columns = pdftotext_reading_order(&pdf).expect("pdftotext ran above");
    assert!(squash(&columns).contains(&squash("TRUNG TÂM PHỤC VỤ HÀNH CHÍNH CÔNG")));
    assert!(squash(&text).contains(&squash(&samples::verification_url("01"))));
}

#[test]
fn every_form_pdf_contains_its_title_and_reasons() {
    for doc in samples::all() {
        let pdf = render(&doc).expect("renders");
        let Some(text) = pdftotext(&pdf) else { return };
        assert!(
            squash(&text).contains(&squash(doc.title())),
            "{}:\n{text}",
            doc.title()
        );
        let reasons: Vec<String> = match &doc {
            Document::SupplementRequest(d) => d.reasons.clone(),
            Document::Refusal(d) => d.reasons.clone(),
            Document::Apology(d) => d.reasons.clone(),
            Document::StopNotice(d) => d.reasons.clone(),
            Document::Receipt(_) | Document::FeeReceipt(_) => vec![],
        };
        for r in reasons {
            assert!(squash(&text).contains(&squash(&r)), "{r:?} not in:\n{text}");
        }
    }
}

#[test]
fn user_text_with_typst_markup_characters_prints_literally() {
    let nasty = r#"Lê *Văn* _An_ #strong[x] $x^2$ [a] \ "q" <l> @ref // c = - + 1. `raw` ~"#;
    let mut receipt = samples::receipt();
    receipt.applicant.name = nasty.to_owned();
    receipt.applicant.address = "#set page(width: 1cm) ]) } #panic(\"x\")".to_owned();
    let pdf = render(&Document::Receipt(receipt)).expect("renders without interpreting markup");
    assert_well_formed(&pdf, 1);
    let Some(text) = pdftotext(&pdf) else { return };
    // pdftotext may map the non-breaking space typst uses for `~`; squash whitespace only.
    assert!(
        squash(&text).contains(&squash(nasty)),
        "{nasty:?} not in:\n{text}"
    );
    assert!(squash(&text).contains(&squash("#set page(width: 1cm) ]) } #panic(\"x\")")));
}

#[test]
fn the_same_document_renders_to_the_same_bytes() {
    let doc = Document::Apology(samples::apology());
    assert_eq!(render(&doc).expect("first"), render(&doc).expect("second"));
}

#[test]
fn an_empty_verification_url_is_an_error() {
    let mut receipt = samples::receipt();
    receipt.verification_url.clear();
    assert!(matches!(
        render(&Document::Receipt(receipt)),
        Err(documents::DocumentError::EmptyVerificationUrl)
    ));
}

#[test]
fn a_verification_url_too_long_for_a_qr_code_is_an_error() {
    let mut receipt = samples::receipt();
    receipt.verification_url = format!("https://x.vn/{}", "a".repeat(3000));
    assert!(matches!(
        render(&Document::Receipt(receipt)),
        Err(documents::DocumentError::Qr(_))
    ));
}

/// Parses a binary greyscale PGM (P5) as `pdftoppm -gray` writes it.
fn parse_pgm(pgm: &[u8]) -> (usize, usize, &[u8]) {
    let mut fields = Vec::new();
    let mut i = 0;
    while fields.len() < 4 {
        while pgm[i].is_ascii_whitespace() {
            i += 1;
        }
        let start = i;
        while !pgm[i].is_ascii_whitespace() {
            i += 1;
        }
        fields.push(String::from_utf8_lossy(&pgm[start..i]).to_string());
    }
    assert_eq!(fields[0], "P5");
    let (w, h): (usize, usize) = (fields[1].parse().expect("w"), fields[2].parse().expect("h"));
    let pixels = &pgm[i + 1..];
    assert_eq!(pixels.len(), w * h);
    (w, h, pixels)
}

#[test]
fn the_printed_qr_code_scans_back_to_the_verification_url() {
    for doc in [
        Document::Receipt(samples::receipt()),
        Document::StopNotice(samples::stop_notice()),
        Document::FeeReceipt(samples::fee_receipt()),
    ] {
        let pdf = render(&doc).expect("renders");
        let Some(pgm) = poppler(
            "pdftoppm",
            &["-gray", "-r", "150", "-singlefile", "-"],
            &pdf,
        ) else {
            return;
        };
        let (w, h, pixels) = parse_pgm(&pgm);
        let mut img = rqrr::PreparedImage::prepare_from_greyscale(w, h, |x, y| pixels[y * w + x]);
        let grids = img.detect_grids();
        assert_eq!(grids.len(), 1, "one QR code on form {}", doc.form_number());
        let (_, content) = grids[0].decode().expect("decodes");
        assert_eq!(content, doc.verification_url());
    }
}

#[test]
fn the_qr_matrix_is_a_square_of_a_valid_qr_size() {
    let matrix = documents::qr_matrix(&samples::verification_url("01")).expect("encodes");
    let n = matrix.len();
    assert!(n >= 21 && (n - 21).is_multiple_of(4), "size {n} is 21 + 4k");
    assert!(matrix.iter().all(|row| row.len() == n));
    // The three finder patterns have a dark top-left corner.
    assert!(matrix[0][0] && matrix[0][n - 1] && matrix[n - 1][0]);
}

#[test]
fn a_fee_receipt_pdf_contains_its_amounts_in_figures_and_words() {
    let pdf = render(&Document::FeeReceipt(samples::fee_receipt())).expect("renders");
    assert_well_formed(&pdf, 1);
    let Some(text) = pdftotext(&pdf) else { return };
    for want in [
        "TỈNH BẮC NINH",
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "Kinh Bắc, ngày 27 tháng 11 năm 2026",
        "BIÊN LAI THU PHÍ, LỆ PHÍ",
        "(Biên lai điện tử)",
        "Số biên lai: MC01962A7F3B5C",
        "Họ và tên người nộp: N. T. H. Nhung",
        "Mã hồ sơ: 000.00.15.H56-261127-0001",
        "Thủ tục hành chính: Đăng ký thay đổi, cải chính, bổ sung thông tin hộ tịch",
        "Tên loại phí, lệ phí",
        "Lệ phí đăng ký thay đổi, cải chính, bổ sung thông tin hộ tịch",
        "Phí cấp bản sao trích lục hộ tịch (03 bản × 8.000 đồng)",
        "15.000",
        "24.000",
        "Tổng cộng",
        "39.000",
        "Số tiền bằng chữ: Ba mươi chín nghìn đồng",
        "Hình thức nộp: Trực tuyến qua Nền tảng thanh toán PayGov",
        "Mã giao dịch: PG2611270915004711",
        "Thời điểm nộp: 09 giờ 15 phút, ngày 27 tháng 11 năm 2026",
    ] {
        assert!(text.contains(want), "{want:?} not in:\n{text}");
    }
    // The URL wraps under the QR code beside the explanation: read the columns one by one.
    let columns = pdftotext_reading_order(&pdf).expect("pdftotext ran above");
    assert!(squash(&columns).contains(&squash(&samples::fee_receipt_url())));
    let squashed = squash(&text);
    assert!(squashed.contains(&squash("Đây là biên lai điện tử")));
    assert!(squashed.contains(&squash("Quét mã QR")));
    // Nothing was refunded: no refund box.
    assert!(!text.contains("HOÀN TRẢ:"), "{text}");
}

#[test]
fn the_fee_receipt_footer_cites_its_own_legal_basis_and_forms_keep_theirs() {
    let fee = render(&Document::FeeReceipt(samples::fee_receipt())).expect("renders");
    let Some(fee_text) = pdftotext_reading_order(&fee) else {
        return;
    };
    // Not a form of Circular 03/2025/TT-VPCP, and it does not pretend to be.
    assert!(!fee_text.contains("Mẫu số"), "{fee_text}");
    assert!(!fee_text.contains("03/2025/TT-VPCP"), "{fee_text}");
    assert!(
        squash(&fee_text).contains(&squash("nội dung theo Nghị định số 123/2020/NĐ-CP")),
        "{fee_text}"
    );
    // Forms 01-05 print the footer they printed before.
    for doc in samples::all() {
        if matches!(doc, Document::FeeReceipt(_)) {
            continue;
        }
        let pdf = render(&doc).expect("renders");
        let text = pdftotext_reading_order(&pdf).expect("pdftotext ran above");
        let want = format!(
            "Mẫu số {}, Phụ lục I, Thông tư số 03/2025/TT-VPCP",
            doc.form_number()
        );
        assert!(text.contains(&want), "{want:?} not in:\n{text}");
        assert_eq!(doc.legal_reference(), want);
    }
}

#[test]
fn a_refund_is_printed_in_figures_and_words_with_the_amount_kept() {
    let mut receipt = samples::fee_receipt();
    receipt.refunded_vnd = Some(24_000);
    let pdf = render(&Document::FeeReceipt(receipt)).expect("renders");
    assert_well_formed(&pdf, 1);
    let Some(text) = pdftotext(&pdf) else { return };
    let squashed = squash(&text);
    for want in [
        "ĐÃ HOÀN TRẢ: 24.000 đồng (Hai mươi tư nghìn đồng)",
        "Số tiền thực thu sau hoàn trả: 15.000 đồng (Mười lăm nghìn đồng)",
        "Số tiền bằng chữ: Ba mươi chín nghìn đồng",
    ] {
        assert!(squashed.contains(&squash(want)), "{want:?} not in:\n{text}");
    }
}

#[test]
fn a_zero_refund_and_a_missing_transaction_print_nothing() {
    let mut receipt = samples::fee_receipt();
    receipt.refunded_vnd = Some(0);
    receipt.transaction = None;
    receipt.channel = "Nộp tiền mặt tại Bộ phận Một cửa".to_owned();
    let pdf = render(&Document::FeeReceipt(receipt)).expect("renders");
    let Some(text) = pdftotext(&pdf) else { return };
    assert!(!text.contains("HOÀN TRẢ"), "{text}");
    assert!(!text.contains("Mã giao dịch"), "{text}");
    assert!(text.contains("Hình thức nộp: Nộp tiền mặt tại Bộ phận Một cửa"));
}

#[test]
fn a_large_fee_receipt_prints_hundreds_of_billions_in_words() {
    let mut receipt = samples::fee_receipt();
    receipt.lines = vec![
        FeeLine {
            name: "Phí thẩm định".to_owned(),
            amount_vnd: 105_024_000_000,
        },
        FeeLine {
            name: "Lệ phí cấp phép".to_owned(),
            amount_vnd: 15,
        },
    ];
    let pdf = render(&Document::FeeReceipt(receipt)).expect("renders");
    let Some(text) = pdftotext_reading_order(&pdf) else {
        return;
    };
    assert!(text.contains("105.024.000.015"), "{text}");
    assert!(
        squash(&text).contains(&squash(
            "Một trăm linh năm tỷ không trăm hai mươi tư triệu không trăm mười lăm đồng"
        )),
        "{text}"
    );
}

#[test]
fn a_payer_name_with_typst_markup_prints_literally_on_a_fee_receipt() {
    let nasty = r#"N. *T.* _H._ #strong[x] $x^2$ [a] \ "q" <l> @ref // c = - + 1. `raw` ~"#;
    let mut receipt = samples::fee_receipt();
    receipt.payer = nasty.to_owned();
    receipt.lines[0].name = "#panic(\"line\") ]) }".to_owned();
    receipt.channel = "#set page(width: 1cm)".to_owned();
    let pdf = render(&Document::FeeReceipt(receipt)).expect("renders without interpreting markup");
    assert_well_formed(&pdf, 1);
    let Some(text) = pdftotext(&pdf) else { return };
    let squashed = squash(&text);
    for want in [nasty, "#panic(\"line\") ]) }", "#set page(width: 1cm)"] {
        assert!(squashed.contains(&squash(want)), "{want:?} not in:\n{text}");
    }
}

#[test]
fn fee_receipt_amounts_that_do_not_add_up_are_errors() {
    let mut no_lines = samples::fee_receipt();
    no_lines.lines.clear();
    let mut overflow = samples::fee_receipt();
    overflow.lines[0].amount_vnd = u64::MAX;
    let mut over_refund = samples::fee_receipt();
    over_refund.refunded_vnd = Some(39_001);
    for receipt in [no_lines, overflow, over_refund] {
        assert!(matches!(
            render(&Document::FeeReceipt(receipt)),
            Err(DocumentError::InvalidAmounts(_))
        ));
    }
    // A refund of everything is fine.
    let mut full_refund = samples::fee_receipt();
    full_refund.refunded_vnd = Some(39_000);
    assert!(render(&Document::FeeReceipt(full_refund)).is_ok());
}

#[test]
fn the_fee_receipt_total_is_the_sum_of_its_lines() {
    assert_eq!(samples::fee_receipt().total_vnd(), Some(39_000));
    assert_eq!(
        documents::amount_in_words(39_000),
        "Ba mươi chín nghìn đồng"
    );
    assert_eq!(documents::format_amount(39_000), "39.000");
    assert_eq!(documents::number_in_words(21), "hai mươi mốt");
}
