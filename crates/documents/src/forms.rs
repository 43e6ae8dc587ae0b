//! The data of each form, as plain structs of already-formatted strings.
//!
//! The caller (the web crate) formats dates, names and codes with the domain crate; this crate
//! only lays them out, so it does not depend on the domain crate and its rules. The forms are
//! those of Annex I of Circular 03/2025/TT-VPCP (15/09/2025), which guides Decree
//! 118/2025/NĐ-CP on the one-stop mechanism and replaced Circular 01/2018/TT-VPCP.
//! Every string is printed literally: typst markup characters in it are not interpreted.
//!
//! Besides the five forms, [`FeeReceipt`] is the electronic receipt of fees and charges (biên
//! lai thu phí, lệ phí) issued for a payment; it is not a form of that circular.

use serde::Serialize;

/// The two-column letterhead common to every form (Decree 30/2020/NĐ-CP, Annex I layout):
/// the issuing agency on the left, the national motto and the place and date on the right.
///
/// The national motto ("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM / Độc lập - Tự do - Hạnh phúc") is
/// fixed by law and printed by the templates, so it is not a field.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Letterhead {
    /// The governing agency, in capitals, e.g. "UBND TỈNH BẮC NINH".
    pub parent_agency: String,
    /// The issuing agency, in capitals, e.g. "TRUNG TÂM PHỤC VỤ HÀNH CHÍNH CÔNG".
    pub agency: String,
    /// The document number and symbol printed after "Số:", e.g. "125/TB-TTPVHCC";
    /// `None` leaves the line out (receipts usually carry only the dossier code).
    pub number: Option<String>,
    /// The place and date line, e.g. "Bắc Ninh, ngày 27 tháng 11 năm 2026".
    pub place_and_date: String,
}

/// The person or organisation the dossier belongs to.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Applicant {
    /// Full name of the citizen or name of the organisation, e.g. "Nguyễn Thị Hồng Nhung".
    pub name: String,
    /// Postal address, e.g. "Số 5 đường Lý Thái Tổ, phường Kinh Bắc, tỉnh Bắc Ninh".
    pub address: String,
    /// Phone number as it should be printed; `None` prints a dotted placeholder.
    pub phone: Option<String>,
    /// E-mail address; `None` prints a dotted placeholder.
    pub email: Option<String>,
}

/// One paper (thành phần hồ sơ) in a dossier or in a list of papers to add.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Paper {
    /// Name of the paper, e.g. "Tờ khai đăng ký khai sinh".
    pub name: String,
    /// Its form, e.g. "Bản chính", "Bản sao có chứng thực", "Bản điện tử".
    pub form: String,
    /// Number of copies.
    pub count: u32,
}

/// Who signs the document: printed in the signature block on the right.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Signatory {
    /// The heading of the signature block in capitals, e.g. "NGƯỜI TIẾP NHẬN HỒ SƠ" or, for a
    /// deputy signing for the director, "KT. GIÁM ĐỐC\nPHÓ GIÁM ĐỐC" (a `\n` breaks the line).
    pub title: String,
    /// Full name of the officer, e.g. "Trần Văn Bình".
    pub name: String,
}

/// Form 01: Giấy tiếp nhận hồ sơ và hẹn trả kết quả (receipt and appointment).
///
/// Legal source: Circular 03/2025/TT-VPCP, Annex I, Mẫu số 01 (same title and content as
/// Mẫu số 01 of Circular 01/2018/TT-VPCP); issued under Decree 118/2025/NĐ-CP when a complete
/// dossier is received.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Receipt {
    /// Letterhead of the receiving unit.
    pub letterhead: Letterhead,
    /// Dossier code, e.g. "000.00.15.H56-261127-0001".
    pub dossier_code: String,
    /// The applicant.
    pub applicant: Applicant,
    /// The procedure requested (nội dung yêu cầu giải quyết), e.g. "Đăng ký khai sinh".
    pub procedure: String,
    /// Papers received (item 1 of the form).
    pub papers: Vec<Paper>,
    /// Number of dossier sets received (item 2), usually 1.
    pub dossier_sets: u32,
    /// Legal processing time (item 3), e.g. "03 ngày làm việc".
    pub processing_time: String,
    /// When the dossier was received (item 4), e.g. "08 giờ 30 phút, ngày 27 tháng 11 năm 2026".
    pub received_at: String,
    /// Appointment for the result (item 5), same format as `received_at`.
    pub appointment_at: String,
    /// How and where the result is returned (item 6), e.g. "Bộ phận Một cửa" or
    /// "Dịch vụ bưu chính công ích".
    pub result_delivery: String,
    /// The reception officer (signature block on the right; the applicant signs on the left).
    pub officer: Signatory,
    /// URL of the public verification page, encoded in the QR code and printed under it.
    pub verification_url: String,
}

