"""The starter catalogue's home room: the home page's service tiles, the standard pages an office
site needs (about, executives, contact, privacy policy, accessibility) and the editorial workflow.

Standard pages hold placeholders the office fills in, each marked "[แก้ไข: …]" / "[Edit: …]" so
an editor finds them by searching the admin for "แก้ไข:" or "Edit:". Nothing here names an office:
the office's name, address and phone come from its settings and home pages at render time.

Idempotent: pages by slug under the home page, the workflow by the home page it is attached to,
tiles only while the home page has none. What exists is left as the office made it.
"""

from wagtail.models import GroupApprovalTask, Page, Workflow, WorkflowPage, WorkflowTask

from home.models import StandardPage
from portal.models import StaffGroup, StaffRole
from portal.starter import add_live_page, home_pages

# (icon, guide slug, short Thai label, short English label): a tile reads best in two to four
# words, where the guides' own titles are full official names.
TILE_SLUGS = [
    ("megaphone", "complaint", "แจ้งเรื่องร้องเรียน", "Report a problem"),
    ("bulb", "streetlight-repair", "แจ้งซ่อมไฟฟ้าสาธารณะ", "Streetlight repair"),
    ("building", "building-permit", "ขออนุญาตก่อสร้าง", "Building permit"),
    ("shop", "food-shop-notification", "แจ้งสถานที่จำหน่ายอาหาร", "Food shop notice"),
    ("elderly", "elderly-allowance", "เบี้ยยังชีพผู้สูงอายุ", "Elderly allowance"),
    ("trash", "garbage-fee", "ค่าธรรมเนียมขยะ", "Garbage fee"),
]


def edit(th, en):
    """A placeholder the office replaces, marked so it cannot be mistaken for real content."""
    return f"[แก้ไข: {th}]", f"[Edit: {en}]"


ABOUT = edit("ประวัติ พื้นที่ จำนวนประชากร และจำนวนชุมชน/หมู่บ้าน", "history, area, population and communities")
VISION = edit("วิสัยทัศน์ของสำนักงาน", "the office's vision")
CONTACT_PHONE = edit("เบอร์โทรศัพท์", "phone number")
FULL_NAME = edit("ชื่อ-นามสกุล", "full name")
DPO = edit(
    "ชื่อและช่องทางติดต่อเจ้าหน้าที่คุ้มครองข้อมูลส่วนบุคคล (DPO)",
    "name and contacts of the data protection officer (DPO)",
)

