//! Stores and reads back the procedure catalogue and the agency tree. The catalogue is reference
//! data: written rarely (first start, `motcua seed`, later admin edits) and read whole into memory
//! by the portal, so reads load each table once and assemble in Rust rather than join per item.

use std::collections::HashMap;

use domain::catalogue::{
    Agency, AgencyKind, ApplicantCategory, Catalogue, Channel, Component, Fee, FeeKind, FeeTier,
    Field, LegalDuration, Level, OnlineDiscount, PaperForm, Procedure, Role, ServiceMode, Workflow,
    WorkflowStep,
};
use time::{Date, OffsetDateTime};
use uuid::Uuid;

use crate::StorageError;
use crate::db::{Db, Tx, exec_tx, on_db, on_tx};

fn corrupt(what: &str, value: &str) -> StorageError {
    StorageError::Corrupt(format!("unknown {what} {value:?}"))
}

fn count(n: u32) -> i64 {
    i64::from(n)
}

fn to_u32(n: i64, what: &str) -> Result<u32, StorageError> {
    u32::try_from(n).map_err(|_| StorageError::Corrupt(format!("{what} out of range: {n}")))
}

fn position(i: usize) -> i64 {
    i64::try_from(i).unwrap_or(i64::MAX)
}

impl Tx {
    /// Writes a validated catalogue: agencies, fields and workflows are upserted by code (so ids
    /// that other rows refer to stay stable), procedures are upserted and their lists rewritten,
    /// and procedures no longer in the catalogue are removed.
    pub(crate) async fn store_catalogue(
        &mut self,
        catalogue: &Catalogue,
    ) -> Result<(), StorageError> {
        let now = OffsetDateTime::now_utc();
        let mut agency_ids: HashMap<&str, Uuid> = HashMap::new();
        for (i, a) in catalogue.agencies.iter().enumerate() {
            let (id,): (Uuid,) = on_tx!(self, |c| {
                sqlx::query_as(
                    "insert into agency (id, code, name, name_en, kind, parent_id, address, phone, position, created_at, updated_at) \
                     values ($1, $2, $3, $4, $5, null, $6, $7, $8, $9, $9) \
                     on conflict (code) do update set name = excluded.name, name_en = excluded.name_en, \
                       kind = excluded.kind, address = excluded.address, phone = excluded.phone, \
                       position = excluded.position, updated_at = excluded.updated_at \
                     returning id",
                )
                .bind(Uuid::now_v7())
                .bind(&a.code)
                .bind(&a.name)
                .bind(&a.name_en)
                .bind(a.kind.as_str())
                .bind(&a.address)
                .bind(&a.phone)
                .bind(position(i))
                .bind(now)
                .fetch_one(c)
                .await
            })?;
            agency_ids.insert(a.code.as_str(), id);
        }
        // Parents are set in a second pass so the file order of the tree does not matter.
        for a in &catalogue.agencies {
            let parent = a.parent.as_deref().and_then(|p| agency_ids.get(p)).copied();
            exec_tx!(self, |c| {
                sqlx::query("update agency set parent_id = $1 where code = $2")
                    .bind(parent)
                    .bind(&a.code)
                    .execute(c)
                    .await
            })?;
        }

        for (i, f) in catalogue.fields.iter().enumerate() {
            exec_tx!(self, |c| {
                sqlx::query(
                    "insert into field (code, name, name_en, position) values ($1, $2, $3, $4) \
                     on conflict (code) do update set name = excluded.name, name_en = excluded.name_en, position = excluded.position",
                )
                .bind(&f.code)
                .bind(&f.name)
                .bind(&f.name_en)
                .bind(position(i))
                .execute(c)
                .await
            })?;
        }

        for w in &catalogue.workflows {
            let (id,): (Uuid,) = on_tx!(self, |c| {
                sqlx::query_as(
                    "insert into workflow (id, code, version, name, name_en, created_at) values ($1, $2, $3, $4, $5, $6) \
                     on conflict (code, version) do update set name = excluded.name, name_en = excluded.name_en \
                     returning id",
                )
                .bind(Uuid::now_v7())
                .bind(&w.code)
                .bind(count(w.version))
                .bind(&w.name)
                .bind(&w.name_en)
                .bind(now)
                .fetch_one(c)
                .await
            })?;
            exec_tx!(self, |c| {
                sqlx::query("delete from workflow_step where workflow_id = $1")
                    .bind(id)
                    .execute(c)
                    .await
            })?;
            for (i, s) in w.steps.iter().enumerate() {
                exec_tx!(self, |c| {
                    sqlx::query(
                        "insert into workflow_step (workflow_id, position, code, name, name_en, role, share_percent) \
                         values ($1, $2, $3, $4, $5, $6, $7)",
                    )
                    .bind(id)
                    .bind(position(i))
                    .bind(&s.code)
                    .bind(&s.name)
                    .bind(&s.name_en)
                    .bind(s.role.as_str())
                    .bind(count(s.share_percent))
                    .execute(c)
                    .await
                })?;
            }
        }

        let codes: Vec<&str> = catalogue
            .procedures
            .iter()
            .map(|p| p.code.as_str())
            .collect();
        let stored: Vec<(String,)> = on_tx!(self, |c| {
            sqlx::query_as("select code from procedure")
                .fetch_all(c)
                .await
        })?;
        for (code,) in stored {
            if !codes.contains(&code.as_str()) {
                exec_tx!(self, |c| {
                    sqlx::query("delete from procedure where code = $1")
                        .bind(&code)
                        .execute(c)
                        .await
                })?;
            }
        }

        for (i, p) in catalogue.procedures.iter().enumerate() {
            self.store_procedure(p, i, &agency_ids, now).await?;
        }
        Ok(())
    }

