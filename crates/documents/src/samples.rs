//! Realistic example documents, one per form and one fee receipt: used by the tests, and by
//! callers that want a preview of a form (e.g. an admin page showing what a receipt looks like).

use crate::{
    Apology, Applicant, Document, FeeLine, FeeReceipt, Letterhead, Paper, Receipt, Refusal,
    Signatory, StopNotice, SupplementRequest,
};

/// Letterhead of Bắc Ninh's public administration service centre.
pub fn letterhead(number: Option<&str>) -> Letterhead {
    Letterhead {
        parent_agency: "UBND TỈNH BẮC NINH".to_owned(),
        agency: "TRUNG TÂM PHỤC VỤ HÀNH CHÍNH CÔNG".to_owned(),
        number: number.map(str::to_owned),
        place_and_date: "Bắc Ninh, ngày 27 tháng 11 năm 2026".to_owned(),
    }
}

/// A citizen of Bắc Ninh.
pub fn applicant() -> Applicant {
    Applicant {
        name: "Nguyễn Thị Hồng Nhung".to_owned(),
        address: "Số 5 đường Lý Thái Tổ, phường Kinh Bắc, tỉnh Bắc Ninh".to_owned(),
        phone: Some("0912 345 678".to_owned()),
        email: Some("hongnhung@example.vn".to_owned()),
    }
}

/// Dossier code used by the samples.
pub const DOSSIER_CODE: &str = "000.00.15.H56-261127-0001";

/// Verification URL for a sample of form `form`.
pub fn verification_url(form: &str) -> String {
    format!("https://dichvucong.bacninh.gov.vn/xac-minh/{DOSSIER_CODE}?mau={form}&k=Q7fZ2xk9")
}

/// Procedure name used by the samples.
pub const PROCEDURE: &str =
    "Đăng ký khai sinh kết hợp cấp thẻ bảo hiểm y tế cho trẻ em dưới 6 tuổi";

/// Form 01 sample.
pub fn receipt() -> Receipt {
    Receipt {
        letterhead: letterhead(None),
        dossier_code: DOSSIER_CODE.to_owned(),
        applicant: applicant(),
        procedure: PROCEDURE.to_owned(),
        papers: vec![
            Paper {
                name: "Tờ khai đăng ký khai sinh".to_owned(),
                form: "Bản chính".to_owned(),
                count: 1,
            },
            Paper {
                name: "Giấy chứng sinh".to_owned(),
                form: "Bản chính".to_owned(),
                count: 1,
            },
            Paper {
                name: "Giấy chứng nhận kết hôn của cha, mẹ".to_owned(),
                form: "Bản sao có chứng thực".to_owned(),
                count: 1,
            },
        ],
        dossier_sets: 1,
        processing_time: "01 ngày làm việc".to_owned(),
        received_at: "08 giờ 30 phút, ngày 27 tháng 11 năm 2026".to_owned(),
        appointment_at: "08 giờ 30 phút, ngày 30 tháng 11 năm 2026".to_owned(),
        result_delivery: "Bộ phận Một cửa, Trung tâm Phục vụ hành chính công tỉnh".to_owned(),
        officer: Signatory {
            title: "NGƯỜI TIẾP NHẬN HỒ SƠ".to_owned(),
            name: "Trần Văn Bình".to_owned(),
        },
        verification_url: verification_url("01"),
    }
}

/// Form 02 sample.
pub fn supplement_request() -> SupplementRequest {
    SupplementRequest {
        letterhead: letterhead(None),
        dossier_code: Some(DOSSIER_CODE.to_owned()),
        applicant: applicant(),
        procedure: PROCEDURE.to_owned(),
        papers_to_add: vec![Paper {
            name: "Giấy chứng nhận kết hôn của cha, mẹ".to_owned(),
            form: "Bản sao có chứng thực".to_owned(),
            count: 1,
        }],
        reasons: vec![
            "Bản sao Giấy chứng nhận kết hôn đã nộp không có chứng thực.".to_owned(),
            "Tờ khai thiếu chữ ký của người đi đăng ký.".to_owned(),
        ],
        contact: "bà Lê Thu Hà, số điện thoại 0222 3822 123".to_owned(),
        officer: Signatory {
            title: "NGƯỜI HƯỚNG DẪN".to_owned(),
            name: "Trần Văn Bình".to_owned(),
        },
        verification_url: verification_url("02"),
    }
}

/// Form 03 sample.
pub fn refusal() -> Refusal {
    Refusal {
        letterhead: letterhead(None),
        dossier_code: None,
        applicant: applicant(),
        procedure: "Cấp giấy phép xây dựng nhà ở riêng lẻ".to_owned(),
        reasons: vec![
            "Thủ tục không thuộc thẩm quyền giải quyết của cấp tỉnh; đề nghị nộp hồ sơ tại \
             Ủy ban nhân dân phường Kinh Bắc."
                .to_owned(),
        ],
        officer: Signatory {
            title: "NGƯỜI TIẾP NHẬN HỒ SƠ".to_owned(),
            name: "Trần Văn Bình".to_owned(),
        },
        verification_url: verification_url("03"),
    }
}

