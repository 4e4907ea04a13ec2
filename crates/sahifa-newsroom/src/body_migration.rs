//! The one-time move of article bodies from Markdown to the HTML body schema.
//!
//! Before issue 10 an article stored its Markdown and a rendering of it; now the body is
//! HTML of one schema. Each article still in Markdown is converted once: its body becomes
//! the schema HTML of its Markdown (the same text: see the tests), recorded as a revision
//! by the system so the history shows the change, with its write-log event (the search
//! index re-reads it), an audit entry and its page retired. Until then the article reads
//! as before (its stored rendering), so the conversion can run in the background.

use sahifa_store::articles as repo;
use sahifa_store::newsroom::insert_revision;
use sahifa_store::{Article, ArticleInput, Dep};

use crate::rendering::BodyInput;
use crate::{Newsroom, Result};

/// How many articles one round reads.
const BATCH: i64 = 200;

impl Newsroom {
    /// Converts every article whose body is still Markdown; returns how many it converted.
    /// Safe to run from several processes at once and to interrupt: each article is one
    /// transaction, claimed by a conditional update.
    pub async fn convert_markdown_bodies(&self) -> Result<usize> {
        let mut converted = 0;
        let mut skipped_ids = Vec::new();
        loop {
            let batch = repo::markdown_bodies(self.db(), BATCH + skipped_ids.len() as i64).await?;
            let batch: Vec<_> = batch
                .into_iter()
                .filter(|(id, _)| !skipped_ids.contains(id))
                .collect();
            if batch.is_empty() {
                return Ok(converted);
            }
            for (id, md) in batch {
                if self.convert_one(id, &md).await? {
                    converted += 1;
                } else {
                    // Changed meanwhile and still Markdown (a sibling process's race): the
                    // next start converts it.
                    skipped_ids.push(id);
                }
            }
        }
    }

    async fn convert_one(&self, id: i64, md: &str) -> Result<bool> {
        let Some(article) = self.db().article_by_id(id).await? else {
            return Ok(false);
        };
        let body_html = crate::rendering::body_html(&BodyInput::Markdown(md.to_string())).await?;
        let mut tx = self.db().begin().await?;
        if !repo::store_converted_body(&mut tx, id, md, &body_html).await? {
            tx.rollback().await?;
            return Ok(false);
        }
        let snapshot = snapshot_of(&article, &body_html);
        insert_revision(&mut tx, id, None, &snapshot).await?;
        let status = article.summary.status;
        repo::record_event(&mut tx, id, "updated", Some(status), Some(status)).await?;
        crate::articles::audit(
            &mut tx,
            &crate::Actor::System,
            "body-converted",
            id,
            &article.summary.title,
        )
        .await?;
        tx.retire(vec![Dep::Article(id)]);
        tx.commit().await?;
        Ok(true)
    }
}

/// The revision snapshot of `article` with `body_html` as its body.
fn snapshot_of(article: &Article, body_html: &str) -> ArticleInput {
    let s = &article.summary;
    ArticleInput {
        slug: Some(s.slug.clone()),
        title: s.title.clone(),
        lead: s.lead.clone(),
        body_md: String::new(),
        body_html: body_html.to_string(),
        dateline: article.dateline.clone(),
        source: article.source.clone(),
        author_id: s.author.as_ref().map(|a| a.id),
        category_id: s.category.as_ref().map(|c| c.id),
        tags: article.tags.iter().map(|t| t.name.clone()).collect(),
        status: s.status,
        published_at: s.published_at,
        image: s.image.clone(),
    }
}
