"""The five seed documents are in the database word for word (loaded by tests/conftest.py)."""

import json
from io import StringIO

import pytest
from django.core.management import call_command

from agreements.models import Agency, Agreement, Locality, Meeting, Plan
from devdata.seed import seed_load
from reports.models import ReportingRound
from tasks.models import BudgetLine, PlanBlock, Target, Task
from tests.seed_text import assert_in_order, seed_lines, squash

pytestmark = pytest.mark.django_db


def show_plan(number: str, province: str) -> dict:
    out = StringIO()
    call_command("show_plan", number, "--province", province, "--json", stdout=out)
    return json.loads(out.getvalue())


def task_by(plan: dict, appendix: str, number: str) -> dict:
    matches = [t for t in plan["tasks"] if t["appendix"] == appendix and t["number"] == number]
    assert len(matches) == 1, (appendix, number, len(matches))
    return matches[0]


def test_165_has_two_appendices_with_their_sections_and_all_tasks():
    plan = show_plan("165/QĐ-UBND", "Quảng Trị")
    assert plan["kind"] == "decision"
    assert plan["date"] == "2020-01-15"
    assert plan["period"] == [2020, 2022]
    appendix_i = [t for t in plan["tasks"] if t["appendix"] == "PHỤ LỤC I"]
    appendix_ii = [t for t in plan["tasks"] if t["appendix"] == "PHỤ LỤC II"]
    assert len(appendix_i) == 26
    assert len(appendix_ii) == 23
    assert [t["number"] for t in appendix_i] == [f"{n}." for n in range(1, 27)]
    assert [t["number"] for t in appendix_ii] == [f"{n}." for n in range(1, 24)]
    # Section headings as printed: Phụ lục I numbers its first section "1", Phụ lục II "I".
    assert appendix_i[0]["section"].startswith("1 Hợp tác về Chính trị")
    assert appendix_i[7]["section"].startswith("II. Hợp tác về Kinh tế")
    assert appendix_ii[0]["section"].startswith("I Hợp tác về Chính trị")
    assert sum(1 for t in appendix_i if t["section"].startswith("II.")) == 19
    assert sum(1 for t in appendix_ii if t["section"].startswith("II.")) == 16


def test_165_sample_tasks_word_for_word():
    plan = show_plan("165/QĐ-UBND", "Quảng Trị")
    border = task_by(plan, "PHỤ LỤC I", "2.")
    assert border["content"] == (
        "Hội đàm thường niên về công tác biên giới giữa hai tỉnh Quảng Trị - Savannakhet."
    )
    assert border["lead"] == ["Ban Chỉ đạo công tác biên giới tỉnh"]
    assert border["coordinating_text"] == (
        "Sở Ngoại vụ, BCH Bộ đội Biên phòng tỉnh, UBND huyện Hướng Hóa và các ngành liên quan"
    )
    assert border["coordinating"] == [
        "Sở Ngoại vụ",
        "Bộ Chỉ huy Bộ đội Biên phòng tỉnh",
        "Ủy ban nhân dân huyện Hướng Hóa",
    ]
    assert border["timeframe"] == "2020 - 2022"
    assert (border["start"], border["end"]) == ("2020-01-01", "2022-12-31")
    assert border["note"] == "Kinh phí BCĐ công tác biên giới tỉnh"
    assert border["partners"] == ["Savannakhet"]

    summit = task_by(plan, "PHỤ LỤC II", "1.")
    assert summit["timeframe"] == "2022"
    assert summit["note"] == "Kinh phí do ngân sách tỉnh cấp"
    assert summit["partners"] == ["Salavan"]

    students = task_by(plan, "PHỤ LỤC II", "23.")
    assert students["content"] == (
        "Cử cán bộ, sinh viên tỉnh Quảng Trị theo học tại Trường Đại học Quốc gia Lào."
    )
    assert students["lead"] == ["Sở Nội vụ"]
    assert students["coordinating_text"] == "Sở Ngoại vụ Sở GD&ĐT"
    assert students["note"] == "Tỉnh Salavan hỗ trợ chi trả"

    training = task_by(plan, "PHỤ LỤC I", "20.")
    assert training["lead"] == ["Trường Chính trị Lê Duẩn"]
    assert training["note"] == "Ngân sách tỉnh cấp"


