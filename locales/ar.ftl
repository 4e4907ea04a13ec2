# Sahifa — Arabic catalogue (primary locale).
# Plain strings only: no bidi isolation characters in the text.
# Every key here must also exist in en.ftl.

## Site chrome

site-default-tagline = أخبار وتحليلات على مدار الساعة
nav-home = الرئيسية
main-menu = القائمة الرئيسية
skip-to-content = انتقل إلى المحتوى
search = بحث
search-placeholder = ابحث في الموقع
search-submit = ابحث
rss-feed = خلاصة RSS
opens-new-window = يفتح في نافذة جديدة
footer-rights = © { $year } { $site }. جميع الحقوق محفوظة.
footer-rights-noyear = © { $site }. جميع الحقوق محفوظة.
back-to-top = زر الذهاب إلى الأعلى
back-home = العودة إلى الصفحة الرئيسية

## Home page

latest-news = آخر الأخبار
lead-story = الخبر الرئيسي
read-more = اقرأ المزيد
more-in-category = المزيد من { $name }

## Article page

by-author = بقلم
in-category = في
published-on = نُشر في
updated-on = آخر تحديث
hijri-label = الموافق
# $count: the raw number (plural selection); $minutes: the same number already formatted for display.
reading-time =
    { $count ->
        [zero] أقل من دقيقة للقراءة
        [one] دقيقة واحدة للقراءة
        [two] دقيقتان للقراءة
        [few] { $minutes } دقائق للقراءة
        [many] { $minutes } دقيقة للقراءة
       *[other] { $minutes } دقيقة للقراءة
    }
image-caption = تعليق الصورة
source-credit = المصدر: { $source }
preview-banner = معاينة: هذه الصفحة ليست منشورة، ولا يراها القرّاء.
embed-provider-youtube = يوتيوب
embed-provider-x = إكس (تويتر سابقاً)
embed-provider-telegram = تلغرام
embed-provider-instagram = إنستغرام
embed-provider-facebook = فيسبوك
embed-provider-soundcloud = ساوند كلاود
embed-load = اضغط لعرض المحتوى من { $provider }
embed-privacy = لا يُحمَّل شيء من { $provider } قبل أن تضغط، وعندها تسري سياسة الخصوصية الخاصة به.
embed-frame-title = محتوى مضمَّن من { $provider }
tags = الوسوم
share-article = شارك المقال
share-telegram = تلغرام
share-whatsapp = واتساب
share-x = إكس
share-facebook = فيسبوك
share-copy = نسخ الرابط
share-copied = تم نسخ الرابط
follow-telegram = تابع { $site } على التلغرام
related-articles = مقالات ذات صلة
comments = التعليقات

## Archives

category-archive = قسم { $name }
tag-archive = وسم: { $name }
date-archive = أرشيف { $name }
author-archive = مقالات { $name }
no-articles = لا توجد مقالات هنا بعد.

## Pagination

pagination = التنقل بين الصفحات
page-prev = الصفحة السابقة
page-next = الصفحة التالية
page-n = الصفحة { $n }
page-of = الصفحة { $current } من { $total }

## Errors

error-400-title = طلب غير صالح
error-400-message = تعذّر فهم الطلب. تحقّق من الرابط وحاول مرة أخرى.
error-403-title = الدخول غير مسموح
error-403-message = لا تملك صلاحية الوصول إلى هذه الصفحة.
error-404-title = الصفحة غير موجودة
error-404-message = عذراً، لم نعثر على الصفحة التي تبحث عنها. ربما نُقلت أو حُذفت.
error-405-title = طريقة الطلب غير مسموح بها
error-405-message = لا تقبل هذه الصفحة هذا النوع من الطلبات.
error-500-title = خطأ في الخادم
error-500-message = حدث خطأ غير متوقع من جهتنا. يرجى المحاولة مرة أخرى بعد قليل.
error-409-title = تعارض في الحفظ
error-422-title = بيانات غير صالحة
error-429-title = محاولات كثيرة
error-429-message = أرسلت طلبات كثيرة في وقت قصير. انتظر قليلاً ثم حاول مرة أخرى.
error-conflict = تعارض هذا الطلب مع تغيير آخر حُفظ للتو. حدّث الصفحة وحاول مرة أخرى.
error-unknown-reference = يشير هذا الحقل إلى عنصر غير موجود.
admin-error-edited-meanwhile = عدّل شخص آخر هذا المقال بعد أن فتحته. لم يُحفظ تعديلك حتى لا يُمحى تعديله؛ افتح المقال من جديد ثم أعد تعديلك.
admin-error-article-slug-taken = هذا الرابط المختصر مستخدم لمقال آخر.
admin-error-slug-needed = لا يصلح العنوان رابطاً مختصراً؛ اكتب رابطاً مختصراً بحروف أو أرقام.
admin-error-tag-invalid = وسم لا يحوي حروفاً أو أرقاماً؛ احذفه أو أعد كتابته.

## JSON API errors
api-bad-paging = طلب ترقيم غير صالح: يجب أن تكون page وper_page أعداداً صحيحة موجبة (per_page حتى 100).
api-not-found = لا يوجد شيء بهذا العنوان.
api-search-unavailable = البحث غير متاح الآن. حاول مرة أخرى بعد قليل.

## Distribution

telegram-read-more = اقرأ المزيد
feed-rss = خلاصة RSS
feed-atom = خلاصة Atom
feed-json = خلاصة JSON
feed-archive-title = { $site }: { $name }
feed-description = آخر الأخبار من { $site }
admin-telegram-title = النشر في قناة تلغرام
admin-telegram-settings = الإعدادات
admin-telegram-enabled = تفعيل النشر التلقائي في القناة
admin-telegram-token = رمز البوت
admin-telegram-token-current = الرمز المحفوظ: { $masked }
admin-telegram-token-none = لم يُحفظ رمز بعد.
admin-telegram-token-help = اتركه فارغاً للإبقاء على الرمز الحالي. لا يُعرض الرمز كاملاً بعد حفظه.
admin-telegram-token-clear = حذف الرمز المحفوظ
admin-telegram-channel = القناة (‎@name‎ أو المعرّف الرقمي)
admin-telegram-template = قالب الرسالة
admin-telegram-template-help = المتغيرات: {"{title}"} العنوان، {"{lead}"} المقدمة، {"{link}"} الرابط المختصر، {"{site}"} اسم الموقع، {"{category}"} القسم. يُسمح بوسوم HTML التي يقبلها تلغرام.
admin-telegram-excluded = أقسام لا تُنشر في القناة
admin-telegram-edit-updates = تعديل رسالة القناة عند تعديل مقال منشور
admin-telegram-from-env = محدَّد من متغيرات البيئة على الخادم
admin-telegram-api-base = عنوان واجهة البوت: { $url }
admin-telegram-save = حفظ الإعدادات
admin-telegram-saved = حُفظت الإعدادات.
admin-telegram-invalid-token = رمز البوت غير صالح.
admin-telegram-invalid-channel = اسم القناة غير صالح: استخدم ‎@name‎ أو معرّفاً رقمياً.
admin-telegram-deliveries = سجل الإرسال
admin-telegram-col-article = المقال
admin-telegram-col-kind = النوع
admin-telegram-col-status = الحالة
admin-telegram-col-attempts = المحاولات
admin-telegram-col-updated = آخر تحديث
admin-telegram-col-error = السبب
admin-telegram-kind-post = نشر
admin-telegram-kind-edit = تعديل
admin-telegram-status-pending = بانتظار الإرسال
admin-telegram-status-sending = قيد الإرسال
admin-telegram-status-sent = أُرسل
admin-telegram-status-failed = فشل
admin-telegram-status-skipped = تُخطّي
admin-telegram-retry = إعادة المحاولة
admin-telegram-retried = أُعيدت المهمة إلى قائمة الإرسال.
admin-telegram-no-deliveries = لا توجد عمليات إرسال بعد.
admin-telegram-deleted-article = (مقال محذوف)
admin-telegram-forbidden = لا تملك صلاحية تغيير إعدادات تلغرام.

