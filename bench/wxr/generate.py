#!/usr/bin/env python3
"""A generated WordPress export (WXR 1.2) of an Arabic news site, for the import benchmark
of issue 12 (`bench/wxr/run.sh`).

    bench/wxr/generate.py --posts 100000 --comments 300000 --out target/bench-wxr/site.xml

The file is deterministic (same arguments and seed, same bytes) and written as it is
generated, one item at a time, so the generator's memory stays small whatever the size.
Its shape follows the hand-made export in crates/sahifa/tests/suite/wxr/arabic_site.rs,
which is written the way WordPress 6 writes one:

- a channel with 20 authors (`wp:author`, Latin logins, Arabic display names), a category
  hierarchy (Latin and percent-encoded Arabic slugs, Arabic names), and Arabic tags with
  percent-encoded slugs (lowercase hex, as WordPress's `utf8_uri_encode` writes them);
- N posts: Arabic titles, percent-encoded Arabic slugs (WordPress's 200-byte limit, `-2`
  and so on for a slug already taken), 3 to 6 classic-editor paragraphs separated by blank
  lines (about 1.5 to 3 KB of UTF-8 a body, some with <strong>, a link or <!--more-->),
  dates in a +03:00 site (`post_date` local, `post_date_gmt` in UTC), `<link>` in the
  `/%year%/%monthnum%/%day%/%postname%/` structure, `wp:postmeta`, some excerpts, a few
  drafts, sticky posts, closed comments and former slugs (`_wp_old_slug`);
- M comments in all, spread unevenly over the posts (3 a post on average when M = 3N):
  Arabic names and text, threaded replies (`wp:comment_parent` naming an earlier approved
  comment of the same post), pingbacks, pending and spam comments.

Only the standard library is used.
"""

import argparse
import random
import re
import sys
import urllib.parse
from datetime import datetime, timedelta, timezone

BASE = "https://news.example.com"
SITE_OFFSET = timedelta(hours=3)  # Asia/Riyadh, no daylight saving
# The newest post is published here (GMT); older ones go back from it.
NEWEST = datetime(2026, 3, 21, 9, 0, 0, tzinfo=timezone.utc)

AUTHORS = [
    ("mona", "منى", "الحربي"), ("ahmad", "أحمد", "العتيبي"), ("sara", "سارة", "القحطاني"),
    ("khalid", "خالد", "الشمري"), ("fatima", "فاطمة", "الزهراني"), ("omar", "عمر", "الدوسري"),
    ("layla", "ليلى", "المطيري"), ("yousef", "يوسف", "الغامدي"), ("huda", "هدى", "السبيعي"),
    ("ali", "علي", "الحسيني"), ("rania", "رانيا", "حداد"), ("tariq", "طارق", "النجار"),
    ("nour", "نور", "الخطيب"), ("hassan", "حسن", "البغدادي"), ("dina", "دينا", "منصور"),
    ("karim", "كريم", "عبد الله"), ("salma", "سلمى", "يعقوب"), ("majed", "ماجد", "الكعبي"),
    ("reem", "ريم", "الجابري"), ("desk", "", ""),
]

# (slug as WordPress writes it, or None for a percent-encoded Arabic one; Arabic name;
# parent's key or None; description)
CATEGORIES = [
    ("politics", "سياسة", None, "الأخبار السياسية المحلية والدولية"),
    ("gulf", "الخليج", "politics", ""),
    ("world", "العالم", "politics", ""),
    ("economy", "اقتصاد", None, "أسواق وطاقة"),
    (None, "نفط", "economy", ""),
    (None, "أسواق", "economy", ""),
    ("sports", "رياضة", None, ""),
    (None, "كرة القدم", "sports", ""),
    ("culture", "ثقافة", None, "أدب وفنون"),
    ("tech", "تقنية", None, ""),
    (None, "صحة", None, ""),
    ("opinion", "رأي", None, "مقالات الرأي"),
]

