//! Synthetic history for `motcua seed --synthetic N`: N dossiers submitted over the last two
//! years, on working days and in office hours, across the agencies and procedures of the shipped
//! catalogue, with a province's mix of channels, outcomes, late and on-time results, fees paid
//! and population look-ups. The targets of issue 8 are stated over 1.2 million dossiers; they
//! mean nothing over the few hundred a bench run submits.
//!
//! Each dossier is driven through the real state machine (`domain::dossier::decide`) by the
//! actors who would act on it, so its events, projection, due dates and hash chain are exactly
//! what the program itself would have written; an action the rules refuse simply ends the
//! dossier's story where it stands. The random choices come from one seeded generator, so the
//! same seed and the same "now" give the same history.

use std::collections::{BTreeMap, HashMap};
use std::time::{Duration as StdDuration, Instant};

use domain::calendar::{
    OfficeHours, VIETNAM_OFFSET, WorkCalendar, recorded_instant, to_vietnam_local,
};
use domain::catalogue::{Catalogue, Channel, Procedure, Workflow};
use domain::dossier::{
    Action, Actor, Applicant, ApplicantKind, Context, DossierCode, DossierState, Event,
    IdentityCheck, IdentityResult, OfficerRole, ReturnMethod, apply, classify, decide,
};
use sha2::{Digest, Sha256};
use storage::Db;
use storage::registry_lookups::NewRegistryLookup;
use storage::synthetic::{CodeCounter, SyntheticDossier, SyntheticPayment};
use time::{Date, Duration, OffsetDateTime, Time};
use uuid::Uuid;

use crate::BenchError;

/// Dossiers written per transaction: large enough that commits cost little, small enough that
/// a batch's rows stay a few megabytes.
pub const BATCH: usize = 2_000;

/// Days of history.
const HISTORY_DAYS: i64 = 730;

/// Share of returned dossiers their applicant rates (the province's portals see about a third).
const RATED_SHARE: f64 = 0.3;

/// What to generate.
#[derive(Debug, Clone)]
pub struct Plan {
    /// How many dossiers.
    pub dossiers: u64,
    /// Seed of the random choices.
    pub seed: u64,
    /// The present: submissions fall on the working days of the two years before its day, and
    /// no action happens after it (dossiers whose next step would are still open).
    pub now: OffsetDateTime,
}

/// What was generated.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Summary {
    /// Dossiers written.
    pub dossiers: u64,
    /// Events written.
    pub events: u64,
    /// Payments written.
    pub payments: u64,
    /// Ratings written.
    pub ratings: u64,
    /// Population look-ups written.
    pub lookups: u64,
    /// Dossiers per final status.
    pub by_status: BTreeMap<String, u64>,
    /// Dossiers per channel.
    pub by_channel: BTreeMap<String, u64>,
    /// Results ready by their due date.
    pub on_time: u64,
    /// Results ready after it.
    pub late: u64,
    /// Planned actions the state machine refused (the dossier stopped there).
    pub refused_actions: u64,
    /// Distinct agencies that received dossiers.
    pub agencies: u64,
    /// Wall time of the load (generation and inserts).
    pub elapsed: StdDuration,
    /// Wall time of refreshing the planner's statistics afterwards.
    pub statistics: StdDuration,
}

/// The generator's deterministic random source (SplitMix64): a dependency-free, seedable and
/// fast stream, which is all a data generator needs (nothing here is a secret).
#[derive(Debug, Clone)]
pub struct Rng(u64);

impl Rng {
    /// A stream from a seed.
    pub fn new(seed: u64) -> Rng {
        Rng(seed)
    }

    /// The next 64 random bits.
    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// A number in `0..n` (0 when `n` is 0).
    pub fn below(&mut self, n: u64) -> u64 {
        if n == 0 { 0 } else { self.next_u64() % n }
    }

    /// A fraction in `[0, 1)`.
    pub fn unit(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 / (1u64 << 53) as f64
    }

    /// True with probability `p`.
    pub fn chance(&mut self, p: f64) -> bool {
        self.unit() < p
    }

