//! Which changes of a dossier its applicant is told about, and how an SMS is written. The one-stop
//! rules make the agency tell the applicant at each turn that concerns them: the receipt with its
//! appointment date (Form 01), a request to complete the papers (Form 02), a refusal at intake
//! (Form 03), an apology with a new date (Form 04), a stop (Form 05) — Decree 118/2025/NĐ-CP on
//! the one-stop mechanism, which replaced Decree 61/2018/NĐ-CP from 1 July 2025, and the forms of
//! Circular 03/2025/TT-VPCP — and online applicants are told by electronic means (e-mail, SMS,
//! the portal: Decree 45/2020/NĐ-CP). The rest
//! (received online, fees, payment, result ready and returned, a reminder to collect) follows
//! what every peer service sends; internal steps (assignment, proposals, approvals, transfers
//! between agencies) are not the applicant's business and send nothing.

use unicode_normalization::UnicodeNormalization;
use unicode_normalization::char::is_combining_mark;

use crate::catalogue::Channel;
use crate::dossier::Change;

/// A notice to the applicant.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum NoticeKind {
    /// An online dossier arrived and waits to be checked.
    Received,
    /// Accepted, with the appointment date (Form 01).
    Accepted,
    /// Papers to complete, with the list and how to answer (Form 02).
    PapersRequested,
    /// Refused at intake, with reasons (Form 03).
    Refused,
    /// A fee or charge to pay, with the pay link.
    FeeRequested,
    /// A payment was received.
    PaymentReceived,
    /// The result is ready: how and where to collect it.
    ResultReady,
    /// The result was handed over.
    ResultReturned,
    /// An apology with a new date (Form 04).
    Apology,
    /// Processing stopped, with reasons (Form 05).
    Stopped,
    /// The result has waited at the counter: a reminder to collect it.
    CollectReminder,
}

impl NoticeKind {
    /// Every notice, in the order a dossier meets them.
    pub const ALL: [NoticeKind; 11] = [
        NoticeKind::Received,
        NoticeKind::Accepted,
        NoticeKind::PapersRequested,
        NoticeKind::Refused,
        NoticeKind::FeeRequested,
        NoticeKind::PaymentReceived,
        NoticeKind::ResultReady,
        NoticeKind::ResultReturned,
        NoticeKind::Apology,
        NoticeKind::Stopped,
        NoticeKind::CollectReminder,
    ];

    /// Stable name, stored with each delivery and used as the key of its texts.
    pub fn as_str(self) -> &'static str {
        match self {
            NoticeKind::Received => "received",
            NoticeKind::Accepted => "accepted",
            NoticeKind::PapersRequested => "papers_requested",
            NoticeKind::Refused => "refused",
            NoticeKind::FeeRequested => "fee_requested",
            NoticeKind::PaymentReceived => "payment_received",
            NoticeKind::ResultReady => "result_ready",
            NoticeKind::ResultReturned => "result_returned",
            NoticeKind::Apology => "apology",
            NoticeKind::Stopped => "stopped",
            NoticeKind::CollectReminder => "collect_reminder",
        }
    }

    /// The notice named `name`.
    pub fn parse(name: &str) -> Option<NoticeKind> {
        Self::ALL.into_iter().find(|k| k.as_str() == name)
    }

    /// The notice a change sends, if any. `channel` is how the dossier came in: a dossier
    /// registered at the counter was received in the applicant's presence, so only an online
    /// or postal one gets a "received" notice before it is checked.
    pub fn for_change(change: &Change, channel: Channel) -> Option<NoticeKind> {
        Some(match change {
            Change::Submitted { .. } if channel != Channel::Counter => NoticeKind::Received,
            Change::Accepted { .. } => NoticeKind::Accepted,
            Change::SupplementRequested { .. } => NoticeKind::PapersRequested,
            Change::Refused { .. } => NoticeKind::Refused,
            Change::FeesRequested { .. } => NoticeKind::FeeRequested,
            Change::FeesPaid { .. } => NoticeKind::PaymentReceived,
            Change::ResultReady => NoticeKind::ResultReady,
            Change::ResultReturned { .. } => NoticeKind::ResultReturned,
            Change::Apologised { .. } => NoticeKind::Apology,
            Change::Stopped { .. } => NoticeKind::Stopped,
            _ => return None,
        })
    }
}

