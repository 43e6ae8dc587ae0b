//! Tests of the dossier: statuses, codes, every action, deadlines and random action sequences.

mod actions;
mod code;
mod deadlines;
mod identity;
mod offer;
mod properties;
mod status;

use time::{OffsetDateTime, PrimitiveDateTime};

use super::*;
use crate::calendar::{OfficeHours, WorkCalendar, default_days};
use crate::catalogue::{
    Channel, LegalDuration, Level, Procedure, Role, ServiceMode, Workflow, WorkflowStep,
};

/// The lead agency of the test procedures.
pub(crate) const LEAD: &str = "000.00.15.H27";
/// Another agency, for transfers and units that must not act.
pub(crate) const OTHER: &str = "000.00.16.H27";

/// The default holidays of 2025–2027 with the default office hours.
fn calendar() -> WorkCalendar {
    WorkCalendar::new(
        (2025..=2027).flat_map(default_days).collect(),
        OfficeHours::default(),
    )
}

fn step(code: &str, role: Role, share_percent: u32) -> WorkflowStep {
    WorkflowStep {
        code: code.into(),
        name: code.into(),
        name_en: code.into(),
        role,
        share_percent,
    }
}

/// Reception 10 %, handling 60 %, leader 20 %, return 10 %.
fn standard_workflow() -> Workflow {
    Workflow {
        code: "standard".into(),
        version: 1,
        name: "Quy trình".into(),
        name_en: "Standard".into(),
        steps: vec![
            step("tiep-nhan", Role::Reception, 10),
            step("xu-ly", Role::Handling, 60),
            step("phe-duyet", Role::Leader, 20),
            step("tra-kq", Role::Reception, 10),
        ],
    }
}

/// Reception and handling only: no approval step.
pub(crate) fn workflow_without_leader() -> Workflow {
    Workflow {
        code: "no-leader".into(),
        version: 1,
        name: "Quy trình rút gọn".into(),
        name_en: "Short".into(),
        steps: vec![
            step("tiep-nhan", Role::Reception, 20),
            step("xu-ly", Role::Handling, 80),
        ],
    }
}

/// The papers of the test procedure.
pub(crate) const DECLARATION: &str = "Tờ khai";
pub(crate) const BIRTH_CERTIFICATE: &str = "Giấy khai sinh";
pub(crate) const POWER_OF_ATTORNEY: &str = "Giấy ủy quyền";

fn procedure(duration: LegalDuration, workflow: &Workflow) -> Procedure {
    Procedure {
        code: "1.000001".into(),
        name: "Thủ tục thử".into(),
        name_en: "Test procedure".into(),
        field: "test".into(),
        level: Level::Province,
        agencies: vec![LEAD.into()],
        service_mode: ServiceMode::FullOnline,
        priority: false,
        duration,
        description: String::new(),
        applicants: String::new(),
        conditions: None,
        channels: vec![Channel::Counter, Channel::Online, Channel::Post],
        steps: Vec::new(),
        result: String::new(),
        legal_basis: Vec::new(),
        fees: Vec::new(),
        components: [
            (DECLARATION, true),
            (BIRTH_CERTIFICATE, true),
            (POWER_OF_ATTORNEY, false),
        ]
        .into_iter()
        .map(|(name, required)| crate::catalogue::Component {
            name: name.into(),
            form: crate::catalogue::PaperForm::Original,
            count: 1,
            template: None,
            required,
            note: None,
            waived_if_population_verified: false,
        })
        .collect(),
        workflow: workflow.code.clone(),
    }
}

/// A local Vietnamese time as a UTC instant.
pub(crate) fn vn(local: PrimitiveDateTime) -> OffsetDateTime {
    local
        .assume_offset(crate::calendar::VIETNAM_OFFSET)
        .to_offset(time::UtcOffset::UTC)
}

/// A UTC instant as local Vietnamese time.
fn local_of(at: OffsetDateTime) -> PrimitiveDateTime {
    crate::calendar::to_vietnam_local(at).expect("in range")
}

pub(crate) fn applicant_info() -> Applicant {
    Applicant {
        id: "citizen-1".into(),
        kind: ApplicantKind::Citizen,
    }
}

pub(crate) fn applicant() -> Actor {
    Actor::Applicant {
        applicant_id: "citizen-1".into(),
    }
}

fn stranger() -> Actor {
    Actor::Applicant {
        applicant_id: "citizen-2".into(),
    }
}

pub(crate) fn officer(id: &str, role: OfficerRole, unit: &str) -> Actor {
    Actor::Officer {
        officer_id: id.into(),
        role,
        unit: unit.into(),
    }
}

pub(crate) fn reception() -> Actor {
    officer("r1", OfficerRole::Reception, LEAD)
}

