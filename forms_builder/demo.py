"""Demo forms of the e-forms room, in Thai with English translations.

Idempotent: pages are found by slug (Thai) and by translation (English) and updated in place.
Block ids are derived from the form and the field key, so both languages (and every run) share
them, as wagtail-localize would.
"""

import uuid

from wagtail.models import Locale

from forms_builder.models import FormIndexPage, FormPage

NS = uuid.UUID("6f0c8a52-2569-4f5e-9a7b-5c1d2e3f4a5b")
PDPA_TH = (
    "<p>เทศบาลเก็บชื่อ เบอร์โทรศัพท์ และข้อมูลในแบบฟอร์มนี้เพื่อดำเนินการตามคำขอของท่านเท่านั้น "
    "เก็บไว้ไม่เกิน 5 ปีหลังปิดเรื่อง ท่านขอดู แก้ไข หรือลบข้อมูลได้ที่สำนักปลัด โทร 0 5312 3456</p>"
)
PDPA_EN = (
    "<p>The municipality keeps your name, phone number and the answers in this form only to handle "
    "your request, for at most 5 years after it is closed. You may see, correct or delete them: "
    "contact the Clerk's office, 0 5312 3456.</p>"
)


def T(th, en):
    return {"th": th, "en": en}


def F(kind, key, label, help_text=None, required=True, condition=None, **extra):
    return {
        "type": kind,
        "key": key,
        "label": label,
        "help_text": help_text,
        "required": required,
        "condition": condition,
        **extra,
    }


def S(key, title, fields, intro=None, condition=None, ends_form=False):
    return {
        "key": key,
        "title": title,
        "intro": intro,
        "fields": fields,
        "condition": condition,
        "ends_form": ends_form,
    }


def opts(*pairs):
    return [(value, T(th, en)) for value, th, en in pairs]


NAME = F(
    "short_text",
    "full_name",
    T("ชื่อ-นามสกุล", "Full name"),
    T("เช่น สมศรี ใจดี", "e.g. Somsri Jaidee"),
    is_contact_name=True,
    max_length=200,
)
PHONE = F(
    "phone",
    "phone",
    T("หมายเลขโทรศัพท์", "Phone number"),
    T(
        "มือถือ 10 หลัก เช่น 0812345678 หรือโทรศัพท์บ้าน 9 หลักพร้อมรหัสพื้นที่ เช่น 053123456 "
        "เจ้าหน้าที่จะโทรกลับเบอร์นี้ ข้อความ SMS แจ้งความคืบหน้าส่งได้เฉพาะเบอร์มือถือ",
        "A 10-digit mobile, e.g. 0812345678, or a 9-digit home line with its area code, e.g. 053123456. "
        "An officer calls this number; SMS updates can only go to a mobile.",
    ),
    mobile_only=False,
)
EMAIL = F(
    "email",
    "email",
    T("อีเมล", "Email"),
    T("ถ้ามี เพื่อรับแจ้งความคืบหน้าทางอีเมล", "If you have one: we send you updates by email"),
    required=False,
)
NATIONAL_ID = F(
    "national_id",
    "national_id",
    T("เลขประจำตัวประชาชน", "Thai national ID number"),
    T("13 หลัก ตามบัตรประชาชน", "The 13 digits on the ID card"),
)
BANK = {"field": "payment_method", "operator": "eq", "value": "bank"}
CONSENT = F(
    "consent",
    "consent",
    T("การคุ้มครองข้อมูลส่วนบุคคล", "Personal data protection"),
    notice=T(PDPA_TH, PDPA_EN),
    version="2569-1",
)

