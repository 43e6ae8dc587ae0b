//! Ranking and filtering checked on a small catalogue of real procedure names.

use super::*;
use crate::catalogue::{Catalogue, Field, LegalDuration, Level, Procedure, ServiceMode};

const COMMUNE: &str = "000.01.01.H56";
const OTHER_COMMUNE: &str = "000.02.01.H56";
const JUSTICE_DEPARTMENT: &str = "000.00.15.H56";
const CONSTRUCTION_DEPARTMENT: &str = "000.00.12.H56";

struct Spec {
    code: &'static str,
    name: &'static str,
    name_en: &'static str,
    field: &'static str,
    level: Level,
    agencies: &'static [&'static str],
    mode: ServiceMode,
    priority: bool,
    description: &'static str,
    result: &'static str,
}

fn procedure(s: &Spec) -> Procedure {
    Procedure {
        code: s.code.to_owned(),
        name: s.name.to_owned(),
        name_en: s.name_en.to_owned(),
        field: s.field.to_owned(),
        level: s.level,
        agencies: s.agencies.iter().map(|a| (*a).to_owned()).collect(),
        service_mode: s.mode,
        priority: s.priority,
        duration: LegalDuration::SameDay,
        description: s.description.to_owned(),
        applicants: "Công dân Việt Nam".to_owned(),
        conditions: None,
        channels: Vec::new(),
        steps: Vec::new(),
        result: s.result.to_owned(),
        legal_basis: Vec::new(),
        fees: Vec::new(),
        components: Vec::new(),
        workflow: "commune-same-day".to_owned(),
    }
}

fn field(code: &str, name: &str, name_en: &str) -> Field {
    Field {
        code: code.to_owned(),
        name: name.to_owned(),
        name_en: name_en.to_owned(),
    }
}