## Newsroom admin
admin-brand = غرفة الأخبار
admin-logout = تسجيل الخروج
admin-view-site = عرض الموقع
admin-nav-label = قائمة الإدارة
admin-nav-dashboard = الرئيسية
admin-nav-articles = المقالات
admin-nav-new-article = مقال جديد
admin-nav-media = الوسائط
admin-nav-categories = الأقسام
admin-nav-tags = الوسوم
admin-nav-users = المستخدمون
admin-nav-settings = الإعدادات
admin-nav-audit = سجل العمليات
admin-nav-tokens = مفاتيح الواجهة البرمجية
role-administrator = مدير
role-editor = محرر
role-author = كاتب
role-contributor = مساهم
admin-login-title = تسجيل الدخول
admin-field-email = البريد الإلكتروني
admin-field-password = كلمة المرور
admin-login-submit = دخول
admin-login-failed = البريد الإلكتروني أو كلمة المرور غير صحيحة.
admin-login-throttled = محاولات دخول خاطئة كثيرة. يرجى الانتظار { $minutes } دقيقة ثم المحاولة مجدداً.
admin-status-draft = مسودة
admin-status-pending = بانتظار المراجعة
admin-status-scheduled = مجدول
admin-status-published = منشور
admin-latest-published = آخر المنشور
admin-field-title = العنوان
admin-field-status = الحالة
admin-field-category = القسم
admin-field-owner = صاحب المقال
admin-field-updated = آخر تعديل
admin-field-author = الكاتب
admin-field-lead = المقدمة
admin-field-dateline = مكان الخبر ومصدره (الديباجة)
admin-field-source = الوكالة أو المصدر
admin-field-body = نص المقال
admin-field-tags = الوسوم
admin-field-image = الصورة البارزة
admin-field-slug = الرابط المختصر
admin-field-publish-at = موعد النشر
admin-field-publish-time = ساعة النشر
admin-field-when = التاريخ
admin-field-who = بواسطة
admin-field-name = الاسم
admin-field-role = الدور
admin-field-active = الحساب مفعّل
admin-field-alt = النص البديل
editor-toolbar = أدوات التنسيق
editor-paragraph = فقرة
editor-h2 = عنوان فرعي
editor-h3 = عنوان أصغر
editor-h4 = عنوان ثالث
editor-bold = عريض
editor-italic = مائل
editor-link = رابط
editor-ul = قائمة نقطية
editor-ol = قائمة مرقمة
editor-quote = اقتباس
editor-pullquote = اقتباس بارز
editor-image = صورة
editor-embed = تضمين (يوتيوب، إكس، تلغرام…)
editor-table = جدول
editor-hr = فاصل
editor-undo = تراجع
editor-redo = إعادة
editor-source = عرض HTML
editor-link-url = عنوان الرابط
editor-insert = أدرج
editor-cancel = ألغِ
editor-remove-link = أزل الرابط
editor-embed-url = رابط المنشور أو الفيديو
editor-embed-hint = يوتيوب، إكس (تويتر)، تلغرام، إنستغرام، فيديو فيسبوك، ساوند كلاود.
editor-embed-unknown = هذا الرابط ليس لمزوّد معروف، فأُدرج رابطاً عادياً.
editor-upload = ارفع صورة من جهازك
editor-upload-hint = أو اسحب الصورة وأفلتها في المتن، أو الصقها فيه.
editor-library = أو اختر من مكتبة الوسائط
editor-library-empty = لا صور في المكتبة بعد.
editor-alt = وصف الصورة لمن لا يراها
editor-caption = التعليق
editor-credit = المصدر (حقوق الصورة)
editor-uploading = جارٍ رفع الصورة…
editor-upload-failed = تعذّر رفع الصورة: { $reason }
editor-paste-failed = تعذّر تنظيف النص الملصق، فأُلصق نصاً مجرداً.
editor-unsaved = لديك تعديلات لم تُحفظ.
editor-autosave-failed = تعذّر الحفظ التلقائي؛ سيُعاد المحاولة.
editor-table-header = عنوان
editor-schedule-at = سيُنشر المقال عند الجدولة: { $when }
editor-schedule-none = اختر يوماً وساعة لجدولة النشر.
editor-image-edit = عدّل الصورة
admin-field-caption = التعليق
admin-lock-held = يحرر { $name } هذا المقال الآن. إن حفظت تعديلاتك فوق تعديلاته فقد تضيع إحداها.
admin-lock-take-over = تولَّ التحرير
admin-autosave-offer = لديك نسخة محفوظة تلقائياً من { $when } أحدث من المقال المحفوظ.
admin-autosave-restore = استعد النسخة
admin-autosave-discard = احذف النسخة
admin-schedule-legend = موعد النشر
admin-publish-now = انشر الآن
admin-schedule = جدولة
admin-save-draft = حفظ كمسودة
admin-update-published = حدّث المنشور
admin-unpublish = اسحب من الموقع
admin-opens-new-tab = (يُفتح في لسان جديد)
admin-preview-link = رابط معاينة خاص لمن لا حساب له، صالح حتى { $until }:
admin-preview-link-label = رابط المعاينة الخاص
admin-field-credit = المصدر (حقوق الصورة)
admin-credit-placeholder = مثلاً: رويترز
admin-media-url = رابط الصورة:
admin-error-credit-too-long = المصدر أطول من ٢٠٠ حرف.
admin-autosaved-at = حُفظت مسودتك تلقائياً الساعة { $time }
admin-lock-taken = تولّى { $name } تحرير هذا المقال؛ توقّف الحفظ التلقائي لديك، وما تحفظه الآن قد يُرفض إن عدّل بعدك.
admin-field-description = الوصف
admin-field-parent = القسم الأب
admin-field-position = الترتيب
admin-view = عرض
admin-dashboard-title = لوحة التحكم
admin-pending-comments = تعليقات بانتظار المراجعة
admin-none = لا شيء هنا بعد.
admin-articles-title = المقالات
admin-all = الكل
admin-search-title = البحث في العناوين
admin-filter = تصفية
admin-edit-article-title = تحرير مقال
admin-new-article-title = مقال جديد
admin-revisions-title = المراجعات
admin-error-fix-below = لم يُحفظ المقال. صحّح الحقول المشار إليها أدناه.
admin-dateline-placeholder = مثال: طهران - ميدل ايست نيوز
admin-source-placeholder = مثال: وكالة إرنا
admin-markdown-hint = يُكتب النص بصيغة Markdown: سطر فارغ بين الفقرات، و## لعنوان فرعي، و> للاقتباس.
admin-body-html-hint = يُكتب المتن هنا بصيغة HTML: وسوم للفقرات والعناوين الفرعية والروابط. النص بلا وسوم يصير فقرات يفصلها سطر فارغ، ورابط يوتيوب أو إكس أو تلغرام وحده في سطر يصير تضميناً. ما سوى ذلك يُحذف عند الحفظ.
admin-preview = معاينة
admin-tags-hint = افصل بين الوسوم بفاصلة؛ يُنشأ الوسم الجديد تلقائياً.
admin-no-image = بلا صورة
admin-upload-link = رفع صورة جديدة
admin-slug-hint = يُترك فارغاً ليُشتق من العنوان. عند تغييره يُحوَّل الرابط القديم إلى الجديد.
admin-timezone-hint = بتوقيت الموقع. مطلوب للمقالات المجدولة.
admin-save = حفظ
admin-submit-review = إرسال للمراجعة
admin-delete = حذف
admin-diff-old = الأقدم
admin-diff-new = الأحدث
admin-restore = استعادة
admin-compare = مقارنة المراجعتين
admin-diff-title = الفرق بين مراجعتين
admin-revision-number = الرقم
admin-revision-n = المراجعة { $n }
admin-diff-legend = في النص أدناه:
admin-diff-deleted = محذوف
admin-diff-inserted = مضاف
admin-unchanged = (بلا تغيير)
admin-profile-title = حسابي
admin-sessions = الجلسات المفتوحة
admin-last-seen = آخر نشاط
admin-browser = المتصفح
admin-this-session = هذه الجلسة
admin-logout-others = تسجيل الخروج من الجلسات الأخرى
admin-notice-saved = حُفظت التغييرات.
admin-notice-deleted = تم الحذف.
admin-notice-published = نُشر المقال.
admin-notice-submitted = أُرسل المقال للمراجعة.
admin-notice-restored = استُعيدت المراجعة.
admin-notice-logged-out-others = أُغلقت الجلسات الأخرى.
admin-notice-created = تم الإنشاء.
admin-notice-revoked = أُلغي المفتاح.
admin-notice-uploaded = رُفعت الصورة.
admin-notice-password-changed = تغيّرت كلمة المرور.
admin-error-title-required = العنوان مطلوب.
admin-error-title-too-long = العنوان أطول من ٣٠٠ حرف.
admin-error-slug-invalid = لا يصلح هذا النص رابطاً: استخدم حروفاً أو أرقاماً.
admin-error-date-invalid = التاريخ أو الساعة غير صالحين.
admin-error-schedule-needs-date = حدّد موعد النشر للمقال المجدول.
admin-error-schedule-in-past = موعد النشر المجدول يجب أن يكون في المستقبل.
admin-error-unknown-category = القسم المختار غير موجود.
admin-error-unknown-author = الكاتب المختار غير موجود.
admin-error-unknown-media = الصورة المختارة غير موجودة.
password-too-short = كلمة المرور قصيرة: عشرة أحرف على الأقل.
password-too-long = كلمة المرور طويلة جداً.
admin-error-not-saved = تعذّر حفظ المقال بهذه البيانات.
api-forbidden = لا تملك صلاحية تنفيذ هذه العملية.
api-unauthorized = مطلوب مفتاح واجهة برمجية صالح في ترويسة Authorization: Bearer.
api-bad-request = الطلب غير صالح.
api-bad-json = نص JSON في الطلب غير صالح أو يحوي حقولاً غير معروفة.
api-body-two-formats = أرسل متن المقال مرة واحدة: إما body (ماركداون) وإما body_html (HTML)، لا الاثنين معاً.

