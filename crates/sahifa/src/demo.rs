//! The demo site: the model article from the project brief plus original articles, so a
//! fresh install looks like a working newsroom.
//!
//! Loading is idempotent: it runs only on a database with no articles and no categories,
//! so a second `serve --demo` adds nothing.

use std::collections::HashMap;
use std::path::Path;

use anyhow::{Context, bail};
use chrono::{DateTime, Utc};
use include_dir::{Dir, include_dir};
use serde::Deserialize;

use sahifa_newsroom::taxonomy::{AuthorDraft, CategoryDraft};
use sahifa_newsroom::{Actor, Newsroom};
use sahifa_store::{ArticleInput, ArticleStatus, Db, Image, SiteSettings};
use sahifa_web::media_store::{Bytes, MediaKey, MediaStore};

const DEMO_JSON: &str = include_str!("../demo/demo.json");
const SEED_ARTICLE: &str = include_str!("../demo/seed-article.txt");
static DEMO_MEDIA: Dir<'static> = include_dir!("$CARGO_MANIFEST_DIR/demo/media");
/// The same illustrations as raster images for the media library (see its README).
static DEMO_LIBRARY: Dir<'static> = include_dir!("$CARGO_MANIFEST_DIR/demo/library");

/// The credit the demo's own illustrations carry.
const DEMO_CREDIT: &str = "رسوم صحيفة";

#[derive(Deserialize)]
struct Demo {
    site: DemoSite,
    authors: Vec<DemoAuthor>,
    categories: Vec<DemoCategory>,
    model_article: ModelArticle,
    articles: Vec<DemoArticle>,
}

#[derive(Deserialize)]
struct DemoSite {
    name: String,
    tagline: String,
    telegram_channel: String,
    locale: String,
    time_zone: String,
    digit_style: String,
}

#[derive(Deserialize)]
struct DemoAuthor {
    slug: String,
    name: String,
    bio: String,
}

#[derive(Deserialize)]
struct DemoCategory {
    slug: String,
    name: String,
    description: String,
    parent: Option<String>,
}

#[derive(Deserialize)]
struct DemoImage {
    file: String,
    alt: String,
    caption: String,
}

#[derive(Deserialize)]
struct ModelArticle {
    slug: String,
    author: String,
    category: String,
    tags: Vec<String>,
    published_at: DateTime<Utc>,
    featured_image: Option<DemoImage>,
}

#[derive(Deserialize)]
struct DemoArticle {
    slug: String,
    title: String,
    lead: String,
    body: String,
    dateline: Option<String>,
    source: Option<String>,
    author: String,
    category: String,
    tags: Vec<String>,
    status: ArticleStatus,
    published_at: DateTime<Utc>,
    featured_image: Option<DemoImage>,
}

/// The parts of the model article page that are content, recognised from its text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SeedArticle {
    /// Headline (first line).
    pub title: String,
    /// Standfirst (second paragraph).
    pub lead: String,
    /// Dateline recognised at the start of the body («ميدل ايست نيوز»).
    pub dateline: Option<String>,
    /// Agency credit recognised in the body («وكالة إرنا»).
    pub source: Option<String>,
    /// The body paragraphs as Markdown, without the dateline prefix.
    pub body_md: String,
}

/// Splits the model page into content. Everything from the Telegram call to action on
/// («تابع … على التلغرام», related articles, the comment form) is page furniture.
pub fn parse_seed_article(text: &str) -> anyhow::Result<SeedArticle> {
    let paragraphs: Vec<&str> = text
        .split("\n\n")
        .map(str::trim)
        .filter(|p| !p.is_empty())
        .take_while(|p| !(p.starts_with("تابع ") && p.contains("على التلغرام")))
        .collect();
    let [title, lead, first, rest @ ..] = paragraphs.as_slice() else {
        bail!("the seed article needs a title, a lead and a body");
    };
    let (dateline, opening) = sahifa_text::newsroom::split_dateline(first);
    let mut body = vec![opening];
    body.extend(rest.iter().map(|p| p.to_string()));
    let body_md = body.join("\n\n");
    Ok(SeedArticle {
        title: title.to_string(),
        lead: lead.to_string(),
        dateline,
        source: sahifa_text::newsroom::detect_source_credit(&body_md),
        body_md,
    })
}

