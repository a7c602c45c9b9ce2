"""Demo content of the home room, on top of the starter catalogue (home/starter.py): the demo
municipality's details and home page words, news and announcements, and its own words on the
standard pages (about, executives, contacts, policies)."""

import datetime

from django.utils import timezone
from wagtail.models import Locale

from home import search
from home.models import NewsCategory, NewsIndexPage, NewsPage, OfficeSettings, StandardPage
from portal.models import Office
from portal.starter import home_pages

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

PROVINCE = "เชียงใหม่"

HOME = {
    "th": {
        "title": "เทศบาลตำบลบ้านสวนริมน้ำ",
        "intro": "ติดต่อราชการได้ทุกที่ ทุกเวลา ยื่นคำร้อง ติดตามเรื่อง และดาวน์โหลดแบบฟอร์มได้จากโทรศัพท์ของท่าน",
    },
    "en": {
        "title": "Ban Suan Rim Nam Subdistrict Municipality",
        "intro": "Reach the municipality from anywhere: apply, track your request and download forms from your phone.",
    },
}


def prepare(site, out):
    """Before the starter: the office's details and its home pages' titles, so the starter's
    guides and forms name the demo municipality."""
    office = OfficeSettings.for_site(site)
    for field, value in OFFICE.items():
        setattr(office, field, value)
    office.save()

    site.site_name = OFFICE["name"]
    site.save()
    Office.objects.update_or_create(site=site, defaults={"province": PROVINCE})

    for page in home_pages(site):
        content = HOME[page.locale.language_code]
        if (page.title, page.intro) != (content["title"], content["intro"]):
            page.title = page.draft_title = content["title"]
            page.intro = content["intro"]
            page.save_revision().publish()
    out.write("  home: office details, home pages in th and en\n")


def load(site, out):
    """After the starter (which made the tiles, standard pages and the editorial workflow): news,
    and the demo municipality's own words on the standard pages."""
    load_news(site, out)
    load_standard_pages(site, out)
    out.write(f"  search: {search.rebuild()} items indexed")


def translation_of(page, english):
    existing = page.get_translation_or_none(english)
    if existing is not None:
        return existing.specific
    return page.copy_for_translation(english).specific


def publish_pair(parent, model, slug, th, en, **common):
    """A Thai page under `parent` and its English translation, created or updated, both published."""
    english = Locale.objects.get(language_code="en")
    page = model.objects.child_of(parent).filter(slug=slug).first()
    if page is None:
        page = parent.add_child(instance=model(slug=slug, **th, **common))
    for language, fields in (("th", th), ("en", en)):
        if language == "en":
            page = translation_of(page, english)
        for field, value in {**fields, **common}.items():
            setattr(page, field, value)
        page.draft_title = page.title
        page.save_revision().publish()
        if language == "th":
            thai_page = page
    return thai_page


