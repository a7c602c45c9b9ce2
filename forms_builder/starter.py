"""The starter e-forms: one multi-step form for each service of the starter catalogue, in Thai
with English translations, in the shape a citizen fills in on a phone (national ID with its check
digit, phone, Thai address, attachments, a PDPA notice).

Office-neutral: "{office}" in a spec reads as the office's name when the form is made for a site.
Block ids are derived from the form and the field key, so both languages, every office and every
run share them (a field's stored key never changes once data exists under it).
"""

import uuid

from forms_builder.models import FormIndexPage, FormPage
from portal.starter import add_live_page, home_pages, office_names, translation_of

NS = uuid.UUID("6f0c8a52-2569-4f5e-9a7b-5c1d2e3f4a5b")
# {office}: the office's name, filled in when the form is created for a site (OFFICE below).
PDPA_TH = (
    "<p>{office} เก็บชื่อ เบอร์โทรศัพท์ และข้อมูลในแบบฟอร์มนี้เพื่อดำเนินการตามคำขอของท่านเท่านั้น "
    "เก็บไว้ไม่เกิน 5 ปีหลังปิดเรื่อง ท่านขอดู แก้ไข หรือลบข้อมูลได้ที่สำนักปลัด</p>"
)
PDPA_EN = (
    "<p>{office} keeps your name, phone number and the answers in this form only to handle "
    "your request, for at most 5 years after it is closed. You may see, correct or delete them: "
    "contact the Clerk's office.</p>"
)
OFFICE = "{office}"
# What {office} reads when a form is built without a site (tests build forms from these specs).
NO_OFFICE = {"th": "สำนักงาน", "en": "The office"}


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
            "สำหรับผู้ที่จะอายุครบ 60 ปีบริบูรณ์ในปีงบประมาณถัดไป และมีทะเบียนบ้านในเขตพื้นที่",
            "For residents registered in the area who turn 60 by the next fiscal year.",
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


PAYMENT = S(
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
        F("short_text", "bank_account", T("เลขที่บัญชีธนาคาร", "Bank account number"), condition=BANK, max_length=30),
        F(
            "short_text",
            "account_name",
            T("ชื่อบัญชี", "Account holder's name"),
            T(
                "บัญชีของผู้มีสิทธิ์เอง หรือของผู้ดูแลที่ได้รับมอบอำนาจ",
                "The applicant's own account, or that of a carer holding a power of attorney",
            ),
            condition=BANK,
            max_length=200,
        ),
    ],
)
DEED = F(
    "short_text",
    "title_deed",
    T("เลขที่โฉนดที่ดินหรือหนังสือแสดงสิทธิ", "Title deed or land document number"),
    T("เช่น โฉนดเลขที่ 12345 เลขที่ดิน 67", "e.g. title deed no. 12345, parcel 67"),
    max_length=100,
)
OWNER_STEP = S("owner", T("ผู้ยื่นคำขอ", "Applicant"), [NAME, NATIONAL_ID, PHONE, EMAIL])


def attachments(key, label, help_text, required=True):
    return F(
        "file_upload",
        key,
        label,
        help_text,
        required=required,
        allowed_types=["pdf", "image"],
        max_size_mb=10,
        max_files=5,
    )