TAGS = [
    "إيران", "أوبك", "السعودية", "الإمارات", "قطر", "الكويت", "عمان", "البحرين", "العراق",
    "مصر", "الأردن", "لبنان", "سوريا", "فلسطين", "غزة", "اليمن", "ليبيا", "تونس", "الجزائر",
    "المغرب", "السودان", "تركيا", "روسيا", "الصين", "الولايات المتحدة", "أوروبا",
    "الأمم المتحدة", "مجلس الأمن", "الاتفاق النووي", "أسعار النفط", "الغاز", "التضخم",
    "البنك المركزي", "البورصة", "الذهب", "الطاقة الشمسية", "الذكاء الاصطناعي", "الانتخابات",
    "كأس العالم", "الدوري", "كرة القدم", "السينما", "الرواية", "معرض الكتاب", "التعليم",
    "الصحة", "كورونا", "التطعيم", "المناخ", "موجات الحر", "الفيضانات", "الزلازل", "السياحة",
    "القمح", "الأمن الغذائي", "اللاجئين", "حقوق الإنسان", "الشباب", "المرأة", "الإعلام",
]

SUBJECTS = [
    "وزير الخارجية", "رئيس الوزراء", "البنك المركزي", "وزارة الطاقة", "مجلس الأمن",
    "الأمين العام للأمم المتحدة", "المتحدث باسم الحكومة", "رئيس الاتحاد", "خبراء الاقتصاد",
    "المحللون", "مصادر مطلعة", "وكالة الأنباء الرسمية", "منظمة الصحة العالمية", "السلطات المحلية",
    "الهيئة العامة للإحصاء", "الاتحاد الأوروبي", "منظمة أوبك", "وزير المالية", "نقابة الصحفيين",
    "مدرب المنتخب", "إدارة النادي", "اللجنة المنظمة", "الدفاع المدني", "وزارة الصحة",
]
VERBS = [
    "أكد", "أعلن", "كشف", "نفى", "حذر من", "دعا إلى", "رحب بـ", "انتقد", "أشار إلى",
    "شدد على", "توقع", "بحث", "ناقش", "أوضح", "طالب بـ", "أعرب عن قلقه من",
]
OBJECTS = [
    "ارتفاع أسعار النفط", "التعاون الإقليمي", "الاتفاق النووي", "خطة الإصلاح الاقتصادي",
    "تراجع معدلات التضخم", "الأزمة الإنسانية", "المفاوضات الجارية", "الموازنة العامة الجديدة",
    "مشروع الطاقة الشمسية", "أمن الملاحة في الخليج", "نتائج الانتخابات", "إصلاح التعليم",
    "حملة التطعيم الوطنية", "موجة الحر الأخيرة", "أسعار القمح العالمية", "الاستثمارات الأجنبية",
    "قرار رفع أسعار الفائدة", "خطط التحول الرقمي", "اتفاقية التجارة الحرة", "المساعدات الإنسانية",
    "بطولة كأس الخليج", "معرض الكتاب الدولي", "مهرجان السينما", "مشروعات البنية التحتية",
]
PLACES = [
    "في الرياض", "في دبي", "في الدوحة", "في القاهرة", "في بغداد", "في بيروت", "في عمّان",
    "في الكويت", "في مسقط", "في المنامة", "في جنيف", "في فيينا", "في نيويورك", "في باريس",
    "في طهران", "في أنقرة", "في الجزائر", "في الرباط", "في تونس", "في الخرطوم",
]
TIMES = [
    "صباح اليوم", "مساء أمس", "خلال الأسبوع الجاري", "في وقت سابق من اليوم", "يوم الأحد الماضي",
    "خلال اجتماع مغلق", "في مؤتمر صحفي", "في بيان رسمي", "على هامش القمة", "في تصريحات متلفزة",
]
CLAUSES = [
    "وسط مخاوف من تداعيات الأزمة على الأسواق", "في ظل التطورات المتسارعة في المنطقة",
    "بعد أسابيع من المشاورات المكثفة", "مؤكداً أن المرحلة المقبلة تتطلب مزيداً من التنسيق",
    "مشيراً إلى أن الأرقام الأولية تبعث على التفاؤل", "في خطوة وصفها مراقبون بأنها غير مسبوقة",
    "رغم الضغوط الدولية المتزايدة", "بحسب ما نقلته وسائل إعلام محلية",
    "وفق بيانات نشرت في وقت متأخر من الليل", "على أن تستكمل المباحثات الشهر المقبل",
    "لافتاً إلى أن الحكومة ستعلن تفاصيل إضافية قريباً", "دون أن يقدم جدولاً زمنياً محدداً",
]
HEAD_PREFIX = ["", "", "", "", "عاجل: ", "بالفيديو: ", "تقرير: ", "تحليل: "]
COMMENTERS = [
    "أبو محمد", "سارة", "أحمد", "منيرة", "عبد الرحمن", "مواطن", "قارئ", "خالد", "نورة",
    "محمد علي", "ليلى", "فهد", "ريم", "سلطان", "هند", "زائر", "عادل", "أمل", "يوسف", "مريم",
]
COMMENT_TEXTS = [
    "خبر مهم جداً، شكراً على المتابعة.", "أتمنى أن تتحسن الأوضاع قريباً.",
    "هذا التحليل يفتقر إلى الدقة في بعض الأرقام.", "نريد تفاصيل أكثر عن هذا الموضوع.",
    "الله يحفظ بلادنا وأهلها.", "لا أتفق مع ما جاء في المقال، فالواقع مختلف تماماً.",
    "متى سيتم تطبيق هذا القرار؟", "شكراً للكاتب على هذا الطرح المتوازن.",
    "الأسعار ارتفعت كثيراً ولم يعد المواطن يحتمل.", "تغطية ممتازة كالعادة.",
    "أين دور الجهات الرقابية؟", "المشكلة أعمق من ذلك بكثير &amp; تحتاج إلى حلول جذرية.",
    "نتمنى التوفيق للمنتخب في المباراة القادمة.", "مقال رائع <b>يستحق القراءة</b>.",
]
REPLY_TEXTS = [
    "أتفق معك تماماً.", "شكراً لك، نتابع الخبر.", "كلامك صحيح لكن هناك جوانب أخرى.",
    "وأنا أتفق مع الرد.", "ليس بالضرورة، الأرقام تقول غير ذلك.", "بالضبط، هذا ما قصدته.",
]
SPAM_TEXTS = ["buy now cheap", "best casino online", "اربح المال بسرعة اضغط هنا"]

