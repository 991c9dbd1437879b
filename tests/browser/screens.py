"""Every screen of the app, for each role: the one walk shared by tests/browser/test_screens.py
(phone width, axe-core) and `make screenshots`.

The data is the demo of `make run` (five seed documents, the demo accounts and the demo reports
of round 6452/UBND-ĐN), so a screenshot shows what a person trying the app sees.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from django.core.management import call_command
from playwright.sync_api import Page, expect

DEMO_PASSWORD = "coopplan-demo-2026"  # noqa: S105 - the demo accounts' published password
SIZES = {"phone": {"width": 390, "height": 844}, "desktop": {"width": 1280, "height": 900}}
AXE = Path(__file__).with_name("vendor") / "axe-core-4.14.1.min.js"
# WCAG 2.1 level A and AA rules: what a public body's site is held to.
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
AXE_IMPACTS = {"serious", "critical"}


@dataclass(frozen=True)
class Screen:
    name: str
    path: str
    # After the page loads: bring up what the screen is about (an inline form, say).
    prepare: Callable[[Page], None] | None = field(default=None, compare=False)


def demo_load() -> None:
    """The data of `make run`: seed documents, demo accounts, demo reports."""
    from devdata.seed import seed_load

    seed_load()
    call_command("create_demo_users", stdout=_Null())
    call_command("load_demo_reports", stdout=_Null())


class _Null:
    def write(self, text: str) -> int:
        return len(text)

    def flush(self) -> None:
        pass


def log_in(page: Page, username: str, password: str = DEMO_PASSWORD) -> None:
    page.goto("/accounts/login/")
    form = page.locator("main form")
    form.locator('input[name="username"]').fill(username)
    form.locator('input[name="password"]').fill(password)
    form.get_by_role("button", name="Đăng nhập").click()
    expect(page).not_to_have_url(re.compile(r"/accounts/login/"))


def open_inline_task_form(page: Page) -> None:
    page.locator("#plan-rows a.add-task").first.click()
    expect(page.locator("#task-new form")).to_be_visible()


XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def filled_workbook(round_id: int, agency_id: int, *, stale: bool, mistakes: bool) -> bytes:
    """The agency's workbook as a person sends it back: the general part, every lead task
    (status, result, remarks) filled in.

    ``stale``: as if downloaded before the report's last save in the app, with a result
    changed on both sides (the preview then asks which to keep). ``mistakes``: a number typed
    with words and a status typed by hand (the file is refused, its cells named).
    """
    from agreements.models import Agency
    from reports.models import ReportingRound
    from reports.workbook.builder import workbook_build
    from reports.workbook.selectors import workbook_data
    from tests.reports.workbook.helpers import fill

    data = workbook_data(ReportingRound.objects.get(pk=round_id), Agency.objects.get(pk=agency_id))
    if stale and data.report is not None and data.lead and data.lead[0].entry is not None:
        # Only the file is built from this older picture; nothing is written.
        data.report.version = max(data.report.version - 1, 0)
        data.lead[0].entry.result = "Bản kết quả cũ, trước lần lưu cuối trong ứng dụng."
    typed: dict = {
        "g:delegations_out": "khoảng 5" if mistakes else 5,
        "g:delegations_out_officials": 14,
        "g:delegations_in": 1,
        "g:funds_state_budget": 1_500_000,
        "g:funds_other": 0,
        "g:difficulties": "Kinh phí đào tạo học viên Lào cấp chậm.",
    }
    for index, item in enumerate(data.lead):
        task = item.task.pk
        typed[f"e:{task}:status"] = "xong rồi" if mistakes and index == 0 else "Đang triển khai"
        typed[f"e:{task}:result"] = f"Đã tổ chức lớp bồi dưỡng thứ {index + 1} cho cán bộ Lào."
        typed[f"e:{task}:remarks"] = "Đề nghị bố trí kinh phí năm sau."
    return fill(workbook_build(data).content, typed)


def upload_workbooks(round_id: int, files: list[tuple[int, bool, bool]]) -> Callable[[Page], None]:
    """Upload filled workbooks ((agency id, stale, mistakes) each) on the upload page and wait
    for the preview: what the person checks before saving."""

    def prepare(page: Page) -> None:
        page.locator("#workbook-files").set_input_files(
            [
                {
                    "name": f"so-bao-cao-{agency}.xlsx",
                    "mimeType": XLSX,
                    "buffer": filled_workbook(round_id, agency, stale=stale, mistakes=mistakes),
                }
                for agency, stale, mistakes in files
            ]
        )
        page.get_by_role("button", name="Tải lên và xem trước").click()
        expect(page.locator("section.workbook-result")).to_have_count(len(files))
        # The states the screen is walked for: a conflict to choose, a file refused.
        if any(stale for _agency, stale, _mistakes in files):
            expect(page.locator("table.workbook-changes tr.conflict").first).to_be_visible()
        if any(mistakes for _agency, _stale, mistakes in files):
            expect(page.locator(".workbook-refused")).to_be_visible()

    return prepare


def screens_by_user() -> dict[str, list[Screen]]:
    """username → the screens that person uses, with the ids of the demo data."""
    from accounts.models import User
    from agreements.models import Agency, Agreement, Locality, Meeting, Plan
    from reports.models import Report, ReportingRound, ReportStatus
    from reports.workbook.selectors import round_workbook_agencies
    from tasks.models import Section, Task

    quang_tri = Locality.objects.get(name="Quảng Trị", country="VN")
    plan = Plan.objects.get(province=quang_tri, number="165/QĐ-UBND").pk
    current = ReportingRound.objects.get(province=quang_tri, request_number="6452/UBND-ĐN")
    closed = ReportingRound.objects.get(province=quang_tri, request_number="1010/UBND-ĐN").pk
    reports = Report.objects.filter(reporting_round=current)
    draft = reports.get(status=ReportStatus.DRAFT)  # Trường Chính trị Lê Duẩn
    submitted = reports.get(status=ReportStatus.SUBMITTED).pk
    returned = reports.get(status=ReportStatus.RETURNED).pk
    le_duan = draft.agency_id
    task = Task.objects.filter(plan_id=plan, leads__agency_id=le_duan).order_by("pk").first().pk
    section = Section.objects.filter(plan_id=plan, parent__isnull=False).order_by("pk").first().pk
    agreement = Agreement.objects.filter(province=quang_tri).order_by("pk").first().pk
    meeting = Meeting.objects.filter(province=quang_tri).order_by("pk").first().pk
    agency = Agency.objects.get(province=quang_tri, name="Sở Công thương").pk
    reporter_user = User.objects.get(username="leduan").pk
    # Another agency of the round, whose file the coordinator enters with a mistake in it.
    other_agency = round_workbook_agencies(current).exclude(pk=le_duan).order_by("name").first().pk
    upload = f"/rounds/{current.pk}/workbook/upload/"

    common = [
        Screen("plans", "/plans/"),
        Screen("plan", f"/plans/{plan}/"),
        Screen("plan-timeline", f"/plans/{plan}/timeline/"),
        Screen("plan-history", f"/plans/{plan}/history/"),
        Screen("task-history", f"/tasks/{task}/history/"),
        Screen("task-reports", f"/tasks/{task}/reports/"),
        Screen("tasks", "/tasks/"),
        Screen("tasks-overdue", "/tasks/?overdue=true"),
        Screen("rounds", "/rounds/"),
        Screen("round", f"/rounds/{current.pk}/"),
        Screen("round-closed", f"/rounds/{closed}/"),
        Screen("calendar", "/calendar/"),
        Screen("agencies", "/agencies/"),
        Screen("agency", f"/agencies/{le_duan}/"),
        Screen("agreements", "/agreements/"),
        Screen("agreement", f"/agreements/{agreement}/"),
        Screen("meetings", "/meetings/"),
        Screen("meeting", f"/meetings/{meeting}/"),
        Screen("password", "/accounts/password_change/"),
        Screen("not-found", "/plans/999999/"),
        Screen("notifications", "/notifications/"),
        Screen("notification-settings", "/notifications/settings/"),
    ]
    reader = [
        Screen("dashboard", "/dashboard/"),
        Screen("report-submitted", f"/reports/{submitted}/"),
        Screen("report-returned", f"/reports/{returned}/"),
    ]
    editor = [
        Screen("plan-add-task", f"/plans/{plan}/", prepare=open_inline_task_form),
        Screen("plan-new", "/plans/new/"),
        Screen("plan-edit", f"/plans/{plan}/edit/"),
        Screen("plan-status", f"/plans/{plan}/status/"),
        Screen("plan-carry", f"/plans/{plan}/carry-forward/"),
        Screen("plan-import", "/plans/import/"),
        Screen("section-new", f"/plans/{plan}/sections/new/"),
        Screen("section-edit", f"/sections/{section}/edit/"),
        Screen("block-new", f"/plans/{plan}/blocks/new/"),
        Screen("block-paste", f"/plans/{plan}/blocks/paste/"),
        Screen("task-new", f"/plans/{plan}/tasks/new/"),
        Screen("task-edit", f"/tasks/{task}/edit/"),
        Screen("round-new", "/rounds/new/"),
        Screen("agency-new", "/agencies/new/"),
        Screen("agency-edit", f"/agencies/{agency}/edit/"),
        Screen("agreement-new", "/agreements/new/"),
        Screen("agreement-edit", f"/agreements/{agreement}/edit/"),
        Screen("meeting-new", "/meetings/new/"),
        Screen("meeting-edit", f"/meetings/{meeting}/edit/"),
        Screen("directive-new", f"/meetings/{meeting}/directive/"),
    ]
    return {
        "leduan": [
            *common,
            Screen("my-work", "/my-work/"),
            Screen("report-edit", f"/reports/{draft.pk}/edit/"),
            # After a refused submission: each gap marked on its field.
            Screen("report-gaps", f"/reports/{draft.pk}/edit/?incomplete=1"),
            Screen("report-draft", f"/reports/{draft.pk}/"),
            Screen("workbook-upload", upload),
            # The preview of a file downloaded before the last save: changes, one conflict.
            Screen(
                "workbook-preview",
                upload,
                prepare=upload_workbooks(current.pk, [(le_duan, True, False)]),
            ),
        ],
        "dieuphoi": [
            *common,
            *reader,
            *editor,
            Screen("workbook-upload", upload),
            # Two agencies' files at once: one to confirm (with a conflict), one refused.
            Screen(
                "workbook-preview",
                upload,
                prepare=upload_workbooks(
                    current.pk, [(le_duan, True, False), (other_agency, False, True)]
                ),
            ),
        ],
        "lanhdao": [*common, *reader],
        "quantri": [
            *common,
            *reader,
            *editor,
            Screen("people", "/people/"),
            Screen("people-new", "/people/new/"),
            Screen("people-edit", f"/people/{reporter_user}/edit/"),
        ],
    }


ROLES = {
    "leduan": "bao-cao",
    "dieuphoi": "dieu-phoi",
    "lanhdao": "lanh-dao",
    "quantri": "quan-tri",
}


def nav_paths(page: Page) -> set[str]:
    """The paths the header's menu offers this person (the walk must cover each of them)."""
    hrefs = page.locator("header.top nav a").evaluate_all("links => links.map(a => a.pathname)")
    return {href for href in hrefs if not href.startswith("/admin/")}


