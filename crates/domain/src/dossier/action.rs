//! What an actor asks to do to a dossier. Actions are requests that [`super::decide`] may refuse;
//! the facts it records are [`super::Event`]s.

use serde::{Deserialize, Serialize};
use time::OffsetDateTime;

use super::actor::Applicant;
use super::code::DossierCode;
use super::identity::IdentityCheck;
use crate::catalogue::Channel;

/// How a result goes back to the applicant (Decree 118/2025/NĐ-CP: at the counter, by public
/// post, or online into the applicant's account and data warehouse).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ReturnMethod {
    /// Trả trực tiếp tại Bộ phận Một cửa.
    Counter,
    /// Trả qua dịch vụ bưu chính công ích.
    Post,
    /// Trả kết quả điện tử trực tuyến.
    Online,
}

impl ReturnMethod {
    /// Stable text form used in storage and the API.
    pub fn as_str(self) -> &'static str {
        match self {
            ReturnMethod::Counter => "counter",
            ReturnMethod::Post => "post",
            ReturnMethod::Online => "online",
        }
    }

    /// Whether returning the result this way needs it as an electronic file: a result returned
    /// online is the electronic document itself, delivered into the applicant's account and
    /// data warehouse (Decree 45/2020/NĐ-CP; Decree 118/2025/NĐ-CP on returning results). For
    /// the other methods an electronic copy is welcome (Decision 766's digitisation indicator
    /// counts it) but the paper original is what is handed over.
    pub fn needs_electronic_result(self) -> bool {
        self == ReturnMethod::Online
    }

    /// Parses the text form produced by [`ReturnMethod::as_str`].
    pub fn parse(s: &str) -> Option<Self> {
        [
            ReturnMethod::Counter,
            ReturnMethod::Post,
            ReturnMethod::Online,
        ]
        .into_iter()
        .find(|m| m.as_str() == s)
    }
}