    /// One of the items.
    pub fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len() as u64) as usize]
    }

    /// `n` random decimal digits.
    fn digits(&mut self, n: usize) -> String {
        (0..n)
            .map(|_| char::from(b'0' + self.below(10) as u8))
            .collect()
    }

    /// A duration between `from` and `to` minutes.
    fn minutes(&mut self, from: i64, to: i64) -> Duration {
        let span = u64::try_from((to - from).max(0)).unwrap_or(0);
        Duration::minutes(from + i64::try_from(self.below(span + 1)).unwrap_or(0))
    }
}

const FAMILY: [&str; 16] = [
    "Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Huỳnh", "Phan", "Vũ", "Võ", "Đặng", "Bùi", "Đỗ",
    "Hồ", "Ngô", "Dương", "Lý",
];
const MIDDLE: [&str; 10] = [
    "Văn", "Thị", "Minh", "Ngọc", "Thanh", "Đức", "Hữu", "Quang", "Thu", "Kim",
];
const GIVEN: [&str; 32] = [
    "An", "Bình", "Châu", "Dũng", "Giang", "Hà", "Hải", "Hạnh", "Hiếu", "Hoa", "Hùng", "Hương",
    "Khánh", "Lan", "Linh", "Long", "Mai", "Minh", "Nam", "Nga", "Ngọc", "Phong", "Phương", "Quân",
    "Sơn", "Tâm", "Thảo", "Thắng", "Trang", "Trung", "Tuấn", "Yến",
];

/// Share of dossiers filed online where the procedure allows it (the seed province: 43.9 %).
const ONLINE_SHARE: f64 = 0.46;
/// Share of counter dossiers sent by post where the procedure allows it.
const POST_SHARE: f64 = 0.04;
/// Results planned after the due date (the seed province reported about 5 % late; supplements
/// and fees waited for push a few more past it).
const LATE_SHARE: f64 = 0.04;
/// Outcomes other than a result.
const REFUSED_SHARE: f64 = 0.02;
const WITHDRAWN_SHARE: f64 = 0.015;
const STOPPED_SHARE: f64 = 0.005;
/// Supplements requested during processing.
const SUPPLEMENT_SHARE: f64 = 0.07;
/// Dossiers whose fees are paid online (of those with fees, filed online).
const ONLINE_PAYMENT_SHARE: f64 = 0.55;

/// Where the generator's dossiers go and with which rules.
struct Universe<'a> {
    calendar: &'a WorkCalendar,
    /// Procedures with their cumulative weights (communes settle the most-used procedures).
    procedures: Vec<(&'a Procedure, &'a Workflow, u64)>,
    total_weight: u64,
    /// Working days of the window, oldest first.
    days: Vec<Date>,
    opening: Time,
    /// Minutes from opening during which submissions arrive.
    open_minutes: i64,
    now: OffsetDateTime,
}

impl<'a> Universe<'a> {
    fn new(catalogue: &'a Catalogue, calendar: &'a WorkCalendar, now: OffsetDateTime) -> Self {
        let communes: Vec<&str> = catalogue
            .agencies
            .iter()
            .filter(|a| a.kind == domain::catalogue::AgencyKind::Commune)
            .map(|a| a.code.as_str())
            .collect();
        let mut procedures = Vec::new();
        let mut total_weight = 0;
        for p in &catalogue.procedures {
            let Some(workflow) = catalogue
                .workflows
                .iter()
                .filter(|w| w.code == p.workflow)
                .max_by_key(|w| w.version)
            else {
                continue;
            };
            if p.agencies.is_empty() || p.channels.is_empty() {
                continue;
            }
            // Commune procedures (civil status, certified copies) are most of a province's
            // dossiers; the 25 essential services come next.
            let mut weight = 1;
            if p.agencies.iter().any(|a| communes.contains(&a.as_str())) {
                weight *= 8;
            }
            if p.priority {
                weight *= 3;
            }
            total_weight += weight;
            procedures.push((p, workflow, total_weight));
        }
        let today = to_vietnam_local(now).map_or(now.date(), |l| l.date());
        let days = (1..=HISTORY_DAYS)
            .rev()
            .filter_map(|back| today.checked_sub(Duration::days(back)))
            .filter(|d| calendar.is_working_day(*d))
            .collect();
        let hours: &OfficeHours = calendar.office_hours();
        let opening = hours.opening();
        let open_minutes = ((hours.closing() - opening).whole_minutes() - 30).max(60);
        Universe {
            calendar,
            procedures,
            total_weight,
            days,
            opening,
            open_minutes,
            now,
        }
    }