def test_165_links_agreements_predecessor_targets_and_budget(quang_tri):
    plan = Plan.objects.get(province=quang_tri, number="165/QĐ-UBND")
    assert plan.predecessor.number == "3289/QĐ-UBND"
    assert (plan.predecessor.start_year, plan.predecessor.end_year) == (2017, 2019)
    agreements = list(plan.agreements.order_by("title"))
    assert len(agreements) == 2
    assert {a.signed_date.isoformat() for a in agreements} == {"2019-08-16"}
    assert all("Đông Hà" in a.signed_place for a in agreements)
    assert plan.signer == "Nguyễn Đức Chính"
    training = Task.objects.get(plan=plan, section__parent__number="PHỤ LỤC I", number="20.")
    target = training.targets.get()
    assert (target.quantity, target.per) == (25, "year")
    support = Task.objects.get(plan=plan, section__parent__number="PHỤ LỤC I", number="19.")
    assert sorted(support.budget_lines.values_list("year", "amount")) == [
        (2020, 2_000_000_000),
        (2021, 2_000_000_000),
        (2022, 2_000_000_000),
    ]


def test_6452_is_a_directive_under_165_after_the_mid_term_meeting(quang_tri):
    plan = show_plan("6452/UBND-ĐN", "Quảng Trị")
    assert plan["kind"] == "directive"
    assert len(plan["tasks"]) == 10
    assert [t["number"] for t in plan["tasks"]][-4:] == ["7.1.", "7.2.", "7.3.", "7.4."]
    assert all(t["lead"] == ["Sở Ngoại vụ"] for t in plan["tasks"][-4:])
    bridge = next(t for t in plan["tasks"] if "Sê Pôn" in t["content"] and t["number"] == "4.")
    assert bridge["lead"] == ["Sở Giao thông vận tải"]
    directive = Plan.objects.get(province=quang_tri, number="6452/UBND-ĐN")
    assert directive.parent.number == "165/QĐ-UBND"
    assert directive.meeting.notice_number == "196-TB/TU"
    assert directive.meeting.notice_date.isoformat() == "2021-12-10"
    assert [d.date.isoformat() for d in directive.report_deadlines.all()] == ["2022-09-15"]


def test_1010_and_6452_rounds(quang_tri):
    first = ReportingRound.objects.get(province=quang_tri, request_number="1010/UBND-ĐN")
    assert first.deadline.isoformat() == "2019-04-10"
    assert [p.number for p in first.plans.all()] == ["3289/QĐ-UBND"]
    assert [item["number"] for item in first.outline] == ["I.", "II.", "III."]
    assert len(first.outline[0]["children"]) == 7
    second = ReportingRound.objects.get(province=quang_tri, request_number="6452/UBND-ĐN")
    assert second.deadline.isoformat() == "2022-09-15"
    assert sorted(p.number for p in second.plans.all()) == ["165/QĐ-UBND", "6452/UBND-ĐN"]