/// An action on a dossier, with what the actor supplies. Reasons are free text shown on the
/// corresponding form and must not be blank.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "action", rename_all = "snake_case")]
pub enum Action {
    /// The applicant submits a dossier on the portal (Decree 45/2020/NĐ-CP). Opens the dossier.
    SubmitOnline {
        /// Code generated for it (see [`DossierCode::new`]); its agency must be `agency`.
        code: DossierCode,
        /// Agency the applicant chose among those settling the procedure.
        agency: String,
        /// Who applies; the id must be the acting applicant's.
        applicant: Applicant,
    },
    /// A reception officer registers a dossier handed in at the counter or arrived by post, in
    /// their own unit. Opens the dossier; the officer then accepts it (Form 01), refuses it
    /// (Form 03) or asks to complete it (Form 02).
    ReceiveAtCounter {
        /// Code generated for it; its agency must be the officer's unit.
        code: DossierCode,
        /// [`Channel::Counter`] or [`Channel::Post`].
        channel: Channel,
        /// Who applies.
        applicant: Applicant,
        /// The papers handed in, by their names in the procedure's list of papers (thành phần
        /// hồ sơ), as the receipt (Form 01) lists them.
        #[serde(default)]
        papers: Vec<String>,
    },
    /// Accept the dossier as complete: the receipt and appointment (Form 01) start legal time.
    Accept,
    /// Refuse the dossier at intake (Form 03, phiếu từ chối tiếp nhận).
    Refuse {
        /// Why, as written on Form 03.
        reasons: String,
    },
    /// Ask the applicant to complete the papers (Form 02, phiếu yêu cầu bổ sung, hoàn thiện hồ
    /// sơ). At intake it only guides the applicant; during processing it stops the clock.
    RequestSupplement {
        /// What is missing, as written on Form 02.
        reasons: String,
        /// The papers to add or complete, by their names in the procedure's list of papers;
        /// Form 02 lists them and the applicant's supplement answers them one by one.
        #[serde(default)]
        papers: Vec<String>,
    },
    /// The completed papers arrived (online from the applicant or at the counter).
    ReceiveSupplement {
        /// What was supplied, if worth noting.
        note: Option<String>,
    },
    /// Give the dossier to a handling officer (phân công, chuyển xử lý); also reassigns.
    Assign {
        /// The officer who will handle it.
        officer_id: String,
    },
    /// Send the dossier to another agency for its part (liên thông).
    Transfer {
        /// Identifier code of the other agency.
        to_agency: String,
        /// What is asked of it.
        note: String,
    },
    /// The other agency's part is done and the dossier is back with the lead agency.
    ReceiveBack {
        /// What the other agency concluded.
        note: Option<String>,
    },
    /// The handling officer proposes the result (dự thảo kết quả) for approval.
    ProposeResult {
        /// The proposed outcome, in a few words.
        summary: String,
    },
    /// A leader approves and signs the proposed result.
    Approve {
        /// Remarks, if any.
        note: Option<String>,
    },
    /// A leader sends the proposed result back to the handling officer to be redone (trả lại
    /// dự thảo để xử lý lại), with the reasons.
    SendBack {
        /// What to change.
        reasons: String,
    },
    /// Ask the applicant to pay fees or fulfil financial obligations (status 6).
    RequestFees {
        /// Amount due in VND, above 0.
        amount_vnd: i64,
        /// What the amount is for.
        note: String,
    },
    /// Payment of the requested fees was confirmed (by the counter or the payment platform).
    RecordFeesPaid {
        /// Amount paid in VND.
        amount_vnd: i64,
        /// Receipt or transaction reference.
        reference: String,
    },
    /// The signed result is ready to be returned (status 9): processing ends.
    MarkResultReady,
    /// The result was handed to the applicant.
    ReturnResult {
        /// How.
        method: ReturnMethod,
    },
    /// The applicant withdraws the dossier (rút hồ sơ), before the result is ready.
    Withdraw {
        /// Why, if the applicant says.
        reasons: String,
    },
    /// Stop processing (Form 05, thông báo dừng giải quyết hồ sơ).
    Stop {
        /// Why, as written on Form 05.
        reasons: String,
    },
    /// Apologise for a coming delay and set a new date (Form 04, văn bản xin lỗi và đề nghị gia
    /// hạn thời gian giải quyết).
    Apologise {
        /// Why the dossier will be late.
        reasons: String,
        /// The new date and time promised to the applicant.
        #[serde(with = "time::serde::rfc3339")]
        new_due: OffsetDateTime,
    },
    /// Record a check of the applicant's identity: the population database's answer (by the
    /// system) or an officer's manual verification with reasons (see [`super::identity`]).
    VerifyIdentity {
        /// The check.
        check: IdentityCheck,
    },
}

/// Why `action` cannot go ahead without the dossier's electronic result, if it cannot: marking
/// the result ready for an applicant who asked for it online needs the file with it
/// (`result_file_missing`), and returning a result online needs one attached
/// (`no_electronic_result`). `requested` is the method the applicant chose when applying;
/// `has_result` whether an electronic result comes with the action or is already attached.
/// The refusal codes name `desk.refusal.*` texts. Rule: [`ReturnMethod::needs_electronic_result`].
pub fn electronic_result_refusal(
    action: &Action,
    requested: Option<ReturnMethod>,
    has_result: bool,
) -> Option<&'static str> {
    if has_result {
        return None;
    }
    match action {
        Action::MarkResultReady if requested.is_some_and(ReturnMethod::needs_electronic_result) => {
            Some("result_file_missing")
        }
        Action::ReturnResult { method } if method.needs_electronic_result() => {
            Some("no_electronic_result")
        }
        _ => None,
    }
}

/// Longest free text an action carries (reasons, notes, a summary, a reference): about two
/// printed pages. What is longer is a document, and goes with the dossier as a paper; Forms 02–05
/// (Circular 01/2018/TT-VPCP) print these texts on one page with the rest.
pub const TEXT_MAX_CHARS: usize = 4000;

