"""What the generated data says: the 34 provinces after the 2025 merger, their partners abroad,
the departments after the 2025 reorganisation, and the phrases plans and reports are made of.

Kept apart from devdata/scale.py so that the generator reads as logic; every list here is in a
fixed order, which the generator's reproducibility relies on.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from agreements.models import AgencyKind, Country

# -- places -----------------------------------------------------------------------------------

# Partner provinces abroad, as Vietnamese documents spell them: name → (country, aliases).
PARTNERS: dict[str, tuple[str, list[str]]] = {
    "Thủ đô Viêng Chăn": (Country.LA, ["Vientiane Capital", "Thủ đô Vientiane"]),
    "Phôngsalỳ": (Country.LA, ["Phongsaly", "Phông Xa Lỳ"]),
    "Luổngnặmthà": (Country.LA, ["Luang Namtha", "Luông Nậm Thà"]),
    "Bokeo": (Country.LA, ["Bò Kẹo"]),
    "Uđômxay": (Country.LA, ["Oudomxay", "U Đôm Xay"]),
    "Luổngphabang": (Country.LA, ["Luang Prabang", "Luông Pha Băng"]),
    "Hủaphăn": (Country.LA, ["Houaphanh", "Hủa Phăn"]),
    "Xaynhabuly": (Country.LA, ["Sayaboury", "Xay Nha Bu Ly"]),
    "Xiêng Khoảng": (Country.LA, ["Xieng Khouang", "Xiengkhuang"]),
    "Viêng Chăn": (Country.LA, ["Vientiane"]),
    "Xaysổmbun": (Country.LA, ["Xaisomboun"]),
    "Bôlykhămxay": (Country.LA, ["Bolikhamxay", "Bô Ly Khăm Xay"]),
    "Khăm Muộn": (Country.LA, ["Khammouane"]),
    "Savannakhet": (Country.LA, ["Savannaket", "Xavannakhet", "Xa-van-na-khẹt"]),
    "Salavan": (Country.LA, ["Saravane", "Sa-la-van"]),
    "Sê Kông": (Country.LA, ["Sekong", "Xê Kông"]),
    "Chămpasắc": (Country.LA, ["Chăm-pa-sắc", "Champasak", "Champasack"]),
    "Attapeu": (Country.LA, ["Ất-ta-pư", "Attapư"]),
    "Phnôm Pênh": (Country.KH, ["Phnom Penh"]),
    "Ratanakiri": (Country.KH, ["Rattanakiri", "Rát-ta-na-ki-ri"]),
    "Mondulkiri": (Country.KH, ["Mon-đun-ki-ri"]),
    "Stung Treng": (Country.KH, ["Xtung Treng"]),
    "Kratie": (Country.KH, ["Kratié", "Cra-chê"]),
    "Tbong Khmum": (Country.KH, ["Tboung Khmum", "Tboung Khmom"]),
    "Svay Rieng": (Country.KH, ["Xvây Riêng"]),
    "Prey Veng": (Country.KH, ["Prây Veng"]),
    "Takeo": (Country.KH, ["Ta Keo"]),
    "Kampot": (Country.KH, ["Cam-pốt"]),
    "Kep": (Country.KH, ["Kép"]),
}


@dataclass(frozen=True)
class ProvinceSpec:
    name: str
    city: bool  # thành phố trực thuộc trung ương
    border: bool  # shares a land border with Laos or Cambodia
    partners: tuple[str, ...]

    @property
    def unit(self) -> str:
        return "thành phố" if self.city else "tỉnh"

    @property
    def label(self) -> str:
        """ "tỉnh Nghệ An", "thành phố Hà Nội" as running text names it."""
        return f"{self.unit} {self.name}"


# The 34 provincial units after Resolution 202/2025/QH15 (12/6/2025): the 11 left as they were
# first, then the 23 formed by merging, so that small runs never touch the seed's provinces.
PROVINCES: tuple[ProvinceSpec, ...] = (
    ProvinceSpec("Hà Nội", True, False, ("Thủ đô Viêng Chăn", "Phnôm Pênh")),
    ProvinceSpec("Huế", True, True, ("Salavan", "Sê Kông")),
    ProvinceSpec("Lai Châu", False, False, ("Phôngsalỳ", "Luổngnặmthà")),
    ProvinceSpec("Điện Biên", False, True, ("Phôngsalỳ", "Luổngphabang", "Uđômxay")),
    ProvinceSpec("Sơn La", False, True, ("Hủaphăn", "Luổngphabang")),
    ProvinceSpec("Lạng Sơn", False, False, ("Xaysổmbun", "Bôlykhămxay")),
    ProvinceSpec("Quảng Ninh", False, False, ("Luổngphabang", "Viêng Chăn")),
    ProvinceSpec("Thanh Hóa", False, True, ("Hủaphăn", "Xaynhabuly")),
    ProvinceSpec("Nghệ An", False, True, ("Xiêng Khoảng", "Hủaphăn", "Bôlykhămxay")),
    ProvinceSpec("Hà Tĩnh", False, True, ("Bôlykhămxay", "Khăm Muộn")),
    ProvinceSpec("Cao Bằng", False, False, ("Uđômxay", "Bokeo")),
    ProvinceSpec("Tuyên Quang", False, False, ("Xiêng Khoảng", "Bokeo")),
    ProvinceSpec("Lào Cai", False, False, ("Uđômxay", "Luổngnặmthà")),
    ProvinceSpec("Thái Nguyên", False, False, ("Luổngnặmthà", "Xaynhabuly")),
    ProvinceSpec("Phú Thọ", False, False, ("Luổngphabang", "Xaysổmbun")),
    ProvinceSpec("Bắc Ninh", False, False, ("Bokeo", "Viêng Chăn")),
    ProvinceSpec("Hưng Yên", False, False, ("Viêng Chăn", "Khăm Muộn")),
    ProvinceSpec("Hải Phòng", True, False, ("Thủ đô Viêng Chăn", "Kampot")),
    ProvinceSpec("Ninh Bình", False, False, ("Xaynhabuly", "Hủaphăn")),
    ProvinceSpec("Quảng Trị", False, True, ("Savannakhet", "Salavan", "Khăm Muộn")),
    ProvinceSpec("Đà Nẵng", True, True, ("Sê Kông", "Chămpasắc", "Salavan")),
    ProvinceSpec("Quảng Ngãi", False, True, ("Attapeu", "Sê Kông")),
    ProvinceSpec("Gia Lai", False, True, ("Attapeu", "Chămpasắc", "Ratanakiri")),
    ProvinceSpec("Khánh Hòa", False, False, ("Chămpasắc", "Attapeu")),
    ProvinceSpec("Lâm Đồng", False, True, ("Mondulkiri", "Chămpasắc")),
    ProvinceSpec("Đắk Lắk", False, True, ("Mondulkiri", "Chămpasắc", "Stung Treng")),
    ProvinceSpec("Hồ Chí Minh", True, False, ("Phnôm Pênh", "Thủ đô Viêng Chăn")),
    ProvinceSpec("Đồng Nai", False, True, ("Kratie", "Mondulkiri")),
    ProvinceSpec("Tây Ninh", False, True, ("Svay Rieng", "Tbong Khmum", "Prey Veng")),
    ProvinceSpec("Cần Thơ", True, False, ("Chămpasắc", "Takeo")),
    ProvinceSpec("Vĩnh Long", False, False, ("Takeo", "Prey Veng")),
    ProvinceSpec("Đồng Tháp", False, True, ("Prey Veng", "Svay Rieng")),
    ProvinceSpec("Cà Mau", False, False, ("Kampot", "Kep")),
    ProvinceSpec("An Giang", False, True, ("Takeo", "Kampot", "Kep")),
)
PROVINCES_BY_NAME = {p.name: p for p in PROVINCES}


def partner_label(name: str) -> str:
    """ "tỉnh Savannakhet", "Thủ đô Viêng Chăn" as a Vietnamese document writes the partner."""
    if name.startswith("Thủ đô"):
        return name
    return "Thủ đô Phnôm Pênh" if name == "Phnôm Pênh" else f"tỉnh {name}"


def country_label(country: str) -> str:
    return "nước CHDCND Lào" if country == Country.LA else "Vương quốc Campuchia"


# -- agencies ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class AgencySpec:
    code: str  # ASCII, for account names
    name: str  # "{unit}" → tỉnh / thành phố, "{Unit}" → Tỉnh / Thành, "{province}" → the name
    short_name: str
    kind: str
    border_only: bool = False


AGENCIES: tuple[AgencySpec, ...] = (
    AgencySpec("snv", "Sở Ngoại vụ", "", AgencyKind.DEPARTMENT),
    AgencySpec(
        "vpub",
        "Văn phòng Ủy ban nhân dân {unit}",
        "Văn phòng UBND {unit}",
        AgencyKind.DEPARTMENT,
    ),
    AgencySpec("vptu", "Văn phòng {Unit} ủy", "", AgencyKind.PARTY),
    AgencySpec("stc", "Sở Tài chính", "", AgencyKind.DEPARTMENT),
    AgencySpec("sct", "Sở Công Thương", "", AgencyKind.DEPARTMENT),
    AgencySpec("snnmt", "Sở Nông nghiệp và Môi trường", "Sở NN&MT", AgencyKind.DEPARTMENT),
    AgencySpec("sxd", "Sở Xây dựng", "", AgencyKind.DEPARTMENT),
    AgencySpec("skhcn", "Sở Khoa học và Công nghệ", "Sở KH&CN", AgencyKind.DEPARTMENT),
    AgencySpec("sgddt", "Sở Giáo dục và Đào tạo", "Sở GD&ĐT", AgencyKind.DEPARTMENT),
    AgencySpec("syt", "Sở Y tế", "", AgencyKind.DEPARTMENT),
    AgencySpec("svhttdl", "Sở Văn hóa, Thể thao và Du lịch", "Sở VHTT&DL", AgencyKind.DEPARTMENT),
    AgencySpec("snv2", "Sở Nội vụ", "", AgencyKind.DEPARTMENT),
    AgencySpec("stp", "Sở Tư pháp", "", AgencyKind.DEPARTMENT),
    AgencySpec("sdttg", "Sở Dân tộc và Tôn giáo", "", AgencyKind.DEPARTMENT),
    AgencySpec("ca", "Công an {unit}", "", AgencyKind.ARMED),
    AgencySpec("bchqs", "Bộ Chỉ huy Quân sự {unit}", "BCH Quân sự {unit}", AgencyKind.ARMED),
    AgencySpec(
        "bdbp",
        "Bộ Chỉ huy Bộ đội Biên phòng {unit}",
        "BCH BĐBP {unit}",
        AgencyKind.ARMED,
        border_only=True,
    ),
    AgencySpec(
        "bqlkkt", "Ban Quản lý các Khu kinh tế {unit}", "BQL các Khu kinh tế", AgencyKind.DEPARTMENT
    ),
    AgencySpec(
        "xttm",
        "Trung tâm Xúc tiến Đầu tư, Thương mại và Du lịch",
        "Trung tâm XTĐT, TM&DL",
        AgencyKind.OTHER,
    ),
    AgencySpec("hq", "Chi cục Hải quan khu vực", "", AgencyKind.CENTRAL, border_only=True),
    AgencySpec(
        "lhhn", "Liên hiệp các tổ chức hữu nghị {unit}", "Liên hiệp các TCHN", AgencyKind.MASS_ORG
    ),
    AgencySpec("lhpn", "Hội Liên hiệp Phụ nữ {unit}", "Hội LHPN {unit}", AgencyKind.MASS_ORG),
    AgencySpec("doan", "{Unit} đoàn", "", AgencyKind.MASS_ORG),
    AgencySpec("tct", "Trường Chính trị {unit} {province}", "Trường Chính trị", AgencyKind.SCHOOL),
    AgencySpec("tcd", "Trường Cao đẳng {province}", "", AgencyKind.SCHOOL),
    AgencySpec("bao", "Báo và Phát thanh, Truyền hình {province}", "", AgencyKind.MEDIA),
)
GROUP_AGENCY = "Các sở, ban, ngành, địa phương liên quan"
# Departments merged in 2025: kept, inactive, pointing to the department that took them over.
MERGED_AGENCIES: tuple[tuple[str, str], ...] = (
    ("Sở Kế hoạch và Đầu tư", "stc"),
    ("Sở Thông tin và Truyền thông", "skhcn"),
    ("Sở Lao động - Thương binh và Xã hội", "snv2"),
    ("Sở Giao thông vận tải", "sxd"),
    ("Sở Tài nguyên và Môi trường", "snnmt"),
)
MERGED_SINCE = date(2025, 3, 1)


def agency_text(template: str, province: ProvinceSpec) -> str:
    return template.format(
        unit=province.unit, Unit=province.unit.split()[0].capitalize(), province=province.name
    )


# -- what plans say ---------------------------------------------------------------------------


@dataclass(frozen=True)
class TaskTemplate:
    text: str
    leads: tuple[str, ...]  # agency codes, the first present in the province leads
    when: str = "event"  # event | period | ongoing
    target: tuple[str, str, int, int] | None = None  # indicator, unit, per-year low, high
    budget: float = 0.3  # probability of budget lines


@dataclass(frozen=True)
class FieldSpec:
    title: str  # the section heading
    label: str  # the "Lĩnh vực" cell
    weight: float
    templates: tuple[TaskTemplate, ...]


FIELDS: tuple[FieldSpec, ...] = (
    FieldSpec(
        "Hợp tác về chính trị, đối ngoại",
        "Chính trị - đối ngoại",
        0.22,
        (
            TaskTemplate(
                "Tổ chức Hội đàm cấp cao giữa {province} và {partner} để đánh giá kết quả thực "
                "hiện thỏa thuận hợp tác và thống nhất nội dung hợp tác năm {year}",
                ("snv", "vpub"),
                budget=0.8,
            ),
            TaskTemplate(
                "Tổ chức đoàn lãnh đạo {province} thăm và làm việc tại {partner}",
                ("vpub", "snv"),
                budget=0.7,
            ),
            TaskTemplate(
                "Đón và làm việc với đoàn đại biểu cấp cao {partner} sang thăm, làm việc tại "
                "{province}",
                ("snv",),
                budget=0.6,
            ),
            TaskTemplate(
                "Tổ chức các hoạt động kỷ niệm ngày thiết lập quan hệ ngoại giao Việt Nam - "
                "{country_short} ({anniversary})",
                ("snv", "svhttdl"),
                budget=0.5,
            ),
            TaskTemplate(
                "Trao đổi kinh nghiệm về công tác xây dựng Đảng, xây dựng hệ thống chính trị ở "
                "cơ sở giữa hai {unit_pair}",
                ("vptu",),
                when="period",
            ),
            TaskTemplate(
                "Tổ chức gặp mặt, thăm hỏi, chúc Tết nhân dịp Tết cổ truyền {new_year} của "
                "{partner}",
                ("lhhn", "snv"),
                when="ongoing",
            ),
            TaskTemplate(
                "Tuyên truyền, giáo dục truyền thống quan hệ hữu nghị Việt Nam - {country_short} "
                "cho cán bộ, đoàn viên, thanh niên",
                ("doan", "lhhn"),
                when="ongoing",
                budget=0.1,
            ),
            TaskTemplate(
                "Trao đổi đoàn cán bộ Hội Liên hiệp Phụ nữ hai bên học tập kinh nghiệm về phát "
                "triển kinh tế hộ gia đình",
                ("lhpn",),
            ),
            TaskTemplate(
                "Tổ chức Hội nghị sơ kết giữa kỳ việc thực hiện Văn bản thỏa thuận hợp tác "
                "giữa {province} và {partner}",
                ("snv",),
                budget=0.5,
            ),
            TaskTemplate(
                "Bồi dưỡng nghiệp vụ công tác đối ngoại, lễ tân đối ngoại cho cán bộ làm công "
                "tác hợp tác quốc tế của các sở, ngành, địa phương",
                ("snv", "snv2"),
                target=("Cán bộ được bồi dưỡng nghiệp vụ đối ngoại", "người", 20, 60),
            ),
            TaskTemplate(
                "Hỗ trợ {partner} kinh nghiệm cải cách hành chính, xây dựng chính quyền số",
                ("snv2", "stp"),
                when="period",
            ),
        ),
    ),
    FieldSpec(
        "Hợp tác về quốc phòng, an ninh và biên giới",
        "Quốc phòng - an ninh",
        0.15,
        (
            TaskTemplate(
                "Hội đàm thường niên về công tác biên giới giữa {province} và {partner}",
                ("bdbp", "snv"),
                when="ongoing",
                budget=0.4,
            ),
            TaskTemplate(
                "Phối hợp tìm kiếm, quy tập hài cốt liệt sỹ quân tình nguyện và chuyên gia Việt "
                "Nam hy sinh tại {partner} qua các thời kỳ",
                ("bchqs",),
                when="ongoing",
                budget=0.6,
            ),
            TaskTemplate(
                "Phối hợp đấu tranh phòng, chống tội phạm ma túy, mua bán người và xuất nhập "
                "cảnh trái phép qua biên giới",
                ("ca", "bdbp"),
                when="ongoing",
            ),
            TaskTemplate(
                "Trao đổi thông tin, phối hợp bảo đảm an ninh chính trị, trật tự an toàn xã hội "
                "trên địa bàn giáp ranh",
                ("ca",),
                when="ongoing",
            ),
            TaskTemplate(
                "Tổ chức tuần tra song phương, quản lý, bảo vệ đường biên, mốc giới",
                ("bdbp", "bchqs"),
                when="ongoing",
            ),
            TaskTemplate(
                "Đào tạo, bồi dưỡng cán bộ quân sự, công an cho {partner}",
                ("bchqs", "ca"),
                when="period",
                target=("Cán bộ quân sự, công an được đào tạo", "người", 10, 30),
                budget=0.5,
            ),
            TaskTemplate(
                "Kết nghĩa các bản, cụm dân cư hai bên biên giới; xây dựng đường biên giới hòa "
                "bình, hữu nghị, hợp tác và phát triển",
                ("bdbp", "sdttg"),
                when="period",
            ),
            TaskTemplate(
                "Phối hợp giải quyết các vụ việc phát sinh liên quan đến công dân hai bên",
                ("ca", "snv", "stp"),
                when="ongoing",
            ),
        ),
    ),
    FieldSpec(
        "Hợp tác về kinh tế, thương mại, đầu tư và du lịch",
        "Kinh tế - thương mại",
        0.23,
        (
            TaskTemplate(
                "Tổ chức Hội chợ thương mại Việt - {country_short} tại {partner}",
                ("sct", "xttm"),
                budget=0.8,
            ),
            TaskTemplate(
                "Hỗ trợ doanh nghiệp của {province} khảo sát, tìm hiểu cơ hội đầu tư tại {partner}",
                ("xttm", "stc"),
            ),
            TaskTemplate(
                "Xúc tiến, quảng bá sản phẩm du lịch, kết nối tour, tuyến du lịch giữa "
                "{province} và {partner}",
                ("svhttdl", "xttm"),
                when="period",
                budget=0.4,
            ),
            TaskTemplate(
                "Nâng cấp hạ tầng cửa khẩu, tạo thuận lợi cho hoạt động xuất nhập khẩu và "
                "thông quan hàng hóa",
                ("bqlkkt", "sxd"),
                when="period",
                budget=0.7,
            ),
            TaskTemplate(
                "Triển khai mô hình kiểm tra “Một cửa, một lần dừng” tại cặp cửa khẩu quốc tế",
                ("hq", "bqlkkt"),
                when="period",
            ),
            TaskTemplate(
                "Trao đổi thông tin thị trường, giá cả hàng hóa, chính sách thương mại biên "
                "giới giữa hai bên",
                ("sct",),
                when="ongoing",
            ),
            TaskTemplate(
                "Tổ chức Diễn đàn xúc tiến đầu tư, thương mại và du lịch {province} - {partner} "
                "năm {year}",
                ("xttm", "stc"),
                budget=0.8,
            ),
            TaskTemplate(
                "Phối hợp xây dựng đề án phát triển khu kinh tế - thương mại qua biên giới",
                ("bqlkkt", "stc"),
                when="period",
            ),
            TaskTemplate(
                "Hỗ trợ {partner} xây dựng chợ biên giới và điểm tập kết hàng hóa",
                ("sct", "sxd"),
                budget=0.6,
            ),
        ),
    ),
    FieldSpec(
        "Hợp tác về nông nghiệp, môi trường, khoa học và công nghệ",
        "Nông nghiệp - khoa học",
        0.18,
        (
            TaskTemplate(
                "Chuyển giao kỹ thuật canh tác lúa nước, cây ăn quả và chăn nuôi cho nông dân "
                "{partner}",
                ("snnmt",),
                when="period",
                target=("Hộ nông dân được chuyển giao kỹ thuật", "hộ", 30, 120),
                budget=0.5,
            ),
            TaskTemplate(
                "Xây dựng mô hình trình diễn sản xuất nông nghiệp ứng dụng công nghệ cao tại "
                "{partner}",
                ("snnmt", "skhcn"),
                budget=0.7,
            ),
            TaskTemplate(
                "Phối hợp phòng, chống dịch bệnh gia súc, gia cầm và kiểm dịch động vật, thực "
                "vật vùng biên giới",
                ("snnmt",),
                when="ongoing",
            ),
            TaskTemplate(
                "Hợp tác bảo vệ rừng, phòng cháy, chữa cháy rừng và chống khai thác lâm sản "
                "trái phép khu vực giáp biên",
                ("snnmt", "bdbp"),
                when="ongoing",
            ),
            TaskTemplate(
                "Hỗ trợ {partner} ứng dụng công nghệ thông tin, chuyển đổi số trong cơ quan "
                "nhà nước",
                ("skhcn",),
                when="period",
                budget=0.5,
            ),
            TaskTemplate(
                "Trao đổi kinh nghiệm quản lý khoa học và công nghệ, sở hữu trí tuệ, tiêu "
                "chuẩn đo lường chất lượng",
                ("skhcn",),
            ),
            TaskTemplate(
                "Khảo sát, nâng cấp tuyến đường kết nối từ trung tâm {province} đến cửa khẩu",
                ("sxd",),
                when="period",
                budget=0.8,
            ),
            TaskTemplate(
                "Hợp tác quản lý, sử dụng bền vững tài nguyên nước lưu vực sông Mê Công",
                ("snnmt",),
                when="period",
            ),
        ),
    ),
    FieldSpec(
        "Hợp tác về giáo dục, đào tạo, y tế và văn hóa",
        "Văn hóa - xã hội",
        0.22,
        (
            TaskTemplate(
                "Tiếp nhận lưu học sinh {partner} sang học tập tại các cơ sở đào tạo của "
                "{province}",
                ("sgddt", "tcd"),
                when="period",
                target=("Lưu học sinh", "người", 10, 50),
                budget=0.8,
            ),
            TaskTemplate(
                "Đào tạo tiếng Việt cho cán bộ, học sinh {partner}",
                ("tcd", "sgddt"),
                target=("Học viên tiếng Việt", "người", 20, 80),
                budget=0.5,
            ),
            TaskTemplate(
                "Bồi dưỡng lý luận chính trị, quản lý nhà nước cho cán bộ {partner}",
                ("tct",),
                when="period",
                target=("Cán bộ được bồi dưỡng", "người", 20, 40),
                budget=0.8,
            ),
            TaskTemplate(
                "Khám, chữa bệnh và cấp thuốc miễn phí cho nhân dân vùng biên giới {partner}",
                ("syt",),
                budget=0.8,
            ),
            TaskTemplate(
                "Đào tạo, tập huấn chuyên môn cho cán bộ y tế của {partner}",
                ("syt", "tcd"),
                when="period",
                target=("Cán bộ y tế được tập huấn", "người", 10, 40),
                budget=0.5,
            ),
            TaskTemplate(
                "Phối hợp giám sát, phòng chống dịch bệnh truyền nhiễm khu vực biên giới",
                ("syt",),
                when="ongoing",
            ),
            TaskTemplate(
                "Tổ chức Tuần Văn hóa, Thể thao và Du lịch {province} tại {partner}",
                ("svhttdl",),
                budget=0.9,
            ),
            TaskTemplate(
                "Trao đổi đoàn nghệ thuật, đoàn thể thao nhân các ngày lễ lớn của hai nước",
                ("svhttdl", "doan"),
                when="ongoing",
                budget=0.3,
            ),
            TaskTemplate(
                "Hợp tác sản xuất chương trình phát thanh, truyền hình bằng tiếng {language} "
                "giới thiệu về đất nước, con người hai bên",
                ("bao",),
                when="ongoing",
            ),
            TaskTemplate(
                "Hỗ trợ xây dựng trường học, trạm y tế tại các huyện giáp biên của {partner}",
                ("sgddt", "syt", "sxd"),
                when="period",
                budget=0.9,
            ),
        ),
    ),
)
# Qualifiers printed plans add to a task, so that sixty rows do not read alike.
QUALIFIERS = (
    "",
    "",
    "",
    " nhằm tăng cường quan hệ hữu nghị và hợp tác toàn diện giữa hai bên",
    " theo nội dung Văn bản thỏa thuận hợp tác đã ký",
    " (luân phiên tổ chức tại mỗi bên)",
    "; định kỳ báo cáo kết quả về Sở Ngoại vụ để tổng hợp",
    " phù hợp với điều kiện thực tế của mỗi bên",
)
NOTES = (
    "",
    "",
    "",
    "",
    "Kinh phí do ngân sách tỉnh cấp",
    "Lồng ghép trong kế hoạch công tác của đơn vị",
    "Kinh phí đơn vị tự cân đối",
    "Phía bạn chi trả chi phí ăn, ở",
    "Theo đề nghị của phía bạn",
)
UNPARSED_TIMEFRAMES = (
    "Theo tiến độ dự án",
    "Khi có chủ trương của cấp có thẩm quyền",
    "Sau khi được phê duyệt kinh phí",
    "Mùa khô hằng năm",
    "Theo đề nghị của phía bạn",
    "Năm {year} và các năm tiếp theo",
)
FAMILY = ("Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Võ", "Đặng", "Bùi", "Đỗ", "Hồ", "Ngô")
MIDDLE = ("Văn", "Thị", "Đức", "Minh", "Hữu", "Quang", "Thanh", "Ngọc", "Xuân")
GIVEN = ("Hùng", "Dũng", "Hải", "Lan", "Hương", "Tuấn", "Phong", "Thắng", "Bình", "Sơn", "Hà")
ROMAN = ("I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X")
DEFAULT_COLUMNS = [
    "STT",
    "NỘI DUNG CÔNG VIỆC",
    "ĐƠN VỊ CHỦ TRÌ",
    "ĐƠN VỊ PHỐI HỢP",
    "THỜI GIAN",
    "GHI CHÚ",
]
FIELD_COLUMNS = [
    "STT",
    "Nội dung",
    "Cơ quan/đơn vị chủ trì",
    "Cơ quan/đơn vị phối hợp thực hiện",
    "Thời gian thực hiện",
    "Lĩnh vực",
]
REASONS = (
    "chưa được bố trí kinh phí",
    "phía bạn đề nghị điều chỉnh thời gian",
    "thủ tục phê duyệt đoàn ra kéo dài",
    "ảnh hưởng của mưa lũ trên tuyến biên giới",
    "chờ hướng dẫn của bộ, ngành trung ương",
    "phía bạn thay đổi nhân sự phụ trách",
    "sắp xếp lại tổ chức bộ máy năm 2025",
)
RETURN_COMMENTS = (
    "Đề nghị bổ sung kinh phí đã chi theo từng nguồn và ghi rõ kết quả từng nhiệm vụ chủ trì.",
    "Đề nghị ghi kết quả cụ thể (số đoàn, số lượt cán bộ, số học viên), không ghi chung chung.",
    "Đề nghị bổ sung số đoàn ra, đoàn vào và số lượt cán bộ, công chức đi công tác.",
)
DIFFICULTIES = (
    "Kinh phí hợp tác được giao chậm, chưa chủ động được kế hoạch đoàn ra, đoàn vào.",
    "Phía bạn thay đổi nhân sự sau sắp xếp bộ máy nên việc liên hệ, trao đổi còn chậm.",
    "Thủ tục cấp phép đoàn ra kéo dài; hạ tầng giao thông đến cửa khẩu còn khó khăn.",
    "",
)
PROPOSALS = (
    "Đề nghị UBND tỉnh bố trí kinh phí hợp tác sớm ngay từ đầu năm.",
    "Đề nghị Sở Ngoại vụ làm đầu mối tổ chức hội nghị sơ kết để thống nhất kế hoạch năm sau.",
    "Đề nghị tăng chỉ tiêu đào tạo lưu học sinh cho phía bạn.",
    "",
)
OUTLINE = [
    {
        "number": "I.",
        "title": "Kết quả triển khai các nhiệm vụ được phân công",
        "children": [
            {"number": "1.", "title": "Hoạt động trao đổi đoàn", "children": []},
            {"number": "2.", "title": "Việc ký kết và thực hiện các thỏa thuận", "children": []},
            {"number": "3.", "title": "Kinh phí đã thực hiện theo nguồn", "children": []},
        ],
    },
    {"number": "II.", "title": "Khó khăn, vướng mắc và kiến nghị", "children": []},
]
# A report's fate in a round: (state, weight) while the round is open, and once it is closed.
OPEN_ROUND_STATES = (
    ("none", 18),
    ("draft", 20),
    ("submitted", 24),
    ("returned", 10),
    ("accepted", 28),
)
CLOSED_ROUND_STATES = (
    ("none", 6),
    ("draft", 3),
    ("submitted", 5),
    ("returned", 3),
    ("accepted", 83),
)