/// Working days a result waits at the counter before its applicant is reminded to collect it.
pub const REMIND_AFTER_WORKING_DAYS: u32 = 3;

/// Whether a result ready on `ready` (Vietnam's date) is due a reminder on `today`: once
/// [`REMIND_AFTER_WORKING_DAYS`] working days have passed, and only for a result to collect
/// at the counter (a posted or electronic one is delivered, not collected).
pub fn reminder_due(
    calendar: &crate::calendar::WorkCalendar,
    ready: time::Date,
    today: time::Date,
    at_counter: bool,
) -> bool {
    at_counter
        && calendar
            .add_working_days(ready, REMIND_AFTER_WORKING_DAYS)
            .is_some_and(|due| due <= today)
}

/// Text for an SMS brandname message: Vietnamese without its diacritics (đ as d), in the GSM
/// 7-bit alphabet. A Vietnamese text with diacritics must go as UCS-2, 70 characters a message
/// instead of 160, and brandname gateways bill and often only accept unaccented text for
/// customer-care messages; an unaccented notice of one or two messages reads well enough when it
/// only carries a code, a date and a link. Characters outside that alphabet become spaces.
pub fn sms_text(text: &str) -> String {
    text.nfd()
        .filter(|c| !is_combining_mark(*c))
        .map(|c| match c {
            // Đ has no Unicode decomposition.
            'đ' => 'd',
            'Đ' => 'D',
            c if (c.is_ascii() && !c.is_ascii_control()) || c == '\n' => c,
            _ => ' ',
        })
        .collect()
}

/// How many SMS a text takes in the GSM 7-bit alphabet: 160 characters alone, 153 a part when
/// concatenated (the rest carries the joining header, 3GPP TS 23.040).
pub fn sms_parts(text: &str) -> usize {
    let n = text.chars().count();
    if n <= 160 { 1 } else { n.div_ceil(153) }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_sms_drops_the_vietnamese_marks_and_keeps_the_letters() {
        assert_eq!(
            sms_text("Hồ sơ đã được tiếp nhận. ĐĂNG KÝ KẾT HÔN"),
            "Ho so da duoc tiep nhan. DANG KY KET HON"
        );
        assert_eq!(
            sms_text("Hẹn trả: 12/12/2026 — ưu tiên"),
            "Hen tra: 12/12/2026   uu tien"
        );
    }

    #[test]
    fn every_vietnamese_letter_becomes_plain_ascii() {
        let all = "àáảãạăằắẳẵặâầấẩẫậèéẻẽẹêềếểễệìíỉĩịòóỏõọôồốổỗộơờớởỡợùúủũụưừứửữựỳýỷỹỵđ";
        let upper: String = all.to_uppercase();
        for text in [all, upper.as_str()] {
            let plain = sms_text(text);
            assert!(plain.chars().all(|c| c.is_ascii_alphabetic()), "{plain}");
            assert_eq!(plain.chars().count(), text.chars().count());
        }
    }

    #[test]
    fn an_sms_counts_its_parts_as_the_network_does() {
        assert_eq!(sms_parts(&"a".repeat(160)), 1);
        assert_eq!(sms_parts(&"a".repeat(161)), 2);
        assert_eq!(sms_parts(&"a".repeat(306)), 2);
        assert_eq!(sms_parts(&"a".repeat(307)), 3);
    }

    #[test]
    fn internal_steps_send_nothing_and_counter_dossiers_get_no_received_notice() {
        let assigned = Change::Assigned {
            officer_id: "x".into(),
        };
        assert_eq!(NoticeKind::for_change(&assigned, Channel::Online), None);
        assert_eq!(
            NoticeKind::for_change(&Change::ResultReady, Channel::Counter),
            Some(NoticeKind::ResultReady)
        );
        let refused = Change::Refused {
            reasons: "x".into(),
        };
        assert_eq!(
            NoticeKind::for_change(&refused, Channel::Counter),
            Some(NoticeKind::Refused)
        );
    }

    #[test]
    fn every_notice_reads_back_from_its_name() {
        for kind in NoticeKind::ALL {
            assert_eq!(NoticeKind::parse(kind.as_str()), Some(kind));
        }
        assert_eq!(NoticeKind::parse("nothing"), None);
    }
}