# (slug, category, days ago, urgent for hours, tags, Thai title, English title, Thai summary, English summary)
NEWS = [
    (
        "water-outage-moo-3-5",
        NewsCategory.ANNOUNCEMENT,
        0,
        72,
        ["น้ำประปา"],
        "งดจ่ายน้ำประปาหมู่ 3 และหมู่ 5 วันเสาร์นี้ 09:00–15:00 น. เพื่อซ่อมท่อเมน",
        "No tap water in Moo 3 and Moo 5 this Saturday, 09:00–15:00, while the main pipe is repaired",
        "การประปาเทศบาลจะงดจ่ายน้ำชั่วคราวเพื่อซ่อมท่อเมนที่ชำรุด ขอให้ประชาชนสำรองน้ำไว้ใช้ล่วงหน้า หากขาดแคลนน้ำขอรับน้ำอุปโภคบริโภคได้ที่สำนักปลัด",
        "The municipal waterworks will stop the supply while a broken main is repaired. Please store water in advance; if you run short, request water from the Clerk's Office.",
    ),
    (
        "land-tax-deadline",
        NewsCategory.ANNOUNCEMENT,
        3,
        0,
        ["ภาษี"],
        "ประชาสัมพันธ์การชำระภาษีที่ดินและสิ่งปลูกสร้าง ประจำปี 2569 ภายในเดือนเมษายน",
        "Pay the 2026 land and building tax by the end of April",
        "กองคลังขอเชิญชวนเจ้าของที่ดินและสิ่งปลูกสร้างชำระภาษีภายในกำหนด ชำระได้ที่สำนักงานเทศบาลหรือสแกนคิวอาร์โค้ดพร้อมเพย์ ผ่อนชำระได้ 3 งวด",
        "The Finance Division invites owners of land and buildings to pay on time, at the office or by PromptPay QR code, in up to three instalments.",
    ),
    (
        "procurement-road-moo-2",
        NewsCategory.PROCUREMENT,
        5,
        0,
        ["ถนน", "จัดซื้อจัดจ้าง"],
        "ประกาศประกวดราคาจ้างก่อสร้างถนนคอนกรีตเสริมเหล็ก หมู่ 2 ด้วยวิธีประกวดราคาอิเล็กทรอนิกส์ (e-bidding)",
        "Invitation to bid: reinforced concrete road in Moo 2 (e-bidding)",
        "เทศบาลตำบลบ้านสวนริมน้ำมีความประสงค์จะประกวดราคาจ้างก่อสร้างถนนคอนกรีตเสริมเหล็ก ขนาดกว้าง 5 เมตร ยาว 420 เมตร ราคากลาง 1,950,000 บาท",
        "The municipality invites bids to build a reinforced concrete road 5 m wide and 420 m long; reference price 1,950,000 baht.",
    ),
    (
        "procurement-garbage-truck",
        NewsCategory.PROCUREMENT,
        9,
        0,
        ["ขยะ", "จัดซื้อจัดจ้าง"],
        "ประกาศผู้ชนะการเสนอราคาซื้อรถบรรทุกขยะมูลฝอยแบบอัดท้าย ขนาด 6 ตัน",
        "Award notice: purchase of a 6-tonne rear-loading garbage truck",
        "ผู้ชนะการเสนอราคาได้แก่ บริษัท เชียงใหม่ยานยนต์ จำกัด เสนอราคา 2,380,000 บาท รวมภาษีมูลค่าเพิ่ม",
        "The winning bid is Chiang Mai Yanyon Co., Ltd., at 2,380,000 baht including VAT.",
    ),
    (
        "elderly-registration",
        NewsCategory.NEWS,
        12,
        0,
        ["ผู้สูงอายุ", "สวัสดิการ"],
        "เปิดลงทะเบียนรับเบี้ยยังชีพผู้สูงอายุ สำหรับผู้ที่จะมีอายุครบ 60 ปี ในปีงบประมาณ 2570",
        "Old-age allowance registration open for people turning 60 in fiscal year 2027",
        "ผู้ที่เกิดระหว่างวันที่ 2 ตุลาคม 2509 ถึง 1 ตุลาคม 2510 ลงทะเบียนได้ที่กองสวัสดิการสังคม หรือให้อาสาสมัคร B-Buddy ช่วยลงทะเบียนที่บ้าน",
        "People born between 2 October 1966 and 1 October 1967 can register at the Social Welfare Division or with a B-Buddy volunteer at home.",
    ),
    (
        "b-buddy-volunteers",
        NewsCategory.NEWS,
        15,
        0,
        ["อาสาสมัคร"],
        "อบรมอาสาสมัคร B-Buddy รุ่นที่ 3 ช่วยผู้สูงอายุยื่นคำร้องออนไลน์",
        "Third B-Buddy volunteer class trained to help older residents file online",
        "อาสาสมัครสาธารณสุขและเยาวชน 20 คน ผ่านการอบรมการยื่นคำร้องแทนประชาชนผ่านโทรศัพท์มือถือ พร้อมให้บริการทั้ง 8 ชุมชน",
        "Twenty health volunteers and young people learned to file requests for residents from their phones and now serve all eight communities.",
    ),
    (
        "dengue-campaign",
        NewsCategory.EVENT,
        18,
        0,
        ["สาธารณสุข"],
        "รณรงค์กำจัดลูกน้ำยุงลายป้องกันไข้เลือดออก ทุกวันศุกร์",
        "Friday clean-up campaign against dengue mosquitoes",
        "กองสาธารณสุขและสิ่งแวดล้อมชวนทุกบ้านคว่ำภาชนะ เปลี่ยนน้ำในแจกัน และปิดฝาโอ่งน้ำ ทุกวันศุกร์",
        "The Health Division asks every household to empty containers, change vase water and cover water jars every Friday.",
    ),
    (
        "garbage-sorting",
        NewsCategory.NEWS,
        21,
        0,
        ["ขยะ", "สิ่งแวดล้อม"],
        "เทศบาลเปลี่ยนวันเก็บขยะรีไซเคิลเป็นทุกวันพุธ เริ่มเดือนหน้า",
        "Recycling collection moves to Wednesdays from next month",
        "ขอความร่วมมือคัดแยกขยะรีไซเคิลใส่ถุงใส และวางหน้าบ้านก่อนเวลา 07:00 น. ชำระค่าธรรมเนียมเก็บขยะผ่านคิวอาร์โค้ดได้แล้ว",
        "Please sort recyclables into clear bags and put them out before 07:00. The garbage fee can now be paid by QR code.",
    ),
    (
        "songkran-festival",
        NewsCategory.EVENT,
        25,
        0,
        ["ประเพณี"],
        "ขอเชิญร่วมงานประเพณีสงกรานต์ รดน้ำดำหัวผู้สูงอายุ ณ ลานวัดบ้านสวน",
        "Songkran festival and blessing of the elders at Wat Ban Suan",
        "ขอเชิญประชาชนร่วมสืบสานประเพณีสงกรานต์ รดน้ำดำหัวผู้สูงอายุ และขบวนแห่ของทั้ง 8 ชุมชน",
        "Everyone is invited to the Songkran festival, the blessing of the elders and the parade of the eight communities.",
    ),
    (
        "online-services-launch",
        NewsCategory.NEWS,
        30,
        0,
        ["บริการออนไลน์"],
        "เปิดให้บริการยื่นคำร้องออนไลน์ ติดตามเรื่องได้ตลอด 24 ชั่วโมง",
        "Online requests open: follow your request around the clock",
        "ประชาชนยื่นเรื่องร้องเรียน แจ้งซ่อมไฟฟ้าสาธารณะ และขออนุญาตต่าง ๆ ผ่านเว็บไซต์ได้ทันทีโดยไม่ต้องติดตั้งแอป พร้อมติดตามสถานะด้วยเลขที่เรื่อง",
        "Residents can file complaints, report broken streetlights and apply for permits on the website without installing an app, and follow each request by its reference.",
    ),
    (
        "procurement-plan-2570",
        NewsCategory.PROCUREMENT,
        35,
        0,
        ["จัดซื้อจัดจ้าง"],
        "ประกาศเผยแพร่แผนการจัดซื้อจัดจ้าง ประจำปีงบประมาณ พ.ศ. 2570",
        "Procurement plan for fiscal year 2027",
        "เทศบาลเผยแพร่แผนการจัดซื้อจัดจ้างประจำปีตามพระราชบัญญัติการจัดซื้อจัดจ้างและการบริหารพัสดุภาครัฐ พ.ศ. 2560",
        "The municipality publishes its annual procurement plan under the Public Procurement and Supplies Administration Act B.E. 2560 (2017).",
    ),
    (
        "flood-warning-old",
        NewsCategory.ANNOUNCEMENT,
        40,
        -24,
        ["น้ำท่วม"],
        "เตือนภัยน้ำป่าไหลหลาก ชุมชนริมน้ำเฝ้าระวังระดับน้ำ",
        "Flash flood warning for riverside communities",
        "สถานการณ์คลี่คลายแล้ว ขอบคุณประชาชนที่ให้ความร่วมมือ",
        "The situation is over; thank you for your cooperation.",
    ),
]