# (slug, in menu, in footer, Thai fields, English fields)
STANDARD = [
    (
        "about",
        True,
        False,
        {
            "title": "เกี่ยวกับเรา",
            "intro": ABOUT[0],
            "body": [
                ("heading", "ประวัติ"),
                ("paragraph", f"<p>{ABOUT[0]}</p>"),
                ("heading", "วิสัยทัศน์"),
                ("paragraph", f"<p>{VISION[0]}</p>"),
            ],
        },
        {
            "title": "About us",
            "intro": ABOUT[1],
            "body": [
                ("heading", "History"),
                ("paragraph", f"<p>{ABOUT[1]}</p>"),
                ("heading", "Vision"),
                ("paragraph", f"<p>{VISION[1]}</p>"),
            ],
        },
    ),
    (
        "executives",
        True,
        False,
        {
            "title": "คณะผู้บริหาร",
            "intro": "ผู้บริหารท้องถิ่นและปลัด",
            "body": [
                ("person", {"name": FULL_NAME[0], "position": "ผู้บริหารท้องถิ่น", "phone": ""}),
                ("person", {"name": FULL_NAME[0], "position": "ปลัด", "phone": ""}),
            ],
        },
        {
            "title": "Executives",
            "intro": "The local executive and the chief administrator.",
            "body": [
                ("person", {"name": FULL_NAME[1], "position": "Local executive", "phone": ""}),
                ("person", {"name": FULL_NAME[1], "position": "Chief administrator", "phone": ""}),
            ],
        },
    ),
    (
        "contact",
        True,
        True,
        {
            "title": "ติดต่อเรา",
            "intro": "เปิดทำการวันจันทร์–ศุกร์ 08:30–16:30 น. (เว้นวันหยุดราชการ)",
            "body": [
                ("contact", {"unit": "สำนักปลัด", "phone": CONTACT_PHONE[0], "email": "", "note": ""}),
                ("contact", {"unit": "กองคลัง", "phone": CONTACT_PHONE[0], "email": "", "note": ""}),
                ("contact", {"unit": "กองช่าง", "phone": CONTACT_PHONE[0], "email": "", "note": ""}),
            ],
        },
        {
            "title": "Contact us",
            "intro": "Open Monday to Friday, 08:30–16:30 (closed on public holidays).",
            "body": [
                (
                    "contact",
                    {"unit": "Office of the Chief Administrator", "phone": CONTACT_PHONE[1], "email": "", "note": ""},
                ),
                ("contact", {"unit": "Finance Division", "phone": CONTACT_PHONE[1], "email": "", "note": ""}),
                ("contact", {"unit": "Public Works Division", "phone": CONTACT_PHONE[1], "email": "", "note": ""}),
            ],
        },
    ),
    (
        "privacy",
        False,
        True,
        {
            "title": "นโยบายคุ้มครองข้อมูลส่วนบุคคล",
            "intro": "สำนักงานเก็บและใช้ข้อมูลส่วนบุคคลเท่าที่จำเป็นตามพระราชบัญญัติคุ้มครองข้อมูลส่วนบุคคล พ.ศ. 2562",
            "body": [
                ("heading", "ข้อมูลที่เก็บและวัตถุประสงค์"),
                (
                    "paragraph",
                    "<p>ชื่อ เลขประจำตัวประชาชน ที่อยู่ เบอร์โทรศัพท์ และเอกสารที่ท่านให้ไว้ในคำร้อง "
                    "ใช้เพื่อดำเนินการตามคำร้องและติดต่อกลับเท่านั้น ไม่เปิดเผยต่อผู้อื่นเว้นแต่กฎหมายกำหนด</p>",
                ),
                ("heading", "ระยะเวลาการเก็บรักษา"),
                ("paragraph", "<p>เก็บไว้ไม่เกิน 5 ปีหลังปิดเรื่อง เว้นแต่กฎหมายกำหนดให้เก็บนานกว่านั้น</p>"),
                ("heading", "สิทธิของเจ้าของข้อมูล"),
                (
                    "paragraph",
                    f"<p>ท่านขอเข้าถึง แก้ไข ลบ หรือคัดค้านการใช้ข้อมูลได้ที่สำนักปลัด หรือเจ้าหน้าที่คุ้มครองข้อมูลส่วนบุคคล: {DPO[0]}</p>",
                ),
            ],
        },
        {
            "title": "Privacy policy",
            "intro": "The office collects and uses personal data only as needed, under the Personal Data Protection "
            "Act B.E. 2562 (2019).",
            "body": [
                ("heading", "What we keep and why"),
                (
                    "paragraph",
                    "<p>The name, ID number, address, phone number and documents you give in a request are used only "
                    "to handle it and reply to you, and are not disclosed unless the law requires it.</p>",
                ),
                ("heading", "How long"),
                ("paragraph", "<p>At most 5 years after the request is closed, unless a law requires longer.</p>"),
                ("heading", "Your rights"),
                (
                    "paragraph",
                    "<p>Ask the Office of the Chief Administrator or the data protection officer to see, correct, "
                    f"delete or stop the use of your data: {DPO[1]}</p>",
                ),
            ],
        },
    ),
    (
        "accessibility",
        False,
        True,
        {
            "title": "การเข้าถึงเว็บไซต์",
            "intro": "เว็บไซต์นี้ออกแบบให้ผู้สูงอายุและผู้พิการใช้งานได้ ตัวอักษรใหญ่ ใช้ได้โดยไม่ต้องใช้เมาส์",
            "body": [("paragraph", f"<p>หากพบปัญหาในการใช้งาน แจ้งได้ที่ {CONTACT_PHONE[0]}</p>")],
        },
        {
            "title": "Accessibility",
            "intro": "This site is built for older and disabled visitors: large text, usable without a mouse.",
            "body": [("paragraph", f"<p>If something does not work for you, call {CONTACT_PHONE[1]}</p>")],
        },
    ),
]