/// Form 04 sample.
pub fn apology() -> Apology {
    Apology {
        letterhead: Letterhead {
            parent_agency: "UBND TỈNH BẮC NINH".to_owned(),
            agency: "SỞ TƯ PHÁP".to_owned(),
            number: Some("125/STP-HCTP".to_owned()),
            place_and_date: "Bắc Ninh, ngày 29 tháng 11 năm 2026".to_owned(),
        },
        dossier_code: DOSSIER_CODE.to_owned(),
        applicant: applicant(),
        procedure: PROCEDURE.to_owned(),
        received_at: "ngày 27 tháng 11 năm 2026".to_owned(),
        appointment_at: "ngày 30 tháng 11 năm 2026".to_owned(),
        reasons: vec![
            "Cần xác minh thông tin nơi cư trú của người mẹ với Ủy ban nhân dân xã Yên Phong."
                .to_owned(),
        ],
        new_appointment_at: "ngày 04 tháng 12 năm 2026".to_owned(),
        recipients: vec!["Như trên;".to_owned(), "Lưu: VT, HCTP.".to_owned()],
        signatory: Signatory {
            title: "KT. GIÁM ĐỐC\nPHÓ GIÁM ĐỐC".to_owned(),
            name: "Đỗ Quang Huy".to_owned(),
        },
        verification_url: verification_url("04"),
    }
}

/// Form 05 sample.
pub fn stop_notice() -> StopNotice {
    StopNotice {
        letterhead: Letterhead {
            parent_agency: "UBND TỈNH BẮC NINH".to_owned(),
            agency: "SỞ TƯ PHÁP".to_owned(),
            number: Some("131/TB-STP".to_owned()),
            place_and_date: "Bắc Ninh, ngày 02 tháng 12 năm 2026".to_owned(),
        },
        dossier_code: DOSSIER_CODE.to_owned(),
        applicant: applicant(),
        procedure: PROCEDURE.to_owned(),
        received_at: "ngày 27 tháng 11 năm 2026".to_owned(),
        reasons: vec![
            "Người yêu cầu không bổ sung hồ sơ trong thời hạn đã hướng dẫn.".to_owned(),
            "Người yêu cầu có văn bản đề nghị dừng giải quyết hồ sơ.".to_owned(),
        ],
        recipients: vec!["Như trên;".to_owned(), "Lưu: VT, HCTP.".to_owned()],
        signatory: Signatory {
            title: "KT. GIÁM ĐỐC\nPHÓ GIÁM ĐỐC".to_owned(),
            name: "Đỗ Quang Huy".to_owned(),
        },
        verification_url: verification_url("05"),
    }
}

/// Payment reference (receipt number) used by the fee receipt sample.
pub const PAYMENT_REFERENCE: &str = "MC01962A7F3B5C";

/// Verification URL of the fee receipt sample: the public receipt page with its key.
pub fn fee_receipt_url() -> String {
    format!("https://dichvucong.bacninh.gov.vn/payments/receipts/{PAYMENT_REFERENCE}?k=h3Xq9TzV2m")
}

/// Procedure of the fee receipt sample (a procedure with fees: civil-status correction).
pub const FEE_PROCEDURE: &str = "Đăng ký thay đổi, cải chính, bổ sung thông tin hộ tịch";

/// Fee receipt sample: a civil-status correction with three copies of the extract, paid online,
/// 15.000 + 24.000 = 39.000 đồng (amounts as in the catalogue).
pub fn fee_receipt() -> FeeReceipt {
    FeeReceipt {
        letterhead: Letterhead {
            parent_agency: "TỈNH BẮC NINH".to_owned(),
            agency: "ỦY BAN NHÂN DÂN PHƯỜNG KINH BẮC".to_owned(),
            number: None,
            place_and_date: "Kinh Bắc, ngày 27 tháng 11 năm 2026".to_owned(),
        },
        reference: PAYMENT_REFERENCE.to_owned(),
        payer: "N. T. H. Nhung".to_owned(),
        dossier_code: DOSSIER_CODE.to_owned(),
        procedure: FEE_PROCEDURE.to_owned(),
        lines: vec![
            FeeLine {
                name: "Lệ phí đăng ký thay đổi, cải chính, bổ sung thông tin hộ tịch".to_owned(),
                amount_vnd: 15_000,
            },
            FeeLine {
                name: "Phí cấp bản sao trích lục hộ tịch (03 bản × 8.000 đồng)".to_owned(),
                amount_vnd: 24_000,
            },
        ],
        channel: "Trực tuyến qua Nền tảng thanh toán PayGov".to_owned(),
        transaction: Some("PG2611270915004711".to_owned()),
        paid_at: "09 giờ 15 phút, ngày 27 tháng 11 năm 2026".to_owned(),
        refunded_vnd: None,
        verification_url: fee_receipt_url(),
    }
}

/// One sample of every form, in form order, then the fee receipt.
pub fn all() -> Vec<Document> {
    vec![
        Document::Receipt(receipt()),
        Document::SupplementRequest(supplement_request()),
        Document::Refusal(refusal()),
        Document::Apology(apology()),
        Document::StopNotice(stop_notice()),
        Document::FeeReceipt(fee_receipt()),
    ]
}