/// Procedure codes are illustrative, in the format of the national database.
fn catalogue() -> Catalogue {
    use Level::{Commune, Province};
    use ServiceMode::{FullOnline, InformationOnly, PartialOnline};
    let communes: &[&str] = &[COMMUNE, OTHER_COMMUNE];
    let specs = [
        Spec {
            code: "1.001193",
            name: "Đăng ký khai sinh",
            name_en: "Birth registration",
            field: "ho-tich",
            level: Commune,
            agencies: communes,
            mode: FullOnline,
            priority: true,
            description: "Đăng ký việc sinh cho trẻ em sinh ra tại Việt Nam.",
            result: "Giấy khai sinh (bản chính)",
        },
        Spec {
            code: "1.000894",
            name: "Đăng ký kết hôn",
            name_en: "Marriage registration",
            field: "ho-tich",
            level: Commune,
            agencies: communes,
            mode: PartialOnline,
            priority: false,
            description: "Hai bên nam, nữ đăng ký việc kết hôn.",
            result: "Giấy chứng nhận kết hôn",
        },
        Spec {
            code: "1.000983",
            name: "Đăng ký kết hôn có yếu tố nước ngoài",
            name_en: "Registration of a marriage with a foreign element",
            field: "ho-tich",
            level: Commune,
            agencies: communes,
            mode: PartialOnline,
            priority: false,
            description: "Kết hôn giữa công dân Việt Nam với người nước ngoài.",
            result: "Giấy chứng nhận kết hôn",
        },
        Spec {
            code: "1.004746",
            name: "Đăng ký lại kết hôn",
            name_en: "Re-registration of a marriage",
            field: "ho-tich",
            level: Commune,
            agencies: communes,
            mode: PartialOnline,
            priority: false,
            description: "Việc kết hôn đã đăng ký nhưng sổ hộ tịch và bản chính đã bị mất.",
            result: "Giấy chứng nhận kết hôn",
        },
        Spec {
            code: "1.004873",
            name: "Cấp giấy xác nhận tình trạng hôn nhân",
            name_en: "Certificate of marital status",
            field: "ho-tich",
            level: Commune,
            agencies: communes,
            mode: FullOnline,
            priority: true,
            description: "Xác nhận tình trạng hôn nhân để đăng ký kết hôn hoặc mục đích khác.",
            result: "Giấy xác nhận tình trạng hôn nhân",
        },
        Spec {
            code: "1.004884",
            name: "Đăng ký lại khai sinh",
            name_en: "Re-registration of a birth",
            field: "ho-tich",
            level: Commune,
            agencies: communes,
            mode: PartialOnline,
            priority: false,
            description: "Việc sinh đã đăng ký nhưng sổ hộ tịch và bản chính Giấy khai sinh bị mất.",
            result: "Giấy khai sinh (bản chính)",
        },
        Spec {
            code: "1.000656",
            name: "Đăng ký khai tử",
            name_en: "Death registration",
            field: "ho-tich",
            level: Commune,
            agencies: communes,
            mode: FullOnline,
            priority: true,
            description: "Đăng ký việc người chết.",
            result: "Trích lục khai tử",
        },
        Spec {
            code: "2.000488",
            name: "Thủ tục cấp Phiếu lý lịch tư pháp cho công dân Việt Nam, người nước ngoài đang cư trú tại Việt Nam",
            name_en: "Issuance of a judicial record certificate",
            field: "ly-lich-tu-phap",
            level: Province,
            agencies: &[JUSTICE_DEPARTMENT],
            mode: FullOnline,
            priority: true,
            description: "Cấp Phiếu lý lịch tư pháp số 1, số 2 chứng minh cá nhân có hay không có án tích.",
            result: "Phiếu lý lịch tư pháp",
        },
        Spec {
            code: "2.000815",
            name: "Chứng thực bản sao từ bản chính giấy tờ, văn bản",
            name_en: "Certification of copies from originals",
            field: "chung-thuc",
            level: Commune,
            agencies: communes,
            mode: PartialOnline,
            priority: false,
            description: "Chứng thực bản sao đúng với bản chính do cơ quan có thẩm quyền cấp.",
            result: "Bản sao được chứng thực",
        },
        Spec {
            code: "1.004194",
            name: "Đăng ký thường trú",
            name_en: "Permanent residence registration",
            field: "cu-tru",
            level: Commune,
            agencies: &[COMMUNE],
            mode: FullOnline,
            priority: true,
            description: "Công dân đăng ký nơi thường trú tại chỗ ở hợp pháp.",
            result: "Thông tin thường trú được cập nhật vào Cơ sở dữ liệu về cư trú",
        },
        Spec {
            code: "1.009972",
            name: "Cấp giấy phép xây dựng mới đối với công trình cấp đặc biệt, cấp I, cấp II",
            name_en: "Construction permit for new works",
            field: "xay-dung",
            level: Province,
            agencies: &[CONSTRUCTION_DEPARTMENT],
            mode: InformationOnly,
            priority: false,
            description: "Cấp phép xây dựng công trình trước khi khởi công.",
            result: "Giấy phép xây dựng",
        },
        Spec {
            code: "1.011572",
            name: "Liên thông thủ tục hành chính về đăng ký khai sinh, đăng ký thường trú, cấp thẻ bảo hiểm y tế cho trẻ em dưới 6 tuổi",
            name_en: "Joined procedures: birth registration, permanent residence, health insurance card for children under 6",
            field: "ho-tich",
            level: Commune,
            agencies: communes,
            mode: FullOnline,
            priority: true,
            description: "Một hồ sơ cho ba thủ tục khi trẻ em được sinh ra.",
            result: "Giấy khai sinh, thẻ bảo hiểm y tế",
        },
    ];
    Catalogue {
        fields: vec![
            field("ho-tich", "Hộ tịch", "Civil status"),
            field("ly-lich-tu-phap", "Lý lịch tư pháp", "Judicial records"),
            field("chung-thuc", "Chứng thực", "Certification"),
            field("cu-tru", "Đăng ký, quản lý cư trú", "Residence"),
            field("xay-dung", "Hoạt động xây dựng", "Construction"),
        ],
        procedures: specs.iter().map(procedure).collect(),
        ..Catalogue::default()
    }
}

struct Fixture {
    catalogue: Catalogue,
    index: SearchIndex,
}