## Search
search-title = البحث
search-filters = تصفية النتائج
search-category = القسم
search-all-categories = كل الأقسام
search-from = من تاريخ
search-to = إلى تاريخ
search-sort = الترتيب
search-sort-relevance = الأكثر صلة
search-sort-newest = الأحدث
search-apply = تطبيق
search-no-query = اكتب كلمة أو أكثر للبحث في مقالات الموقع.
search-phrase-hint = ضع العبارة بين علامتي تنصيص للبحث عنها كما هي، مثل: "أسعار النفط".
search-no-results = لم نعثر على نتائج لـ«{ $q }».
search-no-results-hint = جرّب كلمة أخرى أو كلمات أقل، أو وسّع نطاق التاريخ، أو اختر كل الأقسام.
search-partial-note = لا نتائج تطابق كل الكلمات؛ هذه أقرب النتائج.
search-did-you-mean = هل تقصد
search-did-you-mean-end = ؟
search-unavailable = البحث غير متاح الآن. يرجى المحاولة بعد قليل.
# $count: the raw number (plural selection); $total: the same number formatted for display.
search-results-count =
    { $count ->
        [one] نتيجة واحدة
        [two] نتيجتان
        [few] { $total } نتائج
        [many] { $total } نتيجة
       *[other] { $total } نتيجة
    }

## Newsroom admin pages
admin-create = إنشاء
admin-rename = إعادة تسمية
admin-revoke = إلغاء
admin-never = أبداً
admin-you = أنت
admin-field-created = تاريخ الإنشاء
admin-field-byline = التوقيع (الكاتب)
admin-articles-count = المقالات
admin-error-not-saved-fix = لم يُحفظ شيء. صحّح الحقول المشار إليها أدناه.
admin-error-name-required = الاسم مطلوب.
admin-error-name-too-long = الاسم أطول من ١٠٠ حرف.
admin-error-description-too-long = الوصف أطول من ٥٠٠ حرف.
admin-error-position-invalid = الترتيب يجب أن يكون عدداً صحيحاً.
admin-error-slug-taken = هذا الرابط المختصر مستخدم لقسم آخر.
admin-error-parent-cycle = لا يمكن أن يكون القسم أباً لنفسه أو لأحد أقسامه الفرعية.
admin-error-confirm-delete = أكّد أنك تفهم ما سيحدث بتحديد المربع قبل الحذف.
admin-error-tag-taken = يوجد وسم آخر بهذا الاسم أو الرابط المختصر.
admin-categories-title = الأقسام
admin-edit-category-title = تحرير قسم
admin-new-category = قسم جديد
admin-back-to-categories = العودة إلى الأقسام
admin-category-tree = شجرة الأقسام
admin-category-top-level = (قسم رئيسي)
admin-category-slug-hint = يُترك فارغاً ليُشتق من الاسم. عند تغييره يُحوَّل الرابط القديم إلى الجديد.
admin-category-position-hint = الأصغر يظهر أولاً بين الأقسام الشقيقة.
admin-delete-category = حذف القسم
admin-category-delete-warning =
    { $count ->
        [0] لا توجد مقالات في هذا القسم.
        [one] عند الحذف يصبح المقال الوحيد في هذا القسم بلا قسم.
        [two] عند الحذف يصبح المقالان في هذا القسم بلا قسم.
        [few] عند الحذف تصبح { $articles } مقالات في هذا القسم بلا قسم.
       *[other] عند الحذف يصبح { $articles } مقالاً في هذا القسم بلا قسم.
    }
