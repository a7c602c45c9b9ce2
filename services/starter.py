"""The starter catalogue's guides: the standard departments, service categories and a citizen's
manual (คู่มือสำหรับประชาชน, the Licensing Facilitation Act's shape) for each service a local
office gives, in Thai with English translations, each linked to its e-form.

Office-neutral: "{office}" and "{office_en}" read as the office's names; channels and
complaint lines are built from the office's settings (phone, LINE) and its departments. Editors
adapt the rest (fees and ordinances differ between offices).

Idempotent: departments by code, categories by slug, pages by slug under their parent; what
exists is left as the office made it.
"""

from decimal import Decimal

from django.apps import apps
from wagtail.models import Locale

from home.models import OfficeSettings
from portal.models import Office
from portal.starter import add_live_page, home_pages, office_names, translation_of
from services.models import Department, FormLibraryPage, ServiceCategory, ServiceIndexPage, ServicePage

# code: (Thai name, English name): the divisions nearly every municipality and อบต. has.
DEPARTMENTS = {
    "clerk": ("สำนักปลัด", "Office of the Chief Administrator"),
    "finance": ("กองคลัง", "Finance Division"),
    "works": ("กองช่าง", "Public Works Division"),
    "health": ("กองสาธารณสุขและสิ่งแวดล้อม", "Public Health and Environment Division"),
    "welfare": ("กองสวัสดิการสังคม", "Social Welfare Division"),
    "education": ("กองการศึกษา", "Education Division"),
}

# slug: (icon, Thai name, English name, Thai description, English description, department, order)
CATEGORIES = {
    "requests": (
        "megaphone",
        "ร้องเรียนและแจ้งเหตุ",
        "Complaints and reports",
        "แจ้งปัญหาในชุมชน ไฟฟ้าสาธารณะ น้ำ ถนน",
        "Report problems: streetlights, water, roads",
        "clerk",
        10,
    ),
    "building": (
        "building",
        "ก่อสร้างและที่ดิน",
        "Building and land",
        "ขออนุญาตก่อสร้าง ขุดดิน ถมดิน",
        "Building, earth digging and filling permits",
        "works",
        20,
    ),
    "health": (
        "shop",
        "สาธารณสุขและร้านค้า",
        "Health and shops",
        "ร้านอาหาร สถานที่สะสมอาหาร กิจการที่ต้องแจ้ง",
        "Food shops and businesses that must notify",
        "health",
        30,
    ),
    "welfare": (
        "elderly",
        "สวัสดิการสังคม",
        "Social welfare",
        "เบี้ยยังชีพผู้สูงอายุ ผู้พิการ",
        "Allowances for older people and people with disabilities",
        "welfare",
        40,
    ),
    "environment": (
        "trash",
        "ขยะและสิ่งแวดล้อม",
        "Garbage and environment",
        "ค่าธรรมเนียมเก็บขยะ ค่าบำบัดน้ำเสีย",
        "Garbage collection and wastewater fees",
        "health",
        50,
    ),
    "taxes": (
        "money",
        "ภาษีท้องถิ่น",
        "Local taxes",
        "ภาษีป้าย ภาษีที่ดินและสิ่งปลูกสร้าง",
        "Signboard tax, land and building tax",
        "finance",
        60,
    ),
    "registration": (
        "document",
        "ทะเบียนและการรับรอง",
        "Registration and certificates",
        "รับรองบุคคล รับรองสถานภาพการสมรส",
        "Person and marital-status certification",
        "clerk",
        70,
    ),
}

# Steps: (Thai, English, Thai duration, English duration, department code[, working days where published])
# Documents: (Thai, English, originals, copies, Thai note, English note)
ID_CARD = ("บัตรประจำตัวประชาชน", "Thai national ID card", 1, 1, "พร้อมรับรองสำเนาถูกต้อง", "with the copy certified as true")
HOUSE_REG = ("ทะเบียนบ้าน", "House registration book", 1, 1, "", "")
POWER = (
    "หนังสือมอบอำนาจ (กรณีให้ผู้อื่นมาแทน)",
    "Power of attorney (if someone comes on your behalf)",
    1,
    0,
    "ติดอากรแสตมป์ 10 บาท พร้อมสำเนาบัตรผู้มอบและผู้รับมอบ",
    "with a 10-baht duty stamp and copies of both ID cards",
)