    async fn store_procedure(
        &mut self,
        p: &Procedure,
        index: usize,
        agency_ids: &HashMap<&str, Uuid>,
        now: OffsetDateTime,
    ) -> Result<(), StorageError> {
        let channels = p
            .channels
            .iter()
            .map(|c| c.as_str())
            .collect::<Vec<_>>()
            .join(" ");
        let (id,): (Uuid,) = on_tx!(self, |c| {
            sqlx::query_as(
                "insert into procedure (id, code, name, name_en, field_code, level, service_mode, priority, \
                   duration_kind, duration_amount, description, applicants, conditions, channels, result, \
                   workflow_code, position, created_at, updated_at) \
                 values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $18) \
                 on conflict (code) do update set name = excluded.name, name_en = excluded.name_en, \
                   field_code = excluded.field_code, level = excluded.level, service_mode = excluded.service_mode, \
                   priority = excluded.priority, duration_kind = excluded.duration_kind, \
                   duration_amount = excluded.duration_amount, description = excluded.description, \
                   applicants = excluded.applicants, conditions = excluded.conditions, channels = excluded.channels, \
                   result = excluded.result, workflow_code = excluded.workflow_code, position = excluded.position, \
                   updated_at = excluded.updated_at \
                 returning id",
            )
            .bind(Uuid::now_v7())
            .bind(&p.code)
            .bind(&p.name)
            .bind(&p.name_en)
            .bind(&p.field)
            .bind(p.level.as_str())
            .bind(p.service_mode.as_str())
            .bind(p.priority)
            .bind(p.duration.kind_str())
            .bind(count(p.duration.amount()))
            .bind(&p.description)
            .bind(&p.applicants)
            .bind(&p.conditions)
            .bind(&channels)
            .bind(&p.result)
            .bind(&p.workflow)
            .bind(position(index))
            .bind(now)
            .fetch_one(c)
            .await
        })?;

        for sql in [
            "delete from procedure_agency where procedure_id = $1",
            "delete from procedure_step where procedure_id = $1",
            "delete from procedure_legal_basis where procedure_id = $1",
            "delete from procedure_component where procedure_id = $1",
            "delete from procedure_fee_tier where procedure_id = $1",
            "delete from procedure_fee_exemption where procedure_id = $1",
            "delete from procedure_fee_discount where procedure_id = $1",
            "delete from procedure_fee where procedure_id = $1",
        ] {
            exec_tx!(self, |c| sqlx::query(sql).bind(id).execute(c).await)?;
        }

        for (i, code) in p.agencies.iter().enumerate() {
            let agency = agency_ids
                .get(code.as_str())
                .copied()
                .ok_or_else(|| corrupt("agency", code))?;
            exec_tx!(self, |c| {
                sqlx::query("insert into procedure_agency (procedure_id, agency_id, position) values ($1, $2, $3)")
                    .bind(id)
                    .bind(agency)
                    .bind(position(i))
                    .execute(c)
                    .await
            })?;
        }
        for (sql, texts) in [
            (
                "insert into procedure_step (procedure_id, position, text) values ($1, $2, $3)",
                &p.steps,
            ),
            (
                "insert into procedure_legal_basis (procedure_id, position, text) values ($1, $2, $3)",
                &p.legal_basis,
            ),
        ] {
            for (i, text) in texts.iter().enumerate() {
                exec_tx!(self, |c| {
                    sqlx::query(sql)
                        .bind(id)
                        .bind(position(i))
                        .bind(text)
                        .execute(c)
                        .await
                })?;
            }
        }
        for (i, k) in p.components.iter().enumerate() {
            exec_tx!(self, |c| {
                sqlx::query(
                    "insert into procedure_component (procedure_id, position, name, form, count, template, required, note, \
                       waived_if_population_verified) values ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
                )
                .bind(id)
                .bind(position(i))
                .bind(&k.name)
                .bind(k.form.as_str())
                .bind(count(k.count))
                .bind(&k.template)
                .bind(k.required)
                .bind(&k.note)
                .bind(k.waived_if_population_verified)
                .execute(c)
                .await
            })?;
        }
        for (i, f) in p.fees.iter().enumerate() {
            exec_tx!(self, |c| {
                sqlx::query(
                    "insert into procedure_fee (procedure_id, position, name, kind, amount_vnd, cap_vnd, note, exempt_categories) \
                     values ($1, $2, $3, $4, $5, $6, $7, $8)",
                )
                .bind(id)
                .bind(position(i))
                .bind(&f.name)
                .bind(f.kind.as_str())
                .bind(f.amount_vnd)
                .bind(f.cap_vnd)
                .bind(&f.note)
                .bind(categories_text(&f.exempt_categories))
                .execute(c)
                .await
            })?;
            for (j, d) in f.online_discounts.iter().enumerate() {
                exec_tx!(self, |c| {
                    sqlx::query(
                        "insert into procedure_fee_discount (procedure_id, fee_position, position, percent, from_day, until_day, source) \
                         values ($1, $2, $3, $4, $5, $6, $7)",
                    )
                    .bind(id)
                    .bind(position(i))
                    .bind(position(j))
                    .bind(i64::from(d.percent))
                    .bind(d.from)
                    .bind(d.until)
                    .bind(&d.source)
                    .execute(c)
                    .await
                })?;
            }
            for (j, t) in f.tiers.iter().enumerate() {
                exec_tx!(self, |c| {
                    sqlx::query(
                        "insert into procedure_fee_tier (procedure_id, fee_position, position, from_unit, to_unit, amount_vnd) \
                         values ($1, $2, $3, $4, $5, $6)",
                    )
                    .bind(id)
                    .bind(position(i))
                    .bind(position(j))
                    .bind(count(t.from))
                    .bind(t.to.map(count))
                    .bind(t.amount_vnd)
                    .execute(c)
                    .await
                })?;
            }
            for (j, text) in f.exemptions.iter().enumerate() {
                exec_tx!(self, |c| {
                    sqlx::query(
                        "insert into procedure_fee_exemption (procedure_id, fee_position, position, text) values ($1, $2, $3, $4)",
                    )
                    .bind(id)
                    .bind(position(i))
                    .bind(position(j))
                    .bind(text)
                    .execute(c)
                    .await
                })?;
            }
        }
        Ok(())
    }
}

