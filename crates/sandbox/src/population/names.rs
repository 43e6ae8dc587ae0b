//! Vietnamese names for the synthetic citizens: family names weighted by how common they are
//! (Nguyễn alone is about a third of the population), middle and given names by sex and by
//! generation (a "Văn" or "Thị" is far more common among the grandparents than the children).

/// Family names with relative weights (per mille, roughly national frequencies, with the names
/// frequent in Bắc Giang and Bắc Ninh such as Thân and Giáp included).
pub const FAMILY: [(&str, u32); 36] = [
    ("Nguyễn", 380),
    ("Trần", 110),
    ("Lê", 95),
    ("Phạm", 70),
    ("Hoàng", 50),
    ("Vũ", 40),
    ("Phan", 30),
    ("Đặng", 25),
    ("Bùi", 25),
    ("Đỗ", 25),
    ("Ngô", 20),
    ("Dương", 15),
    ("Đinh", 10),
    ("Đào", 10),
    ("Trịnh", 8),
    ("Lương", 6),
    ("Hà", 6),
    ("Thân", 6),
    ("Hồ", 6),
    ("Trương", 6),
    ("Chu", 5),
    ("Cao", 5),
    ("Võ", 5),
    ("Lý", 5),
    ("Giáp", 4),
    ("Tạ", 4),
    ("Mai", 4),
    ("Lưu", 4),
    ("Phùng", 4),
    ("Nghiêm", 3),
    ("Kiều", 3),
    ("Tô", 3),
    ("Lâm", 3),
    ("Huỳnh", 3),
    ("Vương", 2),
    ("Khổng", 2),
];

/// Middle names of men born before 1990, "Văn" first and most likely.
pub const MALE_MIDDLE_OLDER: [&str; 12] = [
    "Văn", "Đức", "Hữu", "Xuân", "Quang", "Công", "Ngọc", "Minh", "Đình", "Thanh", "Mạnh", "Tiến",
];
/// Middle names of men born from 1990.
pub const MALE_MIDDLE_YOUNGER: [&str; 14] = [
    "Văn", "Minh", "Đức", "Gia", "Quang", "Anh", "Hoàng", "Tuấn", "Bảo", "Nhật", "Đăng", "Hải",
    "Trung", "Thành",
];
/// Middle names of women born before 1990, "Thị" first and most likely.
pub const FEMALE_MIDDLE_OLDER: [&str; 7] = ["Thị", "Ngọc", "Thu", "Thanh", "Kim", "Hồng", "Minh"];
/// Middle names of women born from 1990.
pub const FEMALE_MIDDLE_YOUNGER: [&str; 14] = [
    "Thị", "Ngọc", "Thu", "Thanh", "Minh", "Phương", "Khánh", "Bảo", "Hà", "Diệu", "Quỳnh", "Mai",
    "Gia", "Thảo",
];

/// Men's given names.
pub const MALE_GIVEN: [&str; 45] = [
    "Anh", "Bình", "Cường", "Dũng", "Đạt", "Đức", "Giang", "Hải", "Hiếu", "Hoàng", "Hùng", "Huy",
    "Hưng", "Khánh", "Khoa", "Kiên", "Lâm", "Long", "Mạnh", "Minh", "Nam", "Nghĩa", "Phong",
    "Phúc", "Quân", "Quang", "Sơn", "Tài", "Thắng", "Thành", "Tiến", "Toàn", "Trung", "Tuấn",
    "Tùng", "Việt", "Vinh", "Vũ", "Khang", "Bảo", "Đông", "Hậu", "Lợi", "Chiến", "Thịnh",
];
/// Women's given names.
pub const FEMALE_GIVEN: [&str; 44] = [
    "Anh", "Ánh", "Chi", "Dung", "Duyên", "Giang", "Hà", "Hạnh", "Hằng", "Hiền", "Hoa", "Hồng",
    "Huế", "Huyền", "Hương", "Lan", "Liên", "Linh", "Loan", "Ly", "Mai", "My", "Nga", "Ngân",
    "Ngọc", "Nhung", "Oanh", "Phương", "Quỳnh", "Tâm", "Thảo", "Thu", "Thủy", "Trang", "Tuyết",
    "Vân", "Yến", "Nhàn", "Hoài", "Diệp", "Hậu", "Thơm", "Lựa", "Ngoan",
];