    fn procedure(&self, rng: &mut Rng) -> (&'a Procedure, &'a Workflow) {
        let target = rng.below(self.total_weight) + 1;
        let i = self.procedures.partition_point(|(_, _, w)| *w < target);
        let (p, w, _) = self.procedures[i.min(self.procedures.len() - 1)];
        (p, w)
    }
}

/// The story of one dossier as it is built: the state, its events and what came with them.
struct Story<'a> {
    context: Context<'a>,
    state: Option<DossierState>,
    events: Vec<Event>,
    refused: bool,
    now: OffsetDateTime,
}

impl Story<'_> {
    /// Performs an action at `at` if it is not in the future and the rules allow it; returns
    /// whether it happened.
    fn act(&mut self, actor: &Actor, action: &Action, at: OffsetDateTime) -> bool {
        if self.refused || at > self.now {
            return false;
        }
        let at = recorded_instant(at);
        match decide(self.state.as_ref(), &self.context, actor, action, at) {
            Ok(events) => {
                for e in &events {
                    match apply(self.state.take(), e) {
                        Ok(s) => self.state = Some(s),
                        Err(_) => {
                            self.refused = true;
                            return false;
                        }
                    }
                }
                self.events.extend(events);
                true
            }
            Err(_) => {
                self.refused = true;
                false
            }
        }
    }

    fn last_at(&self) -> OffsetDateTime {
        self.state.as_ref().map_or(self.now, |s| s.updated_at)
    }
}

fn officer(agency: &str, role: OfficerRole) -> Actor {
    Actor::Officer {
        officer_id: format!("synthetic.{}.{agency}", role.as_str()),
        role,
        unit: agency.to_owned(),
    }
}

/// The generator: the universe, the random stream and the code counters.
struct Generator<'a> {
    universe: Universe<'a>,
    rng: Rng,
    counters: HashMap<(String, Date), u32>,
    summary: Summary,
    agencies: std::collections::HashSet<String>,
}