impl Fixture {
    fn new() -> Self {
        let catalogue = catalogue();
        let index = SearchIndex::new(&catalogue);
        Fixture { catalogue, index }
    }

    fn names_filtered(&self, query: &str, filter: &ProcedureFilter) -> Vec<&str> {
        self.index
            .search(&self.catalogue, query, filter)
            .into_iter()
            .map(|i| self.catalogue.procedures[i].name.as_str())
            .collect()
    }

    fn names(&self, query: &str) -> Vec<&str> {
        self.names_filtered(query, &ProcedureFilter::default())
    }

    fn first(&self, query: &str) -> Option<&str> {
        self.names(query).first().copied()
    }
}

fn position(names: &[&str], name: &str) -> usize {
    names
        .iter()
        .position(|n| *n == name)
        .unwrap_or_else(|| panic!("{name:?} not found in {names:?}"))
}

const JUDICIAL_RECORD: &str = "Thủ tục cấp Phiếu lý lịch tư pháp cho công dân Việt Nam, người nước ngoài đang cư trú tại Việt Nam";
const JOINED_BIRTH: &str = "Liên thông thủ tục hành chính về đăng ký khai sinh, đăng ký thường trú, cấp thẻ bảo hiểm y tế cho trẻ em dưới 6 tuổi";

#[test]
fn the_exact_name_comes_before_longer_names_reorderings_and_description_matches() {
    let f = Fixture::new();
    let names = f.names("dang ky ket hon");
    assert_eq!(
        names,
        [
            "Đăng ký kết hôn",
            "Đăng ký kết hôn có yếu tố nước ngoài",
            "Đăng ký lại kết hôn",
            "Cấp giấy xác nhận tình trạng hôn nhân",
        ]
    );
}

#[test]
fn diacritics_case_and_i_y_spelling_do_not_change_the_ranking() {
    let f = Fixture::new();
    let plain = f.names("dang ky ket hon");
    for typed in [
        "Đăng ký kết hôn",
        "ĐĂNG KÍ KẾT HÔN",
        "dang ki ket hon",
        " đăng-kí  kết hôn ",
    ] {
        assert_eq!(f.names(typed), plain, "{typed:?}");
    }
}

#[test]
fn a_phrase_inside_names_finds_the_shortest_name_first() {
    let f = Fixture::new();
    let names = f.names("khai sinh");
    assert_eq!(names[0], "Đăng ký khai sinh");
    assert!(position(&names, "Đăng ký lại khai sinh") < position(&names, JOINED_BIRTH));
    assert_eq!(f.first("ket hon"), Some("Đăng ký kết hôn"));
}

#[test]
fn the_judicial_record_is_found_by_its_words_with_or_without_marks() {
    let f = Fixture::new();
    for typed in [
        "ly lich tu phap",
        "lí lịch tư pháp",
        "Lý lịch tư pháp",
        "phieu ly lich",
    ] {
        assert_eq!(f.first(typed), Some(JUDICIAL_RECORD), "{typed:?}");
    }
}

#[test]
fn an_exact_procedure_code_finds_that_procedure_first() {
    let f = Fixture::new();
    assert_eq!(f.names("1.001193"), ["Đăng ký khai sinh"]);
    assert_eq!(f.names(" 1.000894 "), ["Đăng ký kết hôn"]);
}

#[test]
fn a_partial_code_being_typed_lists_the_codes_it_begins() {
    let f = Fixture::new();
    let names = f.names("1.0048");
    assert_eq!(names.len(), 2);
    assert!(names.contains(&"Đăng ký lại khai sinh"));
    assert!(names.contains(&"Cấp giấy xác nhận tình trạng hôn nhân"));
}

#[test]
fn the_last_word_may_be_unfinished_while_typing() {
    let f = Fixture::new();
    assert_eq!(f.first("dang ky ket h"), Some("Đăng ký kết hôn"));
    assert_eq!(f.first("dang ky khai s"), Some("Đăng ký khai sinh"));
    assert_eq!(f.first("ly lich tu ph"), Some(JUDICIAL_RECORD));
    assert_eq!(f.first("thuong t"), Some("Đăng ký thường trú"));
}

