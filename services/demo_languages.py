"""The demo's pages in Burmese, Khmer and Lao (issue 22), translated the way an editor would with
wagtail-localize: a translation of the Thai page, its strings translated one by one, then saved.

The complaint and streetlight e-forms and their guides, and the garbage-fee guide, are the pages
migrant workers are sent to; their parents (the home page, the service and form indexes) are
translated first so the new pages sit in a tree of their own language. A string without an entry
below keeps its Thai text (wagtail-localize's fallback), as an editor's half-done translation
would; the tracking page is a view and speaks the language from the UI catalogue. Idempotent:
run twice, the same pages and strings.

The wordings are machine-quality drafts for the demo; a native speaker should review them.
"""

from django.db import transaction
from wagtail.models import Locale, Page
from wagtail_localize.models import StringSegment, StringTranslation, Translation, TranslationSource

LANGUAGES = ("my", "km", "lo")
# Slugs of the Thai pages, parents first.
PAGES = (
    "home",
    "services",
    "forms",
    "complaint",
    "streetlight-repair",
    "garbage-fee",
    "complaint-form",
    "streetlight-repair-form",
)

# Thai source string: (Burmese, Khmer, Lao). Titles, intros and every question of the complaint
# e-form; the longer guide texts keep their Thai until an editor translates them.
WORDS = {
    "เทศบาลตำบลบ้านสวนริมน้ำ": ("ဘန်ဆွမ်ရင်နမ် မြို့နယ်", "សាលាក្រុងបានសួនរិមណាម", "ເທດສະບານຕາແສງບ້ານສວນລິມນ້ຳ"),
    "ติดต่อราชการได้ทุกที่ ทุกเวลา ยื่นคำร้อง ติดตามเรื่อง และดาวน์โหลดแบบฟอร์มได้จากโทรศัพท์ของท่าน": (
        "နေရာမရွေး အချိန်မရွေး ဆက်သွယ်နိုင်သည်- လျှောက်လွှာတင်ရန်၊ ခြေရာခံရန်နှင့် ဖောင်များ ဒေါင်းလုဒ်လုပ်ရန် သင့်ဖုန်းမှ ရနိုင်သည်။",
        "ទាក់ទងបានគ្រប់ទីកន្លែង គ្រប់ពេល៖ ដាក់ពាក្យ តាមដានសំណើ និងទាញយកទម្រង់ពីទូរសព្ទរបស់អ្នក។",
        "ຕິດຕໍ່ໄດ້ທຸກບ່ອນ ທຸກເວລາ: ຍື່ນຄຳຮ້ອງ, ຕິດຕາມເລື່ອງ ແລະ ດາວໂຫຼດແບບຟອມຈາກໂທລະສັບຂອງທ່ານ.",
    ),
    "แจ้งเรื่องร้องเรียน": ("တိုင်ကြားရန်", "ដាក់ពាក្យបណ្តឹង", "ແຈ້ງຄຳຮ້ອງທຸກ"),
    "แจ้งซ่อมไฟฟ้าสาธารณะ": ("လမ်းမီး ပြင်ဆင်ရန် အကြောင်းကြားခြင်း", "រាយការណ៍ភ្លើងបំភ្លឺផ្លូវខូច", "ແຈ້ງສ້ອມໄຟທາງ"),
    "ค่าธรรมเนียมขยะ": ("အမှိုက်ကောက်ခ", "ថ្លៃប្រមូលសំរាម", "ຄ່າທຳນຽມຂີ້ເຫຍື້ອ"),
    "บริการประชาชน": ("ပြည်သူ့ ဝန်ဆောင်မှုများ", "សេវាសាធារណៈ", "ບໍລິການປະຊາຊົນ"),
    "แบบฟอร์มออนไลน์": ("အွန်လိုင်း ဖောင်များ", "ទម្រង់អនឡាញ", "ແບບຟອມອອນລາຍ"),
    "ยื่นคำร้องออนไลน์ได้ตลอด 24 ชั่วโมง": (
        "အွန်လိုင်းမှ ၂၄ နာရီ လျှောက်ထားနိုင်သည်",
        "ដាក់ពាក្យអនឡាញបាន 24 ម៉ោង",
        "ຍື່ນຄຳຮ້ອງອອນລາຍໄດ້ 24 ຊົ່ວໂມງ",
    ),
    "แจ้งเรื่องร้องเรียน ร้องทุกข์ และขอรับบริการ": (
        "တိုင်ကြားချက်များနှင့် ဝန်ဆောင်မှု တောင်းဆိုချက်များ",
        "ពាក្យបណ្តឹង និងសំណើសុំសេវា",
        "ຄຳຮ້ອງທຸກ ແລະ ການຂໍບໍລິການ",
    ),
    "แจ้งไฟถนนดับ ไฟกะพริบ หรือเสาไฟชำรุด กองช่างจะส่งช่างไปซ่อมภายใน 3 วันทำการ": (
        "လမ်းမီး မလင်းခြင်း၊ မှိတ်တုတ်မှိတ်တုတ် ဖြစ်ခြင်း သို့မဟုတ် မီးတိုင် ပျက်စီးခြင်းကို အကြောင်းကြားပါ။ အလုပ်ရက် 3 ရက်အတွင်း ပြင်ဆင်ပေးပါမည်။",
        "រាយការណ៍ភ្លើងផ្លូវរលត់ ភ្លឹបភ្លែត ឬបង្គោលខូច។ ជាងនឹងមកជួសជុលក្នុងរយៈពេល 3 ថ្ងៃធ្វើការ។",
        "ແຈ້ງໄຟທາງດັບ, ກະພິບ ຫຼື ເສົາໄຟເສຍຫາຍ. ຊ່າງຈະມາສ້ອມພາຍໃນ 3 ວັນລັດຖະການ.",
    ),
    # The guide's "Pay online" button: the fee page in the reader's language.
    "/th/pay/": ("/my/pay/", "/km/pay/", "/lo/pay/"),
    "ชำระค่าธรรมเนียมเก็บและขนขยะมูลฝอย": ("အမှိုက်ကောက်ခ ပေးဆောင်ခြင်း", "បង់ថ្លៃប្រមូលសំរាម", "ຈ່າຍຄ່າທຳນຽມເກັບຂີ້ເຫຍື້ອ"),
    "ค่าธรรมเนียมเก็บขนขยะมูลฝอยจากบ้านเรือนและร้านค้า ชำระรายเดือนหรือรายปี ที่กองคลังหรือสแกนคิวอาร์โค้ดพร้อมเพย์": (
        "အိမ်များနှင့် ဆိုင်များမှ အမှိုက်ကောက်ခ၊ လစဉ် သို့မဟုတ် နှစ်စဉ် ငွေစာရင်းဌာနတွင် သို့မဟုတ် PromptPay QR ဖြင့် ပေးဆောင်နိုင်သည်။",
        "ថ្លៃប្រមូលសំរាមពីផ្ទះ និងហាង បង់ប្រចាំខែ ឬប្រចាំឆ្នាំ នៅផ្នែកហិរញ្ញវត្ថុ ឬស្កេន QR PromptPay។",
        "ຄ່າເກັບຂີ້ເຫຍື້ອຈາກເຮືອນ ແລະ ຮ້ານຄ້າ, ຈ່າຍລາຍເດືອນ ຫຼື ລາຍປີ ທີ່ພະແນກການເງິນ ຫຼື ສະແກນ QR PromptPay.",
    ),
    "แจ้งเรื่องร้องเรียน/ร้องทุกข์": ("ပြဿနာ သို့မဟုတ် တိုင်ကြားချက် အကြောင်းကြားရန်", "រាយការណ៍បញ្ហា ឬពាក្យបណ្តឹង", "ແຈ້ງບັນຫາ ຫຼື ຄຳຮ້ອງທຸກ"),
    "แจ้งปัญหาในชุมชน เช่น ถนนชำรุด ขยะ น้ำท่วม เสียงดัง แนบรูปถ่ายและปักหมุดตำแหน่งได้": (
        "ရပ်ကွက်ရှိ ပြဿနာများ ဥပမာ လမ်းပျက်၊ အမှိုက်၊ ရေကြီး၊ ဆူညံသံ ကို အကြောင်းကြားပါ။ ဓာတ်ပုံ ပူးတွဲပြီး တည်နေရာ မှတ်နိုင်သည်။",
        "រាយការណ៍បញ្ហាក្នុងសហគមន៍ ដូចជាផ្លូវខូច សំរាម ទឹកជំនន់ សំឡេងរំខាន។ អាចភ្ជាប់រូបថត និងដៅទីតាំងបាន។",
        "ແຈ້ງບັນຫາໃນຊຸມຊົນ ເຊັ່ນ ທາງເປ່, ຂີ້ເຫຍື້ອ, ນ້ຳຖ້ວມ, ສຽງດັງ. ແນບຮູບ ແລະ ປັກໝຸດຕຳແໜ່ງໄດ້.",
    ),
    "เรื่องที่แจ้ง": ("အကြောင်းအရာ", "បញ្ហា", "ເລື່ອງທີ່ແຈ້ງ"),
    "ประเภทเรื่อง": ("အမျိုးအစား", "ប្រភេទ", "ປະເພດ"),
    "ถนน ทางเท้าชำรุด": ("လမ်း သို့မဟုတ် လူသွားလမ်း ပျက်စီး", "ផ្លូវ ឬចិញ្ចើមផ្លូវខូច", "ທາງ ຫຼື ທາງຍ່າງເປ່"),
    "ขยะ สิ่งปฏิกูล": ("အမှိုက်၊ ညစ်ညမ်းမှု", "សំរាម កាកសំណល់", "ຂີ້ເຫຍື້ອ, ສິ່ງປະຕິກູນ"),
    "น้ำท่วม ท่อระบายน้ำ": ("ရေကြီး၊ ရေနုတ်မြောင်း", "ទឹកជំនន់ លូបង្ហូរទឹក", "ນ້ຳຖ້ວມ, ທໍ່ລະບາຍນ້ຳ"),
    "เสียงดัง กลิ่น ควัน": ("ဆူညံသံ၊ အနံ့၊ မီးခိုး", "សំឡេង ក្លិន ផ្សែង", "ສຽງດັງ, ກິ່ນ, ຄວັນ"),
    "อื่น ๆ": ("အခြား", "ផ្សេងៗ", "ອື່ນໆ"),
    "รายละเอียด": ("အသေးစိတ်", "ព័ត៌មានលម្អិត", "ລາຍລະອຽດ"),
    "เล่าสั้น ๆ ว่าเกิดอะไรขึ้น ตั้งแต่เมื่อไร": (
        "ဘာဖြစ်သလဲ၊ ဘယ်အချိန်ကစပြီး ဖြစ်သလဲ အတိုချုပ် ရေးပါ",
        "សរសេរខ្លីៗថាមានអ្វីកើតឡើង ចាប់ពីពេលណា",
        "ຂຽນສັ້ນໆວ່າເກີດຫຍັງຂຶ້ນ ຕັ້ງແຕ່ເມື່ອໃດ",
    ),
    "รูปถ่าย": ("ဓာတ်ပုံ", "រូបថត", "ຮູບຖ່າຍ"),
    "สถานที่": ("နေရာ", "ទីកន្លែង", "ສະຖານທີ່"),
    "ตำแหน่งที่เกิดเหตุ": ("ဖြစ်ပွားသည့် နေရာ", "ទីតាំងកើតហេតុ", "ຕຳແໜ່ງທີ່ເກີດເຫດ"),
    "แตะแผนที่เพื่อปักหมุด หรือพิมพ์ที่อยู่/จุดสังเกต": (
        "မြေပုံပေါ်တွင် နှိပ်၍ မှတ်ပါ သို့မဟုတ် လိပ်စာ/မှတ်သားစရာ နေရာကို ရိုက်ထည့်ပါ",
        "ចុចលើផែនទីដើម្បីដៅ ឬវាយអាសយដ្ឋាន/ចំណុចសម្គាល់",
        "ແຕະແຜນທີ່ເພື່ອປັກໝຸດ ຫຼື ພິມທີ່ຢູ່/ຈຸດສັງເກດ",
    ),
    "ผู้แจ้ง": ("အကြောင်းကြားသူ", "អ្នករាយការណ៍", "ຜູ້ແຈ້ງ"),
    "เจ้าหน้าที่จะติดต่อกลับเมื่อต้องการข้อมูลเพิ่ม": (
        "အချက်အလက် ထပ်လိုပါက ဝန်ထမ်းက ပြန်ဆက်သွယ်ပါမည်",
        "មន្ត្រីនឹងទាក់ទងមកវិញ ពេលត្រូវការព័ត៌មានបន្ថែម",
        "ເຈົ້າໜ້າທີ່ຈະຕິດຕໍ່ກັບ ເມື່ອຕ້ອງການຂໍ້ມູນເພີ່ມ",
    ),
    "ชื่อ-นามสกุล": ("အမည်အပြည့်အစုံ", "ឈ្មោះពេញ", "ຊື່ ແລະ ນາມສະກຸນ"),
    "เช่น สมศรี ใจดี": ("ဥပမာ မောင်မောင်", "ឧ. សុខ ចាន់", "ເຊັ່ນ ສົມສີ ໃຈດີ"),
    "หมายเลขโทรศัพท์": ("ဖုန်းနံပါတ်", "លេខទូរសព្ទ", "ເບີໂທລະສັບ"),
    "อีเมล": ("အီးမေးလ်", "អ៊ីមែល", "ອີເມວ"),
    "ถ้ามี เพื่อรับแจ้งความคืบหน้าทางอีเมล": (
        "ရှိပါက၊ တိုးတက်မှုကို အီးမေးလ်ဖြင့် သိရှိရန်",
        "បើមាន ដើម្បីទទួលដំណឹងវឌ្ឍនភាពតាមអ៊ីមែល",
        "ຖ້າມີ, ເພື່ອຮັບແຈ້ງຄວາມຄືບໜ້າທາງອີເມວ",
    ),
    "การคุ้มครองข้อมูลส่วนบุคคล": ("ကိုယ်ရေးအချက်အလက် ကာကွယ်ခြင်း", "ការការពារទិន្នន័យផ្ទាល់ខ្លួន", "ການປົກປ້ອງຂໍ້ມູນສ່ວນບຸກຄົນ"),
    "เจ้าหน้าที่รับเรื่องภายใน 1 วันทำการ": (
        "အလုပ်ရက် 1 ရက်အတွင်း ဝန်ထမ်းက လက်ခံပါမည်",
        "មន្ត្រីទទួលរឿងក្នុង 1 ថ្ងៃធ្វើការ",
        "ເຈົ້າໜ້າທີ່ຮັບເລື່ອງພາຍໃນ 1 ວັນລັດຖະການ",
    ),
    "ท่านติดตามความคืบหน้าได้ด้วยเลขที่เรื่อง": (
        "ကိစ္စ နံပါတ်ဖြင့် တိုးတက်မှုကို ခြေရာခံနိုင်သည်",
        "អ្នកអាចតាមដានវឌ្ឍនភាពដោយលេខរឿង",
        "ທ່ານຕິດຕາມຄວາມຄືບໜ້າໄດ້ດ້ວຍເລກທີເລື່ອງ",
    ),
    # The guides' counters, which the "Need help?" box shows (services.help.contacts): the unit's
    # Thai name stays beside its translation, for the phone and the counter.
    "สำนักปลัดเทศบาล อาคารสำนักงานเทศบาลตำบลบ้านสวนริมน้ำ": (
        "မြို့တော်စာရေးရုံး (สำนักปลัดเทศบาล)၊ ဘန်ဆွမ်ရင်နမ် မြို့နယ် ရုံးအဆောက်အအုံ",
        "ការិយាល័យលេខាធិការសាលាក្រុង (สำนักปลัดเทศบาล) អគារសាលាក្រុងបានសួនរិមណាម",
        "ຫ້ອງການເລຂາເທດສະບານ (สำนักปลัดเทศบาล), ອາຄານສຳນັກງານເທດສະບານຕາແສງບ້ານສວນລິມນ້ຳ",
    ),
    "กองช่าง อาคารสำนักงานเทศบาลตำบลบ้านสวนริมน้ำ": (
        "အများပြည်သူ လုပ်ငန်းဌာန (กองช่าง)၊ ဘန်ဆွမ်ရင်နမ် မြို့နယ် ရုံးအဆောက်အအုံ",
        "ផ្នែកការងារសាធារណៈ (กองช่าง) អគារសាលាក្រុងបានសួនរិមណាម",
        "ກອງຊ່າງ (กองช่าง), ອາຄານສຳນັກງານເທດສະບານຕາແສງບ້ານສວນລິມນ້ຳ",
    ),
    "กองสาธารณสุขและสิ่งแวดล้อม อาคารสำนักงานเทศบาลตำบลบ้านสวนริมน้ำ": (
        "ပြည်သူ့ကျန်းမာရေးနှင့် ပတ်ဝန်းကျင်ဌာန (กองสาธารณสุขและสิ่งแวดล้อม)၊ ဘန်ဆွမ်ရင်နမ် မြို့နယ် ရုံးအဆောက်အအုံ",
        "ផ្នែកសុខាភិបាល និងបរិស្ថាន (กองสาธารณสุขและสิ่งแวดล้อม) អគារសាលាក្រុងបានសួនរិមណាម",
        "ກອງສາທາລະນະສຸກ ແລະ ສິ່ງແວດລ້ອມ (กองสาธารณสุขและสิ่งแวดล้อม), ອາຄານສຳນັກງານເທດສະບານຕາແສງບ້ານສວນລິມນ້ຳ",
    ),
    "จันทร์–ศุกร์ (เว้นวันหยุดราชการ)": (
        "တနင်္လာ–သောကြာ (အစိုးရ ရုံးပိတ်ရက်များ မပါ)",
        "ច័ន្ទ–សុក្រ (លើកលែងថ្ងៃឈប់សម្រាកផ្លូវការ)",
        "ຈັນ–ສຸກ (ຍົກເວັ້ນວັນພັກລັດຖະການ)",
    ),
    "08:30–16:30 น.": ("08:30–16:30", "08:30–16:30", "08:30–16:30 ໂມງ"),
    "เว็บไซต์ของเทศบาลตำบลบ้านสวนริมน้ำ (ยื่นออนไลน์)": (
        "ဘန်ဆွမ်ရင်နမ် မြို့နယ်၏ ဝဘ်ဆိုက် (အွန်လိုင်းမှ လျှောက်ထားရန်)",
        "គេហទំព័រសាលាក្រុងបានសួនរិមណាម (ដាក់ពាក្យអនឡាញ)",
        "ເວັບໄຊຂອງເທດສະບານຕາແສງບ້ານສວນລິມນ້ຳ (ຍື່ນອອນລາຍ)",
    ),
    "ทุกวัน": ("နေ့တိုင်း", "រៀងរាល់ថ្ងៃ", "ທຸກມື້"),
    "ตลอด 24 ชั่วโมง": ("၂၄ နာရီ", "24 ម៉ោង", "ຕະຫຼອດ 24 ຊົ່ວໂມງ"),
    "ไฟถนนดับ กะพริบ หรือเปิดค้างกลางวัน แจ้งได้ที่นี่": (
        "လမ်းမီး မလင်း၊ မှိတ်တုတ်မှိတ်တုတ် သို့မဟုတ် နေ့ခင်း လင်းနေပါက ဤနေရာတွင် အကြောင်းကြားပါ",
        "ភ្លើងផ្លូវរលត់ ភ្លឹបភ្លែត ឬបើកពេលថ្ងៃ រាយការណ៍នៅទីនេះ",
        "ໄຟທາງດັບ, ກະພິບ ຫຼື ເປີດຄ້າງຕອນກາງເວັນ ແຈ້ງໄດ້ທີ່ນີ້",
    ),
}


