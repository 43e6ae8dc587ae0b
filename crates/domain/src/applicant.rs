//! The applicant's details (người nộp hồ sơ: identity and contact), parsed once by the same rules
//! at every door: the portal's wizard, the counter's intake form, the desk's JSON API and the
//! API clients' applications. Each field is a type that only a valid value can build, so a
//! dossier never holds a phone number or a personal ID that one door would have refused.
//!
//! Which fields a door requires is this system's rule, chosen for what each door needs: an online
//! application has no officer to see the person, so it is identified by the personal
//! identification number and birth date (the population database checks both: Decree
//! 104/2022/NĐ-CP) and gives where to reach them ([`Intake::Online`]); at the counter the officer
//! sees the person and their papers, and needs only a way to find the dossier again for them:
//! the personal ID or a phone number ([`Intake::Counter`]), the two things tracking proves an
//! applicant by ([`crate::dossier::tracking`]).

use time::{Date, Month};

use crate::catalogue::ApplicantCategory;
use crate::contact::{canonical_email, national_phone};
use crate::dossier::ReturnMethod;
use crate::identity::{FIRST_BIRTH_YEAR, PersonalId, PersonalIdError};

/// Longest name kept: the database's column and every form's field allow it, and no name on a
/// civil-status record comes near it.
pub const NAME_MAX_CHARS: usize = 200;
/// Longest postal address kept.
pub const ADDRESS_MAX_CHARS: usize = 300;

/// The applicant's name, as written on their papers: trimmed, inner spaces collapsed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApplicantName(String);

impl ApplicantName {
    /// Reads a typed name.
    pub fn parse(text: &str) -> Result<Self, ApplicantProblem> {
        let name = collapse_spaces(text);
        if name.is_empty() {
            Err(ApplicantProblem::NameMissing)
        } else if name.chars().count() > NAME_MAX_CHARS {
            Err(ApplicantProblem::NameTooLong)
        } else {
            Ok(ApplicantName(name))
        }
    }

    /// The name.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// Reads a personal identification number as people type it, grouped by spaces, dots or dashes
/// as printed on the card (`001 085 012 345`), by the number's own rules ([`PersonalId::parse`],
/// which cites them).
pub fn typed_personal_id(text: &str) -> Result<PersonalId, ApplicantProblem> {
    let digits: String = text
        .chars()
        .filter(|c| !c.is_whitespace() && *c != '.' && *c != '-')
        .collect();
    PersonalId::parse(&digits).map_err(|e| match e {
        PersonalIdError::Empty => ApplicantProblem::PersonalIdMissing,
        other => ApplicantProblem::PersonalId(other),
    })
}

/// A phone number: a Vietnamese one kept as national digits starting with 0
/// ([`crate::contact::national_phone`]: Circular 22/2014/TT-BTTTT's numbering plan), or a
/// foreign one in international form, `+` and its digits (ITU-T E.164: at most 15), since an
/// applicant may be a foreigner or a business reachable only abroad.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PhoneNumber(String);

/// Fewest digits of an international number with its country code (the shortest national
/// numbers in use, with a one-digit country code).
const INTERNATIONAL_MIN_DIGITS: usize = 8;
/// Most digits of an international number (ITU-T E.164).
const INTERNATIONAL_MAX_DIGITS: usize = 15;

impl PhoneNumber {
    /// Reads a number as people write it: `0912 345 678`, `0912.345.678`, `+84 912 345 678`,
    /// or a foreign `+1 202 555 0143`.
    pub fn parse(text: &str) -> Result<Self, ApplicantProblem> {
        let text = text.trim();
        if text.is_empty() {
            return Err(ApplicantProblem::PhoneMissing);
        }
        if let Some(national) = national_phone(text) {
            return Ok(PhoneNumber(national));
        }
        let digits: String = text.chars().filter(char::is_ascii_digit).collect();
        let international = text.starts_with('+')
            && !digits.starts_with("84")
            && text
                .chars()
                .all(|c| c.is_ascii_digit() || " .-+()".contains(c))
            && text.matches('+').count() == 1
            && (INTERNATIONAL_MIN_DIGITS..=INTERNATIONAL_MAX_DIGITS).contains(&digits.len());
        if international {
            Ok(PhoneNumber(format!("+{digits}")))
        } else {
            Err(ApplicantProblem::PhoneShape)
        }
    }