#[test]
fn a_finished_word_is_not_taken_as_a_prefix() {
    let f = Fixture::new();
    // "ket h" would also begin "ket hon"; "ket h " says "h" is a whole word, and there is none.
    assert!(f.names("dang ky ket h ").is_empty());
    // Only the last word may be a prefix.
    assert!(f.names("dang k ket hon").is_empty());
}

#[test]
fn a_word_found_nowhere_leaves_every_procedure_out() {
    let f = Fixture::new();
    assert!(f.names("dang ky ket hon xyzzy").is_empty());
    assert!(f.names("khai sinh kết hôn tử").is_empty());
}

#[test]
fn words_found_only_in_descriptions_or_results_still_match_but_rank_below_names() {
    let f = Fixture::new();
    // "giấy" appears in many results; "khai sinh" in names.
    let names = f.names("giay khai sinh");
    assert!(names.contains(&"Đăng ký khai sinh"));
    assert!(names.contains(&"Đăng ký lại khai sinh"));
    // English names are searchable too.
    assert_eq!(f.first("birth registration"), Some("Đăng ký khai sinh"));
    // The field name counts.
    assert_eq!(f.first("ho tich khai tu"), Some("Đăng ký khai tử"));
}

#[test]
fn filler_words_around_the_query_are_ignored() {
    let f = Fixture::new();
    assert_eq!(
        f.first("thủ tục đăng ký khai sinh"),
        Some("Đăng ký khai sinh")
    );
    assert_eq!(f.first("làm giấy khai sinh"), Some("Đăng ký khai sinh"));
    assert_eq!(
        f.first("đăng ký kết hôn cần những gì"),
        Some("Đăng ký kết hôn")
    );
    assert_eq!(
        f.first("thu tuc dang ky thuong tru nhu the nao"),
        Some("Đăng ký thường trú")
    );
    assert_eq!(
        f.first("xin giay phep xay dung o dau"),
        Some("Cấp giấy phép xây dựng mới đối với công trình cấp đặc biệt, cấp I, cấp II")
    );
    // A name beginning with "Thủ tục" is compared without it.
    assert_eq!(f.first("cap phieu ly lich tu phap"), Some(JUDICIAL_RECORD));
}

#[test]
fn a_query_made_only_of_filler_words_is_searched_as_it_is() {
    let f = Fixture::new();
    // "thủ tục" alone is not peeled off: it must then be found, here in two names.
    let names = f.names("thủ tục");
    assert_eq!(names.len(), 2);
    assert!(names.contains(&JUDICIAL_RECORD) && names.contains(&JOINED_BIRTH));
}

#[test]
fn an_empty_query_lists_priority_services_first_then_by_folded_name() {
    let f = Fixture::new();
    let names = f.names("   ");
    assert_eq!(
        names,
        [
            "Cấp giấy xác nhận tình trạng hôn nhân",
            JUDICIAL_RECORD,
            "Đăng ký khai sinh",
            "Đăng ký khai tử",
            "Đăng ký thường trú",
            JOINED_BIRTH,
            "Cấp giấy phép xây dựng mới đối với công trình cấp đặc biệt, cấp I, cấp II",
            "Chứng thực bản sao từ bản chính giấy tờ, văn bản",
            "Đăng ký kết hôn",
            "Đăng ký kết hôn có yếu tố nước ngoài",
            "Đăng ký lại kết hôn",
            "Đăng ký lại khai sinh",
        ]
    );
    assert_eq!(f.names(""), names);
    assert_eq!(f.names(" - . "), names);
}

#[test]
fn the_default_filter_matches_every_procedure() {
    let f = Fixture::new();
    let filter = ProcedureFilter::default();
    assert!(filter.is_empty());
    assert!(f.catalogue.procedures.iter().all(|p| filter.matches(p)));
}