admin-category-delete-children = وتنتقل أقسامه الفرعية إلى القسم الأعلى منه.
admin-category-delete-confirm = أفهم ذلك وأريد حذف القسم.
admin-tags-title = الوسوم
admin-tags-page-hint = تغيير اسم الوسم يغيّر رابطه، ويبقى الرابط القديم يحوّل إلى الجديد. حذف الوسم يزيله من مقالاته دون حذفها.
admin-tag-articles =
    { $count ->
        [0] لا مقالات
        [one] مقال واحد
        [two] مقالان
        [few] { $articles } مقالات
       *[other] { $articles } مقالاً
    }
admin-delete-tag-named = حذف الوسم «{ $name }»
admin-users-title = المستخدمون
admin-new-user-title = مستخدم جديد
admin-edit-user-title = تحرير مستخدم
admin-back-to-users = العودة إلى المستخدمين
admin-user-active = مفعّل
admin-user-disabled = معطّل
admin-email-fixed-hint = البريد الإلكتروني هو اسم الدخول ولا يتغيّر من هنا.
admin-roles-hint = المدير: كل شيء. المحرر: كل المقالات والنشر والأقسام. الكاتب: مقالاته وينشرها. المساهم: مسودات يرسلها للمراجعة.
admin-byline-none = بلا توقيع
admin-byline-new = توقيع جديد باسم الحساب
admin-active-hint = الحساب المعطّل لا يستطيع الدخول، وتنتهي جلساته فوراً.
admin-password-hint = { $min } أحرف على الأقل.
admin-reset-password = تعيين كلمة مرور جديدة
admin-new-password = كلمة المرور الجديدة
admin-reset-password-hint = { $min } أحرف على الأقل. تنتهي كل جلسات الحساب المفتوحة.
admin-delete-user = حذف الحساب
admin-delete-user-warning = يُحذف الحساب وجلساته ومفاتيحه، وتبقى مقالاته منشورة بلا صاحب.
admin-error-email-invalid = البريد الإلكتروني غير صالح.
admin-error-email-taken = يوجد حساب بهذا البريد الإلكتروني.
admin-error-role-invalid = اختر دوراً من القائمة.
admin-error-last-admin = هذا آخر مدير مفعّل: لا يمكن تغيير دوره أو تعطيله أو حذفه قبل تعيين مدير آخر.
admin-error-disable-self = لا يمكنك تعطيل حسابك بنفسك.
admin-error-delete-self = لا يمكنك حذف حسابك بنفسك.
admin-settings-title = إعدادات الموقع
admin-settings-site = الموقع
admin-settings-regional = اللغة والوقت والأرقام
admin-settings-telegram = تلغرام
admin-settings-comments = التعليقات
admin-settings-comments-placeholder = الإشراف على التعليقات وقوائم الكلمات والإغلاق التلقائي في صفحة إعدادات التعليقات.
admin-settings-comments-open = فتح إعدادات التعليقات
admin-field-site-name = اسم الموقع
admin-field-tagline = الشعار
admin-field-locale = لغة الواجهة
admin-locale-ar = العربية
admin-locale-en = الإنجليزية
admin-field-time-zone = المنطقة الزمنية
admin-time-zone-hint = تُعرض المواعيد وتُجدول بتوقيت هذه المنطقة.
admin-time-zone-region = الشرق الأوسط وشمال أفريقيا
admin-time-zone-all = كل المناطق
admin-field-digit-style = شكل الأرقام
admin-digits-western = غربية (0123)
admin-digits-arabic-indic = هندية عربية (٠١٢٣)
admin-field-telegram-channel = قناة تلغرام
admin-telegram-channel-hint = اسم القناة مسبوقاً بـ@ أو رقم المحادثة، ويُترك فارغاً إن لم توجد قناة.
admin-error-tagline-too-long = الشعار أطول من ٢٠٠ حرف.
admin-error-locale-invalid = اختر العربية أو الإنجليزية.
admin-error-time-zone-invalid = منطقة زمنية غير معروفة. اختر منطقة من القائمة.
admin-error-digit-style-invalid = اختر شكل الأرقام من القائمة.
admin-error-telegram-channel-invalid = اكتب اسم القناة مسبوقاً بـ@ (من ٥ إلى ٣٢ حرفاً لاتينياً أو رقماً أو _) أو رقم المحادثة.
admin-tokens-title = مفاتيح الواجهة البرمجية
admin-tokens-hint = مفتاح شخصي يتيح لوكالة أو تطبيق النشر باسمك وبصلاحياتك عبر الواجهة البرمجية. أرسله في ترويسة Authorization: Bearer.
admin-new-token = مفتاح جديد
admin-token-name = الغرض من المفتاح
admin-token-name-placeholder = مثال: وكالة الأنباء
admin-create-token = إنشاء المفتاح
admin-token-created = أُنشئ المفتاح
admin-token-shown-once = انسخ المفتاح الآن واحفظه في مكان آمن: لن يظهر مرة أخرى.
admin-my-tokens = مفاتيحي
admin-all-tokens = كل المفاتيح
admin-token-prefix = بدايته
admin-token-last-used = آخر استخدام
admin-token-revoked-on = أُلغي في { $date }
admin-audit-title = سجل العمليات
admin-audit-action = العملية
admin-audit-object = على
admin-audit-detail = التفاصيل
admin-audit-system = النظام
admin-audit-action-created = إنشاء
admin-audit-action-updated = تعديل
admin-audit-action-published = نشر
admin-audit-action-unpublished = إلغاء نشر
admin-audit-action-scheduled = جدولة
admin-audit-action-deleted = حذف
admin-audit-action-restored = استعادة مراجعة
admin-audit-action-body-converted = تحويل المتن إلى الصيغة الجديدة
admin-audit-action-breaking-set = وسم «عاجل»
admin-audit-action-breaking-cleared = إلغاء «عاجل»
admin-audit-action-breaking-expired = انتهاء «عاجل»
admin-audit-action-front-page-changed = تغيير الصفحة الأولى
admin-audit-action-renamed = إعادة تسمية
admin-audit-action-role-changed = تغيير الدور
admin-audit-action-enabled = تفعيل
admin-audit-action-disabled = تعطيل
admin-audit-action-password-changed = تغيير كلمة المرور
admin-audit-action-password-reset = تعيين كلمة مرور
admin-audit-action-settings-changed = تغيير الإعدادات
admin-audit-kind-article = مقال
admin-audit-kind-category = قسم
admin-audit-kind-tag = وسم
admin-audit-kind-user = مستخدم
admin-audit-kind-token = مفتاح
admin-audit-kind-media = صورة
admin-audit-kind-front-page = الصفحة الأولى
admin-audit-kind-settings = الإعدادات
admin-audit-kind-comment = تعليق
admin-audit-action-replied = ردّ على تعليق
admin-audit-action-moderated = مراجعة تعليقات
admin-audit-action-blocked = حظر معلّق
admin-audit-action-exported = تصدير
admin-audit-action-erased = محو
admin-audit-action-comments-opened = فتح التعليقات
admin-audit-action-comments-closed = إغلاق التعليقات
admin-audit-action-uploaded = رفع
admin-audit-kind-comments = إعدادات التعليقات
admin-media-title = الوسائط
admin-upload-image = رفع صورة
admin-field-file = الملف
admin-upload = رفع
admin-upload-hint = JPEG أو PNG أو WebP، حتى { $max_mb } ميغابايت. تُزال بيانات EXIF والموقع الجغرافي، وتُنشأ نسخ بمقاسات مختلفة للشاشات.
admin-alt-hint = وصف قصير للصورة لمن لا يراها، يقرؤه قارئ الشاشة.
admin-error-alt-too-long = النص البديل أطول من ٣٠٠ حرف.
admin-error-caption-too-long = التعليق أطول من ١٠٠٠ حرف.
admin-media-kb = { $kb } ك.ب
admin-media-variants =
    { $count ->
        [0] بلا نسخ إضافية
        [one] نسخة واحدة
        [two] نسختان
        [few] { $variants } نسخ
       *[other] { $variants } نسخة
    }