def load_news(site, out):
    home = site.root_page.specific
    index = publish_pair(
        home,
        NewsIndexPage,
        "news",
        {"title": "ข่าวประชาสัมพันธ์", "intro": "ข่าว ประกาศ และประกาศจัดซื้อจัดจ้างของเทศบาล"},
        {
            "title": "News and announcements",
            "intro": "News, announcements and procurement notices of the municipality.",
        },
        show_in_menus=True,
    )
    today = timezone.localdate()
    now = timezone.now()
    for slug, category, days_ago, urgent_hours, tags, title, title_en, intro, intro_en in NEWS:
        urgent = urgent_hours != 0
        common = {
            "date": today - datetime.timedelta(days=days_ago),
            "category": category,
            "urgent": urgent,
            # Negative hours: an urgent item whose banner has already expired (the news stays).
            "urgent_until": now + datetime.timedelta(hours=urgent_hours) if urgent else None,
        }
        th_body = [
            ("paragraph", f"<p>{intro}</p>"),
            ("paragraph", "<p>สอบถามเพิ่มเติม โทร 0 5312 3456 ในวันและเวลาราชการ</p>"),
        ]
        en_body = [
            ("paragraph", f"<p>{intro_en}</p>"),
            ("paragraph", "<p>For more information call 0 5312 3456 during office hours.</p>"),
        ]
        page = publish_pair(
            index,
            NewsPage,
            slug,
            {"title": title, "intro": intro[:300], "body": th_body},
            {"title": title_en, "intro": intro_en[:300], "body": en_body},
            **common,
        )
        for translation in page.get_translations(inclusive=True).specific():
            translation.tags.set(tags)
            translation.save_revision().publish()
    out.write(f"  news: {len(NEWS)} items in th and en")