    /// The national digits.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// Whether an SMS can reach it: a Vietnamese mobile number (ten digits after 03, 05, 07,
    /// 08 or 09 in the numbering plan of Circular 22/2014/TT-BTTTT as changed in 2018), or a
    /// foreign number, which may be a mobile. Landlines (02x) take no SMS.
    pub fn takes_sms(&self) -> bool {
        let d = &self.0;
        d.starts_with('+')
            || (d.len() == 10
                && ["03", "05", "07", "08", "09"]
                    .iter()
                    .any(|p| d.starts_with(p)))
    }

    /// The number grouped for reading aloud, as Vietnamese numbers are printed: `0912 345 678`
    /// for a mobile, `024 3825 1234` for a landline with its area code.
    pub fn grouped(&self) -> String {
        let d = &self.0;
        match d.len() {
            10 => format!("{} {} {}", &d[..4], &d[4..7], &d[7..]),
            11 => format!("{} {} {}", &d[..3], &d[3..7], &d[7..]),
            _ => d.clone(),
        }
    }
}

/// An e-mail address, lowercase ([`crate::contact::canonical_email`]: RFC 5321's lengths).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EmailAddress(String);

impl EmailAddress {
    /// Reads a typed address.
    pub fn parse(text: &str) -> Result<Self, ApplicantProblem> {
        canonical_email(text)
            .map(EmailAddress)
            .ok_or(ApplicantProblem::EmailShape)
    }

    /// The address.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// A date of birth: a real day, not after today, and not before the first year a personal
/// identification number can encode ([`FIRST_BIRTH_YEAR`]: its century code starts at 1900).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct BirthDate(Date);

impl BirthDate {
    /// Reads a date as people in Vietnam write it (`27/03/1985`, also with `-` or `.`) or as ISO
    /// (`1985-03-27`), refusing one after `today`.
    pub fn parse(text: &str, today: Date) -> Result<Self, ApplicantProblem> {
        if text.trim().is_empty() {
            return Err(ApplicantProblem::BirthMissing);
        }
        let date = calendar_date(text).ok_or(ApplicantProblem::BirthShape)?;
        if date > today {
            return Err(ApplicantProblem::BirthFuture);
        }
        Ok(BirthDate(date))
    }

    /// A date of birth recorded when it was accepted (its ISO text), not checked against
    /// today again.
    pub fn recorded(iso: &str) -> Option<Self> {
        let date = calendar_date(iso)?;
        Some(BirthDate(date))
    }

    /// The day.
    pub fn date(self) -> Date {
        self.0
    }

    /// `DD/MM/YYYY`, as people in Vietnam write it and [`BirthDate::parse`] reads it back.
    pub fn written(self) -> String {
        let d = self.0;
        format!("{:02}/{:02}/{:04}", d.day(), u8::from(d.month()), d.year())
    }

    /// `YYYY-MM-DD`, as stored.
    pub fn iso(self) -> String {
        let d = self.0;
        format!("{:04}-{:02}-{:02}", d.year(), u8::from(d.month()), d.day())
    }
}

/// A postal address to reach the applicant: trimmed, inner spaces collapsed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PostalAddress(String);

impl PostalAddress {
    /// Reads a typed address.
    pub fn parse(text: &str) -> Result<Self, ApplicantProblem> {
        let address = collapse_spaces(text);
        if address.is_empty() {
            Err(ApplicantProblem::AddressMissing)
        } else if address.chars().count() > ADDRESS_MAX_CHARS {
            Err(ApplicantProblem::AddressTooLong)
        } else {
            Ok(PostalAddress(address))
        }
    }

    /// The address.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// The door an application comes through, which decides the fields it requires (see the
/// module's documentation for the law behind each).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Intake {
    /// The portal or an API client: personal ID, birth date, phone and address required.
    Online,
    /// The counter or the post: the personal ID or a phone number required, the rest optional.
    Counter,
}

/// One field of the applicant's details, named as forms and APIs name it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ApplicantField {
    /// `name`
    Name,
    /// `personal_id`
    PersonalId,
    /// `birth_date`
    BirthDate,
    /// `phone`
    Phone,
    /// `email`
    Email,
    /// `address`
    Address,
}

impl ApplicantField {
    /// The field's name in forms, JSON bodies and the stored contact.
    pub fn name(self) -> &'static str {
        match self {
            ApplicantField::Name => "name",
            ApplicantField::PersonalId => "personal_id",
            ApplicantField::BirthDate => "birth_date",
            ApplicantField::Phone => "phone",
            ApplicantField::Email => "email",
            ApplicantField::Address => "address",
        }
    }
}