impl<'a> Generator<'a> {
    fn dossier(&mut self) -> Option<SyntheticDossier> {
        let u = &self.universe;
        let rng = &mut self.rng;
        let (procedure, workflow) = u.procedure(rng);
        let agency = rng.pick(&procedure.agencies).clone();
        let day = *rng.pick(&u.days);
        let local = day.with_time(u.opening) + rng.minutes(0, u.open_minutes);
        let submitted = recorded_instant(
            local
                .assume_offset(VIETNAM_OFFSET)
                .to_offset(time::UtcOffset::UTC),
        );
        let online_allowed = procedure.service_mode.accepts_online_application()
            && procedure.channels.contains(&Channel::Online);
        let channel = if online_allowed && rng.chance(ONLINE_SHARE) {
            Channel::Online
        } else if procedure.channels.contains(&Channel::Post) && rng.chance(POST_SHARE) {
            Channel::Post
        } else if procedure.channels.contains(&Channel::Counter) {
            Channel::Counter
        } else if online_allowed {
            Channel::Online
        } else {
            return None;
        };
        let counter = self
            .counters
            .entry((agency.clone(), day))
            .and_modify(|n| *n += 1)
            .or_insert(1);
        let code = DossierCode::new(&agency, day, *counter).ok()?;
        let n = rng.next_u64();
        let business = rng.chance(0.08);
        let applicant = Applicant {
            id: format!("synthetic-{n:016x}"),
            kind: if business {
                ApplicantKind::Business
            } else {
                ApplicantKind::Citizen
            },
        };
        let person = format!(
            "{} {} {}",
            rng.pick(&FAMILY),
            rng.pick(&MIDDLE),
            rng.pick(&GIVEN)
        );
        let applicant_name = if business {
            format!("Công ty TNHH {person}")
        } else {
            person
        };
        let phone = format!("09{}", rng.digits(8));
        let personal_id = format!("0{}", rng.digits(11));

        let applicant_actor = Actor::Applicant {
            applicant_id: applicant.id.clone(),
        };
        let reception = officer(&agency, OfficerRole::Reception);
        let handling = officer(&agency, OfficerRole::Handling);
        let leader = officer(&agency, OfficerRole::Leader);
        let system = Actor::System {
            job: "synthetic-history".to_owned(),
        };
        let mut story = Story {
            context: Context {
                procedure,
                workflow,
                calendar: u.calendar,
            },
            state: None,
            events: Vec::new(),
            refused: false,
            now: u.now,
        };
        let opened = if channel == Channel::Online {
            story.act(
                &applicant_actor,
                &Action::SubmitOnline {
                    code: code.clone(),
                    agency: agency.clone(),
                    applicant: applicant.clone(),
                },
                submitted,
            )
        } else {
            let papers = procedure
                .components
                .iter()
                .filter(|c| c.required)
                .map(|c| c.name.clone())
                .collect();
            story.act(
                &reception,
                &Action::ReceiveAtCounter {
                    code: code.clone(),
                    channel,
                    applicant: applicant.clone(),
                    papers,
                },
                submitted,
            )
        };
        if !opened {
            self.summary.refused_actions += 1;
            return None;
        }

        // Population look-ups: most online applications and a share of counter intakes.
        let mut lookups = Vec::new();
        let looked_up = if channel == Channel::Online {
            rng.chance(0.7)
        } else {
            rng.chance(0.35)
        };
        if looked_up {
            let r = rng.unit();
            let result = if r < 0.93 {
                IdentityResult::Verified
            } else if r < 0.96 {
                IdentityResult::NotFound
            } else if r < 0.98 {
                IdentityResult::Mismatch
            } else {
                IdentityResult::Unavailable
            };
            let at = submitted + Duration::seconds(1);
            let (requested_by, requester_kind, purpose) = if channel == Channel::Online {
                ("portal".to_owned(), "portal", "online_application")
            } else {
                (
                    format!("synthetic.reception.{agency}"),
                    "officer",
                    "counter_intake",
                )
            };
            lookups.push(NewRegistryLookup {
                id: Uuid::now_v7(),
                looked_up_at: at,
                month: to_vietnam_local(at)
                    .map(|l| format!("{:04}-{:02}", l.year(), u8::from(l.month())))
                    .unwrap_or_default(),
                requested_by,
                requester_kind: requester_kind.to_owned(),
                agency_code: agency.clone(),
                dossier_code: Some(code.to_string()),
                purpose: purpose.to_owned(),
                result: result.as_str().to_owned(),
                latency_ms: 80 + i64::try_from(rng.below(900)).unwrap_or(0),
                // Synthetic people are nobody: an unkeyed hash of a made-up number.
                personal_id_hash: Sha256::digest(personal_id.as_bytes()).to_vec(),
                personal_id_masked: format!("{}******{}", &personal_id[..4], &personal_id[10..]),
            });
            if result == IdentityResult::Verified {
                story.act(
                    &Actor::System {
                        job: "population-registry".to_owned(),
                    },
                    &Action::VerifyIdentity {
                        check: IdentityCheck::registry(result),
                    },
                    at,
                );
            }
        }

        // Intake: counter dossiers are accepted on the spot, online ones within a working day.
        let mut payments = Vec::new();
        let fate = rng.unit();
        let mut t = submitted
            + if channel == Channel::Online {
                rng.minutes(10, 20 * 60)
            } else {
                rng.minutes(1, 8)
            };
        if fate < REFUSED_SHARE {
            story.act(
                &reception,
                &Action::Refuse {
                    reasons: "Hồ sơ không thuộc thẩm quyền giải quyết".to_owned(),
                },
                t,
            );
        } else if story.act(&reception, &Action::Accept, t) {
            t += rng.minutes(5, 240);
            let assigned = story.act(
                &reception,
                &Action::Assign {
                    officer_id: match &handling {
                        Actor::Officer { officer_id, .. } => officer_id.clone(),
                        _ => String::new(),
                    },
                },
                t,
            );
            let due = story.state.as_ref().and_then(|s| s.due);
            if let (true, Some(due)) = (assigned, due) {
                let late = rng.chance(LATE_SHARE);
                let span = (due - t).max(Duration::hours(1));
                let mut end = if late {
                    due + rng.minutes(60, 10 * 24 * 60)
                } else {
                    t + span * (0.25 + 0.7 * rng.unit())
                };
                let middle = t + (end - t) * 0.4;
                if rng.chance(SUPPLEMENT_SHARE) {
                    let asked = middle;
                    let pause = rng.minutes(24 * 60, 6 * 24 * 60);
                    story.act(
                        &handling,
                        &Action::RequestSupplement {
                            reasons: "Bổ sung bản sao giấy tờ còn thiếu".to_owned(),
                            papers: Vec::new(),
                        },
                        asked,
                    );
                    story.act(
                        &reception,
                        &Action::ReceiveSupplement {
                            note: Some("Đã nhận giấy tờ bổ sung".to_owned()),
                        },
                        asked + pause,
                    );
                    end += pause;
                }
                let fee: i64 = procedure
                    .fees
                    .iter()
                    .map(|f| f.amount_vnd)
                    .find(|a| *a > 0)
                    .unwrap_or(0);
                if fate < REFUSED_SHARE + WITHDRAWN_SHARE {
                    let withdrawer = if channel == Channel::Online {
                        &applicant_actor
                    } else {
                        &reception
                    };
                    story.act(
                        withdrawer,
                        &Action::Withdraw {
                            reasons: "Người nộp rút hồ sơ".to_owned(),
                        },
                        story.last_at().max(middle) + Duration::hours(1),
                    );
                } else if fate < REFUSED_SHARE + WITHDRAWN_SHARE + STOPPED_SHARE {
                    story.act(
                        &leader,
                        &Action::Stop {
                            reasons: "Hồ sơ không đủ điều kiện giải quyết".to_owned(),
                        },
                        story.last_at().max(middle) + Duration::hours(1),
                    );
                } else {
                    let mut at = story.last_at().max(middle);
                    let mut fees_ok = true;
                    if fee > 0 {
                        fees_ok = false;
                        if story.act(
                            &handling,
                            &Action::RequestFees {
                                amount_vnd: fee,
                                note: "Lệ phí theo quy định".to_owned(),
                            },
                            at,
                        ) {
                            let online_pay =
                                channel == Channel::Online && rng.chance(ONLINE_PAYMENT_SHARE);
                            // Paid well before the result is due to be ready, so that only
                            // the dossiers planned late end late.
                            let paid_at = at
                                + Duration::minutes(5)
                                + (end - at).max(Duration::ZERO) * (0.4 * rng.unit());
                            let reference = format!("SYN{}", Uuid::now_v7().simple());
                            let (payer, pay_channel, recorded_by) = if online_pay {
                                (
                                    &system,
                                    if rng.chance(0.5) { "paygov" } else { "vnpay" },
                                    None,
                                )
                            } else {
                                (
                                    &reception,
                                    "cash",
                                    Some(format!("synthetic.reception.{agency}")),
                                )
                            };
                            if story.act(
                                payer,
                                &Action::RecordFeesPaid {
                                    amount_vnd: fee,
                                    reference: reference.clone(),
                                },
                                paid_at,
                            ) {
                                fees_ok = true;
                                payments.push(SyntheticPayment {
                                    reference,
                                    channel: pay_channel.to_owned(),
                                    amount_vnd: fee,
                                    gateway_transaction: rng.digits(10),
                                    receipt_key: format!("{:016x}", rng.next_u64()),
                                    recorded_by,
                                    created_at: recorded_instant(at),
                                    paid_at: recorded_instant(paid_at),
                                });
                                at = paid_at;
                            }
                        }
                    }
                    if fees_ok {
                        let end = end.max(at + Duration::minutes(30));
                        story.act(
                            &handling,
                            &Action::ProposeResult {
                                summary: "Đủ điều kiện, đề nghị cấp kết quả".to_owned(),
                            },
                            end - Duration::minutes(20),
                        );
                        story.act(
                            &leader,
                            &Action::Approve { note: None },
                            end - Duration::minutes(10),
                        );
                        if story.act(&handling, &Action::MarkResultReady, end) {
                            // Judged by the domain's one rule, as the projection records it.
                            let verdict = story.state.as_ref().and_then(|s| classify(s, end));
                            if verdict.is_some_and(|v| v.counts_as_on_time()) {
                                self.summary.on_time += 1;
                            } else {
                                self.summary.late += 1;
                            }
                            let (returner, method, back) = match channel {
                                Channel::Online if rng.chance(0.5) => {
                                    (&system, ReturnMethod::Online, rng.minutes(1, 30))
                                }
                                Channel::Post => {
                                    (&reception, ReturnMethod::Post, rng.minutes(60, 2 * 24 * 60))
                                }
                                _ => (
                                    &reception,
                                    ReturnMethod::Counter,
                                    rng.minutes(30, 5 * 24 * 60),
                                ),
                            };
                            story.act(returner, &Action::ReturnResult { method }, end + back);
                        }
                    }
                }
            }
        }
        self.finish(
            story,
            channel,
            &agency,
            procedure,
            &applicant_name,
            &phone,
            &personal_id,
            submitted,
            code,
            payments,
            lookups,
        )
    }