FORMS = [
    {
        "slug": "complaint-form",
        "title": T("แจ้งเรื่องร้องเรียน/ร้องทุกข์", "Report a problem or complaint"),
        "intro": T(
            "แจ้งปัญหาในชุมชน เช่น ถนนชำรุด ขยะ น้ำท่วม เสียงดัง แนบรูปถ่ายและปักหมุดตำแหน่งได้",
            "Tell us about a problem in the community: broken roads, garbage, flooding, noise. Add photos and a map pin.",
        ),
        "next": T(
            "<ul><li>เจ้าหน้าที่รับเรื่องภายใน 1 วันทำการ</li><li>ท่านติดตามความคืบหน้าได้ด้วยเลขที่เรื่อง</li></ul>",
            "<ul><li>An officer takes up your report within 1 working day.</li><li>Follow it with your reference.</li></ul>",
        ),
        "steps": [
            S(
                "what",
                T("เรื่องที่แจ้ง", "What is the problem"),
                [
                    F(
                        "single_choice",
                        "category",
                        T("ประเภทเรื่อง", "Kind of problem"),
                        options=opts(
                            ("road", "ถนน ทางเท้าชำรุด", "Damaged road or pavement"),
                            ("garbage", "ขยะ สิ่งปฏิกูล", "Garbage"),
                            ("water", "น้ำท่วม ท่อระบายน้ำ", "Flooding or drains"),
                            ("noise", "เสียงดัง กลิ่น ควัน", "Noise, smell or smoke"),
                            ("other", "อื่น ๆ", "Something else"),
                        ),
                    ),
                    F(
                        "long_text",
                        "details",
                        T("รายละเอียด", "What happened"),
                        T("เล่าสั้น ๆ ว่าเกิดอะไรขึ้น ตั้งแต่เมื่อไร", "Briefly: what is wrong and since when"),
                        max_length=3000,
                    ),
                    F(
                        "file_upload",
                        "photos",
                        T("รูปถ่าย", "Photos"),
                        required=False,
                        allowed_types=["image"],
                        max_size_mb=5,
                        max_files=3,
                    ),
                ],
            ),
            S(
                "where",
                T("สถานที่", "Where"),
                [
                    F(
                        "map_location",
                        "location",
                        T("ตำแหน่งที่เกิดเหตุ", "Where it is"),
                        T(
                            "แตะแผนที่เพื่อปักหมุด หรือพิมพ์ที่อยู่/จุดสังเกต",
                            "Tap the map to put a pin, or type the address or a landmark",
                        ),
                    ),
                ],
            ),
            S(
                "who",
                T("ผู้แจ้ง", "About you"),
                [NAME, PHONE, EMAIL, CONSENT],
                intro=T("เจ้าหน้าที่จะติดต่อกลับเมื่อต้องการข้อมูลเพิ่ม", "An officer contacts you if anything is unclear."),
            ),
        ],
    },
    {
        "slug": "streetlight-repair-form",
        "title": T("แจ้งซ่อมไฟฟ้าสาธารณะ", "Report a broken streetlight"),
        "intro": T(
            "ไฟถนนดับ กะพริบ หรือเปิดค้างกลางวัน แจ้งได้ที่นี่",
            "A streetlight that is off, flickering or on all day: report it here.",
        ),
        "next": T(
            "<p>กองช่างออกตรวจและซ่อมภายใน 3 วันทำการ</p>",
            "<p>The works division inspects and repairs within 3 working days.</p>",
        ),
        "steps": [
            S(
                "light",
                T("ไฟที่ชำรุด", "The light"),
                [
                    F(
                        "single_choice",
                        "problem",
                        T("อาการ", "What is wrong"),
                        options=opts(
                            ("off", "ไฟดับ", "It is off"),
                            ("flicker", "ไฟกะพริบ", "It flickers"),
                            ("day", "เปิดค้างกลางวัน", "It stays on in the day"),
                            ("damaged", "เสาหรือโคมเสียหาย", "The pole or lamp is damaged"),
                        ),
                    ),
                    F(
                        "short_text",
                        "pole_number",
                        T("หมายเลขเสา", "Pole number"),
                        T("ถ้ามี ดูที่ป้ายบนเสา", "If any, on the tag on the pole"),
                        required=False,
                        max_length=30,
                    ),
                    F(
                        "map_location",
                        "location",
                        T("ตำแหน่งเสาไฟ", "Where the light is"),
                        T(
                            "แตะแผนที่ หรือพิมพ์ เช่น หน้าบ้านเลขที่ 12 ซอย 3",
                            "Tap the map, or type e.g. in front of house 12, Soi 3",
                        ),
                    ),
                ],
            ),
            S("who", T("ผู้แจ้ง", "About you"), [NAME, PHONE, EMAIL, CONSENT]),
        ],
    },
    {
        "slug": "building-permit-form",
        "title": T("ขออนุญาตก่อสร้างอาคาร (ไม่เกิน 150 ตร.ม.)", "Building permit (up to 150 m²)"),
        "intro": T(
            "สำหรับบ้านหรืออาคารพื้นที่รวมไม่เกิน 150 ตารางเมตร เตรียมแบบแปลน (PDF หรือรูปถ่าย)",
            "For a house or building of at most 150 m² in all. Have the plans ready (PDF or photos).",
        ),
        "next": T(
            "<ul><li>นายช่างตรวจแบบและสถานที่</li><li>แจ้งผลภายใน 45 วัน</li></ul>",
            "<ul><li>An engineer checks the plans and the site.</li><li>You hear within 45 days.</li></ul>",
        ),
        "steps": [
            S(
                "building",
                T("อาคาร", "The building"),
                [
                    F(
                        "number",
                        "floor_area",
                        T("พื้นที่อาคารรวม", "Total floor area"),
                        T("ตารางเมตร รวมทุกชั้น", "Square metres, all floors"),
                        min_value="1",
                        max_value="100000",
                        unit=T("ตร.ม.", "m²"),
                    ),
                    F(
                        "single_choice",
                        "building_type",
                        T("ประเภทอาคาร", "Type of building"),
                        options=opts(
                            ("house", "บ้านพักอาศัย", "House"),
                            ("shophouse", "ตึกแถว/อาคารพาณิชย์", "Shophouse"),
                            ("other", "อื่น ๆ", "Other"),
                        ),
                    ),
                ],
            ),
            S(
                "office",
                T("ยื่นคำขอที่สำนักงาน", "Apply at the office"),
                [
                    F(
                        "info",
                        "office_route",
                        None,
                        heading=T("อาคารเกิน 150 ตารางเมตร", "Buildings over 150 m²"),
                        body=T(
                            "<p>อาคารที่ใหญ่กว่า 150 ตร.ม. ต้องมีวิศวกรรับรองแบบ กรุณายื่นคำขอ (แบบ ข.1) ที่กองช่าง "
                            "จันทร์–ศุกร์ 08:30–16:30 น. พร้อมแบบแปลนที่มีวิศวกรลงนาม</p>"
                            '<ul><li><a href="/th/downloads/">ดาวน์โหลดแบบ ข.1 (คำขออนุญาตก่อสร้างอาคาร)</a></li>'
                            '<li><a href="/th/services/building-permit/">อ่านคู่มือการขออนุญาตก่อสร้าง: '
                            "เอกสาร ค่าธรรมเนียม และขั้นตอน</a></li></ul>",
                            "<p>Buildings over 150 m² need plans signed by an engineer. Please apply (form Kor.1) at the "
                            "works division, Monday–Friday 08:30–16:30, with the signed plans.</p>"
                            '<ul><li><a href="/en/downloads/">Download form Kor.1 (building permit application)</a></li>'
                            '<li><a href="/en/services/building-permit/">Read the building permit guide: documents, '
                            "fees and steps</a></li></ul>",
                        ),
                    ),
                ],
                condition={"field": "floor_area", "operator": "gt", "value": "150"},
                ends_form=True,
            ),
            S(
                "site",
                T("ที่ตั้งและแบบแปลน", "Site and plans"),
                [
                    F("address", "site_address", T("ที่ตั้งอาคาร", "Address of the site")),
                    F("map_location", "site_location", T("ตำแหน่งบนแผนที่", "Site on the map"), required=False),
                    F(
                        "file_upload",
                        "plans",
                        T("แบบแปลน", "Plans"),
                        T("แผนผังและรูปด้าน", "Site plan and elevations"),
                        allowed_types=["pdf", "image"],
                        max_size_mb=10,
                        max_files=5,
                    ),
                ],
                condition={"field": "floor_area", "operator": "lte", "value": "150"},
            ),
            S("applicant", T("ผู้ขออนุญาต", "Applicant"), [NAME, NATIONAL_ID, PHONE, EMAIL, CONSENT]),
        ],
    },
    {
        "slug": "food-shop-notification-form",
        "title": T("ขอหนังสือรับรองการแจ้งสถานที่จำหน่ายอาหาร", "Food shop notification certificate"),
        "intro": T(
            "สำหรับร้านอาหารหรือสถานที่สะสมอาหารพื้นที่ไม่เกิน 200 ตร.ม.", "For food shops or food stores of up to 200 m²."
        ),
        "next": T(
            "<p>เจ้าพนักงานสาธารณสุขตรวจสถานที่ แล้วออกหนังสือรับรองภายใน 7 วันทำการ</p>",
            "<p>A health officer inspects the premises and issues the certificate within 7 working days.</p>",
        ),
        "steps": [
            S(
                "shop",
                T("สถานที่จำหน่ายอาหาร", "The shop"),
                [
                    F("short_text", "shop_name", T("ชื่อร้าน", "Shop name"), max_length=200),
                    F(
                        "single_choice",
                        "shop_kind",
                        T("ลักษณะ", "Kind"),
                        options=opts(
                            ("restaurant", "ร้านอาหาร", "Restaurant"),
                            ("stall", "แผงลอย/ซุ้มในอาคาร", "Stall"),
                            ("store", "สถานที่สะสมอาหาร", "Food store"),
                        ),
                    ),
                    F(
                        "number",
                        "shop_area",
                        T("พื้นที่ร้าน", "Shop area"),
                        min_value="1",
                        max_value="200",
                        unit=T("ตร.ม.", "m²"),
                    ),
                    F("address", "shop_address", T("ที่ตั้งร้าน", "Shop address")),
                ],
            ),
            S("owner", T("ผู้ประกอบการ", "Owner"), [NAME, NATIONAL_ID, PHONE, EMAIL]),
            S(
                "documents",
                T("เอกสาร", "Documents"),
                [
                    F(
                        "file_upload",
                        "id_copy",
                        T("สำเนาบัตรประชาชน", "Copy of the ID card"),
                        T("รูปถ่ายหรือ PDF", "A photo or a PDF"),
                        allowed_types=["image", "pdf"],
                        max_size_mb=5,
                        max_files=2,
                    ),
                    CONSENT,
                ],
            ),
        ],
    },
    {
        "slug": "elderly-allowance-form",
        "title": T("ลงทะเบียนรับเบี้ยยังชีพผู้สูงอายุ", "Register for the elderly allowance"),
        "intro": T(
            "สำหรับผู้ที่จะอายุครบ 60 ปีบริบูรณ์ในปีงบประมาณถัดไป และมีทะเบียนบ้านในเขตเทศบาล",
            "For residents registered in the municipality who turn 60 by the next fiscal year.",
        ),
        "next": T(
            "<p>กองสวัสดิการสังคมตรวจสิทธิ์ภายใน 1 วันทำการ เบี้ยยังชีพจ่ายเป็นรายเดือน "
            "เริ่มตั้งแต่เดือนตุลาคมของปีงบประมาณที่ท่านอายุครบ 60 ปี</p>",
            "<p>The social welfare division checks your registration within 1 working day. The allowance is "
            "paid monthly from October of the fiscal year in which you turn 60.</p>",
        ),
        "expected_label": T("ตรวจสิทธิ์เสร็จภายใน", "Registration checked by"),
        "steps": [
            S(
                "person",
                T("ผู้สูงอายุ", "The applicant"),
                [
                    NAME,
                    NATIONAL_ID,
                    F(
                        "date",
                        "birth_date",
                        T("วันเกิด", "Date of birth"),
                        T("ปี พ.ศ. เช่น 2509", "Year in the Buddhist Era, e.g. 2509"),
                        past_only=True,
                        min_age=60,
                    ),
                    F("address", "home_address", T("ที่อยู่ตามทะเบียนบ้าน", "Registered home address")),
                ],
            ),
            S(
                "payment",
                T("การรับเงิน", "Payment"),
                [
                    F(
                        "single_choice",
                        "payment_method",
                        T("รับเงินโดย", "Paid by"),
                        options=opts(("cash", "รับเงินสด", "Cash"), ("bank", "โอนเข้าบัญชีธนาคาร", "Bank transfer")),
                    ),
                    F(
                        "short_text",
                        "bank_name",
                        T("ธนาคาร", "Bank"),
                        T("เช่น ธนาคารกรุงไทย ธนาคารออมสิน", "e.g. Krungthai Bank, Government Savings Bank"),
                        condition=BANK,
                        max_length=100,
                    ),
                    F(
                        "short_text",
                        "bank_account",
                        T("เลขที่บัญชีธนาคาร", "Bank account number"),
                        condition=BANK,
                        max_length=30,
                    ),
                    F(
                        "short_text",
                        "account_name",
                        T("ชื่อบัญชี", "Account holder's name"),
                        T("ต้องเป็นบัญชีของผู้สูงอายุเอง", "The account must be in the applicant's own name"),
                        condition=BANK,
                        max_length=200,
                    ),
                    F(
                        "checkbox",
                        "no_other_pension",
                        T("ข้าพเจ้าไม่ได้รับบำนาญหรือเบี้ยยังชีพอื่นจากรัฐ", "I receive no other state pension or allowance"),
                    ),
                ],
            ),
            S("contact", T("ติดต่อ", "Contact"), [PHONE, EMAIL, CONSENT]),
        ],
    },
]