def earth_work(kind):
    """The earth digging and earth filling notices share their shape (Act of B.E. 2543, section 17 and 26)."""
    digging = kind == "digging"
    measure = (
        F(
            "number",
            "depth",
            T("ความลึกที่จะขุด", "Depth of the digging"),
            T("เมตร วัดจากระดับพื้นดินเดิม", "Metres below the natural ground level"),
            min_value="0.1",
            max_value="100",
            unit=T("เมตร", "m"),
        )
        if digging
        else F(
            "number",
            "height",
            T("ความสูงของเนินดินที่จะถม", "Height of the fill"),
            T("เมตร วัดจากระดับที่ดินต่างเจ้าของที่ติดกัน", "Metres above the neighbouring plots"),
            min_value="0.1",
            max_value="30",
            unit=T("เมตร", "m"),
        )
    )
    name_th, name_en = ("ขุดดิน", "digging") if digging else ("ถมดิน", "filling")
    return {
        "slug": f"earth-{kind}-permit-form",
        "title": T(f"แจ้งการ{name_th}", f"Notice of earth {name_en}"),
        "intro": T(
            f"ผู้ที่จะ{name_th}ตามขนาดที่กฎหมายกำหนดต้องแจ้งเจ้าพนักงานท้องถิ่นก่อนเริ่มงาน "
            "เตรียมแผนผังบริเวณ แบบแปลน และสำเนาโฉนดที่ดิน (PDF หรือรูปถ่าย)",
            f"Earth {name_en} of the size the law names must be notified to the local official before work starts. "
            "Have the site plan, the drawings and a copy of the title deed ready (PDF or photos).",
        ),
        "next": T(
            f"<ul><li>กองช่างตรวจเอกสารและออกใบรับแจ้ง (แบบ {'ขด.2' if digging else 'ถด.2'}) ภายใน 7 วัน</li>"
            "<li>เริ่มงานได้เมื่อได้รับใบรับแจ้ง และต้องป้องกันดินพังทลายและการระบายน้ำของที่ดินข้างเคียง</li></ul>",
            "<ul><li>The public works division checks the papers and issues the notice receipt within 7 days.</li>"
            "<li>Work may start once you hold the receipt; protect neighbours from landslides and blocked drainage.</li></ul>",
        ),
        "steps": [
            S(
                "work",
                T(f"งาน{name_th}", f"The earth {name_en}"),
                [
                    F(
                        "number",
                        "area",
                        T(f"พื้นที่ที่จะ{name_th}", f"Area of the {name_en}"),
                        T("ตารางเมตร", "Square metres"),
                        min_value="1",
                        max_value="10000000",
                        unit=T("ตร.ม.", "m²"),
                    ),
                    measure,
                    F(
                        "long_text",
                        "purpose",
                        T("วัตถุประสงค์", "Purpose"),
                        T("เช่น ขุดสระเก็บน้ำเพื่อการเกษตร", "e.g. a farm pond"),
                        max_length=1000,
                    ),
                    F("date", "start_date", T("วันที่จะเริ่มงาน", "Start date")),
                ],
            ),
            S(
                "site",
                T("ที่ดิน", "The land"),
                [
                    F("address", "site_address", T("ที่ตั้งที่ดิน", "Address of the land")),
                    F("map_location", "site_location", T("ตำแหน่งบนแผนที่", "The land on the map"), required=False),
                    DEED,
                    attachments(
                        "plans",
                        T("แผนผังบริเวณและแบบแปลน", "Site plan and drawings"),
                        T(
                            "แผนผังแสดงเขตที่ดิน ตำแหน่งงาน และวิธีป้องกันดินพังทลาย พร้อมรายการคำนวณ (ถ้ากฎหมายกำหนดให้มีวิศวกรรับรอง)",
                            "Boundaries, where the work is and how landslides are prevented, with the "
                            "calculations (when the law requires an engineer's signature)",
                        ),
                    ),
                    attachments(
                        "deed_copy",
                        T("สำเนาโฉนดที่ดิน", "Copy of the title deed"),
                        T(
                            "ถ้าไม่ใช่เจ้าของที่ดิน แนบหนังสือยินยอมของเจ้าของด้วย",
                            "If you are not the owner, add the owner's consent",
                        ),
                    ),
                ],
            ),
            S("owner", T("ผู้แจ้ง", "Applicant"), [NAME, NATIONAL_ID, PHONE, EMAIL, CONSENT]),
        ],
    }