admin-media-used-by =
    { $count ->
        [one] مستخدمة في مقال واحد
        [two] مستخدمة في مقالين
        [few] مستخدمة في { $articles } مقالات
       *[other] مستخدمة في { $articles } مقالاً
    }
admin-media-unused = غير مستخدمة
admin-media-in-use = لا يمكن حذف هذه الصورة لأنها الصورة البارزة لهذه المقالات. اختر لها صورة أخرى أولاً:
media-error-empty = لم يُرسل أي ملف، أو الملف فارغ.
media-error-too-large = الملف أكبر من الحد المسموح ({ $max_mb } ميغابايت).
media-error-unsupported-type = هذا الملف ليس صورة JPEG أو PNG أو WebP، مهما كان امتداد اسمه.
media-error-corrupt = الصورة تالفة أو ناقصة ولا يمكن قراءتها.
media-error-too-many-pixels = أبعاد الصورة { $width }×{ $height } تتجاوز الحد المسموح ({ $max_megapixels } ميغابكسل).
media-error-side-too-long = أبعاد الصورة { $width }×{ $height }: أحد ضلعيها أطول من { $max_side } بكسل.
media-error-unsupported-feature = تستخدم الصورة صيغة داخلية غير مدعومة. احفظها من جديد بصيغة JPEG أو PNG وأعد رفعها.
media-error-internal = تعذّرت معالجة الصورة بسبب خطأ في الخادم. حاول مجدداً بعد قليل.

## Comments
comment-count =
    { $count ->
        [one] تعليق واحد
        [two] تعليقان
        [few] { $n } تعليقات
       *[other] { $n } تعليقاً
    }
comment-held-notice = شكراً لك. تعليقك بانتظار المراجعة وسيظهر بعد موافقة المحرر.
comment-staff = من فريق التحرير
comment-reply = رد
comment-reply-to = الرد على { $name }
comment-cancel-reply = إلغاء الرد
comments-none = لا تعليقات بعد. كن أول من يعلّق.
comments-pages = صفحات التعليقات
comments-older = التعليقات السابقة
comments-newer = التعليقات التالية
comments-closed = التعليقات مغلقة على هذا المقال.
comments-back = العودة إلى المقال: { $title }
comment-leave = اترك تعليقاً
comment-step-hint = خطوة أخيرة: أجب عن السؤال ثم اضغط «أرسل التعليق».
comment-step-confirm = خطوة أخيرة: اضغط «أرسل التعليق» لتأكيد الإرسال.
comment-notes = لن يتم نشر عنوان بريدك الإلكتروني. الحقول الإلزامية مشار إليها بـ *
comment-field-comment = التعليق
comment-field-name = الاسم
comment-field-email = البريد الإلكتروني
comment-field-url = الموقع الإلكتروني
comment-honeypot = اترك هذا الحقل فارغاً
comment-captcha-label = سؤال التحقق: أكمل الفراغ
comment-captcha-hint = اكتب العدد بالأرقام أو بالكلمات.
comment-remember = احفظ اسمي وبريدي الإلكتروني وموقعي في هذا المتصفح لاستخدامها في المرة القادمة
comment-submit = أرسل التعليق
comment-error-closed = التعليقات مغلقة على هذا المقال.
comment-error-name = اكتب اسمك.
comment-error-name-long = الاسم أطول من ١٠٠ حرف.
comment-error-email = اكتب عنوان بريد إلكتروني صحيحاً.
comment-error-url = عنوان الموقع يجب أن يبدأ بـ http:// أو https://.
comment-error-body = اكتب تعليقك.
comment-error-too-long = التعليق أطول من الحد المسموح.
comment-error-captcha-wrong = الإجابة غير صحيحة. حاول مع السؤال الجديد.
comment-error-captcha-expired = انتهت مهلة السؤال. أجب عن السؤال الجديد.
comment-error-captcha-invalid = تعذّر التحقق من السؤال. أجب عن السؤال الجديد.
comment-error-captcha-used = استُخدم هذا السؤال من قبل. أجب عن السؤال الجديد.
comment-error-too-fast = أُرسل التعليق بسرعة كبيرة. تمهّل قليلاً ثم أعد الإرسال.
comment-error-flood = أنت ترسل التعليقات بسرعة كبيرة. انتظر قليلاً ثم حاول مجدداً.
comment-error-rate = أرسلت تعليقات كثيرة خلال الساعة الأخيرة. حاول لاحقاً.
comment-error-duplicate = يبدو أنك أرسلت هذا التعليق من قبل.
admin-nav-comments = التعليقات
admin-comments-title = التعليقات
admin-comments-tab-pending = بانتظار المراجعة
admin-comments-tab-approved = منشورة
admin-comments-tab-spam = مزعجة
admin-comments-tab-trash = المحذوفات
admin-comments-bulk = إجراء على المحدد
admin-comments-approve = موافقة
admin-comments-unapprove = إعادة إلى المراجعة
admin-comments-spam = مزعج
admin-comments-trash = إلى المحذوفات
admin-comments-delete = حذف نهائي
admin-comments-apply = تطبيق
admin-comments-select = تحديد التعليق
admin-comments-author = الكاتب
admin-comments-comment = التعليق
admin-comments-article = المقال
admin-comments-date = التاريخ
admin-comments-reason = السبب
admin-comments-edit = تحرير
admin-comments-edit-title = تحرير تعليق
admin-comments-save = حفظ
admin-comments-reply = رد باسم فريق التحرير
admin-comments-reply-submit = أرسل الرد
admin-comments-block-email = حظر البريد
admin-comments-block-ip = حظر العنوان
admin-comments-none = لا تعليقات هنا.
admin-comments-staff = فريق التحرير
admin-comments-close-article = إغلاق التعليقات على المقال
admin-comments-open-article = فتح التعليقات
admin-comments-closed-articles = مقالات أُغلقت تعليقاتها يدوياً
admin-comments-settings = إعدادات التعليقات
admin-comments-settings-title = إعدادات التعليقات
admin-comments-set-enabled = قبول التعليقات
admin-comments-set-captcha = سؤال التحقق
admin-comments-captcha-off = معطّل
admin-comments-captcha-all = للجميع
admin-comments-captcha-anonymous = للزوار غير المسجلين فقط
admin-comments-set-ops = العمليات الحسابية (+ - ×)
admin-comments-set-ttl = مدة صلاحية السؤال (ثوانٍ)
admin-comments-set-max-links = احتجاز التعليق إذا احتوى هذا العدد من الروابط أو أكثر (٠ لإيقافه)
admin-comments-set-moderation = كلمات الاحتجاز للمراجعة (كلمة أو بريد أو عنوان IP في كل سطر)
admin-comments-set-disallowed = الكلمات المحظورة: يُعد التعليق مزعجاً (كلمة أو بريد أو عنوان IP في كل سطر)
admin-comments-set-first-time = احتجاز تعليقات الكاتب حتى يُوافَق على تعليق سابق له
admin-comments-set-hold-all = احتجاز كل التعليقات للمراجعة
admin-comments-set-flood = أقل مدة بين تعليقين من العنوان أو البريد نفسه (ثوانٍ، ٠ لإيقافها)
admin-comments-set-rate = أقصى عدد تعليقات لكل عنوان IP في الساعة (٠ بلا حد)
admin-comments-set-max-length = أقصى طول للتعليق (حروف)
admin-comments-set-min-seconds = أقل مدة لإرسال النموذج (ثوانٍ)
admin-comments-set-close-days = إغلاق التعليقات بعد هذا العدد من الأيام من النشر (٠ لا تُغلق)
admin-comments-set-depth = أقصى عمق للردود
admin-comments-set-per-page = عدد التعليقات الرئيسية في الصفحة
admin-comments-set-ip-days = مدة الاحتفاظ بعناوين IP (أيام)
admin-comments-privacy = خصوصية المعلّقين
admin-comments-privacy-hint = تصدير كل تعليقات بريد إلكتروني معيّن أو محوها نهائياً.
admin-comments-privacy-email = البريد الإلكتروني للمعلّق
admin-comments-export = تصدير (JSON)
admin-comments-erase = محو البيانات
admin-notice-comments-updated = حُدّثت التعليقات.
admin-notice-blocked = أُضيف إلى قائمة الحظر.
admin-notice-erased = مُحيت بيانات المعلّق.
admin-notice-replied = نُشر الرد.
admin-notice-unpublished = سُحب المقال من الموقع وحُفظ مسودة.
admin-notice-autosave-discarded = حُذفت النسخة المحفوظة تلقائياً.
admin-notice-autosave-restored = استُعيدت النسخة المحفوظة تلقائياً في النموذج أدناه؛ احفظها لتصبح هي المقال.
admin-notice-lock-taken-over = صرت أنت من يحرر هذا المقال، وسيُبلَّغ من كان يحرره.
admin-notice-scheduled-at = جُدول المقال للنشر { $when }.