def _pick(value, lang):
    if isinstance(value, dict) and set(value) == {"th", "en"}:
        return value[lang]
    return value


def _condition(condition):
    if not condition:
        return {"field": "", "operator": "eq", "target": ""}
    return {"field": condition["field"], "operator": condition["operator"], "target": condition["value"]}


def stream(form, lang):
    """Raw StreamField data for one language; ids depend only on the form and keys."""
    data = []
    for step in form["steps"]:
        fields = []
        for spec in step["fields"]:
            value = {}
            for name, item in spec.items():
                if name == "type":
                    continue
                if name == "condition":
                    value[name] = _condition(item)
                elif name == "options":
                    value[name] = [{"value": v, "label": _pick(label, lang)} for v, label in item]
                else:
                    value[name] = _pick(item, lang)
            if spec["type"] == "info":
                value = {"heading": value["heading"], "body": value["body"], "condition": value["condition"]}
            else:
                value["help_text"] = value.get("help_text") or ""
            fields.append(
                {
                    "type": spec["type"],
                    "id": str(uuid.uuid5(NS, f"{form['slug']}:{step['key']}:{spec['key']}")),
                    "value": value,
                }
            )
        data.append(
            {
                "type": "step",
                "id": str(uuid.uuid5(NS, f"{form['slug']}:{step['key']}")),
                "value": {
                    "title": _pick(step["title"], lang),
                    "intro": _pick(step["intro"], lang) or "",
                    "condition": _condition(step["condition"]),
                    "ends_form": step["ends_form"],
                    "fields": fields,
                },
            }
        )
    return data