def test_110_every_bullet_is_a_task_under_its_field():
    plan = show_plan("110/KH-UBND", "Tuyên Quang")
    assert plan["period"] == [2021, 2025]
    assert len(plan["tasks"]) == 23
    first = plan["tasks"][0]
    assert first["content"].startswith("Xây dựng vườn ươm cây giống cây ăn quả")
    assert first["section"].startswith("1.1.")
    assert first["lead"] == []  # the detailed table of leads was not published
    review, final = plan["tasks"][-2:]
    assert (review["start"], review["end"]) == ("2023-10-01", "2023-12-31")
    assert (final["start"], final["end"]) == ("2026-01-01", "2026-03-31")
    assert all(t["partners"] == ["Xiêng Khoảng"] for t in plan["tasks"])
    assert Target.objects.filter(task__plan__number="110/KH-UBND", quantity=50).count() == 2
    kinds = set(Meeting.objects.filter(province__name="Tuyên Quang").values_list("kind", flat=True))
    assert kinds == {"review", "final_review"}
    assert Agreement.objects.get(province__name="Tuyên Quang").signed_date.isoformat() == (
        "2022-06-29"
    )


def test_592_columns_fields_timeframes_and_several_leads():
    plan = show_plan("592/KH-UBND", "Khánh Hòa")
    tasks = plan["tasks"]
    assert len(tasks) == 26
    assert [t["number"] for t in tasks] == [f"{n}." for n in range(1, 27)]
    assert tasks[4]["timeframe"] == "Quý II hoặc III năm 2022"
    assert (tasks[4]["start"], tasks[4]["end"]) == ("2022-04-01", "2022-09-30")
    assert tasks[0]["timeframe"] == "Quý I năm 2022"
    assert tasks[1]["timeframe"] == "Thường xuyên"
    assert tasks[1]["ongoing"] is True
    assert (tasks[1]["start"], tasks[1]["end"]) == ("2022-01-01", "2022-12-31")
    assert tasks[0]["field"] == "Ngoại vụ"
    assert tasks[18]["lead"] == ["Sở Nội vụ", "Sở Ngoại vụ"]
    assert tasks[24]["lead"] == ["Công ty TNHH Nhà nước MTV Yến Sào Khánh Hòa"]
    assert tasks[13]["partners"] == ["Chămpasắc"]
    assert tasks[0]["partners"] == ["Attapeu", "Chămpasắc"]
    assert tasks[7]["content"].startswith("Tạo điều kiện thuận lợi cho các doanh nghiệp của tỉnh")
    assert tasks[7]["content"].endswith("cũng như người dân của Lào")


def test_one_agency_per_name_per_province_with_short_names_as_aliases(quang_tri):
    assert Agency.objects.filter(province=quang_tri, name="Sở Ngoại vụ").count() == 1
    border_guard = Agency.objects.get(province=quang_tri, name="Bộ Chỉ huy Bộ đội Biên phòng tỉnh")
    assert "BCH BĐBP tỉnh" in [border_guard.short_name, *border_guard.aliases]
    # The same name in another province is another record.
    assert Agency.objects.filter(name="Sở Ngoại vụ").count() == 3


SEEDED_MODELS = (
    Plan,
    PlanBlock,
    Task,
    Agency,
    Locality,
    ReportingRound,
    Target,
    BudgetLine,
    Agreement,
    Meeting,
)


def row_counts() -> dict[str, int]:
    return {model.__name__: model.objects.count() for model in SEEDED_MODELS}


def test_load_seed_is_idempotent():
    before = row_counts()
    stats = seed_load()
    assert stats.tasks == 0 and stats.plans == 0
    assert row_counts() == before


def test_broken_seed_saves_nothing(tmp_path):
    import json
    import shutil

    from devdata.seed import SEED_DIR, SeedError

    for source in SEED_DIR.iterdir():
        shutil.copy(source, tmp_path / source.name)
    document = json.loads((tmp_path / "592-KH-UBND.json").read_text(encoding="utf-8"))
    document["plans"][0]["number"] = "593/KH-UBND"  # a new plan, so it would be loaded …
    document["plans"][0]["sections"][0]["tasks"][3]["lead"] = ["Sở không có thật"]  # … but breaks
    (tmp_path / "592-KH-UBND.json").write_text(json.dumps(document), encoding="utf-8")
    before = row_counts()
    with pytest.raises(SeedError) as error:
        seed_load(tmp_path)
    assert "Sở không có thật" in str(error.value)
    assert row_counts() == before