    #[allow(clippy::too_many_arguments)]
    fn finish(
        &mut self,
        story: Story<'_>,
        channel: Channel,
        agency: &str,
        procedure: &Procedure,
        applicant_name: &str,
        phone: &str,
        personal_id: &str,
        submitted: OffsetDateTime,
        code: DossierCode,
        payments: Vec<SyntheticPayment>,
        lookups: Vec<NewRegistryLookup>,
    ) -> Option<SyntheticDossier> {
        if story.refused {
            self.summary.refused_actions += 1;
        }
        let state = story.state?;
        let id = Uuid::now_v7();
        let rating = (state.status == domain::dossier::Status::Returned
            && self.rng.chance(RATED_SHARE))
        .then(|| rating_of(&mut self.rng, id, &state, &story.events, procedure))
        .flatten();
        let events = app::dossiers::new_events(&story.events).ok()?;
        let index = app::dossiers::index_of(&state);
        *self
            .summary
            .by_status
            .entry(index.status.clone())
            .or_default() += 1;
        *self
            .summary
            .by_channel
            .entry(channel.as_str().to_owned())
            .or_default() += 1;
        self.summary.dossiers += 1;
        self.summary.events += events.len() as u64;
        self.summary.payments += payments.len() as u64;
        self.summary.lookups += lookups.len() as u64;
        self.summary.ratings += u64::from(rating.is_some());
        self.agencies.insert(agency.to_owned());
        Some(SyntheticDossier {
            id,
            code: code.to_string(),
            procedure_code: procedure.code.clone(),
            agency_code: agency.to_owned(),
            channel: channel.as_str().to_owned(),
            applicant_name: applicant_name.to_owned(),
            applicant_contact: Some(phone.to_owned()),
            phone_last4: Some(phone[phone.len() - 4..].to_owned()),
            id_last4: Some(personal_id[personal_id.len() - 4..].to_owned()),
            submitted_at: submitted,
            state: serde_json::to_string(&state).ok()?,
            index,
            events,
            payments,
            lookups,
            rating,
        })
    }
}