STARTER_FORMS = [
    {
        "slug": "disability-allowance-form",
        "title": T("ลงทะเบียนรับเบี้ยความพิการ", "Register for the disability allowance"),
        "intro": T(
            "สำหรับคนพิการที่มีบัตรประจำตัวคนพิการและมีทะเบียนบ้านในเขตพื้นที่ ผู้ดูแลยื่นแทนได้",
            "For people with a disability card registered in the area. A carer may apply for them.",
        ),
        "next": T(
            "<p>กองสวัสดิการสังคมตรวจสิทธิ์ภายใน 1 วันทำการ เบี้ยความพิการจ่ายเป็นรายเดือน เริ่มเดือนถัดจากเดือนที่ลงทะเบียน</p>",
            "<p>The social welfare division checks your registration within 1 working day. The allowance is "
            "paid monthly from the month after you register.</p>",
        ),
        "expected_label": T("ตรวจสิทธิ์เสร็จภายใน", "Registration checked by"),
        "steps": [
            S(
                "person",
                T("คนพิการ", "The person with a disability"),
                [
                    NAME,
                    NATIONAL_ID,
                    F(
                        "date",
                        "birth_date",
                        T("วันเกิด", "Date of birth"),
                        T("ปี พ.ศ. เช่น 2530", "Year in the Buddhist Era, e.g. 2530"),
                        past_only=True,
                    ),
                    F("address", "home_address", T("ที่อยู่ตามทะเบียนบ้าน", "Registered home address")),
                    F(
                        "single_choice",
                        "disability_type",
                        T("ประเภทความพิการ", "Type of disability"),
                        T("ตามที่ระบุในบัตรประจำตัวคนพิการ", "As written on the disability card"),
                        options=opts(
                            ("sight", "ทางการเห็น", "Seeing"),
                            ("hearing", "ทางการได้ยินหรือสื่อความหมาย", "Hearing or communication"),
                            ("movement", "ทางการเคลื่อนไหวหรือทางร่างกาย", "Movement or physical"),
                            ("mental", "ทางจิตใจหรือพฤติกรรม", "Mental or behavioural"),
                            ("intellectual", "ทางสติปัญญา", "Intellectual"),
                            ("learning", "ทางการเรียนรู้", "Learning"),
                            ("autism", "ทางออทิสติก", "Autism"),
                        ),
                    ),
                    F(
                        "file_upload",
                        "disability_card",
                        T("บัตรประจำตัวคนพิการ", "Disability card"),
                        T("รูปถ่ายหน้าบัตรหรือ PDF", "A photo of the card or a PDF"),
                        allowed_types=["image", "pdf"],
                        max_size_mb=5,
                        max_files=2,
                    ),
                ],
            ),
            S(
                "carer",
                T("ผู้ยื่นคำขอ", "Who is applying"),
                [
                    F(
                        "single_choice",
                        "applicant",
                        T("ผู้ยื่นคำขอ", "Who is applying"),
                        options=opts(
                            ("self", "คนพิการยื่นเอง", "The person themself"),
                            ("carer", "ผู้ดูแลคนพิการยื่นแทน", "A carer on their behalf"),
                        ),
                    ),
                    F(
                        "short_text",
                        "carer_name",
                        T("ชื่อ-นามสกุลผู้ดูแล", "Carer's full name"),
                        condition={"field": "applicant", "operator": "eq", "value": "carer"},
                        max_length=200,
                    ),
                    F(
                        "national_id",
                        "carer_national_id",
                        T("เลขประจำตัวประชาชนของผู้ดูแล", "Carer's Thai national ID number"),
                        condition={"field": "applicant", "operator": "eq", "value": "carer"},
                    ),
                    F(
                        "checkbox",
                        "not_in_care_home",
                        T(
                            "ไม่ได้อยู่ในสถานสงเคราะห์ของรัฐ",
                            "The person does not live in a state care home",
                        ),
                    ),
                ],
            ),
            PAYMENT,
            S("contact", T("ติดต่อ", "Contact"), [PHONE, EMAIL, CONSENT]),
        ],
    },
    {
        "slug": "garbage-fee-form",
        "title": T("ขอรับบริการเก็บขนขยะมูลฝอย", "Garbage collection service"),
        "intro": T(
            "ขอเริ่ม เปลี่ยน หรือยกเลิกการเก็บขยะ ค่าธรรมเนียมคิดตามปริมาณขยะต่อวัน ชำระรายเดือนด้วยคิวอาร์โค้ดได้",
            "Start, change or stop garbage collection. The fee depends on how much garbage you put out a day; pay "
            "monthly by QR code.",
        ),
        "next": T(
            "<ul><li>เจ้าหน้าที่สำรวจและแจ้งอัตราค่าธรรมเนียมภายใน 3 วันทำการ</li>"
            "<li>ท่านจะได้เลขที่บัญชีค่าขยะเพื่อชำระรายเดือน</li></ul>",
            "<ul><li>An officer checks and tells you the monthly fee within 3 working days.</li>"
            "<li>You receive a garbage account number for the monthly payments.</li></ul>",
        ),
        "steps": [
            S(
                "service",
                T("การเก็บขยะ", "Collection"),
                [
                    F(
                        "single_choice",
                        "request",
                        T("ต้องการ", "You want to"),
                        options=opts(
                            ("start", "เริ่มใช้บริการ", "Start collection"),
                            ("change", "เปลี่ยนปริมาณหรือผู้ชำระ", "Change the amount or who pays"),
                            ("stop", "ยกเลิก (ย้ายออก/เลิกกิจการ)", "Stop (moved out or closed)"),
                        ),
                    ),
                    F(
                        "single_choice",
                        "premises",
                        T("ประเภทสถานที่", "Kind of premises"),
                        options=opts(
                            ("home", "บ้านพักอาศัย", "Home"),
                            ("shop", "ร้านค้า ร้านอาหาร", "Shop or restaurant"),
                            ("business", "โรงงาน ตลาด หอพัก หรือกิจการอื่น", "Factory, market, dormitory or other business"),
                        ),
                    ),
                    F(
                        "single_choice",
                        "volume",
                        T("ปริมาณขยะโดยประมาณ", "About how much garbage"),
                        options=opts(
                            ("20", "ไม่เกิน 20 ลิตรต่อวัน", "Up to 20 litres a day"),
                            ("500", "เกิน 20 ลิตร แต่ไม่เกิน 500 ลิตรต่อวัน", "20–500 litres a day"),
                            ("more", "เกิน 500 ลิตรต่อวัน", "More than 500 litres a day"),
                        ),
                    ),
                    F("address", "service_address", T("สถานที่เก็บขยะ", "Collection address")),
                    F("map_location", "service_location", T("ตำแหน่งบนแผนที่", "On the map"), required=False),
                ],
            ),
            OWNER_STEP,
            S(
                "documents",
                T("เอกสาร", "Documents"),
                [
                    attachments(
                        "house_registration",
                        T("สำเนาทะเบียนบ้าน", "Copy of the house registration"),
                        T("หรือสัญญาเช่า ถ้าเช่าอยู่", "Or the lease, if you rent"),
                        required=False,
                    ),
                    CONSENT,
                ],
            ),
        ],
    },
    {
        "slug": "wastewater-fee-form",
        "title": T("ขอรับบริการบำบัดน้ำเสีย", "Wastewater treatment service"),
        "intro": T(
            "แจ้งใช้บริการบำบัดน้ำเสียหรือแก้ไขข้อมูลผู้ชำระค่าธรรมเนียม ค่าธรรมเนียมคิดตามปริมาณน้ำใช้",
            "Register for wastewater treatment or change who pays. The fee follows the water you use.",
        ),
        "next": T(
            "<p>กองสาธารณสุขและสิ่งแวดล้อมตรวจข้อมูลและแจ้งอัตราค่าธรรมเนียมภายใน 3 วันทำการ</p>",
            "<p>The public health and environment division checks and tells you the fee within 3 working days.</p>",
        ),
        "steps": [
            S(
                "premises",
                T("สถานที่", "Premises"),
                [
                    F(
                        "single_choice",
                        "premises",
                        T("ประเภทสถานที่", "Kind of premises"),
                        options=opts(
                            ("home", "บ้านพักอาศัย", "Home"),
                            ("business", "สถานประกอบการ", "Business"),
                            ("government", "หน่วยงานราชการ", "Government office"),
                        ),
                    ),
                    F("address", "service_address", T("ที่ตั้ง", "Address")),
                    F(
                        "short_text",
                        "water_meter",
                        T("เลขที่ผู้ใช้น้ำประปา", "Water account number"),
                        T("ดูได้จากใบแจ้งค่าน้ำประปา", "On your water bill"),
                        required=False,
                        max_length=30,
                    ),
                    F(
                        "number",
                        "water_use",
                        T("ปริมาณน้ำใช้ต่อเดือน", "Water used a month"),
                        T("ลูกบาศก์เมตร ตามใบแจ้งค่าน้ำ", "Cubic metres, from the water bill"),
                        required=False,
                        min_value="0",
                        max_value="100000",
                        unit=T("ลบ.ม.", "m³"),
                    ),
                ],
            ),
            OWNER_STEP,
            S(
                "documents",
                T("เอกสาร", "Documents"),
                [
                    attachments(
                        "water_bill",
                        T("ใบแจ้งค่าน้ำประปาเดือนล่าสุด", "Latest water bill"),
                        T("รูปถ่ายหรือ PDF", "A photo or a PDF"),
                        required=False,
                    ),
                    CONSENT,
                ],
            ),
        ],
    },
    {
        "slug": "water-supply-form",
        "title": T("ขอรับน้ำอุปโภคบริโภค", "Request water for household use"),
        "intro": T(
            "น้ำประปาไม่ไหล ภัยแล้ง หรือน้ำไม่สะอาด ขอให้นำน้ำไปส่งที่บ้านได้",
            "No tap water, drought or unsafe water: ask for water to be delivered to your home.",
        ),
        "next": T(
            "<p>สำนักปลัดจัดรถน้ำไปส่งภายใน 2 วันทำการ กรณีเร่งด่วนจะโทรนัดหมายก่อน</p>",
            "<p>The clerk's office sends a water truck within 2 working days; in an emergency we call you first.</p>",
        ),
        "steps": [
            S(
                "need",
                T("ความต้องการน้ำ", "What you need"),
                [
                    F(
                        "single_choice",
                        "reason",
                        T("สาเหตุ", "Why"),
                        options=opts(
                            ("drought", "ภัยแล้ง น้ำในบ่อหรือแหล่งน้ำแห้ง", "Drought: the well or pond is dry"),
                            ("outage", "น้ำประปาไม่ไหล", "No tap water"),
                            ("unsafe", "น้ำไม่สะอาด ใช้ไม่ได้", "The water is unsafe"),
                            ("other", "อื่น ๆ", "Something else"),
                        ),
                    ),
                    F(
                        "number",
                        "people",
                        T("จำนวนคนในบ้าน", "People in the household"),
                        min_value="1",
                        max_value="100",
                        unit=T("คน", "people"),
                    ),
                    F(
                        "number",
                        "litres",
                        T("ปริมาณน้ำที่ต้องการ", "Water needed"),
                        T("ลิตร ตามขนาดภาชนะที่มี เช่น โอ่ง 2 ใบ = 400 ลิตร", "Litres your containers hold"),
                        min_value="20",
                        max_value="20000",
                        unit=T("ลิตร", "litres"),
                    ),
                ],
            ),
            S(
                "where",
                T("สถานที่ส่งน้ำ", "Where to deliver"),
                [
                    F("address", "delivery_address", T("ที่อยู่", "Address")),
                    F(
                        "map_location",
                        "delivery_location",
                        T("ตำแหน่งบนแผนที่", "On the map"),
                        T("ช่วยให้รถน้ำหาบ้านได้เร็วขึ้น", "Helps the truck find you"),
                        required=False,
                    ),
                ],
            ),
            S("who", T("ผู้ขอ", "About you"), [NAME, NATIONAL_ID, PHONE, CONSENT]),
        ],
    },
    earth_work("digging"),
    earth_work("filling"),
    {
        "slug": "signboard-tax-form",
        "title": T("ยื่นแบบแสดงรายการภาษีป้าย (ภ.ป.1)", "Signboard tax return (Por.Por.1)"),
        "intro": T(
            "เจ้าของป้ายยื่นแบบภายในเดือนมีนาคมของทุกปี หรือภายใน 15 วันนับจากวันติดตั้งป้ายใหม่",
            "Sign owners file by the end of March each year, or within 15 days of putting up a new sign.",
        ),
        "next": T(
            "<ul><li>กองคลังตรวจสอบและแจ้งการประเมินภาษี (ภ.ป.3) ภายใน 15 วัน</li>"
            "<li>ชำระภาษีภายใน 15 วันนับจากได้รับแจ้งการประเมิน</li></ul>",
            "<ul><li>The finance division checks and sends the assessment (Por.Por.3) within 15 days.</li>"
            "<li>Pay within 15 days of receiving the assessment.</li></ul>",
        ),
        "steps": [
            S(
                "business",
                T("กิจการ", "The business"),
                [
                    F("short_text", "business_name", T("ชื่อกิจการหรือร้านค้า", "Business or shop name"), max_length=200),
                    F("address", "business_address", T("ที่ตั้งป้าย", "Where the sign is")),
                ],
            ),
            S(
                "signs",
                T("ป้าย", "Signs"),
                [
                    F(
                        "single_choice",
                        "sign_type",
                        T("ประเภทป้าย", "Kind of sign"),
                        options=opts(
                            ("1", "ป้ายที่มีอักษรไทยล้วน", "Thai text only"),
                            (
                                "2",
                                "ป้ายที่มีอักษรไทยปนกับอักษรต่างประเทศ หรือภาพ",
                                "Thai mixed with foreign text or pictures",
                            ),
                            (
                                "3",
                                "ป้ายที่ไม่มีอักษรไทย หรืออักษรไทยอยู่ต่ำกว่าอักษรต่างประเทศ",
                                "No Thai text, or Thai below the foreign text",
                            ),
                        ),
                    ),
                    F(
                        "number",
                        "width",
                        T("ความกว้าง", "Width"),
                        min_value="1",
                        max_value="100000",
                        unit=T("ซม.", "cm"),
                    ),
                    F(
                        "number",
                        "height",
                        T("ความยาว (สูง)", "Height"),
                        min_value="1",
                        max_value="100000",
                        unit=T("ซม.", "cm"),
                    ),
                    F(
                        "number",
                        "count",
                        T("จำนวนป้ายขนาดนี้", "How many signs of this size"),
                        min_value="1",
                        max_value="1000",
                        unit=T("ป้าย", "signs"),
                    ),
                    F("date", "installed_on", T("วันที่ติดตั้ง", "Date put up"), past_only=True),
                    F(
                        "long_text",
                        "other_signs",
                        T("ป้ายอื่น ๆ", "Other signs"),
                        T("ถ้ามีหลายขนาด ระบุประเภท ขนาด และจำนวนของแต่ละป้าย", "Kind, size and number of each"),
                        required=False,
                        max_length=2000,
                    ),
                    F(
                        "file_upload",
                        "photos",
                        T("รูปถ่ายป้าย", "Photos of the signs"),
                        allowed_types=["image"],
                        max_size_mb=5,
                        max_files=5,
                    ),
                ],
            ),
            S("owner", T("เจ้าของป้าย", "Sign owner"), [NAME, NATIONAL_ID, PHONE, EMAIL, CONSENT]),
        ],
    },
    {
        "slug": "land-building-tax-form",
        "title": T("คำร้องเกี่ยวกับภาษีที่ดินและสิ่งปลูกสร้าง", "Land and building tax request"),
        "intro": T(
            "ขอตรวจสอบการประเมิน แจ้งการเปลี่ยนแปลงการใช้ประโยชน์ ขอผ่อนชำระ หรือคัดค้านการประเมินภาษี",
            "Ask about your assessment, report a change of use, ask to pay in instalments or object to the assessment.",
        ),
        "next": T(
            "<ul><li>กองคลังตรวจสอบและตอบภายใน 15 วันทำการ</li>"
            "<li>การคัดค้านการประเมินต้องยื่นภายใน 30 วันนับจากได้รับแจ้งการประเมิน</li></ul>",
            "<ul><li>The finance division checks and answers within 15 working days.</li>"
            "<li>An objection must be filed within 30 days of receiving the assessment.</li></ul>",
        ),
        "steps": [
            S(
                "request",
                T("เรื่องที่ขอ", "Your request"),
                [
                    F(
                        "single_choice",
                        "request",
                        T("ต้องการ", "You want to"),
                        options=opts(
                            ("check", "ขอตรวจสอบรายการประเมิน", "Check the assessment"),
                            ("change", "แจ้งเปลี่ยนแปลงการใช้ประโยชน์ที่ดินหรือสิ่งปลูกสร้าง", "Report a change of use"),
                            (
                                "instalments",
                                "ขอผ่อนชำระ (ภาษีตั้งแต่ 3,000 บาท)",
                                "Pay in instalments (tax of 3,000 baht or more)",
                            ),
                            ("objection", "คัดค้านการประเมินภาษี", "Object to the assessment"),
                        ),
                    ),
                    F(
                        "short_text",
                        "notice_number",
                        T("เลขที่หนังสือแจ้งประเมินภาษี", "Assessment notice number"),
                        T("ถ้ามี ดูที่มุมบนของหนังสือแจ้ง", "If you have one: top corner of the notice"),
                        required=False,
                        max_length=50,
                    ),
                    F(
                        "long_text",
                        "details",
                        T("รายละเอียด", "Details"),
                        T("เหตุผลหรือสิ่งที่เปลี่ยนแปลง", "Your reasons, or what changed"),
                        max_length=3000,
                    ),
                ],
            ),
            S(
                "property",
                T("ที่ดินและสิ่งปลูกสร้าง", "The property"),
                [
                    DEED,
                    F("address", "property_address", T("ที่ตั้ง", "Address")),
                    F(
                        "single_choice",
                        "land_use",
                        T("การใช้ประโยชน์", "Use"),
                        options=opts(
                            ("farm", "เกษตรกรรม", "Farming"),
                            ("home", "ที่อยู่อาศัย", "Home"),
                            ("other", "อื่น ๆ (พาณิชย์ อุตสาหกรรม)", "Other (commerce, industry)"),
                            ("vacant", "ทิ้งไว้ว่างเปล่า", "Vacant"),
                        ),
                    ),
                    attachments(
                        "documents",
                        T("เอกสารประกอบ", "Supporting documents"),
                        T("สำเนาโฉนด หนังสือแจ้งประเมิน หรือรูปถ่าย", "Title deed, assessment notice or photos"),
                        required=False,
                    ),
                ],
            ),
            S("owner", T("ผู้เสียภาษี", "Taxpayer"), [NAME, NATIONAL_ID, PHONE, EMAIL, CONSENT]),
        ],
    },
]
FORMS = [*FORMS, *STARTER_FORMS]