/// Loads the demo site when the database holds no content yet, its images into the
/// folder `<data_dir>/media`. Returns whether it loaded.
pub async fn load_if_empty(db: &Db, data_dir: &Path) -> anyhow::Result<bool> {
    load_if_empty_into(db, &MediaStore::local(data_dir.join("media"))).await
}

/// Loads the demo site when the database holds no content yet, its images into `media`
/// (the store the server was started with). Returns whether it loaded.
/// Every demo article's slug and its body as the demo writes it (Markdown): what a site
/// loaded before bodies became HTML stored.
pub fn markdown_bodies() -> anyhow::Result<Vec<(String, String)>> {
    let demo: Demo = serde_json::from_str(DEMO_JSON).context("demo.json is malformed")?;
    let seed = parse_seed_article(SEED_ARTICLE)?;
    let mut bodies = vec![(demo.model_article.slug.clone(), seed.body_md)];
    bodies.extend(demo.articles.into_iter().map(|a| (a.slug, a.body)));
    Ok(bodies)
}

pub async fn load_if_empty_into(db: &Db, media: &MediaStore) -> anyhow::Result<bool> {
    if db.article_count().await? > 0 || !db.categories().await?.is_empty() {
        tracing::info!("database already has content: demo not loaded");
        return Ok(false);
    }
    let demo: Demo = serde_json::from_str(DEMO_JSON).context("demo.json is malformed")?;
    copy_media(media).await?;

    let newsroom = Newsroom::new(db.clone());
    let library = load_library(&newsroom, media, &demo).await?;
    // The settings use case takes the channel as typed in the form, `@name`.
    let channel = match demo.site.telegram_channel.as_str() {
        "" => String::new(),
        name => format!("@{}", name.trim_start_matches('@')),
    };
    newsroom
        .save_site_settings(
            &Actor::System,
            &SiteSettings {
                name: demo.site.name.clone(),
                tagline: demo.site.tagline,
                locale: demo.site.locale,
                time_zone: demo.site.time_zone,
                digit_style: demo.site.digit_style,
                telegram_channel: channel,
            },
        )
        .await?;

    let mut authors = HashMap::new();
    for a in &demo.authors {
        let id = newsroom
            .create_author(
                &Actor::System,
                &AuthorDraft {
                    slug: a.slug.clone(),
                    name: a.name.clone(),
                    bio: a.bio.clone(),
                },
            )
            .await?;
        authors.insert(a.slug.clone(), id);
    }
    let mut categories: HashMap<String, i64> = HashMap::new();
    // Parents first, whatever order the file lists them in.
    let mut pending: Vec<&DemoCategory> = demo.categories.iter().collect();
    let mut position = 0;
    while !pending.is_empty() {
        let before = pending.len();
        let mut waiting = Vec::new();
        for c in pending {
            let parent_id = match &c.parent {
                None => None,
                Some(parent) => match categories.get(parent) {
                    Some(id) => Some(*id),
                    None => {
                        waiting.push(c);
                        continue;
                    }
                },
            };
            position += 1;
            let id = newsroom
                .create_category(
                    &Actor::System,
                    &CategoryDraft {
                        slug: c.slug.clone(),
                        name: c.name.clone(),
                        description: c.description.clone(),
                        parent_id,
                        position: position.to_string(),
                    },
                )
                .await?;
            categories.insert(c.slug.clone(), id);
        }
        if waiting.len() == before {
            bail!("demo.json: a category names a parent that does not exist");
        }
        pending = waiting;
    }
    let lookup = |map: &HashMap<String, i64>, key: &str, what: &str| -> anyhow::Result<i64> {
        map.get(key)
            .copied()
            .with_context(|| format!("demo.json: unknown {what} {key:?}"))
    };

    let featured = |image: Option<&DemoImage>| image.and_then(|i| library.get(&i.file).copied());
    let seed = parse_seed_article(SEED_ARTICLE)?;
    let model = &demo.model_article;
    create_article(
        &newsroom,
        featured(model.featured_image.as_ref()),
        &ArticleInput {
            slug: Some(model.slug.clone()),
            title: seed.title,
            lead: seed.lead,
            body_html: String::new(),
            body_md: seed.body_md,
            dateline: seed.dateline,
            source: seed.source,
            author_id: Some(lookup(&authors, &model.author, "author")?),
            category_id: Some(lookup(&categories, &model.category, "category")?),
            tags: model.tags.clone(),
            status: ArticleStatus::Published,
            published_at: Some(model.published_at),
            image: model.featured_image.as_ref().map(image),
        },
    )
    .await?;

    for a in &demo.articles {
        create_article(
            &newsroom,
            featured(a.featured_image.as_ref()),
            &ArticleInput {
                slug: Some(a.slug.clone()),
                title: a.title.clone(),
                lead: a.lead.clone(),
                body_html: String::new(),
                body_md: a.body.clone(),
                dateline: a.dateline.clone(),
                source: a.source.clone(),
                author_id: Some(lookup(&authors, &a.author, "author")?),
                category_id: Some(lookup(&categories, &a.category, "category")?),
                tags: a.tags.clone(),
                status: a.status,
                published_at: Some(a.published_at),
                image: a.featured_image.as_ref().map(image),
            },
        )
        .await?;
    }
    seed_pages_and_menus(&newsroom).await?;
    let published: Vec<&str> = std::iter::once(model.slug.as_str())
        .chain(
            demo.articles
                .iter()
                .filter(|a| a.status == ArticleStatus::Published)
                .map(|a| a.slug.as_str()),
        )
        .collect();
    seed_views(&newsroom, &published, chrono::Utc::now().timestamp()).await?;
    tracing::info!(articles = demo.articles.len() + 1, "demo site loaded");
    Ok(true)
}