HEADER = """<?xml version="1.0" encoding="UTF-8" ?>
<!-- This is a WordPress eXtended RSS file generated by WordPress as an export of your site. -->
<!-- (Generated by Sahifa's bench/wxr/generate.py for the import benchmark.) -->
<rss version="2.0"
	xmlns:excerpt="http://wordpress.org/export/1.2/excerpt/"
	xmlns:content="http://purl.org/rss/1.0/modules/content/"
	xmlns:wfw="http://wellformedweb.org/CommentAPI/"
	xmlns:dc="http://purl.org/dc/elements/1.1/"
	xmlns:wp="http://wordpress.org/export/1.2/"
>

<channel>
	<title>صحيفة الخليج</title>
	<link>{base}</link>
	<description>أخبار الخليج والعالم</description>
	<pubDate>{pub}</pubDate>
	<language>ar</language>
	<wp:wxr_version>1.2</wp:wxr_version>
	<wp:base_site_url>{base}</wp:base_site_url>
	<wp:base_blog_url>{base}</wp:base_blog_url>

"""

_HEX = re.compile(r"%[0-9A-F]{2}")


def wp_encode(text):
    """`text` percent-encoded as WordPress stores a slug (lowercase hex)."""
    return _HEX.sub(lambda m: m.group(0).lower(), urllib.parse.quote(text, safe="-"))


def wp_slug(title, limit=200):
    """WordPress's `sanitize_title` of an Arabic title: punctuation dropped, spaces to
    hyphens, percent-encoded, cut at `limit` bytes of the encoded form on a word."""
    words = re.sub(r"[^\w\s-]", " ", title).split()
    out = ""
    for word in words:
        enc = wp_encode(word.lower())
        candidate = enc if not out else out + "-" + enc
        if len(candidate) > limit:
            break
        out = candidate
    return out or "post"


def cdata(text):
    return "<![CDATA[" + text.replace("]]>", "]]]]><![CDATA[>") + "]]>"


def rfc2822(dt):
    return dt.strftime("%a, %d %b %Y %H:%M:%S +0000")


def wpdate(dt):
    return dt.strftime("%Y-%m-%d %H:%M:%S")


