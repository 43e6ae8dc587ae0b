//! The three answers of the registry: verified with the record, mismatch naming the fields,
//! not found; none of them retried.

use time::Duration as Days;

use super::*;

#[tokio::test]
async fn a_citizen_whose_number_name_and_birth_date_match_is_verified_with_their_record() {
    let sandbox = sandbox().await;
    let registry = client(&sandbox);
    let c = citizen();
    let outcome = look_up(
        &registry,
        &query(&c)
            .by("tiepnhan01")
            .for_dossier("000.00.15.H27-260213-0001"),
    )
    .await
    .expect("an answer");
    let LookupOutcome::Verified(person) = outcome else {
        panic!("not verified: {outcome:?}");
    };
    assert_eq!(person.personal_id, c.personal_id);
    assert_eq!(person.full_name, c.full_name);
    assert_eq!(person.sex, c.sex);
    assert_eq!(person.birth_date, c.birth_date);
    assert_eq!(person.permanent_address.province.code, "24");
    assert_eq!(person.permanent_address.province.name, "Tỉnh Bắc Ninh");
    assert_eq!(person.permanent_address.district, None);
    assert_eq!(
        person.permanent_address.commune.code,
        c.permanent.commune_code
    );
    assert_eq!(
        person.permanent_address.commune.name,
        c.permanent.commune_name
    );
    assert_eq!(person.permanent_address.detail, c.permanent.detail);
    assert_eq!(person.current_address.commune.code, c.current.commune_code);
    let head = person.household_head.expect("registered in a household");
    assert_eq!(head.full_name, c.household_head);
    assert_eq!(head.relationship, c.relationship);
    assert_eq!(counters(&sandbox).await, (1, 1), "one token, one look-up");
}

#[tokio::test]
async fn a_name_typed_in_capitals_with_extra_spaces_still_matches() {
    let sandbox = sandbox().await;
    let c = citizen();
    let shouted = format!("  {}  ", c.full_name.to_uppercase().replace(' ', "   "));
    let outcome = look_up(
        &client(&sandbox),
        &LookupQuery::new(c.personal_id.clone(), &shouted, c.birth_date),
    )
    .await
    .expect("an answer");
    assert!(matches!(outcome, LookupOutcome::Verified(_)), "{outcome:?}");
}

#[tokio::test]
async fn another_name_with_the_right_number_and_birth_date_is_a_name_mismatch() {
    let sandbox = sandbox().await;
    let c = citizen();
    let q = LookupQuery::new(c.personal_id.clone(), "Phạm Thị Không Khớp", c.birth_date);
    assert_eq!(
        look_up(&client(&sandbox), &q).await,
        Ok(LookupOutcome::Mismatch {
            name: true,
            birth_date: false
        })
    );
}

#[tokio::test]
async fn another_birth_date_with_the_right_number_and_name_is_a_birth_date_mismatch() {
    let sandbox = sandbox().await;
    let c = citizen();
    let q = LookupQuery::new(
        c.personal_id.clone(),
        &c.full_name,
        c.birth_date - Days::days(1),
    );
    assert_eq!(
        look_up(&client(&sandbox), &q).await,
        Ok(LookupOutcome::Mismatch {
            name: false,
            birth_date: true
        })
    );
}

#[tokio::test]
async fn a_wrong_name_and_birth_date_together_mismatch_on_both() {
    let sandbox = sandbox().await;
    let c = citizen();
    let q = LookupQuery::new(
        c.personal_id.clone(),
        "Lê Văn Khác",
        c.birth_date + Days::days(3),
    );
    assert_eq!(
        look_up(&client(&sandbox), &q).await,
        Ok(LookupOutcome::Mismatch {
            name: true,
            birth_date: true
        })
    );
}

#[tokio::test]
async fn a_number_nobody_has_is_not_found_and_not_retried() {
    let sandbox = sandbox().await;
    let c = citizen();
    // Nobody here had their birth registered in Cà Mau (096).
    let unknown = id(&format!("096{}", &c.personal_id.as_str()[3..]));
    let q = LookupQuery::new(unknown, &c.full_name, c.birth_date);
    assert_eq!(
        look_up(&client(&sandbox), &q).await,
        Ok(LookupOutcome::NotFound)
    );
    assert_eq!(
        counters(&sandbox).await.0,
        1,
        "a definite answer is not retried"
    );
}
