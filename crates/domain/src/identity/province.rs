//! The province codes that open a personal identification number: they name where the birth was
//! registered, so the list is frozen as the circular issued it, whatever later mergers did to
//! the provinces themselves.

/// A province or centrally run city as coded in the first three digits of a personal
/// identification number.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct BirthProvince {
    /// Three digits, `001` to `096`.
    pub code: &'static str,
    /// The Vietnamese name of the province at the time the circular was issued.
    pub name: &'static str,
}

const fn p(code: &'static str, name: &'static str) -> BirthProvince {
    BirthProvince { code, name }
}

/// The 63 provinces and centrally run cities of Circular 59/2021/TT-BCA Art. 7(1) (the table of
/// Circular 07/2016/TT-BCA Annex I, unchanged): the two-digit administrative codes of Decision
/// 124/2004/QĐ-TTg written with three digits, hence the gaps (003, 005, …).
///
/// The 2025 merger of provinces (Resolution 202/2025/QH15) does not touch this list: a number
/// keeps the code of the province where the birth was registered, so a citizen born in Hà Giang
/// keeps `002` although Hà Giang is now part of Tuyên Quang.
///
/// Decree 137/2015/NĐ-CP Art. 13 also allows a *country* code for births registered abroad, but
/// no published table of such codes was found; numbers starting with a code outside this list
/// are refused (see [`super::PersonalIdError::UnknownProvince`]).
pub const BIRTH_PROVINCES: [BirthProvince; 63] = [
    p("001", "Hà Nội"),
    p("002", "Hà Giang"),
    p("004", "Cao Bằng"),
    p("006", "Bắc Kạn"),
    p("008", "Tuyên Quang"),
    p("010", "Lào Cai"),
    p("011", "Điện Biên"),
    p("012", "Lai Châu"),
    p("014", "Sơn La"),
    p("015", "Yên Bái"),
    p("017", "Hòa Bình"),
    p("019", "Thái Nguyên"),
    p("020", "Lạng Sơn"),
    p("022", "Quảng Ninh"),
    p("024", "Bắc Giang"),
    p("025", "Phú Thọ"),
    p("026", "Vĩnh Phúc"),
    p("027", "Bắc Ninh"),
    p("030", "Hải Dương"),
    p("031", "Hải Phòng"),
    p("033", "Hưng Yên"),
    p("034", "Thái Bình"),
    p("035", "Hà Nam"),
    p("036", "Nam Định"),
    p("037", "Ninh Bình"),
    p("038", "Thanh Hóa"),
    p("040", "Nghệ An"),
    p("042", "Hà Tĩnh"),
    p("044", "Quảng Bình"),
    p("045", "Quảng Trị"),
    p("046", "Thừa Thiên Huế"),
    p("048", "Đà Nẵng"),
    p("049", "Quảng Nam"),
    p("051", "Quảng Ngãi"),
    p("052", "Bình Định"),
    p("054", "Phú Yên"),
    p("056", "Khánh Hòa"),
    p("058", "Ninh Thuận"),
    p("060", "Bình Thuận"),
    p("062", "Kon Tum"),
    p("064", "Gia Lai"),
    p("066", "Đắk Lắk"),
    p("067", "Đắk Nông"),
    p("068", "Lâm Đồng"),
    p("070", "Bình Phước"),
    p("072", "Tây Ninh"),
    p("074", "Bình Dương"),
    p("075", "Đồng Nai"),
    p("077", "Bà Rịa - Vũng Tàu"),
    p("079", "Hồ Chí Minh"),
    p("080", "Long An"),
    p("082", "Tiền Giang"),
    p("083", "Bến Tre"),
    p("084", "Trà Vinh"),
    p("086", "Vĩnh Long"),
    p("087", "Đồng Tháp"),
    p("089", "An Giang"),
    p("091", "Kiên Giang"),
    p("092", "Cần Thơ"),
    p("093", "Hậu Giang"),
    p("094", "Sóc Trăng"),
    p("095", "Bạc Liêu"),
    p("096", "Cà Mau"),
];

/// The province whose three-digit code is `code`, if there is one.
pub fn birth_province(code: &str) -> Option<BirthProvince> {
    BIRTH_PROVINCES.iter().copied().find(|p| p.code == code)
}