STANDARD = [
    (
        "about",
        True,
        False,
        {
            "title": "เกี่ยวกับเทศบาล",
            "intro": "เทศบาลตำบลบ้านสวนริมน้ำ ดูแลประชาชนประมาณ 11,000 คน ใน 8 ชุมชน",
            "body": [
                ("heading", "ประวัติ"),
                ("paragraph", "<p>ยกฐานะจากสุขาภิบาลเป็นเทศบาลตำบลเมื่อปี พ.ศ. 2542 มีพื้นที่ 12.5 ตารางกิโลเมตร</p>"),
                ("heading", "วิสัยทัศน์"),
                ("paragraph", "<p>บ้านสวนน่าอยู่ บริการดี มีส่วนร่วม ก้าวสู่ท้องถิ่นดิจิทัล</p>"),
            ],
        },
        {
            "title": "About the municipality",
            "intro": "Ban Suan Rim Nam Subdistrict Municipality serves about 11,000 residents in 8 communities.",
            "body": [
                ("heading", "History"),
                (
                    "paragraph",
                    "<p>Upgraded from a sanitary district to a subdistrict municipality in 1999; 12.5 km².</p>",
                ),
                ("heading", "Vision"),
                (
                    "paragraph",
                    "<p>A liveable Ban Suan with good service and participation, becoming a digital local government.</p>",
                ),
            ],
        },
    ),
    (
        "executives",
        True,
        False,
        {
            "title": "คณะผู้บริหาร",
            "intro": "ผู้บริหารเทศบาลตำบลบ้านสวนริมน้ำ",
            "body": [
                ("person", {"name": "นายสมศักดิ์ ใจดี", "position": "นายกเทศมนตรี", "phone": "0 5312 3456 ต่อ 100"}),
                ("person", {"name": "นางพรทิพย์ สายน้ำ", "position": "รองนายกเทศมนตรี", "phone": ""}),
                ("person", {"name": "นายวีระ ทองคำ", "position": "ปลัดเทศบาล", "phone": "0 5312 3456 ต่อ 101"}),
            ],
        },
        {
            "title": "Executives",
            "intro": "The executives of Ban Suan Rim Nam Subdistrict Municipality.",
            "body": [
                ("person", {"name": "Mr Somsak Jaidee", "position": "Mayor", "phone": "0 5312 3456 ext. 100"}),
                ("person", {"name": "Mrs Pornthip Sainam", "position": "Deputy Mayor", "phone": ""}),
                (
                    "person",
                    {"name": "Mr Weera Thongkham", "position": "Municipal Clerk", "phone": "0 5312 3456 ext. 101"},
                ),
            ],
        },
    ),
    (
        "contact",
        True,
        True,
        {
            "title": "ติดต่อเรา",
            "intro": "สำนักงานเทศบาลเปิดวันจันทร์–ศุกร์ 08:30–16:30 น.",
            "body": [
                (
                    "contact",
                    {
                        "unit": "สำนักปลัดเทศบาล",
                        "phone": "0 5312 3456 ต่อ 101",
                        "email": "clerk@bansuan.go.th",
                        "note": "ชั้น 1",
                    },
                ),
                (
                    "contact",
                    {"unit": "กองช่าง", "phone": "0 5312 3456 ต่อ 201", "email": "works@bansuan.go.th", "note": "ชั้น 1"},
                ),
                (
                    "contact",
                    {"unit": "กองคลัง", "phone": "0 5312 3456 ต่อ 401", "email": "finance@bansuan.go.th", "note": "ชั้น 2"},
                ),
            ],
        },
        {
            "title": "Contact us",
            "intro": "The municipal office is open Monday to Friday, 08:30–16:30.",
            "body": [
                (
                    "contact",
                    {
                        "unit": "Office of the Municipal Clerk",
                        "phone": "0 5312 3456 ext. 101",
                        "email": "clerk@bansuan.go.th",
                        "note": "Ground floor",
                    },
                ),
                (
                    "contact",
                    {
                        "unit": "Public Works Division",
                        "phone": "0 5312 3456 ext. 201",
                        "email": "works@bansuan.go.th",
                        "note": "Ground floor",
                    },
                ),
                (
                    "contact",
                    {
                        "unit": "Finance Division",
                        "phone": "0 5312 3456 ext. 401",
                        "email": "finance@bansuan.go.th",
                        "note": "First floor",
                    },
                ),
            ],
        },
    ),
    (
        "privacy",
        False,
        True,
        {
            "title": "นโยบายคุ้มครองข้อมูลส่วนบุคคล",
            "intro": "เทศบาลเก็บและใช้ข้อมูลส่วนบุคคลเท่าที่จำเป็นตามพระราชบัญญัติคุ้มครองข้อมูลส่วนบุคคล พ.ศ. 2562",
            "body": [
                (
                    "paragraph",
                    "<p>ข้อมูลที่ท่านให้ไว้ในคำร้องใช้เพื่อดำเนินการตามคำร้องและติดต่อกลับเท่านั้น ท่านขอเข้าถึง แก้ไข หรือลบข้อมูลได้ที่สำนักปลัดเทศบาล</p>",
                )
            ],
        },
        {
            "title": "Privacy policy",
            "intro": "The municipality collects and uses personal data only as needed, under the Personal Data Protection Act B.E. 2562 (2019).",
            "body": [
                (
                    "paragraph",
                    "<p>What you give in a request is used only to handle it and reply to you. Ask the Clerk's Office to see, correct or delete your data.</p>",
                )
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
            "body": [("paragraph", "<p>หากพบปัญหาในการใช้งาน แจ้งได้ที่ 0 5312 3456</p>")],
        },
        {
            "title": "Accessibility",
            "intro": "This site is built for older and disabled visitors: large text, usable without a mouse.",
            "body": [("paragraph", "<p>If something does not work for you, call 0 5312 3456.</p>")],
        },
    ),
]


def load_standard_pages(site, out):
    home = site.root_page.specific
    for slug, in_menu, in_footer, th, en in STANDARD:
        publish_pair(home, StandardPage, slug, th, en, show_in_menus=in_menu, show_in_footer=in_footer)
    out.write(f"  standard pages: {', '.join(s[0] for s in STANDARD)}")