/// Form 02: Phiếu yêu cầu bổ sung, hoàn thiện hồ sơ (request to complete the papers).
///
/// Legal source: Circular 03/2025/TT-VPCP, Annex I, Mẫu số 02 (formerly Mẫu số 02 of Circular
/// 01/2018/TT-VPCP); the applicant is guided once, in writing, with the reasons.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SupplementRequest {
    /// Letterhead of the unit asking.
    pub letterhead: Letterhead,
    /// Dossier code, if one was already given.
    pub dossier_code: Option<String>,
    /// The applicant.
    pub applicant: Applicant,
    /// The procedure requested.
    pub procedure: String,
    /// Papers to add or complete.
    pub papers_to_add: Vec<Paper>,
    /// Reasons, one paragraph each (printed as a numbered list when there are several).
    pub reasons: Vec<String>,
    /// Whom to contact with questions, e.g. "bà Lê Thu Hà, số điện thoại 0222 3822 123".
    pub contact: String,
    /// The officer who guides the applicant.
    pub officer: Signatory,
    /// URL of the public verification page, encoded in the QR code and printed under it.
    pub verification_url: String,
}

/// Form 03: Phiếu từ chối tiếp nhận giải quyết hồ sơ (refusal at intake).
///
/// Legal source: Circular 03/2025/TT-VPCP, Annex I, Mẫu số 03 (formerly Mẫu số 03 of Circular
/// 01/2018/TT-VPCP); used when the dossier is not admissible, with the reasons.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Refusal {
    /// Letterhead of the receiving unit.
    pub letterhead: Letterhead,
    /// Dossier code, if one was given (an online submission has one).
    pub dossier_code: Option<String>,
    /// The applicant.
    pub applicant: Applicant,
    /// The procedure requested.
    pub procedure: String,
    /// Reasons for refusing, one paragraph each.
    pub reasons: Vec<String>,
    /// The reception officer.
    pub officer: Signatory,
    /// URL of the public verification page, encoded in the QR code and printed under it.
    pub verification_url: String,
}

/// Form 04: Văn bản xin lỗi và đề nghị gia hạn thời gian giải quyết (apology with a new
/// appointment date).
///
/// Legal source: Circular 03/2025/TT-VPCP, Annex I, Mẫu số 04, which replaced "Phiếu xin lỗi
/// và hẹn lại ngày trả kết quả" (Mẫu số 04 of Circular 01/2018/TT-VPCP); sent at least one day
/// before the deadline by the agency that is late.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Apology {
    /// Letterhead of the agency that is late.
    pub letterhead: Letterhead,
    /// Dossier code.
    pub dossier_code: String,
    /// The applicant (the addressee, "Kính gửi").
    pub applicant: Applicant,
    /// The procedure requested.
    pub procedure: String,
    /// When the dossier was received, e.g. "ngày 27 tháng 11 năm 2026".
    pub received_at: String,
    /// The original appointment, e.g. "ngày 02 tháng 12 năm 2026".
    pub appointment_at: String,
    /// Reasons for the delay, one paragraph each.
    pub reasons: Vec<String>,
    /// The new appointment, e.g. "ngày 09 tháng 12 năm 2026".
    pub new_appointment_at: String,
    /// Recipients listed under "Nơi nhận" on the left, e.g. "Như trên", "Lưu: VT".
    pub recipients: Vec<String>,
    /// The head of the agency (or the deputy signing for them).
    pub signatory: Signatory,
    /// URL of the public verification page, encoded in the QR code and printed under it.
    pub verification_url: String,
}