/// Why a field of the applicant's details is refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ApplicantProblem {
    /// No name.
    #[error("the name is missing")]
    NameMissing,
    /// Longer than [`NAME_MAX_CHARS`].
    #[error("the name is too long")]
    NameTooLong,
    /// No personal ID where the door requires one.
    #[error("the personal identification number is missing")]
    PersonalIdMissing,
    /// The number breaks its own rules, or does not match the birth date.
    #[error("personal identification number: {0}")]
    PersonalId(PersonalIdError),
    /// No birth date where the door requires one.
    #[error("the date of birth is missing")]
    BirthMissing,
    /// Not a real day in a known form.
    #[error("the date of birth is not a real date")]
    BirthShape,
    /// After today.
    #[error("the date of birth is in the future")]
    BirthFuture,
    /// No phone where the door requires one.
    #[error("the phone number is missing")]
    PhoneMissing,
    /// Not a Vietnamese phone number of 10 or 11 digits.
    #[error("the phone number is not valid")]
    PhoneShape,
    /// Not an e-mail address.
    #[error("the e-mail address is not valid")]
    EmailShape,
    /// No address where the door requires one.
    #[error("the address is missing")]
    AddressMissing,
    /// Longer than [`ADDRESS_MAX_CHARS`].
    #[error("the address is too long")]
    AddressTooLong,
    /// At the counter, neither a personal ID nor a phone number.
    #[error("give the personal identification number or a phone number")]
    ContactMissing,
}

impl ApplicantProblem {
    /// The field the problem is about, where a form shows it.
    pub fn field(&self) -> ApplicantField {
        match self {
            ApplicantProblem::NameMissing | ApplicantProblem::NameTooLong => ApplicantField::Name,
            ApplicantProblem::PersonalIdMissing | ApplicantProblem::PersonalId(_) => {
                ApplicantField::PersonalId
            }
            ApplicantProblem::BirthMissing
            | ApplicantProblem::BirthShape
            | ApplicantProblem::BirthFuture => ApplicantField::BirthDate,
            ApplicantProblem::PhoneMissing
            | ApplicantProblem::PhoneShape
            | ApplicantProblem::ContactMissing => ApplicantField::Phone,
            ApplicantProblem::EmailShape => ApplicantField::Email,
            ApplicantProblem::AddressMissing | ApplicantProblem::AddressTooLong => {
                ApplicantField::Address
            }
        }
    }

    /// Stable code for translation: a personal-ID problem gives its own
    /// ([`PersonalIdError::code`]) under `identity.`, the others `name_missing`, `phone_shape`…
    pub fn code(&self) -> String {
        match self {
            ApplicantProblem::PersonalId(e) => format!("identity.{}", e.code()),
            other => other.plain_code().to_owned(),
        }
    }

    fn plain_code(&self) -> &'static str {
        match self {
            ApplicantProblem::NameMissing => "name_missing",
            ApplicantProblem::NameTooLong => "name_long",
            ApplicantProblem::PersonalIdMissing => "id_missing",
            ApplicantProblem::PersonalId(_) => "id_shape",
            ApplicantProblem::BirthMissing => "birth_missing",
            ApplicantProblem::BirthShape => "birth_shape",
            ApplicantProblem::BirthFuture => "birth_future",
            ApplicantProblem::PhoneMissing => "phone_missing",
            ApplicantProblem::PhoneShape => "phone_shape",
            ApplicantProblem::EmailShape => "email_shape",
            ApplicantProblem::AddressMissing => "address_missing",
            ApplicantProblem::AddressTooLong => "address_long",
            ApplicantProblem::ContactMissing => "contact_missing",
        }
    }
}