## Newsroom admin: channel
admin-nav-telegram = تلغرام

## Accounts
admin-error-current-password-wrong = كلمة المرور الحالية غير صحيحة.
admin-audit-action-revoked = إلغاء
admin-audit-action-sessions-ended = إنهاء الجلسات الأخرى

## Comments
admin-comments-error-no-ip = لم يعد عنوان IP لهذا التعليق محفوظاً، فلا يمكن حظره.

## Audit trail: categories, bylines and the Telegram outbox
admin-audit-action-retried = إعادة المحاولة
admin-audit-kind-author = كاتب
admin-audit-kind-telegram-delivery = نشر في تلغرام

## Ownership of media and bylines (issue 15)
admin-media-not-yours = رفعها زميل: يعدّلها أو يحذفها هو أو محرر.
admin-error-byline-not-yours = لا يمكنك نسبة المقال إلا إلى اسمك؛ يغيّر المحرر التوقيع.

## Login hardening (issue 15: hashing pool, throttles, login CAPTCHA)
admin-login-busy = الخادم مشغول بمحاولات دخول كثيرة الآن. حاول مرة أخرى بعد لحظات.
login-captcha-required = فشلت محاولات دخول عدة على هذا الحساب. أجب عن سؤال التحقق مع كلمة المرور.

## Bounded Markdown rendering (issue 15)
admin-error-body-too-long = نص الخبر أطول من ١ ميغابايت؛ قسّمه إلى أكثر من خبر.
admin-error-body-render-timeout = تعذّر عرض نص الخبر في الوقت المحدد لأن الخادم مشغول. لم يُحفظ شيء؛ أعد المحاولة بعد لحظات.

## The server's answer beyond its connection limit (issue 15)
server-busy = الموقع مزدحم الآن؛ أعد المحاولة بعد لحظة.

## Forgot password (issue 11, item 7)
admin-login-forgot = نسيت كلمة المرور؟
admin-forgot-title = استعادة كلمة المرور
admin-forgot-intro = اكتب البريد الإلكتروني الذي تدخل به، وسنرسل إليه رابطاً لتعيين كلمة مرور جديدة.
admin-forgot-submit = أرسل الرابط
admin-forgot-sent = إن كان هذا البريد لحساب في غرفة الأخبار فقد أُرسل إليه رابط لتعيين كلمة مرور جديدة. تفقّد بريدك.
admin-forgot-throttled = طلبات استعادة كثيرة من هذا العنوان. حاول مجدداً بعد ساعة.
admin-forgot-no-smtp = لم يُضبط إرسال البريد في هذا الموقع، فلا يمكن إرسال رابط الاستعادة. اطلب من أحد المديرين تعيين كلمة مرور جديدة لك.
admin-forgot-no-smtp-operator = ويستطيع مشغّل الخادم تعيينها بالأمر
admin-forgot-back = العودة إلى تسجيل الدخول
admin-reset-title = تعيين كلمة مرور جديدة
admin-reset-new-password = كلمة المرور الجديدة
admin-reset-confirm-password = أعد كتابة كلمة المرور
admin-reset-submit = احفظ كلمة المرور
admin-reset-mismatch = كلمتا المرور غير متطابقتين.
admin-reset-done = حُفظت كلمة المرور الجديدة، وخرجت كل الجلسات المفتوحة لهذا الحساب. يمكنك الدخول الآن.
admin-reset-invalid = هذا الرابط غير صالح: استُعمل من قبل أو انتهت مدته.
admin-reset-ask-again = اطلب رابطاً جديداً
admin-reset-mail-subject = { $site }: تعيين كلمة مرور جديدة
admin-reset-mail-body =
    مرحباً { $name }،

    طُلب تعيين كلمة مرور جديدة لحسابك في { $site }. افتح هذا الرابط خلال { $minutes } دقيقة لتعيينها:

    { $link }

    الرابط صالح لمرة واحدة. إن لم تطلب ذلك فتجاهل هذه الرسالة، وتبقى كلمة مرورك كما هي.