def service_tiles(site, locale):
    """Home page tiles in one language, pointing at this site's guides (left out if missing)."""
    pages = {
        page.slug: page
        for page in Page.objects.descendant_of(site.root_page)
        .live()
        .filter(slug__in=[tile[1] for tile in TILE_SLUGS])
        .select_related("locale")
    }
    tiles = []
    for icon, slug, thai, english in TILE_SLUGS:
        page = pages.get(slug)
        if page is None:
            continue
        page = page.get_translation_or_none(locale) or page
        tiles.append(("tile", {"page": page, "title": thai if locale.language_code == "th" else english, "icon": icon}))
    return tiles


def ensure_tiles(site):
    for page in home_pages(site):
        if not page.service_tiles:
            page.service_tiles = service_tiles(site, page.locale)
            page.save_revision().publish()


def ensure_standard_pages(site):
    home, home_en = home_pages(site)
    existing = {page.slug: page for page in StandardPage.objects.child_of(home)}
    english_keys = set(StandardPage.objects.child_of(home_en).values_list("translation_key", flat=True))
    for slug, in_menu, in_footer, thai, english in STANDARD:
        common = {"slug": slug, "show_in_menus": in_menu, "show_in_footer": in_footer}
        page = existing.get(slug) or add_live_page(home, StandardPage(**thai, **common))
        if page.translation_key not in english_keys:
            add_live_page(
                home_en, StandardPage(**english, **common, locale=home_en.locale, translation_key=page.translation_key)
            )


def moderator_groups(site):
    return [row.group for row in StaffGroup.objects.filter(site=site, role=StaffRole.MODERATOR).select_related("group")]


def ensure_moderation_workflow(site, out):
    """Editors draft, the office's moderators approve: one Wagtail workflow with a group approval
    task, on both home pages (so on every page below them). The default site keeps the names the
    demo always had; another office's workflow and task carry its host name. A rerun gives the
    task the office's moderator groups made since (create_office may make them after this)."""
    home, home_en = home_pages(site)
    suffix = "" if site.is_default_site else f" ({site.hostname})"
    attached = WorkflowPage.objects.filter(page=home).select_related("workflow").first()
    if attached is None:
        task = GroupApprovalTask.objects.create(name=f"Moderator approval{suffix}")
        workflow = Workflow.objects.create(name=f"Editorial review{suffix}", active=True)
        WorkflowTask.objects.create(workflow=workflow, task=task, sort_order=0)
    else:
        workflow = attached.workflow
        task = workflow.tasks.filter(groupapprovaltask__isnull=False).first()
        task = task.specific if task is not None else None
    for page in (home, home_en):
        WorkflowPage.objects.get_or_create(page=page, defaults={"workflow": workflow})
    groups = moderator_groups(site)
    if task is not None and groups and not task.groups.exists():
        task.groups.set(groups)
    out.write(
        f"  workflow: {workflow.name} on the whole site; approved by "
        f"{', '.join(g.name for g in groups) or 'no moderators group yet (run again once it exists)'}\n"
    )


def load(site, out):
    ensure_standard_pages(site)
    ensure_tiles(site)
    ensure_moderation_workflow(site, out)
    out.write(f"  home: service tiles, standard pages ({', '.join(s[0] for s in STANDARD)})\n")