/// Form 05: Thông báo dừng giải quyết hồ sơ (processing stopped).
///
/// Legal source: Circular 03/2025/TT-VPCP, Annex I, Mẫu số 05 (new in 2025: the old Mẫu số 05
/// of Circular 01/2018/TT-VPCP was the control slip, now Mẫu số 06).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct StopNotice {
    /// Letterhead of the agency that stops.
    pub letterhead: Letterhead,
    /// Dossier code.
    pub dossier_code: String,
    /// The applicant (the addressee, "Kính gửi").
    pub applicant: Applicant,
    /// The procedure requested.
    pub procedure: String,
    /// When the dossier was received, e.g. "ngày 27 tháng 11 năm 2026".
    pub received_at: String,
    /// Reasons for stopping, one paragraph each.
    pub reasons: Vec<String>,
    /// Recipients listed under "Nơi nhận" on the left.
    pub recipients: Vec<String>,
    /// The head of the agency (or the deputy signing for them).
    pub signatory: Signatory,
    /// URL of the public verification page, encoded in the QR code and printed under it.
    pub verification_url: String,
}

/// One fee or charge on a [`FeeReceipt`] (a line of its amounts table).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FeeLine {
    /// Name of the fee or charge, e.g. "Lệ phí đăng ký khai sinh" or "Phí cấp bản sao trích
    /// lục hộ tịch (02 bản)".
    pub name: String,
    /// Amount in đồng (VND has no minor unit in use).
    pub amount_vnd: u64,
}

/// The electronic receipt of fees and charges (biên lai thu phí, lệ phí điện tử) of a payment.
///
/// Legal source: Decree 123/2020/NĐ-CP on invoices and documents, Chapter III (receipts of
/// taxes, fees and charges: the collecting organisation, the kind of fee or charge, the amount in
/// figures and in words, the time of collection), guided by Circular 78/2021/TT-BTC; the State
/// Treasury's side of the collection is in Decree 11/2020/NĐ-CP (administrative procedures of the
/// State Treasury), which says nothing of the receipt's layout. This is the
/// rendering of the payment recorded by the one-stop system, checked through its QR code; it
/// carries no receipt template symbol (ký hiệu mẫu biên lai) of the tax authority and no digital
/// signature, so it is not a Circular 03/2025/TT-VPCP form and its footer does not say so.
///
/// The total is the sum of [`lines`](Self::lines), printed in figures and in Vietnamese words
/// ([`crate::amount_in_words`]); rendering fails with [`crate::DocumentError::InvalidAmounts`]
/// when there is no line, the sum overflows or more is refunded than was paid.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FeeReceipt {
    /// Letterhead of the collecting agency (đơn vị thu); `place_and_date` is the receipt's date.
    pub letterhead: Letterhead,
    /// Receipt number: the payment reference, e.g. "MC01962A7F3B".
    pub reference: String,
    /// The payer's name as it may be shown to anyone holding the link, already masked by the
    /// caller, e.g. "N. T. H. Nhung".
    pub payer: String,
    /// Code of the dossier the fees are for, e.g. "000.00.15.H56-261127-0001".
    pub dossier_code: String,
    /// The procedure, e.g. "Đăng ký khai sinh".
    pub procedure: String,
    /// The fees and charges paid, at least one.
    pub lines: Vec<FeeLine>,
    /// How the money was paid, as the caller words it, e.g. "Trực tuyến qua PayGov".
    pub channel: String,
    /// The gateway's transaction number; `None` (cash at the counter) leaves the line out.
    pub transaction: Option<String>,
    /// When it was paid, e.g. "09 giờ 15 phút, ngày 27 tháng 11 năm 2026".
    pub paid_at: String,
    /// Amount refunded in đồng, printed in a box with the amount kept; `None` or `Some(0)`
    /// prints nothing.
    pub refunded_vnd: Option<u64>,
    /// URL of the public receipt page, encoded in the QR code and printed under it.
    pub verification_url: String,
}

impl FeeReceipt {
    /// The sum of the lines in đồng; `None` when it does not fit in a `u64`.
    pub fn total_vnd(&self) -> Option<u64> {
        self.lines
            .iter()
            .try_fold(0u64, |sum, line| sum.checked_add(line.amount_vnd))
    }
}

/// One of the documents this crate renders.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(untagged)]
pub enum Document {
    /// Form 01, receipt and appointment.
    Receipt(Receipt),
    /// Form 02, request to complete the papers.
    SupplementRequest(SupplementRequest),
    /// Form 03, refusal at intake.
    Refusal(Refusal),
    /// Form 04, apology and new appointment.
    Apology(Apology),
    /// Form 05, processing stopped.
    StopNotice(StopNotice),
    /// The electronic receipt of fees and charges of a payment (not a form of the circular).
    FeeReceipt(FeeReceipt),
}

