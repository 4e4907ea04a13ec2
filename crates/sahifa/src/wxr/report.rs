//! What an import did, counted per kind, and how it is printed.

use std::collections::{BTreeMap, HashSet};

use sahifa_newsroom::import::Outcome;

/// The kinds an import counts, in the order the report lists them.
pub const KINDS: [&str; 8] = [
    "articles",
    "pages",
    "categories",
    "tags",
    "authors",
    "comments",
    "media",
    "redirects",
];

/// Counts per kind and outcome, what was skipped and why, and warnings.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Report {
    /// `kind → [created, updated, unchanged]`.
    pub counts: BTreeMap<&'static str, [u64; 3]>,
    /// `reason → how many`.
    pub skipped: BTreeMap<String, u64>,
    /// Things the operator should look at.
    pub warnings: Vec<String>,
    /// Body references still pointing at the old host.
    pub old_host_references: u64,
    /// Post meta keys that have no place here, with how many values each (at most
    /// [`META_KEYS_KEPT`] distinct keys are named; the rest are counted under `…`).
    pub unknown_meta: BTreeMap<String, u64>,
    /// Old URLs this run has recorded already (several objects can claim one, e.g. an
    /// author's login and slug): each is counted once.
    pub seen_redirects: HashSet<String>,
}

/// Distinct unknown meta keys the report names.
const META_KEYS_KEPT: usize = 200;

/// Post meta the import reads; every other key is reported as skipped.
const KNOWN_META: [&str; 5] = [
    "_thumbnail_id",
    "_wp_old_slug",
    "_wp_attachment_image_alt",
    "_wp_attached_file",
    "_wp_attachment_metadata",
];

/// Warnings printed at most; the rest are counted.
const WARNINGS_SHOWN: usize = 50;

impl Report {
    /// Counts one object of `kind`.
    pub fn count(&mut self, kind: &'static str, outcome: Outcome) {
        let slot = self.counts.entry(kind).or_default();
        let at = match outcome {
            Outcome::Created => 0,
            Outcome::Updated => 1,
            Outcome::Unchanged => 2,
        };
        if let Some(n) = slot.get_mut(at) {
            *n += 1;
        }
    }

    /// How many of `kind` were created, updated and left as they were.
    pub fn of(&self, kind: &str) -> [u64; 3] {
        self.counts.get(kind).copied().unwrap_or_default()
    }

    /// Counts one thing skipped for `reason`.
    pub fn skip(&mut self, reason: &str) {
        *self.skipped.entry(reason.to_string()).or_default() += 1;
    }

    /// Counts `n` things skipped for `reason` (none: nothing is listed).
    pub fn skip_many(&mut self, reason: &str, n: u64) {
        if n > 0 {
            *self.skipped.entry(reason.to_string()).or_default() += n;
        }
    }

    /// Counts a post meta value, if it is one the import has no use for.
    pub fn meta(&mut self, key: &str) {
        if KNOWN_META.contains(&key) {
            return;
        }
        // `_oembed_<md5>` and the like: one key per embed, one kind of data.
        let key = match key.rsplit_once('_') {
            Some((stem, hash))
                if hash.len() == 32 && hash.bytes().all(|b| b.is_ascii_hexdigit()) =>
            {
                format!("{stem}_…")
            }
            _ => key.to_string(),
        };
        let key = key.as_str();
        let named = self.unknown_meta.len() < META_KEYS_KEPT || self.unknown_meta.contains_key(key);
        let key = if named { key } else { "…" };
        *self.unknown_meta.entry(key.to_string()).or_default() += 1;
    }

    /// Notes a warning.
    pub fn warn(&mut self, warning: String) {
        self.warnings.push(warning);
    }

    /// The report as printed; `dry_run` says "would".
    pub fn render(&self, dry_run: bool) -> String {
        let mut out = String::new();
        out.push_str(if dry_run {
            "dry run: nothing was written; an import would bring in\n"
        } else {
            "imported\n"
        });
        for kind in KINDS {
            let [created, updated, unchanged] = self.of(kind);
            out.push_str(&format!(
                "  {kind:<11} {created:>7} new, {updated} updated, {unchanged} unchanged\n"
            ));
        }
        if !self.skipped.is_empty() || !self.unknown_meta.is_empty() {
            out.push_str("skipped\n");
            for (reason, n) in &self.skipped {
                out.push_str(&format!("  {n:>7} {reason}\n"));
            }
        }
        if !self.unknown_meta.is_empty() {
            let total: u64 = self.unknown_meta.values().sum();
            let mut keys: Vec<(&String, &u64)> = self.unknown_meta.iter().collect();
            keys.sort_by(|a, b| b.1.cmp(a.1).then(a.0.cmp(b.0)));
            let shown: Vec<String> = keys
                .iter()
                .take(8)
                .map(|(k, n)| format!("{k} ×{n}"))
                .collect();
            out.push_str(&format!(
                "  {total:>7} post meta values with no place here (custom fields, plugin data: {}{})\n",
                shown.join(", "),
                if keys.len() > 8 { ", …" } else { "" }
            ));
        }
        if self.old_host_references > 0 {
            out.push_str(&format!(
                "{} references in bodies still point at the old site's uploads (run with --uploads DIR to bring the files over)\n",
                self.old_host_references
            ));
        }
        if !self.warnings.is_empty() {
            out.push_str(&format!("warnings ({})\n", self.warnings.len()));
            for w in self.warnings.iter().take(WARNINGS_SHOWN) {
                out.push_str(&format!("  {w}\n"));
            }
            if self.warnings.len() > WARNINGS_SHOWN {
                out.push_str(&format!(
                    "  … and {} more\n",
                    self.warnings.len() - WARNINGS_SHOWN
                ));
            }
        }
        out
    }
}