/// The applicant's identity and contact, each field valid by its rule; the choices the
/// application makes about the result (how it is returned, a claimed fee exemption) travel
/// with them, since the dossier keeps them together.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ApplicantDetails {
    /// Personal identification number (số định danh cá nhân).
    pub personal_id: Option<PersonalId>,
    /// Date of birth.
    pub birth_date: Option<BirthDate>,
    /// Phone number.
    pub phone: Option<PhoneNumber>,
    /// E-mail address.
    pub email: Option<EmailAddress>,
    /// Postal address.
    pub address: Option<PostalAddress>,
    /// How the result is to be returned.
    pub return_method: Option<ReturnMethod>,
    /// The exempting category the applicant claimed; the officer checks the paper that proves
    /// it before waiving the fee (Circular 85/2019/TT-BTC, the fee exemptions).
    pub fee_exemption: Option<ApplicantCategory>,
}

/// The applicant's fields as a form or a request body carries them, untrimmed and unchecked.
#[derive(Debug, Clone, Copy, Default)]
pub struct ApplicantForm<'a> {
    /// `personal_id`
    pub personal_id: &'a str,
    /// `birth_date`
    pub birth_date: &'a str,
    /// `phone`
    pub phone: &'a str,
    /// `email` (always optional)
    pub email: &'a str,
    /// `address`
    pub address: &'a str,
}

impl ApplicantDetails {
    /// Parses a form's fields for `intake`, as of `today`: every problem at once, in the
    /// fields' order, so a form can mark each field. An optional field left blank is `None`;
    /// one filled in must be valid. A personal ID and a birth date given together must agree
    /// (the ID encodes the century and year of birth: [`PersonalId::check_birth`]).
    pub fn parse(
        form: &ApplicantForm<'_>,
        intake: Intake,
        today: Date,
    ) -> Result<ApplicantDetails, Vec<ApplicantProblem>> {
        let required = intake == Intake::Online;
        let mut problems = Vec::new();
        let personal_id = optional(form.personal_id, required, typed_personal_id)
            .map_err(|p| p.unwrap_or(ApplicantProblem::PersonalIdMissing));
        let birth_date = optional(form.birth_date, required, |t| BirthDate::parse(t, today))
            .map_err(|p| p.unwrap_or(ApplicantProblem::BirthMissing));
        let phone = optional(form.phone, required, PhoneNumber::parse)
            .map_err(|p| p.unwrap_or(ApplicantProblem::PhoneMissing));
        let email = optional(form.email, false, EmailAddress::parse)
            .map_err(|p| p.unwrap_or(ApplicantProblem::EmailShape));
        let address = optional(form.address, required, PostalAddress::parse)
            .map_err(|p| p.unwrap_or(ApplicantProblem::AddressMissing));
        // Collected in the fields' order.
        for problem in [
            personal_id.as_ref().err(),
            birth_date.as_ref().err(),
            phone.as_ref().err(),
            email.as_ref().err(),
            address.as_ref().err(),
        ]
        .into_iter()
        .flatten()
        {
            problems.push(problem.clone());
        }
        if let (Ok(Some(id)), Ok(Some(birth))) = (&personal_id, &birth_date)
            && let Err(e) = id.check_birth(birth.date(), None)
        {
            problems.push(ApplicantProblem::PersonalId(e));
        }
        if intake == Intake::Counter && matches!(personal_id, Ok(None)) && matches!(phone, Ok(None))
        {
            problems.push(ApplicantProblem::ContactMissing);
        }
        match (personal_id, birth_date, phone, email, address) {
            (Ok(personal_id), Ok(birth_date), Ok(phone), Ok(email), Ok(address))
                if problems.is_empty() =>
            {
                Ok(ApplicantDetails {
                    personal_id,
                    birth_date,
                    phone,
                    email,
                    address,
                    return_method: None,
                    fee_exemption: None,
                })
            }
            _ => Err(problems),
        }
    }
}

/// The applicant's personal ID and birth date, both required and agreeing: what a look-up in
/// the population database needs (the portal's identity question, the counter's look-up). Every
/// problem at once, in the fields' order.
pub fn identity(
    personal_id: &str,
    birth_date: &str,
    today: Date,
) -> Result<(PersonalId, BirthDate), Vec<ApplicantProblem>> {
    let id = typed_personal_id(personal_id);
    let birth = BirthDate::parse(birth_date, today);
    match (id, birth) {
        (Ok(id), Ok(birth)) => match id.check_birth(birth.date(), None) {
            Ok(()) => Ok((id, birth)),
            Err(e) => Err(vec![ApplicantProblem::PersonalId(e)]),
        },
        (id, birth) => Err([id.err(), birth.err()].into_iter().flatten().collect()),
    }
}