def sentence(rnd):
    s = f"{rnd.choice(SUBJECTS)} {rnd.choice(VERBS)} {rnd.choice(OBJECTS)} {rnd.choice(PLACES)} {rnd.choice(TIMES)}"
    if rnd.random() < 0.6:
        s += "، " + rnd.choice(CLAUSES)
    return s + "."


def paragraph(rnd, target_bytes):
    parts = []
    size = 0
    while True:
        s = sentence(rnd)
        n = len(s.encode("utf-8")) + 1
        if parts and size + n > target_bytes:
            break
        parts.append(s)
        size += n
    text = " ".join(parts)
    r = rnd.random()
    if r < 0.15:
        obj = rnd.choice(OBJECTS)
        text = text.replace(obj, f"<strong>{obj}</strong>", 1)
    elif r < 0.25:
        obj = rnd.choice(OBJECTS)
        text += f' <a href="{BASE}/tag/{wp_encode(obj.split()[0])}/">{obj}</a>'
    return text


def body(rnd):
    count = rnd.randint(3, 6)
    total = rnd.randint(1700, 3200)
    paras = [paragraph(rnd, total // count) for _ in range(count)]
    if rnd.random() < 0.2:
        paras.insert(1, "<!--more-->")
    return "\n\n".join(paras)


def title(rnd):
    t = f"{rnd.choice(HEAD_PREFIX)}{rnd.choice(SUBJECTS)} {rnd.choice(VERBS)} {rnd.choice(OBJECTS)}"
    if rnd.random() < 0.5:
        t += " " + rnd.choice(PLACES)
    return t


def comment_counts(rnd, posts, comments):
    """`comments` spread over `posts`: every post starts with the mean, then shares are
    moved at random (some posts get none, a few many)."""
    base, extra = divmod(comments, posts)
    counts = [base + (1 if i < extra else 0) for i in range(posts)]
    for _ in range(posts):
        a = rnd.randrange(posts)
        b = rnd.randrange(posts)
        moved = min(counts[a], rnd.randint(1, 4))
        counts[a] -= moved
        counts[b] += moved
    return counts


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--posts", type=int, default=100000)
    ap.add_argument("--comments", type=int, default=None, help="default: 3 per post")
    ap.add_argument("--seed", type=int, default=12)
    ap.add_argument("--out", required=True)
    args = ap.parse_args()
    if args.posts < 1:
        sys.exit("--posts must be at least 1")
    comments = 3 * args.posts if args.comments is None else args.comments
    if comments < 0:
        sys.exit("--comments must not be negative")
    rnd = random.Random(args.seed)
    counts = comment_counts(rnd, args.posts, comments)

    out = open(args.out, "w", encoding="utf-8", newline="\n", buffering=1 << 20)
    w = out.write
    w(HEADER.format(base=BASE, pub=rfc2822(NEWEST)))

    for i, (login, first, last) in enumerate(AUTHORS):
        display = f"{first} {last}".strip() or "المحرر"
        email = f"{login}@news.example.com" if login != "desk" else ""
        w(
            f"\t<wp:author><wp:author_id>{i + 2}</wp:author_id>"
            f"<wp:author_login>{cdata(login)}</wp:author_login>"
            f"<wp:author_email>{cdata(email)}</wp:author_email>"
            f"<wp:author_display_name>{cdata(display)}</wp:author_display_name>"
            f"<wp:author_first_name>{cdata(first)}</wp:author_first_name>"
            f"<wp:author_last_name>{cdata(last)}</wp:author_last_name></wp:author>\n"
        )
    w("\n")
    cat_slugs = {}
    for slug, name, _, _ in CATEGORIES:
        cat_slugs[slug or name] = slug or wp_slug(name)
    # Children before their parents in places, as WordPress's exports sometimes have them.
    for n, (slug, name, parent, desc) in enumerate(reversed(CATEGORIES)):
        key = slug or name
        w(
            f"\t<wp:category><wp:term_id>{100 + n}</wp:term_id>"
            f"<wp:category_nicename>{cdata(cat_slugs[key])}</wp:category_nicename>"
            f"<wp:category_parent>{cdata(cat_slugs[parent] if parent else '')}</wp:category_parent>"
            f"<wp:cat_name>{cdata(name)}</wp:cat_name>"
            + (f"<wp:category_description>{cdata(desc)}</wp:category_description>" if desc else "")
            + "</wp:category>\n"
        )
    tag_slugs = [wp_slug(t) for t in TAGS]
    for n, (name, slug) in enumerate(zip(TAGS, tag_slugs)):
        w(
            f"\t<wp:tag><wp:term_id>{200 + n}</wp:term_id>"
            f"<wp:tag_slug>{cdata(slug)}</wp:tag_slug>"
            f"<wp:tag_name>{cdata(name)}</wp:tag_name></wp:tag>\n"
        )
    w("\n")

    cats = [(cat_slugs[slug or name], name, parent) for slug, name, parent, _ in CATEGORIES]
    seen_slugs = {}
    # Posts in id order, oldest first, one every ~47 minutes on average going back.
    span = timedelta(minutes=47) * args.posts
    first_gmt = NEWEST - span
    comment_id = 1
    post_id_base = 1000
    sticky_every = max(1, args.posts // 3)
    for i in range(args.posts):
        pid = post_id_base + i
        gmt = first_gmt + timedelta(seconds=int(span.total_seconds() * i / args.posts)
                                    + rnd.randint(0, 600))
        local = gmt + SITE_OFFSET
        t = title(rnd)
        base_slug = wp_slug(t)
        n = seen_slugs.get(base_slug, 0) + 1
        seen_slugs[base_slug] = n
        slug = base_slug if n == 1 else f"{base_slug}-{n}"
        r = rnd.random()
        status = "draft" if r < 0.01 else "pending" if r < 0.015 else "publish"
        link = (f"{BASE}/{local:%Y/%m/%d}/{slug}/" if status == "publish" else f"{BASE}/?p={pid}")
        modified = gmt + timedelta(minutes=rnd.randint(0, 300)) if rnd.random() < 0.4 else gmt
        primary = rnd.choice(cats)
        post_cats = [primary]
        if primary[2] and rnd.random() < 0.7:  # WordPress sites often tick the parent too
            parent = next(c for c in cats if c[0] == cat_slugs[primary[2]])
            post_cats.insert(0, parent)
        if rnd.random() < 0.1:
            extra = rnd.choice(cats)
            if extra not in post_cats:
                post_cats.append(extra)
        post_tags = rnd.sample(range(len(TAGS)), rnd.randint(0, 4))
        excerpt = sentence(rnd) if rnd.random() < 0.3 else ""
        lines = [
            "\t<item>",
            f"\t\t<title>{cdata(t)}</title>",
            f"\t\t<link>{link}</link>",
            f"\t\t<pubDate>{rfc2822(gmt)}</pubDate>",
            f"\t\t<dc:creator>{cdata(AUTHORS[rnd.randrange(len(AUTHORS))][0])}</dc:creator>",
            f'\t\t<guid isPermaLink="false">{BASE}/?p={pid}</guid>',
            "\t\t<description></description>",
            f"\t\t<content:encoded>{cdata(body(rnd))}</content:encoded>",
            f"\t\t<excerpt:encoded>{cdata(excerpt)}</excerpt:encoded>",
            f"\t\t<wp:post_id>{pid}</wp:post_id>",
            f"\t\t<wp:post_date>{cdata(wpdate(local))}</wp:post_date>",
            f"\t\t<wp:post_date_gmt>{cdata(wpdate(gmt) if status == 'publish' else '0000-00-00 00:00:00')}</wp:post_date_gmt>",
            f"\t\t<wp:post_modified>{cdata(wpdate(modified + SITE_OFFSET))}</wp:post_modified>",
            f"\t\t<wp:post_modified_gmt>{cdata(wpdate(modified))}</wp:post_modified_gmt>",
            f"\t\t<wp:comment_status>{cdata('closed' if rnd.random() < 0.05 else 'open')}</wp:comment_status>",
            f"\t\t<wp:ping_status>{cdata('open')}</wp:ping_status>",
            f"\t\t<wp:post_name>{cdata(slug if status == 'publish' else '')}</wp:post_name>",
            f"\t\t<wp:status>{cdata(status)}</wp:status>",
            "\t\t<wp:post_parent>0</wp:post_parent>",
            "\t\t<wp:menu_order>0</wp:menu_order>",
            f"\t\t<wp:post_type>{cdata('post')}</wp:post_type>",
            f"\t\t<wp:post_password>{cdata('')}</wp:post_password>",
            f"\t\t<wp:is_sticky>{1 if i % sticky_every == sticky_every - 1 and status == 'publish' else 0}</wp:is_sticky>",
        ]
        for slug_c, name, _ in post_cats:
            lines.append(f'\t\t<category domain="category" nicename="{slug_c}">{cdata(name)}</category>')
        for k in post_tags:
            lines.append(f'\t\t<category domain="post_tag" nicename="{tag_slugs[k]}">{cdata(TAGS[k])}</category>')
        lines.append(f"\t\t<wp:postmeta><wp:meta_key>{cdata('_edit_last')}</wp:meta_key><wp:meta_value>{cdata(str(rnd.randint(2, 21)))}</wp:meta_value></wp:postmeta>")
        lines.append(f"\t\t<wp:postmeta><wp:meta_key>{cdata('post_views_count')}</wp:meta_key><wp:meta_value>{cdata(str(rnd.randint(0, 50000)))}</wp:meta_value></wp:postmeta>")
        if status == "publish" and rnd.random() < 0.03:
            old = wp_slug(title(rnd))
            lines.append(f"\t\t<wp:postmeta><wp:meta_key>{cdata('_wp_old_slug')}</wp:meta_key><wp:meta_value>{cdata(old)}</wp:meta_value></wp:postmeta>")
        approved_ids = []
        at = gmt
        for _ in range(counts[i]):
            cid = comment_id
            comment_id += 1
            at = at + timedelta(minutes=rnd.randint(1, 240))
            r = rnd.random()
            parent = 0
            if r < 0.05:
                ctype, approved = "pingback", "1"
                author, email = "مدونة الاقتصاد", ""
                url = f"https://blog{rnd.randint(1, 50)}.example.net/{at:%Y/%m}/"
                text = f"[…] {rnd.choice(OBJECTS)} […]"
                ip = f"192.0.2.{rnd.randint(1, 254)}"
            elif r < 0.08:
                ctype, approved = "comment", "spam"
                author, email = "spam bot", f"bot{rnd.randint(1, 99)}@spam.example"
                url, text, ip = "https://spam.example", rnd.choice(SPAM_TEXTS), "203.0.113.9"
            else:
                ctype = "comment"
                approved = "0" if r < 0.12 else "1"
                author = rnd.choice(COMMENTERS)
                email = f"reader{rnd.randint(1, 5000)}@example.org"
                url = "" if rnd.random() < 0.9 else f"https://reader{rnd.randint(1, 999)}.example.org"
                ip = f"10.{rnd.randint(0, 255)}.{rnd.randint(0, 255)}.{rnd.randint(1, 254)}"
                if approved_ids and rnd.random() < 0.3:
                    parent = rnd.choice(approved_ids)
                    text = rnd.choice(REPLY_TEXTS)
                else:
                    text = rnd.choice(COMMENT_TEXTS)
                    if rnd.random() < 0.3:
                        text += " " + rnd.choice(COMMENT_TEXTS)
                if approved == "1":
                    approved_ids.append(cid)
            lines.append(
                f"\t\t<wp:comment><wp:comment_id>{cid}</wp:comment_id>"
                f"<wp:comment_author>{cdata(author)}</wp:comment_author>"
                f"<wp:comment_author_email>{cdata(email)}</wp:comment_author_email>"
                f"<wp:comment_author_url>{url}</wp:comment_author_url>"
                f"<wp:comment_author_IP>{cdata(ip)}</wp:comment_author_IP>"
                f"<wp:comment_date>{cdata(wpdate(at + SITE_OFFSET))}</wp:comment_date>"
                f"<wp:comment_date_gmt>{cdata(wpdate(at))}</wp:comment_date_gmt>"
                f"<wp:comment_content>{cdata(text)}</wp:comment_content>"
                f"<wp:comment_approved>{cdata(approved)}</wp:comment_approved>"
                f"<wp:comment_type>{cdata(ctype)}</wp:comment_type>"
                f"<wp:comment_parent>{parent}</wp:comment_parent>"
                f"<wp:comment_user_id>0</wp:comment_user_id></wp:comment>"
            )
        lines.append("\t</item>\n")
        w("\n".join(lines))
    w("</channel>\n</rss>\n")
    out.close()


if __name__ == "__main__":
    main()