def overflow(page: Page) -> int:
    """How many CSS pixels the page is wider than the window (0: no sideways scrolling)."""
    return page.evaluate("document.documentElement.scrollWidth - window.innerWidth")


def unclear_choices(page: Page) -> list[str]:
    """Choices a person would take for a value: Django's "---------", a yes/no filter's
    "Chưa xác định" (they read "— Tất cả —" in filters and "— Chọn —" in forms)."""
    return page.evaluate(
        """() => [...document.querySelectorAll("select option")]
            .map(o => o.textContent.trim())
            .filter(t => t === "---------" || t === "Chưa xác định")"""
    )


def axe_problems(page: Page) -> list[str]:
    """Serious and critical WCAG 2.1 AA violations axe-core finds on the page, one line each.

    axe-core first runs without building a CSS selector for every element it checks (a third of
    its time); only when it finds a violation does it run again to say where."""
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        # Evaluated by the DevTools protocol, not as a <script>: the page's CSP stays as it is.
        page.evaluate(AXE.read_text(encoding="utf-8"))
    run = """async ([tags, where]) => {
        const result = await axe.run(document, {
            runOnly: {type: "tag", values: tags}, resultTypes: ["violations"],
            selectors: where, ancestry: false, xpath: false, elementRef: false,
        });
        return result.violations.map(v => ({
            id: v.id, impact: v.impact, help: v.help,
            targets: where ? v.nodes.slice(0, 5).map(n => n.target.join(" ")) : [],
        }));
    }"""
    found = [v for v in page.evaluate(run, [AXE_TAGS, False]) if v["impact"] in AXE_IMPACTS]
    if not found:
        return []
    return [
        f"{v['id']} ({v['impact']}): {v['help']} — {', '.join(v['targets'])}"
        for v in page.evaluate(run, [AXE_TAGS, True])
        if v["impact"] in AXE_IMPACTS
    ]