## Author profiles (issue 11, item 4)
admin-author-profile-title = الملف التعريفي للكاتب
admin-author-profile-public = صفحة الكاتب على الموقع
admin-author-profile-back = العودة
admin-author-profile-name = الاسم المعروض
admin-author-profile-bio = نبذة
admin-author-profile-photo = الصورة
admin-author-profile-no-photo = بلا صورة
admin-author-profile-photo-hint = تُختار الصورة من مكتبة الوسائط؛ ارفعها هناك أولًا.
admin-author-profile-link_x = حساب إكس
admin-author-profile-link_telegram = حساب تلغرام
admin-author-profile-link_facebook = حساب فيسبوك
admin-author-profile-link_website = الموقع الشخصي
admin-author-profile-links-hint = اكتب اسم الحساب أو الرابط كاملًا؛ اترك الحقل فارغًا لحذف الرابط.
admin-error-bio-too-long = النبذة أطول من ٢٠٠٠ حرف.
admin-error-photo-unknown = هذه الصورة ليست في مكتبة الوسائط.
admin-error-link-x = اكتب اسم حساب في إكس أو رابطًا يبدأ بـ https://x.com/
admin-error-link-telegram = اكتب اسم حساب في تلغرام (٥ أحرف على الأقل) أو رابطًا يبدأ بـ https://t.me/
admin-error-link-facebook = اكتب اسم صفحة في فيسبوك أو رابطًا يبدأ بـ https://www.facebook.com/
admin-error-link-website = اكتب رابطًا كاملًا يبدأ بـ https://
author-photo-alt = صورة { $name }
author-link-x = إكس
author-link-telegram = تلغرام
author-link-facebook = فيسبوك
author-link-website = الموقع الشخصي
author-link-x-label = { $name } على إكس
author-link-telegram-label = { $name } على تلغرام
author-link-facebook-label = { $name } على فيسبوك
author-link-website-label = الموقع الشخصي لـ{ $name }

## Issue 11 (E2): the admin wholly in the site's language: comment reasons, audit details
admin-comments-reason-first-comment = أول تعليق لهذا البريد
admin-comments-reason-hold-all = كل التعليقات تنتظر المراجعة
admin-comments-reason-staff = من فريق التحرير
admin-comments-reason-links = روابط كثيرة ({ $count })
admin-comments-reason-moderation-word = كلمة للمراجعة: { $word }
admin-comments-reason-disallowed = كلمة محظورة: { $word }
admin-audit-list-separator = {"، "}
admin-audit-detail-moderated = { $action }: { $ids }
admin-audit-moderation-approve = موافقة
admin-audit-moderation-unapprove = إلغاء الموافقة
admin-audit-moderation-spam = مزعج
admin-audit-moderation-trash = إلى المحذوفات
admin-audit-moderation-delete = حذف نهائي
admin-audit-detail-replied = ردّ على التعليق { $id }
admin-audit-detail-retried = { $kind } للمقال { $id }
admin-audit-delivery-post = نشر
admin-audit-delivery-edit = تعديل
admin-audit-detail-user-created = { $email } ({ $role })
admin-audit-detail-role-changed = { $email }: { $from } ← { $to }
admin-audit-detail-settings = { $fields }
admin-audit-detail-nothing-changed = لم يتغيّر شيء
admin-audit-detail-telegram = { $state }، القناة: { $channel }، { $token }
admin-audit-telegram-on = النشر في تلغرام مفعّل
admin-audit-telegram-off = النشر في تلغرام معطّل
admin-audit-telegram-no-channel = بلا قناة
admin-audit-token-kept = المفتاح كما هو
admin-audit-token-changed = مفتاح جديد
admin-audit-token-removed = حُذف المفتاح

# Telegram log: status filter and the worker's reasons (issue 11, helper E1)
admin-telegram-filter-active = المهام الجارية
admin-telegram-filter-failed = الفاشلة
admin-telegram-filter-pending = بانتظار الإرسال
admin-telegram-filter-sent = المُرسلة
admin-telegram-filter-skipped = المتخطّاة بحكم الإعدادات
admin-telegram-window = الأعداد والتصفية لأحدث ألفي مهمة.
admin-telegram-reason-off = النشر في القناة معطّل
admin-telegram-reason-edits-off = تعديل رسائل القناة معطّل
admin-telegram-reason-deleted = حُذف المقال
admin-telegram-reason-unpublished = المقال غير منشور
admin-telegram-reason-superseded = حلّ محلّه تعديل أحدث
admin-telegram-reason-no-post = لا توجد رسالة في القناة لتعديلها
admin-telegram-reason-never-posted = لم يُنشر المقال في القناة قط
admin-telegram-reason-waiting = بانتظار نشر رسالة القناة أولاً
admin-telegram-reason-not-configured = لم يُضبط رمز البوت والقناة: اضبطهما ثم أعد المحاولة
admin-telegram-reason-backdated = نُشر قبل حفظه بمدة طويلة (استيراد أو تاريخ سابق)؛ ليس خبراً للقناة
admin-telegram-reason-category = القسم «{ $name }» لا يُنشر في القناة
admin-telegram-reason-network = خطأ في الاتصال:
admin-telegram-reason-gave-up = توقّفت المحاولات (عددها { $count }):
admin-telegram-reason-telegram = ردّ تلغرام:

## Shared media storage
admin-media-store-failed = تعذّر حفظ الصورة في مخزن الوسائط، ولم يُحفظ منها شيء. لم يتغيّر شيء في المكتبة؛ حاول مجدداً بعد قليل، وإن تكرّر الخطأ فأبلغ مدير الموقع.

## Most read (issue 11, item 6)
most-read = الأكثر قراءة
most-read-day = اليوم
most-read-week = هذا الأسبوع
admin-field-views = المشاهدات
admin-views-day = اليوم: { $count }