SERVICES = [
    {
        "slug": "complaint",
        "category": "requests",
        "department": "clerk",
        "days": 3,
        "fee": None,
        "form_code": "ร.1",
        "th": {
            "title": "แจ้งเรื่องร้องเรียน ร้องทุกข์ และขอรับบริการ",
            "summary": "ประชาชนแจ้งปัญหา ความเดือดร้อน หรือขอรับบริการจาก{office}ได้ทุกเรื่อง ที่เคาน์เตอร์ ทางโทรศัพท์ หรือออนไลน์ แล้วติดตามผลได้ด้วยเลขที่เรื่อง",
            "legal": "พระราชกฤษฎีกาว่าด้วยหลักเกณฑ์และวิธีการบริหารกิจการบ้านเมืองที่ดี พ.ศ. 2546\nระเบียบสำนักนายกรัฐมนตรีว่าด้วยการจัดการเรื่องราวร้องทุกข์ พ.ศ. 2552",
            "conditions": "<ul><li>แจ้งชื่อ ที่อยู่ และเบอร์โทรศัพท์ที่ติดต่อได้ (ข้อมูลผู้ร้องจะถูกเก็บเป็นความลับ)</li><li>ระบุสถานที่และรายละเอียดของปัญหาให้ชัดเจน แนบรูปถ่ายถ้ามี</li><li>เรื่องที่อยู่ระหว่างการพิจารณาของศาลจะไม่รับพิจารณา</li></ul>",
            "fee_unit": "",
            "fee_note": "",
        },
        "en": {
            "title": "Complaints and general requests",
            "summary": "Tell {office_en} about any problem or ask for a service, at the counter, by phone or online, then follow it with your reference number.",
            "legal": "Royal Decree on Criteria and Procedures for Good Governance B.E. 2546 (2003)\nPrime Minister's Office Regulation on Handling Complaints B.E. 2552 (2009)",
            "conditions": "<ul><li>Give your name, address and a phone number we can reach (kept confidential).</li><li>Say clearly where the problem is and what it is; add photos if you can.</li><li>Matters before a court cannot be handled.</li></ul>",
            "fee_unit": "",
            "fee_note": "",
        },
        "steps": [
            (
                "ยื่นเรื่องที่เคาน์เตอร์ ทางโทรศัพท์ หรือออนไลน์ รับเลขที่เรื่อง",
                "File the complaint at the counter, by phone or online and get a reference number",
                "15 นาที",
                "15 minutes",
                "clerk",
            ),
            ("ส่งเรื่องให้กองที่รับผิดชอบ", "The complaint is sent to the responsible division", "1 วัน", "1 day", "clerk"),
            ("เจ้าหน้าที่ตรวจสอบพื้นที่และแก้ไขปัญหา", "Staff inspect the site and fix the problem", "1 วัน", "1 day", "works"),
            ("แจ้งผลให้ผู้ร้องทราบ", "You are told the outcome", "1 วัน", "1 day", "clerk"),
        ],
        "documents": [
            ID_CARD,
            ("รูปถ่ายหรือหลักฐานประกอบ (ถ้ามี)", "Photos or other evidence (if any)", 0, 1, "", ""),
        ],
    },
    {
        "slug": "streetlight-repair",
        "category": "requests",
        "department": "works",
        "days": 3,
        "fee": None,
        "form_code": "ช.5",
        "th": {
            "title": "แจ้งซ่อมไฟฟ้าสาธารณะ",
            "summary": "แจ้งไฟถนนดับ ไฟกะพริบ หรือเสาไฟชำรุด กองช่างจะส่งช่างไปซ่อมภายใน 3 วันทำการ",
            "legal": "พระราชบัญญัติกำหนดแผนและขั้นตอนการกระจายอำนาจให้แก่องค์กรปกครองส่วนท้องถิ่น พ.ศ. 2542 มาตรา 16 (การสาธารณูปโภค)\nพระราชบัญญัติเทศบาล พ.ศ. 2496 มาตรา 50 และมาตรา 53 (ให้มีไฟฟ้าหรือแสงสว่าง) หรือพระราชบัญญัติสภาตำบลและองค์การบริหารส่วนตำบล พ.ศ. 2537 มาตรา 68 ตามประเภทของ{office}",
            "conditions": "<ul><li>ระบุตำแหน่งเสาไฟ (หมายเลขเสาถ้ามี) ถนน ซอย หมู่ที่</li><li>เฉพาะไฟฟ้าสาธารณะในเขต{office} ไฟฟ้าในบ้านเรือนให้ติดต่อการไฟฟ้าส่วนภูมิภาค</li></ul>",
            "fee_unit": "",
            "fee_note": "",
        },
        "en": {
            "title": "Streetlight repair",
            "summary": "Report a streetlight that is out, flickering or damaged; a technician repairs it within 3 working days.",
            "legal": "Decentralisation Plan and Procedure Act B.E. 2542 (1999), section 16 (public utilities)\nMunicipality Act B.E. 2496 (1953), sections 50 and 53, or Tambon Council and Tambon Administrative Organisation Act B.E. 2537 (1994), section 68, as applies to {office_en}",
            "conditions": "<ul><li>Say where the pole is (its number if you can see it), the road, soi and moo.</li><li>Only public lighting in the area of {office_en}; for power to your house call the Provincial Electricity Authority.</li></ul>",
            "fee_unit": "",
            "fee_note": "",
        },
        "steps": [
            ("แจ้งตำแหน่งไฟฟ้าสาธารณะที่ชำรุด", "Report where the broken light is", "10 นาที", "10 minutes", "clerk"),
            ("กองช่างตรวจสอบและจัดช่างออกซ่อม", "The Public Works Division sends a technician", "2 วัน", "2 days", "works"),
            ("ซ่อมเสร็จและแจ้งผลพร้อมรูปถ่าย", "Repair done; you are told, with a photo", "1 วัน", "1 day", "works"),
        ],
        "documents": [
            (
                "ไม่ต้องใช้เอกสาร (แจ้งชื่อและเบอร์โทรศัพท์)",
                "No documents needed (just your name and phone number)",
                0,
                0,
                "",
                "",
            )
        ],
    },
    {
        "slug": "building-permit",
        "category": "building",
        "department": "works",
        "days": 45,
        "fee": Decimal("20"),
        "form_code": "ข.1",
        "th": {
            "title": "ขออนุญาตก่อสร้างอาคาร ดัดแปลง หรือรื้อถอนอาคาร (ไม่เกิน 150 ตารางเมตร)",
            "summary": "ผู้ที่จะก่อสร้าง ดัดแปลง หรือรื้อถอนอาคารในเขต{office}ต้องได้รับใบอนุญาตก่อน ยื่นคำขอพร้อมแบบแปลนและปักหมุดตำแหน่งที่ดินบนแผนที่ได้",
            "legal": "พระราชบัญญัติควบคุมอาคาร พ.ศ. 2522 และที่แก้ไขเพิ่มเติม\nกฎกระทรวงกำหนดค่าธรรมเนียมการออกใบอนุญาต พ.ศ. 2528\nพระราชบัญญัติการอำนวยความสะดวกในการพิจารณาอนุญาตของทางราชการ พ.ศ. 2558",
            "conditions": "<ul><li>ผู้ขอต้องเป็นเจ้าของที่ดินหรือได้รับความยินยอมจากเจ้าของที่ดินเป็นหนังสือ</li><li>อาคารต้องไม่อยู่ในเขตห้ามก่อสร้างตามผังเมืองรวม</li><li>แบบแปลนต้องมีวิศวกรหรือสถาปนิกลงนามตามที่กฎหมายกำหนด</li></ul>",
            "fee_unit": "ต่อใบอนุญาต",
            "fee_note": "ค่าตรวจแบบแปลนตามพื้นที่อาคาร: อาคารสูงไม่เกิน 2 ชั้น ตารางเมตรละ 0.50 บาท\nชำระที่กองคลัง หรือสแกนคิวอาร์โค้ดพร้อมเพย์",
        },
        "en": {
            "title": "Building, alteration or demolition permit (up to 150 m²)",
            "summary": "Anyone building, altering or demolishing a building in the area of {office_en} needs a permit first. Apply with the plans and pin the plot on a map.",
            "legal": "Building Control Act B.E. 2522 (1979) and amendments\nMinisterial Regulation on permit fees B.E. 2528 (1985)\nLicensing Facilitation Act B.E. 2558 (2015)",
            "conditions": "<ul><li>You own the land or have the owner's written consent.</li><li>The building is not in a zone where building is prohibited.</li><li>Plans are signed by a licensed engineer or architect where the law requires it.</li></ul>",
            "fee_unit": "per permit",
            "fee_note": "Plan inspection fee by floor area: buildings up to 2 storeys, 0.50 baht per m².\nPay at the Finance Division or by scanning the PromptPay QR code.",
        },
        # The published times of the permit's manual (45 days in all): each step's working days
        # (the sixth value), which a case's stages count (issue 20).
        "steps": [
            (
                "ยื่นคำขอพร้อมเอกสาร เจ้าหน้าที่ตรวจความครบถ้วน",
                "Hand in the application; staff check it is complete",
                "1 วัน",
                "1 day",
                "works",
                1,
            ),
            ("นายช่างตรวจสถานที่ก่อสร้าง", "An engineer inspects the site", "7 วัน", "7 days", "works", 7),
            (
                "ตรวจพิจารณาแบบแปลนและกฎหมายที่เกี่ยวข้อง",
                "Plans are checked against the law",
                "30 วัน",
                "30 days",
                "works",
                30,
            ),
            (
                "เสนอผู้บริหารท้องถิ่นลงนามใบอนุญาต (แบบ อ.1)",
                "The local executive signs the permit (form Or.1)",
                "6 วัน",
                "6 days",
                "clerk",
                6,
            ),
            ("ชำระค่าธรรมเนียมและรับใบอนุญาต", "Pay the fee and collect the permit", "1 วัน", "1 day", "finance", 1),
        ],
        "documents": [
            ID_CARD,
            HOUSE_REG,
            (
                "สำเนาโฉนดที่ดินหรือหนังสือแสดงสิทธิในที่ดิน",
                "Copy of the land title deed",
                0,
                1,
                "ขนาดเท่าต้นฉบับทุกหน้า",
                "full size, every page",
            ),
            (
                "หนังสือยินยอมให้ก่อสร้างในที่ดิน (กรณีไม่ใช่เจ้าของที่ดิน)",
                "Landowner's written consent (if you are not the owner)",
                1,
                0,
                "",
                "",
            ),
            (
                "แบบแปลนและรายการประกอบแบบแปลน",
                "Plans and specifications",
                0,
                5,
                "ลงนามโดยผู้ออกแบบ",
                "signed by the designer",
            ),
            (
                "หนังสือรับรองของวิศวกรหรือสถาปนิกผู้ออกแบบ",
                "Certificate of the designing engineer or architect",
                1,
                1,
                "พร้อมสำเนาใบอนุญาตประกอบวิชาชีพ",
                "with a copy of their professional licence",
            ),
            POWER,
        ],
    },
    {
        "slug": "food-shop-notification",
        "category": "health",
        "department": "health",
        "days": 7,
        "fee": Decimal("500"),
        "form_code": "สอ.1",
        "th": {
            "title": "ขอหนังสือรับรองการแจ้งจัดตั้งสถานที่จำหน่ายอาหารหรือสะสมอาหาร",
            "summary": "ร้านอาหาร แผงลอยในอาคาร หรือร้านที่สะสมอาหาร พื้นที่ไม่เกิน 200 ตารางเมตร ต้องแจ้ง{office}ก่อนเปิดกิจการและรับหนังสือรับรองการแจ้ง",
            "legal": "พระราชบัญญัติการสาธารณสุข พ.ศ. 2535 มาตรา 38 และมาตรา 48\nข้อบัญญัติท้องถิ่นของ{office} เรื่อง สถานที่จำหน่ายอาหารและสถานที่สะสมอาหาร",
            "conditions": "<ul><li>พื้นที่ประกอบการไม่เกิน 200 ตารางเมตร (เกินกว่านี้ต้องขอใบอนุญาต)</li><li>สถานที่สะอาด มีที่ล้างภาชนะ และมีการจัดการขยะและน้ำเสีย</li><li>ผู้สัมผัสอาหารผ่านการอบรมสุขาภิบาลอาหาร</li></ul>",
            "fee_unit": "ต่อปี (พื้นที่ไม่เกิน 50 ตารางเมตร)",
            "fee_note": "พื้นที่ 51–100 ตารางเมตร 1,000 บาท, 101–200 ตารางเมตร 2,000 บาท ต่อปี",
        },
        "en": {
            "title": "Food shop or food storage notification certificate",
            "summary": "Restaurants, indoor stalls and food stores of up to 200 m² must notify {office_en} before opening and receive a notification certificate.",
            "legal": "Public Health Act B.E. 2535 (1992), sections 38 and 48\nLocal ordinance of {office_en} on food shops and food storage places",
            "conditions": "<ul><li>Floor area up to 200 m² (larger places need a licence instead).</li><li>Clean premises with a dish-washing area, and garbage and wastewater handled.</li><li>Food handlers have passed the food hygiene course.</li></ul>",
            "fee_unit": "per year (up to 50 m²)",
            "fee_note": "51–100 m²: 1,000 baht; 101–200 m²: 2,000 baht per year.",
        },
        "steps": [
            (
                "ยื่นแบบแจ้ง (แบบ สอ.1) พร้อมเอกสาร",
                "Hand in the notification (form Sor.Or.1) with documents",
                "1 วัน",
                "1 day",
                "health",
            ),
            ("เจ้าพนักงานสาธารณสุขตรวจสถานที่", "A health officer inspects the premises", "3 วัน", "3 days", "health"),
            ("ออกหนังสือรับรองการแจ้ง", "The certificate is issued", "2 วัน", "2 days", "health"),
            ("ชำระค่าธรรมเนียมและรับหนังสือรับรอง", "Pay the fee and collect the certificate", "1 วัน", "1 day", "finance"),
        ],
        "documents": [
            ID_CARD,
            HOUSE_REG,
            ("แผนที่ตั้งสถานประกอบการโดยสังเขป", "A sketch map of the premises", 1, 0, "", ""),
            (
                "ใบรับรองแพทย์ของผู้สัมผัสอาหาร",
                "Medical certificates of food handlers",
                1,
                0,
                "อายุไม่เกิน 6 เดือน",
                "issued within the last 6 months",
            ),
            POWER,
        ],
    },
    {
        "slug": "elderly-allowance",
        "category": "welfare",
        "department": "welfare",
        "days": 1,
        "fee": None,
        "form_code": "ผส.1",
        "th": {
            "title": "ลงทะเบียนขอรับเงินเบี้ยยังชีพผู้สูงอายุ",
            "summary": "ผู้ที่จะมีอายุครบ 60 ปีในปีงบประมาณถัดไป ลงทะเบียนเพื่อรับเบี้ยยังชีพรายเดือน อาสาสมัคร B-Buddy ช่วยลงทะเบียนให้ที่บ้านได้",
            "legal": "ระเบียบกระทรวงมหาดไทยว่าด้วยหลักเกณฑ์การจ่ายเงินเบี้ยยังชีพผู้สูงอายุขององค์กรปกครองส่วนท้องถิ่น พ.ศ. 2552 และที่แก้ไขเพิ่มเติม\nพระราชบัญญัติผู้สูงอายุ พ.ศ. 2546",
            "conditions": "<ul><li>สัญชาติไทย มีชื่ออยู่ในทะเบียนบ้านในเขต{office}</li><li>อายุครบ 60 ปีบริบูรณ์ขึ้นไป (ลงทะเบียนล่วงหน้าได้ตั้งแต่อายุ 59 ปี)</li><li>ไม่ได้รับสวัสดิการหรือสิทธิประโยชน์อื่นใดจากหน่วยงานของรัฐในลักษณะเดียวกัน</li><li>ลงทะเบียนได้ในวันทำการตลอดปี</li></ul>",
            "fee_unit": "",
            "fee_note": "",
        },
        "en": {
            "title": "Old-age allowance registration",
            "summary": "People turning 60 in the next fiscal year register for the monthly old-age allowance. B-Buddy volunteers can register you at home.",
            "legal": "Ministry of Interior Regulation on the payment of old-age allowances by local governments B.E. 2552 (2009) and amendments\nOlder Persons Act B.E. 2546 (2003)",
            "conditions": "<ul><li>Thai nationality, registered in a house in the area of {office_en}.</li><li>Aged 60 or over (you may register from age 59).</li><li>Not receiving a similar state welfare benefit.</li><li>Registration is open on every working day.</li></ul>",
            "fee_unit": "",
            "fee_note": "",
        },
        "steps": [
            (
                "ยื่นแบบคำขอลงทะเบียนด้วยตนเองหรือผ่านอาสาสมัคร",
                "Register yourself or through a volunteer",
                "15 นาที",
                "15 minutes",
                "welfare",
            ),
            ("เจ้าหน้าที่ตรวจสอบคุณสมบัติ", "Staff check eligibility", "1 วัน", "1 day", "welfare"),
            (
                "ประกาศรายชื่อผู้มีสิทธิ และเริ่มจ่ายเงินเดือนตุลาคม",
                "The list is published; payments start in October",
                "ตามปีงบประมาณ",
                "by fiscal year",
                "welfare",
            ),
        ],
        "documents": [
            ID_CARD,
            HOUSE_REG,
            (
                "สมุดบัญชีเงินฝากธนาคาร (หน้าแรก)",
                "Bank book (first page)",
                0,
                1,
                "กรณีขอรับเงินโอนเข้าบัญชี",
                "if you want payment by transfer",
            ),
            POWER,
        ],
    },
    {
        "slug": "disability-allowance",
        "category": "welfare",
        "department": "welfare",
        "days": 1,
        "fee": None,
        "form_code": "พก.1",
        "th": {
            "title": "ลงทะเบียนขอรับเงินเบี้ยความพิการ",
            "summary": "คนพิการที่มีบัตรประจำตัวคนพิการ ลงทะเบียนรับเบี้ยความพิการรายเดือน ญาติหรือผู้ดูแลยื่นแทนได้",
            "legal": "ระเบียบกระทรวงมหาดไทยว่าด้วยการจ่ายเงินเบี้ยความพิการให้คนพิการขององค์กรปกครองส่วนท้องถิ่น พ.ศ. 2553\nพระราชบัญญัติส่งเสริมและพัฒนาคุณภาพชีวิตคนพิการ พ.ศ. 2550",
            "conditions": "<ul><li>มีบัตรประจำตัวคนพิการตามกฎหมาย</li><li>มีชื่ออยู่ในทะเบียนบ้านในเขต{office}</li></ul>",
            "fee_unit": "",
            "fee_note": "",
        },
        "en": {
            "title": "Disability allowance registration",
            "summary": "People holding a disability card register for the monthly disability allowance; a relative or carer may apply for them.",
            "legal": "Ministry of Interior Regulation on disability allowances B.E. 2553 (2010)\nPersons with Disabilities Empowerment Act B.E. 2550 (2007)",
            "conditions": "<ul><li>Holds a disability identification card.</li><li>Registered in a house in the area of {office_en}.</li></ul>",
            "fee_unit": "",
            "fee_note": "",
        },
        "steps": [
            ("ยื่นแบบคำขอลงทะเบียน", "Hand in the registration form", "15 นาที", "15 minutes", "welfare"),
            ("ตรวจสอบคุณสมบัติและบันทึกข้อมูล", "Eligibility is checked and recorded", "1 วัน", "1 day", "welfare"),
            (
                "เริ่มจ่ายเงินในเดือนถัดไป",
                "Payments start the following month",
                "ตามรอบการจ่าย",
                "next payment round",
                "finance",
            ),
        ],
        "documents": [
            ("บัตรประจำตัวคนพิการ", "Disability identification card", 1, 1, "", ""),
            HOUSE_REG,
            ("สมุดบัญชีเงินฝากธนาคาร (หน้าแรก)", "Bank book (first page)", 0, 1, "", ""),
            POWER,
        ],
    },
    {
        "slug": "garbage-fee",
        "pay_online": True,
        "category": "environment",
        "department": "health",
        "days": 0,
        "fee": Decimal("20"),
        "form_code": "ขย.1",
        "th": {
            "title": "ชำระค่าธรรมเนียมเก็บและขนขยะมูลฝอย",
            "summary": "ค่าธรรมเนียมเก็บขนขยะมูลฝอยจากบ้านเรือนและร้านค้า ชำระรายเดือนหรือรายปี ที่กองคลังหรือสแกนคิวอาร์โค้ดพร้อมเพย์",
            "legal": "พระราชบัญญัติรักษาความสะอาดและความเป็นระเบียบเรียบร้อยของบ้านเมือง พ.ศ. 2535\nพระราชบัญญัติการสาธารณสุข พ.ศ. 2535 มาตรา 20\nข้อบัญญัติท้องถิ่นของ{office} เรื่อง การจัดการสิ่งปฏิกูลและมูลฝอย",
            "conditions": "<ul><li>บ้านเรือนหรือสถานประกอบการในพื้นที่ที่{office}ให้บริการเก็บขยะ</li><li>คัดแยกขยะก่อนทิ้ง: ขยะทั่วไป ขยะรีไซเคิล ขยะอันตราย</li></ul>",
            "fee_unit": "ต่อเดือน (บ้านเรือน)",
            "fee_note": "ร้านค้าและสถานประกอบการ 40–150 บาทต่อเดือนตามปริมาณขยะ\nชำระล่วงหน้ารายปีได้",
        },
        "en": {
            "title": "Garbage collection fee",
            "summary": "The fee for collecting garbage from homes and shops, paid monthly or yearly at the Finance Division or by PromptPay QR code.",
            "legal": "Public Cleanliness and Orderliness Act B.E. 2535 (1992)\nPublic Health Act B.E. 2535 (1992), section 20\nLocal ordinance of {office_en} on waste management",
            "conditions": "<ul><li>Homes or businesses in the area {office_en} collects from.</li><li>Sort your waste: general, recyclable, hazardous.</li></ul>",
            "fee_unit": "per month (households)",
            "fee_note": "Shops and businesses: 40–150 baht per month depending on volume.\nYou may pay a year in advance.",
        },
        "steps": [
            (
                "แจ้งเลขที่บ้านหรือสแกนคิวอาร์โค้ดบนใบแจ้งหนี้",
                "Give your house number or scan the QR code on the bill",
                "5 นาที",
                "5 minutes",
                "finance",
            ),
            ("ชำระเงินและรับใบเสร็จ", "Pay and get the receipt", "5 นาที", "5 minutes", "finance"),
        ],
        "documents": [("ใบแจ้งหนี้ค่าธรรมเนียม (ถ้ามี)", "The fee bill (if you have it)", 1, 0, "", "")],
    },
    {
        "slug": "wastewater-fee",
        "pay_online": True,
        "category": "environment",
        "department": "health",
        "days": 0,
        "fee": Decimal("10"),
        "form_code": "นส.1",
        "th": {
            "title": "ชำระค่าธรรมเนียมบำบัดน้ำเสีย",
            "summary": "ค่าบำบัดน้ำเสียสำหรับบ้านเรือนและสถานประกอบการที่ต่อท่อระบายน้ำของ{office} ชำระพร้อมค่าขยะได้",
            "legal": "พระราชบัญญัติส่งเสริมและรักษาคุณภาพสิ่งแวดล้อมแห่งชาติ พ.ศ. 2535 มาตรา 88\nเทศบัญญัติ เรื่อง ค่าธรรมเนียมบำบัดน้ำเสีย",
            "conditions": "<ul><li>อาคารที่ระบายน้ำเสียลงระบบท่อของ{office}</li></ul>",
            "fee_unit": "ต่อเดือน (บ้านเรือน)",
            "fee_note": "สถานประกอบการคิดตามปริมาณน้ำใช้ ลูกบาศก์เมตรละ 2 บาท",
        },
        "en": {
            "title": "Wastewater treatment fee",
            "summary": "The fee for treating wastewater from homes and businesses connected to the public drains; can be paid with the garbage fee.",
            "legal": "Enhancement and Conservation of National Environmental Quality Act B.E. 2535 (1992), section 88\nLocal ordinance of {office_en} on wastewater fees",
            "conditions": "<ul><li>Buildings that drain into the public system.</li></ul>",
            "fee_unit": "per month (households)",
            "fee_note": "Businesses pay 2 baht per cubic metre of water used.",
        },
        "steps": [
            (
                "แจ้งเลขที่บ้านหรือสแกนคิวอาร์โค้ด",
                "Give your house number or scan the QR code",
                "5 นาที",
                "5 minutes",
                "finance",
            ),
            ("ชำระเงินและรับใบเสร็จ", "Pay and get the receipt", "5 นาที", "5 minutes", "finance"),
        ],
        "documents": [("ใบแจ้งหนี้ค่าธรรมเนียม (ถ้ามี)", "The fee bill (if you have it)", 1, 0, "", "")],
    },
    {
        "slug": "water-supply",
        "category": "requests",
        "department": "clerk",
        "days": 2,
        "fee": None,
        "form_code": "นป.1",
        "th": {
            "title": "ขอรับน้ำอุปโภคบริโภค",
            "summary": "ครัวเรือนที่ขาดแคลนน้ำใช้ในช่วงภัยแล้งหรือน้ำประปาไม่ไหล ขอให้{office}นำรถบรรทุกน้ำไปแจกจ่าย",
            "legal": "พระราชบัญญัติป้องกันและบรรเทาสาธารณภัย พ.ศ. 2550\nระเบียบกระทรวงมหาดไทยว่าด้วยค่าใช้จ่ายเพื่อช่วยเหลือประชาชนตามอำนาจหน้าที่ขององค์กรปกครองส่วนท้องถิ่น พ.ศ. 2560",
            "conditions": "<ul><li>ครัวเรือนในเขต{office}ที่ขาดแคลนน้ำจริง</li><li>มีภาชนะรองรับน้ำ</li></ul>",
            "fee_unit": "",
            "fee_note": "",
        },
        "en": {
            "title": "Request drinking and household water",
            "summary": "Households short of water in a drought or when the tap water stops can ask {office_en} to deliver water by truck.",
            "legal": "Disaster Prevention and Mitigation Act B.E. 2550 (2007)\nMinistry of Interior Regulation on expenses to help the public B.E. 2560 (2017)",
            "conditions": "<ul><li>Households in the area that are really short of water.</li><li>You have containers to store the water.</li></ul>",
            "fee_unit": "",
            "fee_note": "",
        },
        "steps": [
            ("ยื่นคำร้องขอรับน้ำ", "Hand in the request", "10 นาที", "10 minutes", "clerk"),
            (
                "งานป้องกันและบรรเทาสาธารณภัยตรวจสอบและจัดรถน้ำ",
                "Disaster prevention staff check and schedule a truck",
                "1 วัน",
                "1 day",
                "clerk",
            ),
            ("นำน้ำไปส่งที่บ้าน", "Water is delivered to your home", "1 วัน", "1 day", "clerk"),
        ],
        "documents": [ID_CARD],
    },
    {
        "slug": "signboard-tax",
        "category": "taxes",
        "department": "finance",
        "days": 15,
        "fee": None,
        "form_code": "ภ.ป.1",
        "th": {
            "title": "ยื่นแบบและชำระภาษีป้าย",
            "summary": "เจ้าของป้ายที่แสดงชื่อ ยี่ห้อ หรือโฆษณาเพื่อหารายได้ ยื่นแบบแสดงรายการภาษีป้าย (ภ.ป.1) ภายในเดือนมีนาคมของทุกปี",
            "legal": "พระราชบัญญัติภาษีป้าย พ.ศ. 2510 และที่แก้ไขเพิ่มเติม\nกฎกระทรวงกำหนดอัตราภาษีป้าย พ.ศ. 2563",
            "conditions": "<ul><li>ยื่นแบบภายในวันที่ 31 มีนาคม ป้ายที่ติดตั้งใหม่ยื่นภายใน 15 วัน</li><li>ชำระภายใน 15 วันนับจากได้รับแจ้งการประเมิน</li></ul>",
            "fee_unit": "",
            "fee_note": "ภาษีคิดตามขนาดและประเภทของป้าย เช่น ป้ายอักษรไทยล้วน 5 บาทต่อ 500 ตารางเซนติเมตร ขั้นต่ำ 200 บาท\nชำระล่าช้าเสียเงินเพิ่มร้อยละ 2 ต่อเดือน",
        },
        "en": {
            "title": "Signboard tax return and payment",
            "summary": "Owners of signs showing a name, brand or advertisement for income file the signboard tax return (Por.Por.1) by the end of March each year.",
            "legal": "Signboard Tax Act B.E. 2510 (1967) and amendments\nMinisterial Regulation on signboard tax rates B.E. 2563 (2020)",
            "conditions": "<ul><li>File by 31 March; new signs within 15 days of installation.</li><li>Pay within 15 days of the assessment notice.</li></ul>",
            "fee_unit": "",
            "fee_note": "Tax depends on size and type, e.g. Thai-only signs 5 baht per 500 cm², minimum 200 baht.\nLate payment: 2% a month surcharge.",
        },
        "steps": [
            (
                "ยื่นแบบ ภ.ป.1 พร้อมรูปถ่ายป้าย",
                "File form Por.Por.1 with photos of the sign",
                "15 นาที",
                "15 minutes",
                "finance",
            ),
            ("เจ้าหน้าที่ตรวจสอบและประเมินภาษี", "Staff check and assess the tax", "14 วัน", "14 days", "finance"),
            ("ชำระภาษีและรับใบเสร็จ", "Pay and get the receipt", "1 วัน", "1 day", "finance"),
        ],
        "documents": [
            ID_CARD,
            (
                "หนังสือรับรองการจดทะเบียนนิติบุคคล (กรณีนิติบุคคล)",
                "Company registration certificate (for companies)",
                0,
                1,
                "",
                "",
            ),
            ("รูปถ่ายป้ายและขนาดป้าย", "Photos of the sign with its size", 1, 0, "", ""),
            POWER,
        ],
    },
    {
        "slug": "land-building-tax",
        "category": "taxes",
        "department": "finance",
        "days": 0,
        "fee": None,
        "form_code": "ภ.ด.ส.",
        "th": {
            "title": "ชำระภาษีที่ดินและสิ่งปลูกสร้าง",
            "summary": "เจ้าของที่ดินหรือสิ่งปลูกสร้าง ณ วันที่ 1 มกราคม ชำระภาษีตามหนังสือแจ้งประเมินภายในเดือนเมษายน ผ่อนชำระได้ 3 งวด",
            "legal": "พระราชบัญญัติภาษีที่ดินและสิ่งปลูกสร้าง พ.ศ. 2562",
            "conditions": "<ul><li>ชำระภายในเดือนเมษายน หรือตามที่ประกาศขยายเวลา</li><li>ภาษีตั้งแต่ 3,000 บาท ผ่อนชำระได้ 3 งวดเท่า ๆ กัน</li><li>ตรวจสอบรายการที่ดินได้ หากไม่ถูกต้องยื่นคำร้องคัดค้านภายใน 30 วัน</li></ul>",
            "fee_unit": "",
            "fee_note": "อัตราตามประเภทการใช้ประโยชน์ เช่น ที่อยู่อาศัยหลังหลัก มูลค่าไม่เกิน 50 ล้านบาท ได้รับยกเว้น",
        },
        "en": {
            "title": "Land and building tax payment",
            "summary": "Owners of land or buildings on 1 January pay the tax on the assessment notice by the end of April, in up to 3 instalments.",
            "legal": "Land and Building Tax Act B.E. 2562 (2019)",
            "conditions": "<ul><li>Pay in April or by any extended date announced.</li><li>Tax of 3,000 baht or more can be paid in 3 equal instalments.</li><li>If the assessment is wrong, object within 30 days.</li></ul>",
            "fee_unit": "",
            "fee_note": "Rates depend on use; a main residence worth up to 50 million baht is exempt.",
        },
        "steps": [
            ("ตรวจสอบหนังสือแจ้งประเมินภาษี", "Check the assessment notice", "5 นาที", "5 minutes", "finance"),
            (
                "ชำระภาษีที่กองคลังหรือสแกนคิวอาร์โค้ด",
                "Pay at the Finance Division or by QR code",
                "10 นาที",
                "10 minutes",
                "finance",
            ),
        ],
        "documents": [
            ("หนังสือแจ้งการประเมินภาษี (ภ.ด.ส.6)", "Tax assessment notice (Por.Dor.Sor.6)", 1, 0, "", ""),
            ID_CARD,
        ],
    },
    {
        "slug": "earth-filling-permit",
        "category": "building",
        "department": "works",
        "days": 7,
        "fee": Decimal("500"),
        "form_code": "ถด.1",
        "th": {
            "title": "แจ้งการถมดิน",
            "summary": "ผู้ที่จะถมดินสูงกว่าที่ดินข้างเคียงและพื้นที่เกิน 2,000 ตารางเมตร ต้องแจ้ง{office}ก่อนเริ่มถมดิน",
            "legal": "พระราชบัญญัติการขุดดินและถมดิน พ.ศ. 2543 มาตรา 26",
            "conditions": "<ul><li>ถมดินสูงกว่าระดับที่ดินข้างเคียง และพื้นที่ที่ถมเกิน 2,000 ตารางเมตร หรือตามที่เทศบัญญัติกำหนด</li><li>ต้องมีระบบระบายน้ำไม่ให้กระทบที่ดินข้างเคียง</li></ul>",
            "fee_unit": "ต่อใบรับแจ้ง",
            "fee_note": "",
        },
        "en": {
            "title": "Earth filling notification",
            "summary": "Anyone filling land higher than the neighbouring plots over more than 2,000 m² must notify {office_en} before starting.",
            "legal": "Earth Digging and Filling Act B.E. 2543 (2000), section 26",
            "conditions": "<ul><li>Filling above neighbouring ground over more than 2,000 m², or as the ordinance sets.</li><li>Drainage must not affect neighbouring land.</li></ul>",
            "fee_unit": "per notification receipt",
            "fee_note": "",
        },
        "steps": [
            ("ยื่นแบบแจ้งการถมดินพร้อมแผนผัง", "File the notification with a site plan", "1 วัน", "1 day", "works"),
            ("นายช่างตรวจสอบสถานที่", "An engineer inspects the site", "4 วัน", "4 days", "works"),
            ("ออกใบรับแจ้งการถมดิน", "The notification receipt is issued", "2 วัน", "2 days", "works"),
        ],
        "documents": [
            ID_CARD,
            ("สำเนาโฉนดที่ดิน", "Copy of the land title deed", 0, 1, "", ""),
            ("แผนผังบริเวณและวิธีการถมดิน", "Site plan and filling method", 0, 3, "", ""),
            POWER,
        ],
    },
    {
        "slug": "earth-digging-permit",
        "category": "building",
        "department": "works",
        "days": 7,
        "fee": Decimal("500"),
        "form_code": "ขด.1",
        "th": {
            "title": "แจ้งการขุดดิน",
            "summary": "ผู้ที่จะขุดดินลึกเกิน 3 เมตร หรือพื้นที่ปากบ่อดินเกิน 10,000 ตารางเมตร ต้องแจ้ง{office}ก่อนเริ่มขุด",
            "legal": "พระราชบัญญัติการขุดดินและถมดิน พ.ศ. 2543 มาตรา 17",
            "conditions": "<ul><li>ความลึกเกิน 3 เมตร หรือพื้นที่ปากบ่อเกิน 10,000 ตารางเมตร</li><li>ต้องมีวิศวกรออกแบบและควบคุมงานกรณีขุดลึก</li></ul>",
            "fee_unit": "ต่อใบรับแจ้ง",
            "fee_note": "",
        },
        "en": {
            "title": "Earth digging notification",
            "summary": "Anyone digging deeper than 3 m or over more than 10,000 m² must notify {office_en} before starting.",
            "legal": "Earth Digging and Filling Act B.E. 2543 (2000), section 17",
            "conditions": "<ul><li>Deeper than 3 m, or a pit mouth over 10,000 m².</li><li>A licensed engineer designs and supervises deep digging.</li></ul>",
            "fee_unit": "per notification receipt",
            "fee_note": "",
        },
        "steps": [
            ("ยื่นแบบแจ้งการขุดดินพร้อมแผนผัง", "File the notification with a site plan", "1 วัน", "1 day", "works"),
            ("นายช่างตรวจสอบสถานที่", "An engineer inspects the site", "4 วัน", "4 days", "works"),
            ("ออกใบรับแจ้งการขุดดิน", "The notification receipt is issued", "2 วัน", "2 days", "works"),
        ],
        "documents": [
            ID_CARD,
            ("สำเนาโฉนดที่ดิน", "Copy of the land title deed", 0, 1, "", ""),
            (
                "แผนผังบริเวณและรายการคำนวณ",
                "Site plan and engineering calculations",
                0,
                3,
                "ลงนามโดยวิศวกร",
                "signed by an engineer",
            ),
            POWER,
        ],
    },
    {
        "slug": "person-certification",
        "category": "registration",
        "department": "clerk",
        "days": 1,
        "fee": None,
        "form_code": "รบ.1",
        "th": {
            "title": "ขอหนังสือรับรองบุคคลและรับรองลายมือชื่อ",
            "summary": "ขอหนังสือรับรองว่าเป็นบุคคลเดียวกัน รับรองความประพฤติ หรือรับรองลายมือชื่อ เพื่อใช้ทำนิติกรรมหรือยื่นต่อหน่วยงานอื่น",
            "legal": "พระราชบัญญัติลักษณะปกครองท้องที่ พ.ศ. 2457\nระเบียบกระทรวงมหาดไทยว่าด้วยการออกหนังสือรับรอง",
            "conditions": "<ul><li>ผู้ขอต้องมาด้วยตนเอง พร้อมพยานบุคคลที่น่าเชื่อถือ 1–2 คน (เช่น ผู้ใหญ่บ้าน)</li><li>หลักฐานที่ต้องการรับรองต้องไม่ขัดแย้งกัน</li></ul>",
            "fee_unit": "",
            "fee_note": "",
        },
        "en": {
            "title": "Person and signature certification",
            "summary": "Get a letter certifying your identity (same person under two names), conduct, or signature, for legal acts or other offices.",
            "legal": "Local Administration Act B.E. 2457 (1914)\nMinistry of Interior Regulation on certificates",
            "conditions": "<ul><li>Come in person with one or two credible witnesses (e.g. the village headman).</li><li>The evidence must not contradict itself.</li></ul>",
            "fee_unit": "",
            "fee_note": "",
        },
        "steps": [
            (
                "ยื่นคำร้องพร้อมหลักฐานและพยาน",
                "Hand in the request with evidence and witnesses",
                "15 นาที",
                "15 minutes",
                "clerk",
            ),
            (
                "เจ้าหน้าที่สอบข้อเท็จจริงและบันทึกถ้อยคำ",
                "Staff take statements and check the facts",
                "30 นาที",
                "30 minutes",
                "clerk",
            ),
            ("ปลัดลงนามหนังสือรับรอง", "The chief administrator (palat) signs the certificate", "1 วัน", "1 day", "clerk"),
        ],
        "documents": [
            ID_CARD,
            HOUSE_REG,
            (
                "หลักฐานที่ต้องการให้รับรอง เช่น ทะเบียนสมรส ใบเปลี่ยนชื่อ",
                "The evidence to certify, e.g. marriage or name-change certificates",
                1,
                1,
                "",
                "",
            ),
            ("บัตรประจำตัวประชาชนของพยาน", "Witnesses' ID cards", 1, 1, "", ""),
        ],
    },
    {
        "slug": "marital-status-certification",
        "category": "registration",
        "department": "clerk",
        "days": 1,
        "fee": None,
        "form_code": "รส.1",
        "th": {
            "title": "ขอหนังสือรับรองสถานภาพการสมรส",
            "summary": "ขอหนังสือรับรองว่าเป็นโสด สมรส หย่า หรือหม้าย เพื่อใช้จดทะเบียนสมรสกับชาวต่างชาติ ทำนิติกรรม หรือยื่นขอสวัสดิการ",
            "legal": "พระราชบัญญัติลักษณะปกครองท้องที่ พ.ศ. 2457\nพระราชบัญญัติจดทะเบียนครอบครัว พ.ศ. 2478",
            "conditions": "<ul><li>ผู้ขอต้องมาด้วยตนเอง</li><li>ตรวจสอบข้อมูลทะเบียนครอบครัวจากระบบทะเบียนราษฎร</li></ul>",
            "fee_unit": "",
            "fee_note": "",
        },
        "en": {
            "title": "Marital status certification",
            "summary": "Get a letter certifying that you are single, married, divorced or widowed, e.g. to marry a foreign national or apply for benefits.",
            "legal": "Local Administration Act B.E. 2457 (1914)\nFamily Registration Act B.E. 2478 (1935)",
            "conditions": "<ul><li>Come in person.</li><li>Family records are checked in the civil registration system.</li></ul>",
            "fee_unit": "",
            "fee_note": "",
        },
        "steps": [
            ("ยื่นคำร้องพร้อมหลักฐาน", "Hand in the request with evidence", "15 นาที", "15 minutes", "clerk"),
            ("ตรวจสอบข้อมูลทะเบียนครอบครัว", "Family records are checked", "30 นาที", "30 minutes", "clerk"),
            ("ลงนามและรับหนังสือรับรอง", "The certificate is signed and handed over", "1 วัน", "1 day", "clerk"),
        ],
        "documents": [
            ID_CARD,
            HOUSE_REG,
            ("ทะเบียนสมรสหรือทะเบียนหย่า (ถ้ามี)", "Marriage or divorce certificate (if any)", 1, 1, "", ""),
        ],
    },
]


