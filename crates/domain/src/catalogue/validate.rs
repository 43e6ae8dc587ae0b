//! Consistency rules for the reference catalogue, checked before it is stored, so that a typo in
//! `catalog/` or an admin edit can never leave a procedure pointing at nothing.

use std::collections::HashSet;

use super::{AgencyKind, Catalogue, FeeKind, LegalDuration};

/// One inconsistency found in a catalogue.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CatalogueError {
    /// Two entries share a code.
    #[error("duplicate {what} code {code:?}")]
    Duplicate {
        /// Kind of entry.
        what: &'static str,
        /// The repeated code.
        code: String,
    },
    /// A reference points at no entry.
    #[error("{owner} refers to unknown {what} {code:?}")]
    UnknownReference {
        /// The entry holding the reference.
        owner: String,
        /// Kind of entry referred to.
        what: &'static str,
        /// The code that matches nothing.
        code: String,
    },
    /// A value breaks a rule of its own.
    #[error("{owner}: {problem}")]
    Invalid {
        /// The entry at fault.
        owner: String,
        /// What is wrong.
        problem: String,
    },
}

fn duplicates<'a>(
    what: &'static str,
    codes: impl Iterator<Item = &'a str>,
    errors: &mut Vec<CatalogueError>,
) -> HashSet<&'a str> {
    let mut seen = HashSet::new();
    for code in codes {
        if !seen.insert(code) {
            errors.push(CatalogueError::Duplicate {
                what,
                code: code.to_owned(),
            });
        }
    }
    seen
}