/// Largest amount, in VND, a fee request or a payment may carry: ten billion, far above any fee
/// or charge of a procedure (Law on Fees and Charges 2015, Circular 85/2019/TT-BTC) and within
/// what the payment gateways take in one transaction, so a typing slip or a forged request cannot
/// send an absurd sum to a gateway.
pub const AMOUNT_MAX_VND: i64 = 10_000_000_000;

/// What the service knows of the officer an [`Action::Assign`] names.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Assignee<'a> {
    /// Their unit.
    pub unit: &'a str,
    /// Their role, `None` when stored as something no longer known.
    pub role: Option<super::OfficerRole>,
    /// Whether the account is in use (not disabled).
    pub active: bool,
}

/// Longest officer id an assignment may name (ids are user names, at most 64 characters).
pub const MAX_OFFICER_ID: usize = 64;

/// Why a dossier held by `holder` cannot be assigned to `assignee` (`None`: no such officer),
/// if it cannot: the handler must be an active officer of the unit that holds the dossier, in a
/// role that handles dossiers, or nobody could act on it afterwards: Decree 118/2025/NĐ-CP
/// Art. 11 gives the handling to the unit's handling officers (chuyên viên) and its leaders.
/// Refusal codes name `desk.refusal.*`.
pub fn assignee_refusal(holder: &str, assignee: Option<Assignee<'_>>) -> Option<&'static str> {
    use super::OfficerRole::{Handling, Leader};
    match assignee {
        None => Some("assignee_unknown"),
        Some(a) if !a.active => Some("assignee_disabled"),
        Some(a) if a.unit != holder => Some("assignee_other_unit"),
        Some(Assignee {
            role: Some(Handling | Leader),
            ..
        }) => None,
        Some(_) => Some("assignee_cannot_handle"),
    }
}

impl Action {
    /// The free texts the action carries, by field name, for [`TEXT_MAX_CHARS`].
    pub fn texts(&self) -> Vec<(&'static str, &str)> {
        match self {
            Action::Refuse { reasons }
            | Action::RequestSupplement { reasons, .. }
            | Action::SendBack { reasons }
            | Action::Withdraw { reasons }
            | Action::Stop { reasons }
            | Action::Apologise { reasons, .. } => vec![("reasons", reasons)],
            Action::ReceiveSupplement { note }
            | Action::ReceiveBack { note }
            | Action::Approve { note } => note.iter().map(|n| ("note", n.as_str())).collect(),
            Action::Transfer { to_agency, note } => vec![("to_agency", to_agency), ("note", note)],
            Action::ProposeResult { summary } => vec![("summary", summary)],
            Action::RequestFees { note, .. } => vec![("note", note)],
            Action::RecordFeesPaid { reference, .. } => vec![("reference", reference)],
            Action::Assign { officer_id } => vec![("officer_id", officer_id)],
            Action::VerifyIdentity { check } => check
                .reasons
                .iter()
                .map(|r| ("reasons", r.as_str()))
                .collect(),
            Action::SubmitOnline { .. }
            | Action::ReceiveAtCounter { .. }
            | Action::Accept
            | Action::MarkResultReady
            | Action::ReturnResult { .. } => Vec::new(),
        }
    }

    /// The amount of money the action carries, if any, for [`AMOUNT_MAX_VND`].
    pub fn amount_vnd(&self) -> Option<i64> {
        match self {
            Action::RequestFees { amount_vnd, .. } | Action::RecordFeesPaid { amount_vnd, .. } => {
                Some(*amount_vnd)
            }
            _ => None,
        }
    }

    /// Which action this is, without its details.
    pub fn kind(&self) -> ActionKind {
        match self {
            Action::SubmitOnline { .. } => ActionKind::SubmitOnline,
            Action::ReceiveAtCounter { .. } => ActionKind::ReceiveAtCounter,
            Action::Accept => ActionKind::Accept,
            Action::Refuse { .. } => ActionKind::Refuse,
            Action::RequestSupplement { .. } => ActionKind::RequestSupplement,
            Action::ReceiveSupplement { .. } => ActionKind::ReceiveSupplement,
            Action::Assign { .. } => ActionKind::Assign,
            Action::Transfer { .. } => ActionKind::Transfer,
            Action::ReceiveBack { .. } => ActionKind::ReceiveBack,
            Action::ProposeResult { .. } => ActionKind::ProposeResult,
            Action::Approve { .. } => ActionKind::Approve,
            Action::SendBack { .. } => ActionKind::SendBack,
            Action::RequestFees { .. } => ActionKind::RequestFees,
            Action::RecordFeesPaid { .. } => ActionKind::RecordFeesPaid,
            Action::MarkResultReady => ActionKind::MarkResultReady,
            Action::ReturnResult { .. } => ActionKind::ReturnResult,
            Action::Withdraw { .. } => ActionKind::Withdraw,
            Action::Stop { .. } => ActionKind::Stop,
            Action::Apologise { .. } => ActionKind::Apologise,
            Action::VerifyIdentity { .. } => ActionKind::VerifyIdentity,
        }
    }

    /// Stable name of the action, used in refusals and logs (see [`ActionKind::name`]).
    pub fn name(&self) -> &'static str {
        self.kind().name()
    }
}