#[test]
fn each_filter_facet_keeps_only_the_procedures_that_satisfy_it() {
    let f = Fixture::new();
    let count = |filter: ProcedureFilter| {
        assert!(!filter.is_empty());
        f.catalogue
            .procedures
            .iter()
            .filter(|p| filter.matches(p))
            .count()
    };
    let by_field = ProcedureFilter {
        field: Some("ho-tich".into()),
        ..Default::default()
    };
    assert_eq!(count(by_field), 8);
    let by_level = ProcedureFilter {
        level: Some(Level::Province),
        ..Default::default()
    };
    assert_eq!(count(by_level), 2);
    let by_agency = ProcedureFilter {
        agency: Some(OTHER_COMMUNE.into()),
        ..Default::default()
    };
    assert_eq!(count(by_agency), 9);
    let by_mode = ProcedureFilter {
        service_mode: Some(ServiceMode::InformationOnly),
        ..Default::default()
    };
    assert_eq!(count(by_mode), 1);
    let priority = ProcedureFilter {
        priority_only: true,
        ..Default::default()
    };
    assert_eq!(count(priority), 6);
    let combined = ProcedureFilter {
        field: Some("ho-tich".into()),
        service_mode: Some(ServiceMode::FullOnline),
        priority_only: true,
        agency: Some(COMMUNE.into()),
        level: Some(Level::Commune),
    };
    assert_eq!(count(combined), 4);
    let nothing = ProcedureFilter {
        field: Some("no-such-field".into()),
        ..Default::default()
    };
    assert_eq!(count(nothing), 0);
}

#[test]
fn a_search_returns_only_procedures_the_filter_lets_through_in_ranking_order() {
    let f = Fixture::new();
    let priority = ProcedureFilter {
        priority_only: true,
        ..Default::default()
    };
    assert_eq!(
        f.names_filtered("dang ky ket hon", &priority),
        ["Cấp giấy xác nhận tình trạng hôn nhân"]
    );
    let province = ProcedureFilter {
        level: Some(Level::Province),
        ..Default::default()
    };
    assert_eq!(
        f.names_filtered("", &province),
        [
            JUDICIAL_RECORD,
            "Cấp giấy phép xây dựng mới đối với công trình cấp đặc biệt, cấp I, cấp II",
        ]
    );
    let field = ProcedureFilter {
        field: Some("ho-tich".into()),
        ..Default::default()
    };
    let names = f.names_filtered("dang ky", &field);
    assert!(!names.contains(&"Đăng ký thường trú"));
    assert_eq!(names.len(), 8);
    // The only one without "đăng ký" in its name has it in its description.
    assert_eq!(names.last(), Some(&"Cấp giấy xác nhận tình trạng hôn nhân"));
}

#[test]
fn the_filter_reads_from_query_parameters() {
    let filter: ProcedureFilter = toml::from_str(
        "field = \"ho-tich\"\nlevel = \"commune\"\nservice_mode = \"full_online\"\npriority_only = true",
    )
    .expect("valid filter");
    assert_eq!(filter.field.as_deref(), Some("ho-tich"));
    assert_eq!(filter.level, Some(Level::Commune));
    assert_eq!(filter.service_mode, Some(ServiceMode::FullOnline));
    assert!(filter.priority_only && filter.agency.is_none());
    let empty: ProcedureFilter = toml::from_str("").expect("valid filter");
    assert!(empty.is_empty());
}

#[test]
fn an_empty_catalogue_finds_nothing() {
    let catalogue = Catalogue::default();
    let index = SearchIndex::new(&catalogue);
    assert!(index.is_empty());
    assert!(
        index
            .search(&catalogue, "khai sinh", &ProcedureFilter::default())
            .is_empty()
    );
    assert!(
        index
            .search(&catalogue, "", &ProcedureFilter::default())
            .is_empty()
    );
}

#[test]
fn an_index_of_a_larger_catalogue_only_returns_indexed_procedures() {
    let small = catalogue();
    let index = SearchIndex::new(&small);
    let mut larger = small.clone();
    larger.procedures.extend(small.procedures.iter().cloned());
    let all = index.search(&larger, "", &ProcedureFilter::default());
    assert_eq!(all.len(), index.len());
    let mut shorter = small.clone();
    shorter.procedures.truncate(3);
    assert!(
        index
            .search(&shorter, "", &ProcedureFilter::default())
            .iter()
            .all(|&i| i < 3)
    );
}