/// Plausible view counts for the «الأكثر قراءة» block: over the past week every published
/// article gets some views an hour, a few get many, and the day's favourites differ from
/// the week's (a deterministic spread, so the demo looks the same on every load).
async fn seed_views(newsroom: &Newsroom, slugs: &[&str], now: i64) -> anyhow::Result<()> {
    use sahifa_store::views::{ViewTally, hour_start};
    let this_hour = hour_start(now);
    let mut tallies = Vec::new();
    for (i, slug) in slugs.iter().enumerate() {
        let i = i as i64;
        // A bucket every six hours keeps the load quick; the windows sum them alike.
        for hours_ago in (0..(7 * 24)).step_by(6) {
            // The week's favourites are the first articles; the day's are those from the
            // fourth on, read heavily only in the last day.
            let week_weight = (12 - 2 * i).max(1);
            let day_boost = if hours_ago < 24 && (3..8).contains(&i) {
                40 - 5 * (i - 3)
            } else {
                0
            };
            let jitter = (i * 7 + hours_ago * 13) % 5;
            let views = 6 * (week_weight + day_boost) + jitter;
            tallies.push(ViewTally {
                slug: (*slug).to_string(),
                hour_start: this_hour - hours_ago * 3600,
                views,
            });
        }
    }
    newsroom.record_views(&tallies, now).await?;
    Ok(())
}

/// Creates one demo article through the same use case as the editor, its featured image
/// the library item `media` when there is one.
async fn create_article(
    newsroom: &Newsroom,
    media: Option<i64>,
    input: &ArticleInput,
) -> anyhow::Result<i64> {
    let mut draft: sahifa_newsroom::articles::ArticleDraft = input.into();
    if let Some(id) = media {
        draft.image = sahifa_newsroom::articles::FeaturedImage::Media(id);
    }
    Ok(newsroom
        .save_article(&Actor::System, None, &draft)
        .await?
        .id)
}