type AgencyRow = (
    Uuid,
    String,
    String,
    String,
    String,
    Option<Uuid>,
    Option<String>,
    Option<String>,
);
type ProcedureRow = (
    Uuid,
    String,
    String,
    String,
    String,
    String,
    String,
    bool,
    String,
    i64,
    String,
    String,
    Option<String>,
    String,
    String,
    String,
);
type ComponentRow = (
    Uuid,
    String,
    String,
    i64,
    Option<String>,
    bool,
    Option<String>,
    bool,
);
type FeeRow = (
    Uuid,
    i64,
    String,
    String,
    i64,
    Option<i64>,
    Option<String>,
    String,
);

impl Db {
    /// Reads the whole catalogue back, in the order it was written.
    pub async fn load_catalogue(&self) -> Result<Catalogue, StorageError> {
        let agency_rows: Vec<AgencyRow> = on_db!(self, |pool| {
            sqlx::query_as(
                "select id, code, name, name_en, kind, parent_id, address, phone from agency order by position, code",
            )
            .fetch_all(pool)
            .await
        })?;
        let agency_codes: HashMap<Uuid, String> =
            agency_rows.iter().map(|r| (r.0, r.1.clone())).collect();
        let mut agencies = Vec::with_capacity(agency_rows.len());
        for (_, code, name, name_en, kind, parent, address, phone) in agency_rows {
            agencies.push(Agency {
                kind: AgencyKind::parse(&kind).ok_or_else(|| corrupt("agency kind", &kind))?,
                parent: parent.and_then(|p| agency_codes.get(&p).cloned()),
                code,
                name,
                name_en,
                address,
                phone,
            });
        }

        let fields: Vec<(String, String, String)> = on_db!(self, |pool| {
            sqlx::query_as("select code, name, name_en from field order by position, code")
                .fetch_all(pool)
                .await
        })?;
        let fields = fields
            .into_iter()
            .map(|(code, name, name_en)| Field {
                code,
                name,
                name_en,
            })
            .collect();

        let workflows = self.load_workflows().await?;
        let procedures = self.load_procedures(&agency_codes).await?;
        Ok(Catalogue {
            agencies,
            fields,
            workflows,
            procedures,
        })
    }