def _pick(value, lang, office=None):
    if isinstance(value, dict) and set(value) == {"th", "en"}:
        value = value[lang]
    if isinstance(value, str) and OFFICE in value:
        value = value.replace(OFFICE, office or NO_OFFICE[lang])
    return value


def _condition(condition):
    if not condition:
        return {"field": "", "operator": "eq", "target": ""}
    return {"field": condition["field"], "operator": condition["operator"], "target": condition["value"]}


def stream(form, lang, office=None):
    """Raw StreamField data for one language; ids depend only on the form and keys, so both
    languages (and every office) share them, as wagtail-localize would."""
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
                    # Each option with its list-item id, as the editor saves it: wagtail-localize
                    # finds an option's translated label by that id, and items stored without one
                    # get a new random id on every read, so no translation ever matched them.
                    value[name] = [
                        {
                            "type": "item",
                            "id": str(uuid.uuid5(NS, f"{form['slug']}:{step['key']}:{spec['key']}:{v}")),
                            "value": {"value": v, "label": _pick(label, lang)},
                        }
                        for v, label in item
                    ]
                else:
                    value[name] = _pick(item, lang, office)
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


def form_page(form, lang, office, **fields):
    """An unsaved FormPage in one language, built from its spec."""
    return FormPage(
        title=form["title"][lang],
        slug=form["slug"],
        intro=form["intro"][lang],
        next_steps=form["next"][lang],
        expected_date_label=form.get("expected_label", {}).get(lang, ""),
        steps=stream(form, lang, office),
        **fields,
    )