def has_site(model):
    """Whether `model` rows belong to one office (the site foreign key of issue 17)."""
    return any(field.name == "site" for field in model._meta.get_fields())


def fill(text, names):
    return text.replace("{office_en}", names[1]).replace("{office}", names[0])


def ensure_departments(site):
    """The standard departments of `site`, created if missing (an existing one keeps its name)."""
    phone = OfficeSettings.for_site(site).phone
    existing = {d.code: d for d in Department.objects.filter(site=site)}
    for code, (name, name_en) in DEPARTMENTS.items():
        if code not in existing:
            existing[code] = Department.objects.create(site=site, code=code, name=name, name_en=name_en, phone=phone)
    return existing


def ensure_categories(site, departments, thai, english):
    """Each category in Thai and its English translation: {slug: (thai, english)}."""
    scope = {"site": site} if has_site(ServiceCategory) else {}
    found = {(c.locale_id, c.slug): c for c in ServiceCategory.objects.filter(slug__in=CATEGORIES, **scope)}
    categories = {}
    for slug, (icon, name, name_en, desc, desc_en, dept, order) in CATEGORIES.items():
        common = {"icon": icon, "department": departments[dept], "sort_order": order, "slug": slug, **scope}
        category_th = found.get((thai.pk, slug))
        if category_th is None:
            category_th = ServiceCategory.objects.create(locale=thai, name=name, description=desc, **common)
        category_en = found.get((english.pk, slug))
        if category_en is None:
            category_en = ServiceCategory.objects.create(
                locale=english,
                translation_key=category_th.translation_key,
                name=name_en,
                description=desc_en,
                **common,
            )
        categories[slug] = (category_th, category_en)
    return categories