/// Takes the demo's illustrations into the media library, through the upload pipeline,
/// with the alt text and caption of the article that features each; returns the library
/// id of each by its illustration's file name (`map.svg`).
async fn load_library(
    newsroom: &Newsroom,
    media: &MediaStore,
    demo: &Demo,
) -> anyhow::Result<HashMap<String, i64>> {
    let texts: HashMap<&str, &DemoImage> =
        std::iter::once(demo.model_article.featured_image.as_ref())
            .chain(demo.articles.iter().map(|a| a.featured_image.as_ref()))
            .flatten()
            .map(|i| (i.file.as_str(), i))
            .collect();
    let mut ids = HashMap::new();
    for file in DEMO_LIBRARY.files() {
        let path = file.path();
        if path.extension().and_then(|e| e.to_str()) != Some("webp") {
            continue;
        }
        let Some(stem) = path.file_stem().and_then(|s| s.to_str()) else {
            continue;
        };
        let svg = format!("{stem}.svg");
        let (alt, caption) = texts
            .get(svg.as_str())
            .map_or(("", ""), |i| (i.alt.as_str(), i.caption.as_str()));
        let processed = sahifa_media::process(file.contents(), &sahifa_media::Limits::default())
            .with_context(|| format!("the demo image {stem}.webp does not process"))?;
        let id = sahifa_admin::media::record_processed(
            media,
            newsroom,
            &Actor::System,
            &processed,
            &format!("{stem}.webp"),
            alt,
            caption,
        )
        .await
        .map_err(|e| {
            anyhow::anyhow!("cannot take the demo image {stem} into the library: {e:?}")
        })?;
        newsroom
            .update_media_details(&Actor::System, id, alt, caption, Some(DEMO_CREDIT))
            .await?;
        ids.insert(svg, id);
    }
    Ok(ids)
}

/// Creates the demo site's administrator with a random password; returns the login.
pub async fn create_demo_admin(db: &Db) -> anyhow::Result<(String, String)> {
    let email = "admin@sahifa.example".to_string();
    let password: String = sahifa_newsroom::tokens::random_token()
        .chars()
        .take(16)
        .collect();
    let admin = crate::accounts::add_user(
        db,
        &email,
        "مدير الموقع",
        sahifa_store::Role::Administrator,
        &password,
    )
    .await?;
    // The demo articles were loaded by Sahifa itself, before any account existed: the
    // administrator owns them, so the admin's article list names an owner for each.
    Newsroom::new(db.clone())
        .adopt_unowned_articles(&Actor::System, admin)
        .await?;
    Ok((email, password))
}

fn image(i: &DemoImage) -> Image {
    Image {
        url: format!("/media/demo/{}", i.file),
        alt: i.alt.clone(),
        caption: i.caption.clone(),
        width: Some(1200),
        height: Some(675),
    }
}

/// Stores the demo images under `demo/` (served as `/media/demo/...`).
async fn copy_media(media: &MediaStore) -> anyhow::Result<()> {
    for file in DEMO_MEDIA.files() {
        let Some(name) = file.path().file_name().and_then(|n| n.to_str()) else {
            continue;
        };
        let key = MediaKey::parse(&format!("demo/{name}"))
            .with_context(|| format!("the demo image name {name:?} is not a media key"))?;
        media
            .put(&key, Bytes::from_static(file.contents()))
            .await
            .with_context(|| format!("cannot store the demo image {key}"))?;
    }
    Ok(())
}

/// The demo's static pages: the three every news site has, with their text.
const DEMO_PAGES: [(&str, &str, &str, &str); 3] = [
    (
        "من نحن",
        "من-نحن",
        "موقع إخباري عربي مستقل يغطي أخبار الشرق الأوسط والعالم على مدار الساعة.",
        "ميدل ايست نيوز موقع إخباري عربي مستقل، يغطي أخبار الشرق الأوسط والعالم على مدار الساعة \
         بفريق من المحررين والمراسلين في عواصم المنطقة.\n\n\
         ## رسالتنا\n\n\
         نقدّم للقارئ الخبر كما هو، موثّقاً بمصادره، ونفصل بين الخبر والرأي فصلاً واضحاً. \
         نصحّح أخطاءنا علناً، ونذكر تاريخ كل تصحيح في أسفل الخبر.\n\n\
         ## فريق التحرير\n\n\
         يعمل في غرفة الأخبار محررون متخصصون في السياسة والاقتصاد والرياضة والثقافة، \
         ويراجع كلَّ خبر محررٌ ثانٍ قبل نشره.\n",
    ),
    (
        "اتصل بنا",
        "اتصل-بنا",
        "طرق التواصل مع غرفة الأخبار والإعلان والدعم الفني.",
        "يسعدنا أن نسمع منك: بتصحيح، أو بمعلومة، أو باقتراح.\n\n\
         ## غرفة الأخبار\n\n\
         لإرسال خبر أو صورة أو تصحيح، راسل المحررين على العنوان newsroom@example.com، \
         واذكر مصدر المعلومة ووسيلة للتواصل معك. لا ننشر اسمك إلا بإذنك.\n\n\
         ## الإعلان\n\n\
         للاستفسار عن الإعلان في الموقع راسل ads@example.com.\n\n\
         ## العنوان\n\n\
         بيروت، شارع الحمرا، بناية النور، الطابق الثالث.\n",
    ),
    (
        "سياسة الخصوصية",
        "سياسة-الخصوصية",
        "ما نجمعه من بيانات قرّائنا، ولماذا، وكيف نحميه.",
        "نحترم خصوصية قرّائنا، ولا نجمع من البيانات إلا ما يلزم لتشغيل الموقع.\n\n\
         ## ما نجمعه\n\n\
         عند التعليق نحفظ الاسم والبريد الإلكتروني ونص التعليق وعنوان الشبكة، لمكافحة \
         الرسائل المزعجة والرد على الاستفسارات. لا يظهر بريدك للقرّاء.\n\n\
         ## ما لا نفعله\n\n\
         لا نبيع بيانات القرّاء ولا نشاركها مع المعلنين، ولا نتتبّعك عبر المواقع الأخرى.\n\n\
         ## حقوقك\n\n\
         يحق لك طلب نسخة من تعليقاتك أو حذفها؛ راسلنا على privacy@example.com.\n",
    ),
];

