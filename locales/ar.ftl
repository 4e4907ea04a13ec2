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

## JSON API errors
api-bad-paging = طلب ترقيم غير صالح: يجب أن تكون page وper_page أعداداً صحيحة موجبة (per_page حتى 100).
api-not-found = لا يوجد شيء بهذا العنوان.

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