def index_pair(home, home_en, model, slug, thai, english):
    """A Thai page under the home page and its English translation, made if missing."""
    page = model.objects.child_of(home).filter(slug=slug).first()
    if page is None:
        page = add_live_page(home, model(slug=slug, show_in_menus=True, **thai))
    page_en = translation_of(page, home_en.locale)
    if page_en is None:
        page_en = add_live_page(
            home_en,
            model(
                slug=slug, show_in_menus=True, locale=home_en.locale, translation_key=page.translation_key, **english
            ),
        )
    return page, page_en


def online_forms(site, thai):
    """The site's Thai e-forms by slug (by string: this room never imports the forms room)."""
    try:
        FormPage = apps.get_model("forms_builder", "FormPage")
    except LookupError:
        return {}
    return {page.slug: page for page in FormPage.objects.descendant_of(site.root_page).filter(locale=thai)}


def contact_texts(site, departments, names):
    """Where to apply and where to complain, in Thai and English, from the office's own details."""
    settings = OfficeSettings.for_site(site)
    office = Office.objects.filter(site=site).first()
    province = office.province if office else ""
    clerk = departments["clerk"]
    phone = clerk.phone or settings.phone
    line = f" หรือไลน์ {settings.line_id}" if settings.line_id else ""
    line_en = f", or LINE {settings.line_id}" if settings.line_id else ""
    complaints = {
        "th": "\n".join(
            [
                f"{clerk.name} (ศูนย์รับเรื่องร้องเรียน)" + (f" โทร {phone}" if phone else ""),
                f"ศูนย์ดำรงธรรมจังหวัด{province} โทร 1567",
                f"แบบฟอร์มร้องเรียนออนไลน์บนเว็บไซต์ของ{names[0]}{line}",
            ]
        ),
        "en": "\n".join(
            [
                f"{clerk.name_en or clerk.name} (complaints desk)" + (f", phone {phone}" if phone else ""),
                "Damrongdhama Centre of the province, phone 1567",
                f"The online complaint form on the website of {names[1]}{line_en}",
            ]
        ),
    }
    offices = {"th": f"อาคารสำนักงาน{names[0]}", "en": f"{names[1]} office"}
    hours = {
        "th": ("จันทร์–ศุกร์ (เว้นวันหยุดราชการ)", "08:30–16:30 น."),
        "en": ("Monday–Friday (except public holidays)", "08:30–16:30"),
    }
    online = {
        "th": (f"เว็บไซต์ของ{names[0]} (ยื่นออนไลน์)", "ทุกวัน", "ตลอด 24 ชั่วโมง"),
        "en": (f"The website of {names[1]} (apply online)", "Every day", "24 hours"),
    }
    return complaints, offices, hours, online