    async fn load_workflows(&self) -> Result<Vec<Workflow>, StorageError> {
        let rows: Vec<(Uuid, String, i64, String, String)> = on_db!(self, |pool| {
            sqlx::query_as(
                "select id, code, version, name, name_en from workflow order by code, version",
            )
            .fetch_all(pool)
            .await
        })?;
        let steps: Vec<(Uuid, String, String, String, String, i64)> = on_db!(self, |pool| {
            sqlx::query_as(
                "select workflow_id, code, name, name_en, role, share_percent from workflow_step order by workflow_id, position",
            )
            .fetch_all(pool)
            .await
        })?;
        let mut by_workflow: HashMap<Uuid, Vec<WorkflowStep>> = HashMap::new();
        for (wid, code, name, name_en, role, share) in steps {
            by_workflow.entry(wid).or_default().push(WorkflowStep {
                role: Role::parse(&role).ok_or_else(|| corrupt("role", &role))?,
                share_percent: to_u32(share, "step share")?,
                code,
                name,
                name_en,
            });
        }
        rows.into_iter()
            .map(|(id, code, version, name, name_en)| {
                Ok(Workflow {
                    version: to_u32(version, "workflow version")?,
                    steps: by_workflow.remove(&id).unwrap_or_default(),
                    code,
                    name,
                    name_en,
                })
            })
            .collect()
    }