/// Checks every reference and rule of a catalogue whose agency placeholders have been expanded.
/// Returns all problems at once, so a data author can fix them in one pass.
pub fn validate(catalogue: &Catalogue) -> Result<(), Vec<CatalogueError>> {
    let mut errors = Vec::new();
    let agencies = duplicates(
        "agency",
        catalogue.agencies.iter().map(|a| a.code.as_str()),
        &mut errors,
    );
    let fields = duplicates(
        "field",
        catalogue.fields.iter().map(|f| f.code.as_str()),
        &mut errors,
    );
    let workflows = duplicates(
        "workflow",
        catalogue.workflows.iter().map(|w| w.code.as_str()),
        &mut errors,
    );
    duplicates(
        "procedure",
        catalogue.procedures.iter().map(|p| p.code.as_str()),
        &mut errors,
    );

    let roots = catalogue
        .agencies
        .iter()
        .filter(|a| a.parent.is_none())
        .count();
    if roots != 1 {
        errors.push(CatalogueError::Invalid {
            owner: "agency tree".into(),
            problem: format!("must have exactly one root, has {roots}"),
        });
    }
    for agency in &catalogue.agencies {
        match (&agency.parent, agency.kind) {
            (None, AgencyKind::ProvincialCommittee) => {}
            (None, _) => errors.push(CatalogueError::Invalid {
                owner: format!("agency {}", agency.code),
                problem: "only the provincial committee may have no parent".into(),
            }),
            (Some(parent), _) if !agencies.contains(parent.as_str()) => {
                errors.push(CatalogueError::UnknownReference {
                    owner: format!("agency {}", agency.code),
                    what: "parent agency",
                    code: parent.clone(),
                })
            }
            _ => {}
        }
    }

    for workflow in &catalogue.workflows {
        let total: u32 = workflow.steps.iter().map(|s| s.share_percent).sum();
        if workflow.steps.is_empty() || total != 100 {
            errors.push(CatalogueError::Invalid {
                owner: format!("workflow {}", workflow.code),
                problem: format!("step shares must add up to 100%, they add up to {total}%"),
            });
        }
    }

    for p in &catalogue.procedures {
        let owner = format!("procedure {}", p.code);
        if !fields.contains(p.field.as_str()) {
            errors.push(CatalogueError::UnknownReference {
                owner: owner.clone(),
                what: "field",
                code: p.field.clone(),
            });
        }
        if !workflows.contains(p.workflow.as_str()) {
            errors.push(CatalogueError::UnknownReference {
                owner: owner.clone(),
                what: "workflow",
                code: p.workflow.clone(),
            });
        }
        if p.agencies.is_empty() {
            errors.push(CatalogueError::Invalid {
                owner: owner.clone(),
                problem: "has no implementing agency".into(),
            });
        }
        for code in &p.agencies {
            if !agencies.contains(code.as_str()) {
                errors.push(CatalogueError::UnknownReference {
                    owner: owner.clone(),
                    what: "agency",
                    code: code.clone(),
                });
            }
        }
        if p.name.trim().is_empty() || p.name_en.trim().is_empty() {
            errors.push(CatalogueError::Invalid {
                owner: owner.clone(),
                problem: "needs a Vietnamese and an English name".into(),
            });
        }
        if p.components.is_empty() {
            errors.push(CatalogueError::Invalid {
                owner: owner.clone(),
                problem: "lists no papers".into(),
            });
        }
        // Decree 104/2022/NĐ-CP: household books and residence confirmations are not asked for
        // where the population database proves them, so such a paper must say so; a form to
        // fill in is never something the database proves.
        for c in &p.components {
            let name = c.name.to_lowercase();
            let proves = ["hộ khẩu", "nơi cư trú", "nơi thường trú", "xác nhận cư trú"]
                .iter()
                .any(|w| name.contains(w));
            if proves && !c.waived_if_population_verified {
                errors.push(CatalogueError::Invalid {
                    owner: owner.clone(),
                    problem: format!(
                        "paper {:?} is a household book or residence confirmation: set waived_if_population_verified",
                        c.name
                    ),
                });
            }
            if c.waived_if_population_verified && c.template.is_some() {
                errors.push(CatalogueError::Invalid {
                    owner: owner.clone(),
                    problem: format!(
                        "paper {:?} is a form to fill in; the population database cannot prove it",
                        c.name
                    ),
                });
            }
        }
        if p.channels.is_empty() {
            errors.push(CatalogueError::Invalid {
                owner: owner.clone(),
                problem: "lists no channel".into(),
            });
        }
        if p.legal_basis.is_empty() {
            errors.push(CatalogueError::Invalid {
                owner: owner.clone(),
                problem: "cites no legal basis".into(),
            });
        }
        if matches!(
            p.duration,
            LegalDuration::WorkingDays { amount: 0 } | LegalDuration::WorkingHours { amount: 0 }
        ) {
            errors.push(CatalogueError::Invalid {
                owner: owner.clone(),
                problem: "a duration of zero must be written as same_day".into(),
            });
        }
        for fee in &p.fees {
            let negative = fee.amount_vnd < 0
                || fee.cap_vnd.is_some_and(|c| c < 0)
                || fee.tiers.iter().any(|t| t.amount_vnd < 0);
            if negative {
                errors.push(CatalogueError::Invalid {
                    owner: owner.clone(),
                    problem: format!("fee {:?} has a negative amount", fee.name),
                });
            }
            if fee.kind == FeeKind::Fixed && !fee.tiers.is_empty() {
                errors.push(CatalogueError::Invalid {
                    owner: owner.clone(),
                    problem: format!("fixed fee {:?} cannot have tiers", fee.name),
                });
            }
            // Bands must cover units 1, 2, 3… without gap or overlap, so that every page or
            // copy has exactly one price (Circular 226/2016/TT-BTC prices pages by rank).
            let mut next = 1u32;
            let mut open_ended = false;
            for tier in &fee.tiers {
                let ok =
                    !open_ended && tier.from == next && tier.to.is_none_or(|to| to >= tier.from);
                if !ok {
                    errors.push(CatalogueError::Invalid {
                        owner: owner.clone(),
                        problem: format!(
                            "fee {:?}: price bands must start at 1 and follow each other without gaps",
                            fee.name
                        ),
                    });
                    break;
                }
                match tier.to {
                    Some(to) => next = to.saturating_add(1),
                    None => open_ended = true,
                }
            }
            for discount in &fee.online_discounts {
                if !(1..=100).contains(&discount.percent)
                    || discount.until.is_some_and(|u| u < discount.from)
                    || discount.source.trim().is_empty()
                {
                    errors.push(CatalogueError::Invalid {
                        owner: owner.clone(),
                        problem: format!(
                            "fee {:?}: an online reduction needs 1–100 %, an end after its start and a legal source",
                            fee.name
                        ),
                    });
                }
            }
        }
    }

    if errors.is_empty() {
        Ok(())
    } else {
        Err(errors)
    }
}