/// Where to reach an applicant who applies online: a phone and a postal address required, an
/// e-mail address optional (the portal's contact question). Every problem at once, in the
/// fields' order; the same rules [`ApplicantDetails::parse`] applies.
pub fn contact(
    phone: &str,
    email: &str,
    address: &str,
) -> Result<(PhoneNumber, Option<EmailAddress>, PostalAddress), Vec<ApplicantProblem>> {
    let phone = PhoneNumber::parse(phone);
    let email = optional(email, false, EmailAddress::parse)
        .map_err(|p| p.unwrap_or(ApplicantProblem::EmailShape));
    let address = PostalAddress::parse(address);
    match (phone, email, address) {
        (Ok(phone), Ok(email), Ok(address)) => Ok((phone, email, address)),
        (phone, email, address) => Err([phone.err(), email.err(), address.err()]
            .into_iter()
            .flatten()
            .collect()),
    }
}

/// A field that may be left blank unless `required`: blank gives `Ok(None)` or `Err(None)`
/// (the caller names the missing field), anything else must parse.
fn optional<T>(
    text: &str,
    required: bool,
    parse: impl Fn(&str) -> Result<T, ApplicantProblem>,
) -> Result<Option<T>, Option<ApplicantProblem>> {
    if text.trim().is_empty() {
        return if required { Err(None) } else { Ok(None) };
    }
    parse(text).map(Some).map_err(Some)
}