/// Which action, without what the actor supplies: the one list of actions that the rules, the
/// pages offering forms, the form parsers and the interface texts all follow, so that adding an
/// action is a compile error wherever it is not yet handled instead of a string nobody matches.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ActionKind {
    /// [`Action::SubmitOnline`].
    SubmitOnline,
    /// [`Action::ReceiveAtCounter`].
    ReceiveAtCounter,
    /// [`Action::Accept`].
    Accept,
    /// [`Action::Refuse`].
    Refuse,
    /// [`Action::RequestSupplement`].
    RequestSupplement,
    /// [`Action::ReceiveSupplement`].
    ReceiveSupplement,
    /// [`Action::Assign`].
    Assign,
    /// [`Action::Transfer`].
    Transfer,
    /// [`Action::ReceiveBack`].
    ReceiveBack,
    /// [`Action::ProposeResult`].
    ProposeResult,
    /// [`Action::Approve`].
    Approve,
    /// [`Action::SendBack`].
    SendBack,
    /// [`Action::RequestFees`].
    RequestFees,
    /// [`Action::RecordFeesPaid`].
    RecordFeesPaid,
    /// [`Action::MarkResultReady`].
    MarkResultReady,
    /// [`Action::ReturnResult`].
    ReturnResult,
    /// [`Action::Withdraw`].
    Withdraw,
    /// [`Action::Stop`].
    Stop,
    /// [`Action::Apologise`].
    Apologise,
    /// [`Action::VerifyIdentity`].
    VerifyIdentity,
}

impl ActionKind {
    /// Every kind: the two that open a dossier, then the actions on an existing dossier in the
    /// order a page lists them.
    pub const ALL: [ActionKind; 20] = [
        ActionKind::SubmitOnline,
        ActionKind::ReceiveAtCounter,
        ActionKind::Accept,
        ActionKind::Refuse,
        ActionKind::RequestSupplement,
        ActionKind::ReceiveSupplement,
        ActionKind::Assign,
        ActionKind::Transfer,
        ActionKind::ReceiveBack,
        ActionKind::ProposeResult,
        ActionKind::Approve,
        ActionKind::SendBack,
        ActionKind::RequestFees,
        ActionKind::RecordFeesPaid,
        ActionKind::MarkResultReady,
        ActionKind::ReturnResult,
        ActionKind::Apologise,
        ActionKind::Stop,
        ActionKind::Withdraw,
        ActionKind::VerifyIdentity,
    ];