/// A rating as the applicant of a returned dossier might give it: the criteria the system knows
/// from the dossier's log, the rest and the overall level drawn, mostly good.
fn rating_of(
    rng: &mut Rng,
    dossier_id: Uuid,
    state: &DossierState,
    events: &[Event],
    procedure: &Procedure,
) -> Option<storage::ratings::RatingRow> {
    use domain::rating::{Answer, Answers, Facts, Level, score};
    let published: Vec<&str> = procedure
        .components
        .iter()
        .map(|c| c.name.as_str())
        .collect();
    let facts = Facts::of(events, Some(&published)).ok()?;
    let mut answer = || match rng.unit() {
        u if u < 0.8 => Answer::Good,
        u if u < 0.95 => Answer::Fair,
        _ => Answer::Poor,
    };
    let answers = Answers {
        level: Level::Satisfied,
        one_stop: answer(),
        disclosure: answer(),
        conduct: answer(),
        asked_outside_rules: false,
        feedback_handling: Answer::NotApplicable,
        online_service: answer(),
    };
    let level = match rng.unit() {
        u if u < 0.85 => Level::Satisfied,
        u if u < 0.96 => Level::Acceptable,
        _ => Level::NotSatisfied,
    };
    let answers = Answers { level, ..answers };
    let scored = score(&facts, &answers);
    let ended_at = state.processing_ended_at?;
    Some(storage::ratings::RatingRow {
        dossier_id,
        agency_code: state.agency.clone(),
        procedure_code: state.procedure_code.clone(),
        officer_id: state.assigned_to.clone(),
        source: if rng.chance(0.5) { "tracking" } else { "kiosk" }.to_owned(),
        level: level.as_str().to_owned(),
        points: scored.points.map(|p| p.map(i32::from)),
        answers: serde_json::to_string(&answers).ok()?,
        ended_at: recorded_instant(ended_at),
        at: recorded_instant(state.returned_at.unwrap_or(ended_at) + Duration::hours(1)),
    })
}

