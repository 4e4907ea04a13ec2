//! The second pass's reading and body conversion, on a thread of their own: while the
//! import writes one post, the next ones are already parsed and converted (a bounded
//! queue keeps memory flat), so the import's time is the larger of the two, not their sum.

use std::collections::{BTreeMap, HashMap};
use std::io::BufRead;
use std::sync::Arc;

use sahifa_wxr::content::{Converted, Links, MediaLink};
use sahifa_wxr::{Entry, Item, Reader, WxrError};

/// Items converted ahead of the writer at most.
const AHEAD: usize = 64;

/// An item read, with its body converted when it is a post or page to import.
pub struct Prepared {
    /// The item.
    pub item: Box<Item>,
    /// Its body in the schema, for posts and pages.
    pub body: Option<Converted>,
    /// Bytes of the file read so far.
    pub bytes: u64,
}

/// Where bodies' references go (see [`Links`]), owned so the thread can hold it.
pub struct Targets {
    /// The old site's base URL.
    pub base: String,
    /// Upload key → the imported file.
    pub uploads: Arc<HashMap<String, (i64, MediaLink)>>,
    /// Attachment id → the imported file.
    pub attachments: Arc<HashMap<i64, (i64, MediaLink)>>,
    /// A post's attachments as `(menu order, id)`.
    pub post_attachments: BTreeMap<i64, Vec<(i64, i64)>>,
}

/// Whether an item is a post or page the import writes.
pub fn is_imported(item: &Item) -> bool {
    matches!(item.post_type.as_str(), "post" | "page")
        && !matches!(item.status.as_str(), "auto-draft" | "trash" | "inherit")
}

impl Targets {
    fn convert(&self, item: &Item) -> Converted {
        let mut own: Vec<(i64, i64)> = self
            .post_attachments
            .get(&item.id)
            .cloned()
            .unwrap_or_default();
        own.sort();
        let own: Vec<i64> = own
            .into_iter()
            .map(|(_, id)| id)
            .filter(|id| self.attachments.contains_key(id))
            .collect();
        let upload = |key: &str| self.uploads.get(key).map(|(_, m)| m.url.clone());
        let attachment = |id: i64| self.attachments.get(&id).map(|(_, m)| m.clone());
        let links = Links {
            old_base: &self.base,
            upload: &upload,
            attachment: &attachment,
            post_attachments: &own,
        };
        sahifa_wxr::content::convert_post(&item.content, &links)
    }
}

/// Reads `source` on a thread of its own; the items arrive in file order, an error ends
/// the stream.
pub fn spawn(
    source: impl BufRead + Send + 'static,
    targets: Targets,
) -> tokio::sync::mpsc::Receiver<Result<Prepared, WxrError>> {
    let (tx, rx) = tokio::sync::mpsc::channel(AHEAD);
    std::thread::spawn(move || {
        let mut reader = Reader::new(source);
        loop {
            let next = match reader.next_entry() {
                Ok(Some(Entry::Item(item))) => {
                    let body = is_imported(&item).then(|| targets.convert(&item));
                    Ok(Prepared {
                        item,
                        body,
                        bytes: reader.bytes_read(),
                    })
                }
                Ok(Some(_)) => continue,
                Ok(None) => break,
                Err(err) => Err(err),
            };
            let stop = next.is_err();
            // The writer went away (it failed): nothing more to do.
            if tx.blocking_send(next).is_err() || stop {
                break;
            }
        }
    });
    rx
}
