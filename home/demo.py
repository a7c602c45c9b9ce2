"""Demo content of the home room: the office's details and both home pages."""

from wagtail.models import Locale, Page

from home.models import OfficeSettings

OFFICE = {
    "name": "เทศบาลตำบลบ้านสวนริมน้ำ",
    "name_en": "Ban Suan Rim Nam Subdistrict Municipality",
    "address": "99 หมู่ 4 ถนนริมน้ำ ตำบลบ้านสวน อำเภอเมือง จังหวัดเชียงใหม่ 50000",
    "address_en": "99 Moo 4, Rim Nam Road, Ban Suan Subdistrict, Mueang District, Chiang Mai 50000",
    "phone": "0 5312 3456",
    "email": "saraban@bansuan.go.th",
    "opening_hours": "จันทร์–ศุกร์ 08:30–16:30 น. (เว้นวันหยุดราชการ)",
    "opening_hours_en": "Monday–Friday 08:30–16:30 (closed on public holidays)",
    "line_id": "@bansuanrimnam",
    "facebook_url": "https://www.facebook.com/bansuanrimnam",
    "youtube_url": "",
}

HOME = {
    "th": {
        "title": "เทศบาลตำบลบ้านสวนริมน้ำ",
        "intro": "ติดต่อราชการได้ทุกที่ ทุกเวลา ยื่นคำร้อง ติดตามเรื่อง และดาวน์โหลดแบบฟอร์มได้จากโทรศัพท์ของท่าน",
        "announcement": "งดจ่ายน้ำประปาหมู่ 3 และหมู่ 5 วันเสาร์นี้ 09:00–15:00 น. เพื่อซ่อมท่อเมน",
    },
    "en": {
        "title": "Ban Suan Rim Nam Subdistrict Municipality",
        "intro": "Reach the municipality from anywhere: apply, track your request and download forms from your phone.",
        "announcement": "No tap water in Moo 3 and Moo 5 this Saturday, 09:00–15:00, while the main pipe is repaired.",
    },
}


def home_pages(site):
    """The Thai site root and its English translation (both made by a migration)."""
    thai = site.root_page.specific
    english = thai.get_translation_or_none(Locale.objects.get(language_code="en"))
    return {"th": thai, "en": english.specific if english else None}


# The most used services, by the slug the services demo gives their guides (Thai pages; the
# English translation of each is found through its locale). Tiles for pages not there are left out.
TILE_SLUGS = [
    ("megaphone", "complaint"),
    ("bulb", "streetlight-repair"),
    ("building", "building-permit"),
    ("shop", "food-shop-notification"),
    ("elderly", "elderly-allowance"),
    ("trash", "garbage-fee"),
]


def service_tiles(locale):
    """Tiles for the home page in one language, pointing at pages other rooms' demos created."""
    pages = {p.slug: p for p in Page.objects.live().filter(slug__in=[slug for _, slug in TILE_SLUGS])}
    tiles = []
    for icon, slug in TILE_SLUGS:
        page = pages.get(slug)
        if page is None:
            continue
        page = page.get_translation_or_none(locale) or page
        tiles.append(("tile", {"page": page, "title": page.title[:60], "icon": icon}))
    return tiles


def load(site, out):
    office = OfficeSettings.for_site(site)
    for field, value in OFFICE.items():
        setattr(office, field, value)
    office.save()

    site.site_name = OFFICE["name"]
    site.save()

    for code, page in home_pages(site).items():
        if page is None:
            continue
        content = HOME[code]
        page.title = page.draft_title = content["title"]
        page.intro = content["intro"]
        page.announcement = content["announcement"]
        page.announcement_expires = None
        page.service_tiles = service_tiles(page.locale)
        page.save_revision().publish()
    out.write("  home: office details, home pages in th and en")