impl Document {
    /// The form number in Annex I of Circular 03/2025/TT-VPCP, "01" to "05"; for the fee
    /// receipt, which is not a form of that circular, "BL" (biên lai). Used in file names, in the
    /// PDF's identifier and in error messages; the printed reference is [`Self::legal_reference`].
    pub fn form_number(&self) -> &'static str {
        match self {
            Self::Receipt(_) => "01",
            Self::SupplementRequest(_) => "02",
            Self::Refusal(_) => "03",
            Self::Apology(_) => "04",
            Self::StopNotice(_) => "05",
            Self::FeeReceipt(_) => "BL",
        }
    }

    /// The legal reference printed in the footer of every page: the form's place in Circular
    /// 03/2025/TT-VPCP, or for the fee receipt the decree its content follows.
    pub fn legal_reference(&self) -> &'static str {
        match self {
            Self::Receipt(_) => "Mẫu số 01, Phụ lục I, Thông tư số 03/2025/TT-VPCP",
            Self::SupplementRequest(_) => "Mẫu số 02, Phụ lục I, Thông tư số 03/2025/TT-VPCP",
            Self::Refusal(_) => "Mẫu số 03, Phụ lục I, Thông tư số 03/2025/TT-VPCP",
            Self::Apology(_) => "Mẫu số 04, Phụ lục I, Thông tư số 03/2025/TT-VPCP",
            Self::StopNotice(_) => "Mẫu số 05, Phụ lục I, Thông tư số 03/2025/TT-VPCP",
            // What the receipt's content follows, not a claim that it is a registered e-receipt
            // template: see [`FeeReceipt`].
            Self::FeeReceipt(_) => {
                "Biên lai thu phí, lệ phí điện tử của Hệ thống một cửa điện tử; \
                 nội dung theo Nghị định số 123/2020/NĐ-CP"
            }
        }
    }

    /// The template that lays the document out (a path of `world::TEMPLATES`).
    pub(crate) fn template(&self) -> &'static str {
        match self {
            Self::Receipt(_) => "/form01.typ",
            Self::SupplementRequest(_) => "/form02.typ",
            Self::Refusal(_) => "/form03.typ",
            Self::Apology(_) => "/form04.typ",
            Self::StopNotice(_) => "/form05.typ",
            Self::FeeReceipt(_) => "/receipt.typ",
        }
    }

    /// The title printed in bold capitals, as in the circular (for the fee receipt, the name
    /// Decree 123/2020/NĐ-CP gives the document).
    pub fn title(&self) -> &'static str {
        match self {
            Self::Receipt(_) => "GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ",
            Self::SupplementRequest(_) => "PHIẾU YÊU CẦU BỔ SUNG, HOÀN THIỆN HỒ SƠ",
            Self::Refusal(_) => "PHIẾU TỪ CHỐI TIẾP NHẬN GIẢI QUYẾT HỒ SƠ",
            Self::Apology(_) => "VĂN BẢN XIN LỖI VÀ ĐỀ NGHỊ GIA HẠN THỜI GIAN GIẢI QUYẾT",
            Self::StopNotice(_) => "THÔNG BÁO DỪNG GIẢI QUYẾT HỒ SƠ",
            Self::FeeReceipt(_) => "BIÊN LAI THU PHÍ, LỆ PHÍ",
        }
    }

    /// The URL the QR code encodes.
    pub fn verification_url(&self) -> &str {
        match self {
            Self::Receipt(d) => &d.verification_url,
            Self::SupplementRequest(d) => &d.verification_url,
            Self::Refusal(d) => &d.verification_url,
            Self::Apology(d) => &d.verification_url,
            Self::StopNotice(d) => &d.verification_url,
            Self::FeeReceipt(d) => &d.verification_url,
        }
    }

    /// The letterhead of the issuing agency.
    pub fn letterhead(&self) -> &Letterhead {
        match self {
            Self::Receipt(d) => &d.letterhead,
            Self::SupplementRequest(d) => &d.letterhead,
            Self::Refusal(d) => &d.letterhead,
            Self::Apology(d) => &d.letterhead,
            Self::StopNotice(d) => &d.letterhead,
            Self::FeeReceipt(d) => &d.letterhead,
        }
    }
}