def test_load_seed_command_reports_what_it_kept():
    out = StringIO()
    call_command("load_seed", stdout=out)
    assert "165/QĐ-UBND" in out.getvalue()


def test_show_plan_unknown_plan_exits_with_status_1(capsys):
    from django.core.management import CommandError

    with pytest.raises(CommandError) as error:
        call_command("show_plan", "999/QĐ-UBND", "--province", "Quảng Trị", "--json")
    assert "999/QĐ-UBND" in str(error.value)
    assert error.value.returncode == 1


# (plan, province, seed, the body's first and last lines (their openings), gaps): what the
# blocks hold, between the header and the signature and Nơi nhận, which the Plan's own fields
# print. A gap (from its first line to the line after it) is not text: 165's Nơi nhận and
# signature between the decision and its plan; 592's table, whose rows are tasks.
BODIES = [
    ("165/QĐ-UBND", "Quảng Trị", "000_cc27c8cb0758a901.txt", "ỦY BAN NHÂN DÂN TỈNH QUẢNG TRỊ",
     "* Phụ lục II: Chi tiết nội dung", [("Nơi nhận:", "KẾ HOẠCH")]),
    ("6452/UBND-ĐN", "Quảng Trị", "002_2db779e8e0638f6e.txt", "Kính gửi:",
     "Ủy Ban nhân dân tỉnh yêu cầu", []),
    ("110/KH-UBND", "Tuyên Quang", "003_6381fd8a986d49ee.txt", "Căn cứ Biên bản hợp tác giữa",
     "2. Giao Sở Ngoại vụ là cơ quan đầu mối", []),
    ("592/KH-UBND", "Khánh Hòa", "004_cb73423e2c14c5c1.txt", "Thực hiện ý kiến chỉ đạo",
     "Trên đây là Kế hoạch triển khai", [("STT", "IV. TỔ CHỨC THỰC HIỆN")]),
]  # fmt: skip


def block_lines(plan: dict) -> list[str]:
    return [
        squash(" ".join(p for p in (b["number"], b["text"]) if p))
        for b in plan["blocks"]
        if b["kind"] != "table"
    ]


@pytest.mark.parametrize(("number", "province", "seed", "first", "last", "gaps"), BODIES)
def test_seed_body_is_stored_whole_first_line_to_last_word_for_word(
    number, province, seed, first, last, gaps
):
    blocks = block_lines(show_plan(number, province))
    expected = seed_lines(seed, first, last)
    for gap_start, gap_end in gaps:
        start = expected.index(gap_start)
        expected = expected[:start] + expected[expected.index(gap_end, start) :]
    assert blocks[0] == expected[0] and blocks[-1] == expected[-1]
    # every seed line is a block, or the start or the rest of one a page break cut in two
    assert_in_order(expected, " ".join(blocks))
    assert len(expected) - 3 <= len(blocks) <= len(expected)


def test_show_plan_json_prints_the_blocks_part_kind_number_text_section():
    plan = show_plan("165/QĐ-UBND", "Quảng Trị")
    main = [b for b in plan["blocks"] if b["part"] == "main"]
    attached = [b for b in plan["blocks"] if b["part"] == "attached"]
    assert plan["blocks"] == main + attached  # the decision's own text, then the plan it issues
    assert main[0] == {
        "part": "main",
        "kind": "heading",
        "number": "",
        "text": "ỦY BAN NHÂN DÂN TỈNH QUẢNG TRỊ",
        "section": "",
    }
    assert [b["text"] for b in main].index("QUYẾT ĐỊNH:") == 5
    assert [b["number"] for b in main if b["number"]] == ["Điều 1.", "Điều 2.", "Điều 3."]
    assert [b["text"] for b in attached[:3]] == [
        "KẾ HOẠCH",
        "HỢP TÁC GIỮA TỈNH QUẢNG TRỊ VỚI HAI TỈNH SAVANNAKHET VÀ SALAVAN, NƯỚC CHDCND LÀO, "
        "GIAI ĐOẠN 2020 - 2022",
        "(Ban hành kèm theo Quyết định số 165/QĐ-UBND ngày 15 tháng 01 năm 2020 của UBND "
        "tỉnh Quảng Trị)",
    ]