    async fn load_procedures(
        &self,
        agency_codes: &HashMap<Uuid, String>,
    ) -> Result<Vec<Procedure>, StorageError> {
        let rows: Vec<ProcedureRow> = on_db!(self, |pool| {
            sqlx::query_as(
                "select id, code, name, name_en, field_code, level, service_mode, priority, duration_kind, \
                   duration_amount, description, applicants, conditions, channels, result, workflow_code \
                 from procedure order by position, code",
            )
            .fetch_all(pool)
            .await
        })?;

        let links: Vec<(Uuid, Uuid)> = on_db!(self, |pool| {
            sqlx::query_as("select procedure_id, agency_id from procedure_agency order by procedure_id, position")
                .fetch_all(pool)
                .await
        })?;
        let mut agencies: HashMap<Uuid, Vec<String>> = HashMap::new();
        for (pid, aid) in links {
            let code = agency_codes
                .get(&aid)
                .cloned()
                .ok_or_else(|| StorageError::Corrupt(format!("procedure agency {aid} missing")))?;
            agencies.entry(pid).or_default().push(code);
        }

        let mut steps = self
            .load_texts(
                "select procedure_id, text from procedure_step order by procedure_id, position",
            )
            .await?;
        let mut legal_basis = self
            .load_texts(
                "select procedure_id, text from procedure_legal_basis order by procedure_id, position",
            )
            .await?;

        let component_rows: Vec<ComponentRow> = on_db!(self, |pool| {
            sqlx::query_as(
                "select procedure_id, name, form, count, template, required, note, waived_if_population_verified \
                 from procedure_component order by procedure_id, position",
            )
            .fetch_all(pool)
            .await
        })?;
        let mut components: HashMap<Uuid, Vec<Component>> = HashMap::new();
        for (pid, name, form, n, template, required, note, waived) in component_rows {
            components.entry(pid).or_default().push(Component {
                form: PaperForm::parse(&form).ok_or_else(|| corrupt("paper form", &form))?,
                count: to_u32(n, "paper count")?,
                name,
                template,
                required,
                note,
                waived_if_population_verified: waived,
            });
        }

        let mut fees = self.load_fees().await?;

        let mut procedures = Vec::with_capacity(rows.len());
        for r in rows {
            let (id, code, name, name_en, field, level, mode, priority) =
                (r.0, r.1, r.2, r.3, r.4, r.5, r.6, r.7);
            let (duration_kind, duration_amount, description, applicants, conditions) =
                (r.8, r.9, r.10, r.11, r.12);
            let (channels, result, workflow) = (r.13, r.14, r.15);
            let duration =
                LegalDuration::from_parts(&duration_kind, to_u32(duration_amount, "duration")?)
                    .ok_or_else(|| corrupt("duration kind", &duration_kind))?;
            let channels = channels
                .split_whitespace()
                .map(|c| Channel::parse(c).ok_or_else(|| corrupt("channel", c)))
                .collect::<Result<Vec<_>, _>>()?;
            procedures.push(Procedure {
                level: Level::parse(&level).ok_or_else(|| corrupt("level", &level))?,
                service_mode: ServiceMode::parse(&mode)
                    .ok_or_else(|| corrupt("service mode", &mode))?,
                agencies: agencies.remove(&id).unwrap_or_default(),
                steps: steps.remove(&id).unwrap_or_default(),
                legal_basis: legal_basis.remove(&id).unwrap_or_default(),
                components: components.remove(&id).unwrap_or_default(),
                fees: fees.remove(&id).unwrap_or_default(),
                code,
                name,
                name_en,
                field,
                priority,
                duration,
                description,
                applicants,
                conditions,
                channels,
                result,
                workflow,
            });
        }
        Ok(procedures)
    }

    /// Rows of `(procedure_id, text)` grouped by procedure, for the ordered text lists.
    async fn load_texts(
        &self,
        sql: &'static str,
    ) -> Result<HashMap<Uuid, Vec<String>>, StorageError> {
        let rows: Vec<(Uuid, String)> =
            on_db!(self, |pool| sqlx::query_as(sql).fetch_all(pool).await)?;
        let mut map: HashMap<Uuid, Vec<String>> = HashMap::new();
        for (pid, text) in rows {
            map.entry(pid).or_default().push(text);
        }
        Ok(map)
    }