def load(site, out):
    """The online forms index and every starter e-form, in Thai and English, under `site`'s home
    pages. Idempotent: a form found by its slug (Thai) or its translation key (English) is left as
    the office's editors made it."""
    home, home_en = home_pages(site)
    english = home_en.locale
    office, office_en = office_names(site)
    index = FormIndexPage.objects.child_of(home).first()
    if index is None:
        index = add_live_page(
            home, FormIndexPage(title="แบบฟอร์มออนไลน์", slug="forms", intro="ยื่นคำร้องออนไลน์ได้ตลอด 24 ชั่วโมง")
        )
    index_en = translation_of(index, english)
    if index_en is None:
        index_en = add_live_page(
            home_en,
            FormIndexPage(
                title="Online forms",
                slug="forms",
                intro="Apply online at any time of day.",
                locale=english,
                translation_key=index.translation_key,
            ),
        )
    thai_forms = {page.slug: page for page in FormPage.objects.child_of(index)}
    english_keys = set(FormPage.objects.child_of(index_en).values_list("translation_key", flat=True))
    created = 0
    for form in FORMS:
        page = thai_forms.get(form["slug"])
        if page is None:
            # The demo's printed stickers use the slug as the code; every other office gets its own.
            code = form["slug"] if site.is_default_site else ""
            page = add_live_page(index, form_page(form, "th", office, short_code=code))
            created += 1
        if page.translation_key not in english_keys:
            english_page = form_page(
                form, "en", office_en, locale=english, translation_key=page.translation_key, short_code=page.short_code
            )
            add_live_page(index_en, english_page)
            created += 1
    out.write(
        f"  forms: {len(FORMS)} e-forms in Thai and English under /th/forms/ and /en/forms/ ({created} pages made)\n"
    )