def _publish(page):
    page.save_revision().publish()


def load(site, out):
    home = site.root_page.specific
    english = Locale.objects.get(language_code="en")
    index = FormIndexPage.objects.child_of(home).first()
    if index is None:
        index = FormIndexPage(title="แบบฟอร์มออนไลน์", slug="forms", intro="ยื่นคำร้องออนไลน์ได้ตลอด 24 ชั่วโมง")
        home.add_child(instance=index)
    _publish(index)
    index_en = index.get_translation_or_none(english)
    if index_en is None:
        index_en = index.copy_for_translation(english)
    index_en = index_en.specific
    index_en.title, index_en.slug, index_en.intro = "Online forms", "forms", "Apply online at any time of day."
    _publish(index_en)

    for form in FORMS:
        page = FormPage.objects.child_of(index).filter(slug=form["slug"]).first()
        if page is None:
            page = FormPage(title=form["title"]["th"], slug=form["slug"], short_code=form["slug"])
            page.steps = stream(form, "th")
            index.add_child(instance=page)
        page.title, page.intro, page.next_steps = form["title"]["th"], form["intro"]["th"], form["next"]["th"]
        page.expected_date_label = form.get("expected_label", {}).get("th", "")
        page.steps = stream(form, "th")
        _publish(page)
        page_en = page.get_translation_or_none(english)
        if page_en is None:
            page_en = page.copy_for_translation(english)
        page_en = page_en.specific
        page_en.title, page_en.intro, page_en.next_steps = form["title"]["en"], form["intro"]["en"], form["next"]["en"]
        page_en.expected_date_label = form.get("expected_label", {}).get("en", "")
        page_en.slug = form["slug"]
        page_en.steps = stream(form, "en")
        _publish(page_en)
    out.write(f"  forms: {len(FORMS)} demo forms in Thai and English under /th/forms/ and /en/forms/")