def test_592_table_block_sits_inside_iii_between_ii_and_iv():
    blocks = show_plan("592/KH-UBND", "Khánh Hòa")["blocks"]
    numbers = [(b["kind"], b["number"]) for b in blocks]
    table = next(i for i, b in enumerate(blocks) if b["kind"] == "table")
    assert blocks[table]["section"] == "III. NHIỆM VỤ CỤ THỂ"
    assert numbers.index(("heading", "III.")) == table - 1
    assert numbers.index(("heading", "II.")) < table < numbers.index(("heading", "IV."))
    assert not any("Kèm theo" in b["text"] for b in blocks)


def test_110_keeps_ii_as_prose_with_bullets_while_its_items_stay_tasks():
    plan = show_plan("110/KH-UBND", "Tuyên Quang")
    texts = [b["text"] for b in plan["blocks"]]
    bullet = texts.index(
        "Tiếp nhận 50 học sinh, sinh viên tỉnh Xiêng Khoảng đến học tập tại Trường Đại học Tân "
        "Trào và 50 học sinh, sinh viên tỉnh Xiêng Khoảng đến học nghề ngắn hạn tại Trường Cao "
        "đẳng nghề Kỹ thuật - Công nghệ Tuyên Quang."
    )
    assert plan["blocks"][bullet]["kind"] == "list_item" and plan["blocks"][bullet]["number"] == "-"
    assert texts.index("NỘI DUNG, NHIỆM VỤ") < bullet < texts.index("KINH PHÍ THỰC HIỆN")
    assert not any(b["kind"] == "table" for b in plan["blocks"])
    assert any(t["content"] == texts[bullet] for t in plan["tasks"])


def test_1010_request_letter_is_stored_whole_and_shown_on_its_round(client, quang_tri, coordinator):
    """1010/UBND-ĐN is a reporting round, not a plan: its letter is the round's body, its đề
    cương the outline; together with the header fields the whole document is kept."""
    reporting_round = ReportingRound.objects.get(province=quang_tri, request_number="1010/UBND-ĐN")
    blocks = [
        squash(" ".join(p for p in (b.get("number", ""), b["text"]) if p))
        for b in reporting_round.body
    ]
    expected = seed_lines(
        "001_8c86f0fa3ab6803f.txt", "Kính gửi:", "Đề nghị các cơ quan, đơn vị chuẩn bị báo cáo"
    )
    assert blocks[0] == expected[0] and blocks[-1] == expected[-1]
    assert_in_order(expected, " ".join(blocks))
    assert len(blocks) == len(expected)
    client.force_login(coordinator)
    page = client.get(f"/rounds/{reporting_round.pk}/").content.decode()
    assert "Toàn văn văn bản yêu cầu" in page
    assert "chậm nhất trước ngày 10/4/2019./." in page


def test_demo_results_quote_their_task_cut_between_words():
    """A demo report's result starts with its task's text, cut after a whole word ("…")."""
    from reports.models import ReportEntry

    call_command("create_demo_users", stdout=StringIO())
    call_command("load_demo_reports", stdout=StringIO())
    quoted = 0
    for entry in ReportEntry.objects.exclude(result="").select_related("task"):
        _, _, quote = entry.result.partition(" đã triển khai: ")
        content = " ".join(entry.task.content.split())
        if quote.endswith("…"):
            start = quote.removesuffix("…")
            assert content.startswith(start) and content[len(start)] == " ", entry.result
        else:
            assert quote == content, entry.result
        quoted += 1
    assert quoted > 10