def thai_pages(site):
    root = site.root_page
    found = {"home": root}
    for page in Page.objects.descendant_of(root).filter(locale=root.locale, slug__in=PAGES).order_by("depth"):
        found.setdefault(page.slug, page)
    return [found[slug].specific for slug in PAGES if slug in found]


def translate(page, locales):
    """The page's translations into `locales`, every known string filled in, published."""
    source, _created = TranslationSource.update_or_create_from_instance(page)
    segments = StringSegment.objects.filter(source=source).select_related("string", "context")
    for index, locale in enumerate(locales):
        translation, _created = Translation.objects.get_or_create(
            source=source, target_locale=locale, defaults={"enabled": True}
        )
        for segment in segments:
            words = WORDS.get(segment.string.data)
            if words is None:
                continue
            StringTranslation.objects.update_or_create(
                translation_of=segment.string,
                locale=locale,
                context=segment.context,
                defaults={"data": words[index]},
            )
        translation.save_target(publish=True)
    return source


def recount_children(locales):
    """Set each translated page's child count from the tree itself. wagtail-localize publishes
    a translation after the commit (`transaction.on_commit(revision.publish)`) from the page
    object it built, with the child count of that moment: in one transaction a parent's
    publish then writes back 0 over the children added since, and Wagtail routes through that
    count (/my/services/garbage-fee/ answered 404 with the page there and live). Editors
    translating page by page in the admin commit each page on its own and never meet this."""
    for page in Page.objects.filter(locale__in=locales):
        children = Page.objects.filter(path__startswith=page.path, depth=page.depth + 1).count()
        if children != page.numchild:
            Page.objects.filter(pk=page.pk).update(numchild=children)


def load(site, out):
    locales = [Locale.objects.get(language_code=code) for code in LANGUAGES]
    with transaction.atomic():
        pages = thai_pages(site)
        for page in pages:
            translate(page, locales)
        # After those publishes: callbacks run in the order they were registered.
        transaction.on_commit(lambda: recount_children(locales))
    out.write(f"  languages: {len(pages)} pages in {', '.join(LANGUAGES)}\n")