def screenshot_index(root: Path, shots: list[tuple[str, str, str, Path]]) -> Path:
    """var/screenshots/index.html: every screen, phone beside desktop, role after role."""
    from html import escape

    rows: dict[tuple[str, str], dict[str, Path]] = {}
    for user, size, name, path in shots:
        rows.setdefault((user, name), {})[size] = path
    parts = [
        "<!DOCTYPE html><html lang='vi'><meta charset='utf-8'><title>coopplan · màn hình</title>",
        "<style>body{font:14px sans-serif;margin:1rem}figure{display:inline-block;"
        "vertical-align:top;margin:0 1rem 1rem 0}img{border:1px solid #ccc;max-height:420px}"
        "</style><h1>coopplan: mọi màn hình, điện thoại (390 px) và máy tính</h1>",
    ]
    current = None
    for (user, name), sizes in rows.items():
        if user != current:
            parts.append(f"<h2>{escape(ROLES.get(user, user))} ({escape(user)})</h2>")
            current = user
        parts.append(f"<h3>{escape(name)}</h3>")
        for size in SIZES:
            if size in sizes:
                relative = sizes[size].relative_to(root).as_posix()
                parts.append(
                    f"<figure><a href='{escape(relative)}'><img src='{escape(relative)}' "
                    f"alt='{escape(name)} {size}' loading='lazy'></a>"
                    f"<figcaption>{size}</figcaption></figure>"
                )
    index = root / "index.html"
    index.write_text("\n".join(parts), encoding="utf-8")
    return index