    /// Stable snake_case name. It is in URLs, form fields, the API's JSON (the `action` tag of
    /// [`Action`]), stored events and the keys of interface texts, so it never changes.
    pub const fn name(self) -> &'static str {
        match self {
            ActionKind::SubmitOnline => "submit_online",
            ActionKind::ReceiveAtCounter => "receive_at_counter",
            ActionKind::Accept => "accept",
            ActionKind::Refuse => "refuse",
            ActionKind::RequestSupplement => "request_supplement",
            ActionKind::ReceiveSupplement => "receive_supplement",
            ActionKind::Assign => "assign",
            ActionKind::Transfer => "transfer",
            ActionKind::ReceiveBack => "receive_back",
            ActionKind::ProposeResult => "propose_result",
            ActionKind::Approve => "approve",
            ActionKind::SendBack => "send_back",
            ActionKind::RequestFees => "request_fees",
            ActionKind::RecordFeesPaid => "record_fees_paid",
            ActionKind::MarkResultReady => "mark_result_ready",
            ActionKind::ReturnResult => "return_result",
            ActionKind::Withdraw => "withdraw",
            ActionKind::Stop => "stop",
            ActionKind::Apologise => "apologise",
            ActionKind::VerifyIdentity => "verify_identity",
        }
    }

    /// The kind named `name` (as [`ActionKind::name`] writes it), if there is one.
    pub fn from_name(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|kind| kind.name() == name)
    }

    /// Whether the action opens a new dossier rather than acting on an existing one: those have
    /// their own pages (the application, the counter's intake), never a form on a dossier.
    pub const fn opens_dossier(self) -> bool {
        matches!(
            self,
            ActionKind::SubmitOnline | ActionKind::ReceiveAtCounter
        )
    }
}

#[cfg(test)]
mod tests {
    use std::collections::HashSet;

    use super::ActionKind;

    #[test]
    fn every_kind_is_found_again_by_its_name() {
        for kind in ActionKind::ALL {
            assert_eq!(ActionKind::from_name(kind.name()), Some(kind));
        }
    }

    #[test]
    fn no_two_kinds_share_a_name() {
        let names: HashSet<_> = ActionKind::ALL.iter().map(|k| k.name()).collect();
        assert_eq!(names.len(), ActionKind::ALL.len());
        let kinds: HashSet<_> = ActionKind::ALL.into_iter().collect();
        assert_eq!(kinds.len(), ActionKind::ALL.len());
    }

    #[test]
    fn an_unknown_name_is_no_kind() {
        assert_eq!(ActionKind::from_name("delete_everything"), None);
        assert_eq!(ActionKind::from_name("Accept"), None);
        assert_eq!(ActionKind::from_name(""), None);
    }

    #[test]
    fn only_submitting_online_and_receiving_at_the_counter_open_a_dossier() {
        let opening: Vec<_> = ActionKind::ALL
            .into_iter()
            .filter(|k| k.opens_dossier())
            .collect();
        assert_eq!(
            opening,
            [ActionKind::SubmitOnline, ActionKind::ReceiveAtCounter]
        );
    }

    #[test]
    fn only_an_active_handler_or_leader_of_the_holding_unit_can_be_given_a_dossier() {
        use super::{Assignee, assignee_refusal};
        use crate::dossier::OfficerRole;
        let of = |unit, role, active| {
            Some(Assignee {
                unit,
                role: Some(role),
                active,
            })
        };
        assert_eq!(
            assignee_refusal("X", of("X", OfficerRole::Handling, true)),
            None
        );
        assert_eq!(
            assignee_refusal("X", of("X", OfficerRole::Leader, true)),
            None
        );
        assert_eq!(assignee_refusal("X", None), Some("assignee_unknown"));
        assert_eq!(
            assignee_refusal("X", of("Y", OfficerRole::Handling, true)),
            Some("assignee_other_unit")
        );
        assert_eq!(
            assignee_refusal("X", of("X", OfficerRole::Handling, false)),
            Some("assignee_disabled")
        );
        for role in [
            OfficerRole::Auditor,
            OfficerRole::UnitAdmin,
            OfficerRole::Reception,
        ] {
            assert_eq!(
                assignee_refusal("X", of("X", role, true)),
                Some("assignee_cannot_handle"),
                "{role:?}"
            );
        }
    }
}