    async fn load_fees(&self) -> Result<HashMap<Uuid, Vec<Fee>>, StorageError> {
        let fee_rows: Vec<FeeRow> = on_db!(self, |pool| {
            sqlx::query_as(
                "select procedure_id, position, name, kind, amount_vnd, cap_vnd, note, exempt_categories from procedure_fee \
                 order by procedure_id, position",
            )
            .fetch_all(pool)
            .await
        })?;
        let tier_rows: Vec<(Uuid, i64, i64, Option<i64>, i64)> = on_db!(self, |pool| {
            sqlx::query_as(
                "select procedure_id, fee_position, from_unit, to_unit, amount_vnd from procedure_fee_tier \
                 order by procedure_id, fee_position, position",
            )
            .fetch_all(pool)
            .await
        })?;
        let exemption_rows: Vec<(Uuid, i64, String)> = on_db!(self, |pool| {
            sqlx::query_as(
                "select procedure_id, fee_position, text from procedure_fee_exemption \
                 order by procedure_id, fee_position, position",
            )
            .fetch_all(pool)
            .await
        })?;
        let discount_rows: Vec<DiscountRow> = on_db!(self, |pool| {
            sqlx::query_as(
                "select procedure_id, fee_position, percent, from_day, until_day, source from procedure_fee_discount \
                 order by procedure_id, fee_position, position",
            )
            .fetch_all(pool)
            .await
        })?;
        let mut discounts: HashMap<(Uuid, i64), Vec<OnlineDiscount>> = HashMap::new();
        for (pid, fee, percent, from, until, source) in discount_rows {
            discounts
                .entry((pid, fee))
                .or_default()
                .push(OnlineDiscount {
                    percent: u8::try_from(percent)
                        .map_err(|_| corrupt("online reduction", &percent.to_string()))?,
                    from,
                    until,
                    source,
                });
        }
        let mut tiers: HashMap<(Uuid, i64), Vec<FeeTier>> = HashMap::new();
        for (pid, fee, from, to, amount) in tier_rows {
            tiers.entry((pid, fee)).or_default().push(FeeTier {
                from: to_u32(from, "tier start")?,
                to: to.map(|t| to_u32(t, "tier end")).transpose()?,
                amount_vnd: amount,
            });
        }
        let mut exemptions: HashMap<(Uuid, i64), Vec<String>> = HashMap::new();
        for (pid, fee, text) in exemption_rows {
            exemptions.entry((pid, fee)).or_default().push(text);
        }
        let mut fees: HashMap<Uuid, Vec<Fee>> = HashMap::new();
        for (pid, pos, name, kind, amount, cap, note, categories) in fee_rows {
            fees.entry(pid).or_default().push(Fee {
                exempt_categories: parse_categories(&categories)?,
                online_discounts: discounts.remove(&(pid, pos)).unwrap_or_default(),
                kind: FeeKind::parse(&kind).ok_or_else(|| corrupt("fee kind", &kind))?,
                tiers: tiers.remove(&(pid, pos)).unwrap_or_default(),
                exemptions: exemptions.remove(&(pid, pos)).unwrap_or_default(),
                name,
                amount_vnd: amount,
                cap_vnd: cap,
                note,
            });
        }
        Ok(fees)
    }
}

type DiscountRow = (Uuid, i64, i64, Date, Option<Date>, String);

/// Exempt categories as stored: their names, comma-separated.
fn categories_text(categories: &[ApplicantCategory]) -> String {
    categories
        .iter()
        .map(|c| c.as_str())
        .collect::<Vec<_>>()
        .join(",")
}

fn parse_categories(text: &str) -> Result<Vec<ApplicantCategory>, StorageError> {
    text.split(',')
        .filter(|t| !t.is_empty())
        .map(|t| ApplicantCategory::parse(t).ok_or_else(|| corrupt("applicant category", t)))
        .collect()
}