/// Generates and writes `plan.dossiers` dossiers. Generation runs on a thread of its own while
/// the previous batch is written, so the CPU work and the database's work overlap; `progress`
/// is told how many dossiers are written after each batch.
pub async fn seed_synthetic(
    db: &Db,
    plan: &Plan,
    progress: &(dyn Fn(u64) + Sync),
) -> Result<Summary, BenchError> {
    let started = Instant::now();
    let mut catalogue = db.load_catalogue().await?;
    catalogue.expand_agency_placeholders();
    let calendar = WorkCalendar::new(db.all_calendar_days().await?, OfficeHours::default());
    let existing = db.code_counters().await?;
    let plan = plan.clone();
    let (sender, mut receiver) = tokio::sync::mpsc::channel::<Vec<SyntheticDossier>>(2);
    let producer = std::thread::spawn(move || {
        let universe = Universe::new(&catalogue, &calendar, plan.now);
        let mut generator = Generator {
            universe,
            rng: Rng::new(plan.seed),
            counters: existing
                .into_iter()
                .map(|c| {
                    (
                        (c.agency_code, c.day),
                        u32::try_from(c.last_value).unwrap_or(u32::MAX),
                    )
                })
                .collect(),
            summary: Summary::default(),
            agencies: std::collections::HashSet::new(),
        };
        if generator.universe.procedures.is_empty() || generator.universe.days.is_empty() {
            return Err(
                "the catalogue has no procedure to file (run `motcua seed` first)".to_owned(),
            );
        }
        let mut made: u64 = 0;
        let mut attempts: u64 = 0;
        while made < plan.dossiers {
            let want = usize::try_from((plan.dossiers - made).min(BATCH as u64)).unwrap_or(BATCH);
            let mut batch = Vec::with_capacity(want);
            while batch.len() < want {
                attempts += 1;
                if attempts > plan.dossiers.saturating_mul(4) + 1_000 {
                    return Err(format!(
                        "the rules refused too many synthetic dossiers ({made} made in {attempts} attempts)"
                    ));
                }
                if let Some(d) = generator.dossier() {
                    batch.push(d);
                }
            }
            made += batch.len() as u64;
            if sender.blocking_send(batch).is_err() {
                break;
            }
        }
        let counters: Vec<CodeCounter> = generator
            .counters
            .into_iter()
            .map(|((agency_code, day), n)| CodeCounter {
                agency_code,
                day,
                last_value: i64::from(n),
            })
            .collect();
        let mut summary = generator.summary;
        summary.agencies = generator.agencies.len() as u64;
        Ok((summary, counters))
    });
    let mut written: u64 = 0;
    let mut failure = None;
    while let Some(batch) = receiver.recv().await {
        if let Err(e) = db.insert_synthetic(&batch).await {
            failure = Some(e);
            break;
        }
        written += batch.len() as u64;
        progress(written);
    }
    drop(receiver);
    let generated = producer
        .join()
        .map_err(|_| BenchError::Synthetic("the generator panicked".to_owned()))?;
    if let Some(e) = failure {
        return Err(e.into());
    }
    let (mut summary, counters) = generated.map_err(BenchError::Synthetic)?;
    db.raise_code_counters(&counters).await?;
    summary.elapsed = started.elapsed();
    let statistics = Instant::now();
    db.refresh_statistics().await?;
    summary.statistics = statistics.elapsed();
    Ok(summary)
}