def guide(spec, language, departments, categories, online_form, texts, names):
    """An unsaved guide in one language, from its spec."""
    complaints, offices, hours, online = texts
    idx = 0 if language == "th" else 1
    text = spec[language]
    dept = departments[spec["department"]]
    dept_name = dept.name if idx == 0 else (dept.name_en or dept.name)
    channels = [
        (
            "channel",
            {
                "place": f"{dept_name} {offices[language]}" if idx == 0 else f"{dept_name}, {offices[language]}",
                "days": hours[language][0],
                "hours": hours[language][1],
                "note": "",
            },
        )
    ]
    if online_form is not None:
        place, days, time = online[language]
        channels.append(("channel", {"place": place, "days": days, "hours": time, "note": ""}))
    return ServicePage(
        slug=spec["slug"],
        title=fill(text["title"], names),
        summary=fill(text["summary"], names),
        legal_basis=fill(text["legal"], names),
        conditions=fill(text["conditions"], names),
        fee_unit=text["fee_unit"],
        fee_note=fill(text["fee_note"], names),
        # The household fee page of the office's site, in the guide's language.
        pay_online_url=f"/{language}/pay/" if spec.get("pay_online") else "",
        complaint_channels=complaints[language],
        category=categories[spec["category"]][idx],
        department=dept,
        processing_days=spec["days"],
        fee_amount=spec["fee"],
        online_form=online_form,
        channels=channels,
        steps=[
            (
                "step",
                {
                    "description": step[idx],
                    "duration": step[2 + idx],
                    "responsible": departments[step[4]].name
                    if idx == 0
                    else (departments[step[4]].name_en or departments[step[4]].name),
                    # Where the manual publishes the working days, they are given, not read from words.
                    **({"duration_days": step[5]} if len(step) > 5 else {}),
                },
            )
            for step in spec["steps"]
        ],
        documents=[
            ("document", {"name": doc[idx], "originals": doc[2], "copies": doc[3], "note": doc[4 + idx]})
            for doc in spec["documents"]
        ],
        search_description=fill(text["summary"], names)[:250],
    )