## Static pages and menus
breadcrumb = مسار التصفح
footer-menu = روابط الموقع
page-updated-on = آخر تحديث:
admin-nav-pages = الصفحات
admin-nav-menus = القوائم
admin-pages-title = الصفحات الثابتة
admin-new-page = صفحة جديدة
admin-new-page-title = صفحة جديدة
admin-edit-page-title = تعديل الصفحة
admin-back-to-pages = العودة إلى الصفحات
admin-field-parent-page = الصفحة الأم
admin-field-edited-by = آخر من عدّلها
admin-field-page-description = الوصف
admin-page-description-hint = سطر أو سطران يظهران في نتائج محركات البحث؛ إن تُرك فارغاً أُخذ من بداية النص.
admin-field-page-body = نص الصفحة
admin-page-top-level = بلا صفحة أم
admin-page-slug-hint = يظهر في رابط الصفحة ‎/page/…‎؛ اتركه فارغاً ليُشتق من العنوان. إن غيّرته بقي الرابط القديم يحوّل إلى الجديد.
admin-delete-page = حذف الصفحة
admin-page-delete-warning = ستختفي الصفحة من الموقع، ومن القوائم التي تشير إليها.
admin-page-delete-children = { $count ->
    [one] وتنتقل الصفحة الفرعية التابعة لها إلى صفحتها الأم.
   *[other] وتنتقل صفحاتها الفرعية ({ $pages }) إلى صفحتها الأم.
}
admin-error-page-body-too-long = نص الصفحة أطول من ١ ميغابايت؛ قسّمه إلى أكثر من صفحة.
admin-error-page-body-render-timeout = تعذّر عرض نص الصفحة في الوقت المحدد لأن الخادم مشغول. لم يُحفظ شيء؛ أعد المحاولة بعد لحظات.
admin-error-page-slug-taken = هذا الرابط المختصر مستخدم لصفحة أخرى.
admin-error-unknown-page = الصفحة المختارة غير موجودة.
admin-error-page-parent-cycle = لا يمكن أن تكون الصفحة أماً لنفسها أو لإحدى صفحاتها الفرعية.
admin-menus-title = القوائم
admin-menus-intro = قائمة الرأس تظهر أعلى كل صفحة، وقائمة التذييل أسفلها. يمكن وضع عنصر تحت عنصر آخر لمستوى واحد فقط.
admin-menu-header = قائمة الرأس
admin-menu-footer = قائمة التذييل
admin-menu-header-empty = لا عناصر بعد؛ يعرض الموقع الأقسام الرئيسية في الرأس إلى أن تضيف عنصراً.
admin-menu-add = إضافة عنصر
admin-menu-field-target = يشير إلى
admin-menu-field-url = الرابط
admin-menu-url-hint = للرابط المخصص فقط: عنوان كامل يبدأ بـ https://‎ أو http://‎، أو مسار في الموقع يبدأ بـ /.
admin-menu-field-label = النص الظاهر
admin-menu-label-hint = اتركه فارغاً ليظهر اسم القسم أو الوسم أو عنوان الصفحة؛ وهو مطلوب للرابط المخصص.
admin-menu-field-parent = تحت العنصر
admin-menu-top-level = في المستوى الأول
admin-menu-no-label = بلا نص
admin-menu-kind-category = قسم
admin-menu-kind-page = صفحة
admin-menu-kind-tag = وسم
admin-menu-kind-link = رابط مخصص
admin-menu-broken = معطّل
admin-menu-broken-hint = حُذف ما يشير إليه هذا العنصر، فلم يعد يظهر للقرّاء. احذفه أو أضف عنصراً بديلاً.
admin-menu-draft-page = صفحة غير منشورة
admin-menu-has-children-hint = تحته عناصر أخرى، فيبقى في المستوى الأول.
admin-menu-move-up = إلى الأعلى
admin-menu-move-down = إلى الأسفل
admin-error-menu-target-unknown = اختر قسماً أو صفحة أو وسماً موجوداً، أو رابطاً مخصصاً.
admin-error-menu-label-too-long = النص الظاهر أطول من ١٠٠ حرف.
admin-error-menu-label-required = اكتب النص الظاهر للرابط المخصص.
admin-error-menu-link-invalid = رابط غير مقبول: اكتب عنواناً كاملاً يبدأ بـ https://‎ أو http://‎، أو مساراً في الموقع يبدأ بـ / (مثل ‎/page/من-نحن‎).
admin-error-menu-parent-unknown = العنصر المختار غير موجود في هذه القائمة.
admin-error-menu-one-level = يمكن الوضع تحت عنصر من المستوى الأول فقط.
admin-error-menu-has-children = تحت هذا العنصر عناصر أخرى، فلا يوضع تحت غيره.
admin-audit-kind-page = صفحة
admin-audit-kind-menu-item = عنصر قائمة

## Accessibility and Lighthouse: meta descriptions of pages without their own
archive-meta-description = آخر ما نشرته { $site } عن { $name }
search-meta-description = ابحث في أخبار { $site } ومقالاتها

## Forms too large to read
error-413-title = الطلب أكبر من المسموح
error-413-message = ما أُرسل أكبر مما تقبله هذه الصفحة، ولم يُحفظ منه شيء.
admin-error-form-too-large = النموذج أكبر من أن يُحفظ: نص الخبر يتجاوز الحد المسموح بكثير. اختصره أو قسّمه إلى أكثر من خبر، ثم احفظ من جديد. لم يتغيّر شيء مما حُفظ من قبل.

## Breaking news and the front page (issue 10, item 6)
breaking-news = عاجل
featured-stories = مختارات
admin-nav-front-page = الصفحة الأولى
admin-front-page-title = الصفحة الأولى
admin-front-page-intro = الأخبار العاجلة تظهر في شريط أعلى كل صفحات الموقع حتى تنتهي مدتها أو تُلغى. والخبر الرئيسي والمختارات تثبَّت في الصفحة الرئيسية مكان أحدث الأخبار.
admin-front-page-breaking = الأخبار العاجلة
admin-front-page-breaking-until = حتى { $time }
admin-front-page-breaking-clear = إلغاء
admin-front-page-breaking-clear-named = إلغاء «عاجل» عن: { $title }
admin-front-page-breaking-none = لا أخبار عاجلة الآن.
admin-front-page-breaking-new = وسم خبر بـ«عاجل»
admin-front-page-breaking-article = الخبر
admin-front-page-choose = اختر خبراً منشوراً
admin-front-page-breaking-hours = المدة
admin-front-page-hours =
    { $count ->
        [one] ساعة واحدة
        [two] ساعتان
        [few] { $n } ساعات
       *[other] { $n } ساعة
    }
admin-front-page-breaking-hint = يظهر في الشريط خمسة أخبار عاجلة على الأكثر، الأحدث أولاً. وينتهي الوسم وحده بانتهاء المدة.
admin-front-page-breaking-submit = وسم بـ«عاجل»
admin-front-page-pins = ترتيب الصفحة الرئيسية
admin-front-page-lead = الخبر الرئيسي
admin-front-page-lead-newest = أحدث خبر (تلقائياً)
admin-front-page-featured = المختارات
admin-front-page-featured-n = المختار { $n }
admin-front-page-none = بلا
admin-front-page-pins-hint = لا يُثبَّت إلا خبر منشور. وإذا أُلغي نشر خبر مثبّت غاب عن الصفحة الرئيسية حتى يُنشر من جديد.
admin-front-page-save-pins = حفظ الترتيب
admin-notice-breaking-set = وُسم الخبر بـ«عاجل».
admin-notice-breaking-cleared = أُلغي وسم «عاجل».
admin-error-breaking-not-published = لا يوسم بـ«عاجل» إلا خبر منشور.
admin-error-breaking-until-past = اختر نهاية لوسم «عاجل» بعد الآن.
admin-error-breaking-until-too-far = لا تزيد مدة وسم «عاجل» على ٤٨ ساعة.
admin-error-breaking-article-required = اختر خبراً منشوراً.
admin-error-breaking-hours-invalid = اختر مدة من القائمة.
admin-error-featured-too-many = أربعة مختارات على الأكثر.
admin-error-pins-duplicate = لا يثبَّت الخبر نفسه مرتين.
admin-error-pin-not-published = لا يُثبَّت إلا خبر منشور.