/// The three static pages, published, in the footer menu; the header menu holds the
/// top-level sections in their order, as the header showed them before menus existed.
async fn seed_pages_and_menus(newsroom: &Newsroom) -> anyhow::Result<()> {
    use sahifa_newsroom::menus::MenuItemDraft;
    use sahifa_newsroom::pages::PageDraft;
    use sahifa_store::menus::{MenuKind, MenuLocation};
    use sahifa_store::pages::PageStatus;

    for (title, slug, description, body) in DEMO_PAGES {
        let id = newsroom
            .create_page(
                &Actor::System,
                &PageDraft {
                    title: title.into(),
                    slug: slug.into(),
                    description: description.into(),
                    body: body.into(),
                    status: PageStatus::Published,
                    parent_id: None,
                },
            )
            .await?;
        newsroom
            .add_menu_item(
                &Actor::System,
                &MenuItemDraft {
                    location: MenuLocation::Footer,
                    kind: MenuKind::Page,
                    target_id: Some(id),
                    url: String::new(),
                    label: String::new(),
                    parent_id: None,
                },
            )
            .await?;
    }
    let categories = newsroom.db().categories().await?;
    for c in categories.iter().filter(|c| c.parent_id.is_none()) {
        newsroom
            .add_menu_item(
                &Actor::System,
                &MenuItemDraft {
                    location: MenuLocation::Header,
                    kind: MenuKind::Category,
                    target_id: Some(c.id),
                    url: String::new(),
                    label: String::new(),
                    parent_id: None,
                },
            )
            .await?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_model_article_is_recognised() {
        let seed = parse_seed_article(SEED_ARTICLE).expect("seed parses");
        assert!(seed.title.starts_with("في لقاءه مع لافروف"));
        assert!(seed.lead.starts_with("اكد رئيس الجمهورية"));
        assert_eq!(seed.dateline.as_deref(), Some("ميدل ايست نيوز"));
        assert_eq!(seed.source.as_deref(), Some("وكالة إرنا"));
        assert!(seed.body_md.starts_with("اكد رئيس الجمهورية الإيرانية"));
        assert!(seed.body_md.contains("واكد لافروف على توسيع العلاقات"));
        // Page furniture is not content.
        assert!(!seed.body_md.contains("التلغرام"));
        assert!(!seed.body_md.contains("اترك تعليقاً"));
    }

    #[test]
    fn demo_json_is_consistent() {
        let demo: Demo = serde_json::from_str(DEMO_JSON).expect("demo.json parses");
        assert!(demo.articles.len() >= 15);
        let categories: std::collections::HashSet<_> =
            demo.categories.iter().map(|c| c.slug.as_str()).collect();
        assert!(categories.len() >= 4);
        for a in &demo.articles {
            assert!(categories.contains(a.category.as_str()), "{}", a.slug);
            if let Some(img) = &a.featured_image {
                assert!(
                    DEMO_MEDIA.get_file(&img.file).is_some(),
                    "missing {}",
                    img.file
                );
            }
        }
    }
}