def load(site, out):
    thai = Locale.objects.get(language_code="th")
    english = Locale.objects.get(language_code="en")
    home, home_en = home_pages(site)
    names = office_names(site)
    departments = ensure_departments(site)
    categories = ensure_categories(site, departments, thai, english)
    eforms = online_forms(site, thai)
    index, index_en = index_pair(
        home,
        home_en,
        ServiceIndexPage,
        "services",
        {
            "title": "บริการประชาชน",
            "intro": "คู่มือสำหรับประชาชนของทุกบริการ: ขั้นตอน ระยะเวลา เอกสารที่ต้องใช้ และค่าธรรมเนียม ครบในหน้าเดียว",
        },
        {
            "title": "Services",
            "intro": "A citizen's manual for every service: steps, time, documents and fees on one page.",
        },
    )
    index_pair(
        home,
        home_en,
        FormLibraryPage,
        "downloads",
        {
            "title": "ดาวน์โหลดแบบฟอร์ม",
            "intro": "แบบฟอร์มเปล่าของทุกบริการ พิมพ์ กรอก แล้วนำมายื่นที่สำนักงาน",
        },
        {
            "title": "Download forms",
            "intro": "Blank forms for every service: print, fill in and bring them to the office.",
        },
    )
    texts = contact_texts(site, departments, names)
    thai_guides = {page.slug: page for page in ServicePage.objects.child_of(index)}
    english_keys = set(ServicePage.objects.child_of(index_en).values_list("translation_key", flat=True))
    created = 0
    for spec in SERVICES:
        online_form = eforms.get(f"{spec['slug']}-form")
        page = thai_guides.get(spec["slug"])
        if page is None:
            page = add_live_page(
                index, guide(spec, "th", departments, categories, online_form, texts, names), references=True
            )
            created += 1
        if page.translation_key not in english_keys:
            page_en = guide(spec, "en", departments, categories, online_form, texts, names)
            page_en.locale, page_en.translation_key = english, page.translation_key
            add_live_page(index_en, page_en, references=True)
            created += 1
    out.write(
        f"  services: {len(departments)} departments, {len(CATEGORIES)} categories, "
        f"{len(SERVICES)} guides in th and en ({created} pages made)\n"
    )