pub(crate) fn handler() -> Actor {
    officer("h1", OfficerRole::Handling, LEAD)
}

fn other_handler() -> Actor {
    officer("h2", OfficerRole::Handling, LEAD)
}

pub(crate) fn leader() -> Actor {
    officer("l1", OfficerRole::Leader, LEAD)
}

fn system() -> Actor {
    Actor::System {
        job: "payment-platform".into(),
    }
}

fn code_on(agency: &str, at: OffsetDateTime, counter: u32) -> DossierCode {
    DossierCode::new(agency, local_of(at).date(), counter).expect("valid code")
}

fn submit_online(at: OffsetDateTime) -> Action {
    Action::SubmitOnline {
        code: code_on(LEAD, at, 1),
        agency: LEAD.into(),
        applicant: applicant_info(),
    }
}

fn receive_at_counter(at: OffsetDateTime) -> Action {
    Action::ReceiveAtCounter {
        code: code_on(LEAD, at, 1),
        channel: Channel::Counter,
        applicant: applicant_info(),
        papers: Vec::new(),
    }
}

pub(crate) fn reasons(text: &str) -> String {
    text.into()
}

/// A dossier under test: the procedure, workflow and calendar it runs with, and its log.
pub(crate) struct Dossier {
    calendar: WorkCalendar,
    procedure: Procedure,
    workflow: Workflow,
    state: Option<DossierState>,
    pub(crate) events: Vec<Event>,
}

impl Dossier {
    pub(crate) fn new(duration: LegalDuration) -> Self {
        Self::with_workflow(duration, standard_workflow())
    }

    pub(crate) fn with_workflow(duration: LegalDuration, workflow: Workflow) -> Self {
        Self {
            calendar: calendar(),
            procedure: procedure(duration, &workflow),
            workflow,
            state: None,
            events: Vec::new(),
        }
    }

    fn decide(
        &self,
        actor: &Actor,
        action: &Action,
        at: OffsetDateTime,
    ) -> Result<Vec<Event>, Refusal> {
        let context = Context {
            procedure: &self.procedure,
            workflow: &self.workflow,
            calendar: &self.calendar,
        };
        decide(self.state.as_ref(), &context, actor, action, at)
    }

    /// Decides and, if allowed, records the events.
    fn try_act(
        &mut self,
        actor: &Actor,
        action: Action,
        at: OffsetDateTime,
    ) -> Result<(), Refusal> {
        let events = self.decide(actor, &action, at)?;
        for event in events {
            self.state = Some(apply(self.state.take(), &event).expect("decided events apply"));
            self.events.push(event);
        }
        Ok(())
    }

    /// Performs an action that must be allowed.
    pub(crate) fn act(&mut self, actor: &Actor, action: Action, at: OffsetDateTime) -> &mut Self {
        if let Err(refusal) = self.try_act(actor, action.clone(), at) {
            panic!("{} refused: {refusal}", action.name());
        }
        self
    }

    /// Performs an action that must be refused, and returns the refusal; nothing changes.
    fn refused(&mut self, actor: &Actor, action: Action, at: OffsetDateTime) -> Refusal {
        let before = self.state.clone();
        let refusal = self
            .try_act(actor, action, at)
            .expect_err("the action should be refused");
        assert_eq!(self.state, before, "a refusal changes nothing");
        refusal
    }

    pub(crate) fn state(&self) -> &DossierState {
        self.state.as_ref().expect("the dossier exists")
    }

    /// Submitted online at `at`.
    pub(crate) fn submitted(duration: LegalDuration, at: OffsetDateTime) -> Self {
        let mut dossier = Self::new(duration);
        dossier.act(&applicant(), submit_online(at), at);
        dossier
    }

    /// Submitted and accepted at `at`.
    pub(crate) fn accepted(duration: LegalDuration, at: OffsetDateTime) -> Self {
        let mut dossier = Self::submitted(duration, at);
        dossier.act(&reception(), Action::Accept, at);
        dossier
    }

    /// Accepted and assigned to `h1` at `at`.
    pub(crate) fn processing(duration: LegalDuration, at: OffsetDateTime) -> Self {
        let mut dossier = Self::accepted(duration, at);
        dossier.act(
            &leader(),
            Action::Assign {
                officer_id: "h1".into(),
            },
            at,
        );
        dossier
    }

    /// Processed, approved and ready at `at`.
    pub(crate) fn ready(duration: LegalDuration, at: OffsetDateTime) -> Self {
        let mut dossier = Self::processing(duration, at);
        dossier
            .act(
                &handler(),
                Action::ProposeResult {
                    summary: "grant".into(),
                },
                at,
            )
            .act(&leader(), Action::Approve { note: None }, at)
            .act(&handler(), Action::MarkResultReady, at);
        dossier
    }
}