fn collapse_spaces(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// A real day written `DD/MM/YYYY` (also with `-` or `.`) or `YYYY-MM-DD`, from
/// [`FIRST_BIRTH_YEAR`] on.
fn calendar_date(text: &str) -> Option<Date> {
    let parts: Vec<&str> = text.trim().split(['/', '-', '.']).map(str::trim).collect();
    let [a, b, c] = parts.as_slice() else {
        return None;
    };
    let (d, m, y) = if a.len() == 4 { (c, b, a) } else { (a, b, c) };
    let (d, m, y): (u8, u8, i32) = (d.parse().ok()?, m.parse().ok()?, y.parse().ok()?);
    if y < FIRST_BIRTH_YEAR {
        return None;
    }
    Date::from_calendar_date(y, Month::try_from(m).ok()?, d).ok()
}

#[cfg(test)]
mod tests {
    use time::macros::date;

    use super::*;

    const TODAY: Date = date!(2026 - 12 - 07);

    fn online<'a>() -> ApplicantForm<'a> {
        ApplicantForm {
            personal_id: "001090012345",
            birth_date: "17/05/1990",
            phone: "0912 345 678",
            email: "",
            address: "Số 1, phố Tràng Tiền, Hoàn Kiếm, Hà Nội",
        }
    }

    #[test]
    fn a_complete_online_application_reads_into_canonical_values() {
        let details = ApplicantDetails::parse(&online(), Intake::Online, TODAY).expect("valid");
        assert_eq!(
            details.personal_id.as_ref().map(PersonalId::as_str),
            Some("001090012345")
        );
        assert_eq!(
            details.birth_date.map(BirthDate::iso).as_deref(),
            Some("1990-05-17")
        );
        assert_eq!(
            details.phone.as_ref().map(PhoneNumber::as_str),
            Some("0912345678")
        );
        assert_eq!(details.email, None);
    }

    #[test]
    fn online_every_missing_field_is_named_in_the_forms_order() {
        let problems = ApplicantDetails::parse(&ApplicantForm::default(), Intake::Online, TODAY)
            .expect_err("empty");
        let fields: Vec<&str> = problems.iter().map(|p| p.field().name()).collect();
        assert_eq!(fields, ["personal_id", "birth_date", "phone", "address"]);
    }

    #[test]
    fn at_the_counter_the_personal_id_or_a_phone_is_enough_and_one_of_them_is_needed() {
        let id_only = ApplicantForm {
            personal_id: "001090012345",
            ..ApplicantForm::default()
        };
        assert!(ApplicantDetails::parse(&id_only, Intake::Counter, TODAY).is_ok());
        let phone_only = ApplicantForm {
            phone: "+84 912 345 678",
            ..ApplicantForm::default()
        };
        assert!(ApplicantDetails::parse(&phone_only, Intake::Counter, TODAY).is_ok());
        assert_eq!(
            ApplicantDetails::parse(&ApplicantForm::default(), Intake::Counter, TODAY),
            Err(vec![ApplicantProblem::ContactMissing])
        );
    }

    #[test]
    fn every_door_refuses_the_same_phone_numbers_and_personal_ids() {
        for intake in [Intake::Online, Intake::Counter] {
            for phone in ["912345678", "0912 345", "0912-abc-678", "091234567890"] {
                let form = ApplicantForm { phone, ..online() };
                assert_eq!(
                    ApplicantDetails::parse(&form, intake, TODAY),
                    Err(vec![ApplicantProblem::PhoneShape]),
                    "{phone} via {intake:?}"
                );
            }
            // Twelve digits, but no province has the code 999.
            let form = ApplicantForm {
                personal_id: "999090012345",
                ..online()
            };
            let problems = ApplicantDetails::parse(&form, intake, TODAY).expect_err("refused");
            assert!(
                matches!(problems.as_slice(), [ApplicantProblem::PersonalId(_)]),
                "{problems:?}"
            );
        }
    }

    #[test]
    fn a_personal_id_that_contradicts_the_birth_year_is_refused() {
        let form = ApplicantForm {
            birth_date: "17/05/1991",
            ..online()
        };
        let problems = ApplicantDetails::parse(&form, Intake::Online, TODAY).expect_err("refused");
        assert_eq!(problems.len(), 1);
        assert_eq!(problems[0].field(), ApplicantField::PersonalId);
    }

    #[test]
    fn a_personal_id_may_be_typed_grouped_as_printed_on_the_card() {
        assert_eq!(
            typed_personal_id("001 085.012-345").map(|id| id.as_str().to_owned()),
            Ok("001085012345".to_owned())
        );
        assert_eq!(
            typed_personal_id("  "),
            Err(ApplicantProblem::PersonalIdMissing)
        );
    }

    #[test]
    fn birth_dates_must_be_real_days_not_after_today() {
        assert_eq!(
            BirthDate::parse("31/02/1990", TODAY),
            Err(ApplicantProblem::BirthShape)
        );
        assert_eq!(
            BirthDate::parse("08/12/2026", TODAY),
            Err(ApplicantProblem::BirthFuture)
        );
        assert_eq!(
            BirthDate::parse("1899-12-31", TODAY),
            Err(ApplicantProblem::BirthShape)
        );
        assert_eq!(
            BirthDate::parse("07.12.2026", TODAY).map(BirthDate::iso),
            Ok("2026-12-07".to_owned())
        );
        let written = BirthDate::parse("1985-03-27", TODAY).map(BirthDate::written);
        assert_eq!(written, Ok("27/03/1985".to_owned()));
        assert_eq!(
            written
                .and_then(|w| BirthDate::parse(&w, TODAY))
                .map(BirthDate::iso),
            Ok("1985-03-27".to_owned())
        );
    }

    #[test]
    fn names_and_addresses_are_trimmed_with_their_spaces_collapsed_and_bounded() {
        assert_eq!(
            ApplicantName::parse("  Lê   Văn  Cường ").map(|n| n.as_str().to_owned()),
            Ok("Lê Văn Cường".to_owned())
        );
        assert_eq!(
            ApplicantName::parse(&"a".repeat(NAME_MAX_CHARS + 1)),
            Err(ApplicantProblem::NameTooLong)
        );
        assert_eq!(
            PostalAddress::parse(&"b".repeat(ADDRESS_MAX_CHARS + 1)),
            Err(ApplicantProblem::AddressTooLong)
        );
    }

    #[test]
    fn problem_codes_name_their_translation() {
        assert_eq!(ApplicantProblem::PhoneShape.code(), "phone_shape");
        assert_eq!(
            ApplicantProblem::PersonalId(PersonalIdError::Empty).code(),
            format!("identity.{}", PersonalIdError::Empty.code())
        );
    }
}
