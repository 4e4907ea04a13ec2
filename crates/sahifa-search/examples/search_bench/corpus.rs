//! A deterministic generator of Arabic news articles for benchmarks.
//!
//! Text comes from word-bigram chains trained per section on the Arabic articles that ship
//! with Sahifa (the demo site and the evaluation set), so sentences have the word
//! frequencies, particles and spelling habits of real wire copy, including the
//! inconsistent hamza. On top of that, each article names people and places drawn from a
//! pool of 40 000 synthetic names with a Zipf distribution (a few names are in many
//! articles, most in a handful), which gives the long tail of rare terms a real archive
//! has. Lengths follow a skewed distribution around 450 words. The same seed always gives
//! the same corpus.

use std::collections::HashMap;

/// SplitMix64: small, fast and good enough for synthetic text.
#[derive(Clone)]
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Rng {
        Rng(seed)
    }

    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    pub fn below(&mut self, n: usize) -> usize {
        (self.next_u64() % n.max(1) as u64) as usize
    }

    pub fn chance(&mut self, p: f64) -> bool {
        ((self.next_u64() >> 11) as f64 / (1u64 << 53) as f64) < p
    }
}

/// One generated article.
pub struct GenArticle {
    pub title: String,
    pub lead: String,
    pub body: String,
    pub category: String,
    pub tags: Vec<String>,
    pub author: String,
    pub published_at: i64,
}

struct Chain {
    words: Vec<String>,
    next: HashMap<usize, Vec<usize>>,
    starts: Vec<usize>,
    tags: Vec<String>,
}

/// The trained generator.
pub struct Corpus {
    sections: Vec<(String, Chain)>,
    names: Vec<String>,
    zipf: Vec<f64>,
    authors: Vec<String>,
}

const DEMO: &str = include_str!("../../../sahifa/demo/demo.json");
const SEED_ARTICLE: &str = include_str!("../../../sahifa/demo/seed-article.txt");
const EVAL: &str = include_str!("../../tests/eval/articles.jsonl");

fn tokens(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut word = String::new();
    for c in text.chars() {
        if c.is_alphanumeric() || ('\u{064B}'..='\u{0652}').contains(&c) {
            word.push(c);
        } else {
            if !word.is_empty() {
                out.push(std::mem::take(&mut word));
            }
            if matches!(c, '.' | '،' | '؟') {
                out.push(c.to_string());
            }
        }
    }
    if !word.is_empty() {
        out.push(word);
    }
    out
}

impl Corpus {
    pub fn new() -> Corpus {
        let mut texts: HashMap<String, (String, Vec<String>)> = HashMap::new();
        let demo: serde_json::Value = serde_json::from_str(DEMO).unwrap_or_default();
        let categories: HashMap<String, String> = demo["categories"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|c| {
                Some((
                    c["slug"].as_str()?.to_string(),
                    c["name"].as_str()?.to_string(),
                ))
            })
            .collect();
        for a in demo["articles"].as_array().into_iter().flatten() {
            let slug = a["category"].as_str().unwrap_or("عام");
            let name = categories
                .get(slug)
                .cloned()
                .unwrap_or_else(|| slug.to_string());
            let entry = texts.entry(name).or_default();
            for key in ["title", "lead", "body"] {
                entry.0.push_str(a[key].as_str().unwrap_or_default());
                entry.0.push_str(" . ");
            }
            for t in a["tags"].as_array().into_iter().flatten() {
                if let Some(t) = t.as_str() {
                    entry.1.push(t.to_string());
                }
            }
        }
        texts
            .entry("سياسة".into())
            .or_default()
            .0
            .push_str(SEED_ARTICLE);
        for line in EVAL.lines() {
            let Ok(a) = serde_json::from_str::<serde_json::Value>(line) else {
                continue;
            };
            let entry = texts
                .entry(a["category"].as_str().unwrap_or("عام").to_string())
                .or_default();
            for key in ["title", "lead", "body"] {
                entry.0.push_str(a[key].as_str().unwrap_or_default());
                entry.0.push_str(" . ");
            }
            for t in a["tags"].as_array().into_iter().flatten() {
                if let Some(t) = t.as_str() {
                    entry.1.push(t.to_string());
                }
            }
        }
        let mut sections: Vec<(String, Chain)> = texts
            .into_iter()
            .map(|(name, (text, mut tags))| {
                let words = tokens(&text);
                let mut index: HashMap<&str, usize> = HashMap::new();
                let mut ids = Vec::with_capacity(words.len());
                let mut vocab: Vec<String> = Vec::new();
                for w in &words {
                    let id = *index.entry(w.as_str()).or_insert_with(|| {
                        vocab.push(w.clone());
                        vocab.len() - 1
                    });
                    ids.push(id);
                }
                let mut next: HashMap<usize, Vec<usize>> = HashMap::new();
                let mut starts = Vec::new();
                for pair in ids.windows(2) {
                    next.entry(pair[0]).or_default().push(pair[1]);
                    if vocab[pair[0]] == "." && vocab[pair[1]] != "." {
                        starts.push(pair[1]);
                    }
                }
                tags.sort();
                tags.dedup();
                (
                    name,
                    Chain {
                        words: vocab,
                        next,
                        starts,
                        tags,
                    },
                )
            })
            .filter(|(_, c)| !c.starts.is_empty())
            .collect();
        sections.sort_by(|a, b| a.0.cmp(&b.0));
        let mut rng = Rng::new(0x5A41_1FA0);
        let consonants: Vec<char> = "بتجحدرزسشصطعغفقكلمنهوي".chars().collect();
        let vowels = ["ا", "و", "ي", ""];
        let names: Vec<String> = (0..40_000)
            .map(|_| {
                let syllables = 2 + rng.below(3);
                let mut n = String::new();
                for _ in 0..syllables {
                    n.push(consonants[rng.below(consonants.len())]);
                    n.push_str(vowels[rng.below(vowels.len())]);
                }
                n
            })
            .collect();
        let mut zipf = Vec::with_capacity(names.len());
        let mut acc = 0.0;
        for r in 1..=names.len() {
            acc += 1.0 / (r as f64).powf(1.05);
            zipf.push(acc);
        }
        let authors = (0..60)
            .map(|i| format!("{} {}", names[i * 7], names[i * 7 + 3]))
            .collect();
        Corpus {
            sections,
            names,
            zipf,
            authors,
        }
    }

    /// Name `rank` (0 = most frequent) of the name pool, for building queries.
    pub fn name(&self, rank: usize) -> &str {
        &self.names[rank.min(self.names.len() - 1)]
    }

    fn zipf_name(&self, rng: &mut Rng) -> &str {
        let total = self.zipf.last().copied().unwrap_or(1.0);
        let x = (rng.next_u64() >> 11) as f64 / (1u64 << 53) as f64 * total;
        let i = self.zipf.partition_point(|&c| c < x);
        &self.names[i.min(self.names.len() - 1)]
    }

    fn sentence(&self, chain: &Chain, rng: &mut Rng, names: &[&str], max_words: usize) -> String {
        let mut out = String::new();
        let mut current = chain.starts[rng.below(chain.starts.len())];
        let mut count = 0;
        while count < max_words {
            let word = &chain.words[current];
            if word == "." {
                break;
            }
            if word == "،" {
                out.push('،');
            } else {
                if !out.is_empty() {
                    out.push(' ');
                }
                // Now and then a name, as wire copy does.
                if rng.chance(0.04) && !names.is_empty() {
                    out.push_str(names[rng.below(names.len())]);
                    out.push(' ');
                }
                out.push_str(word);
                count += 1;
            }
            current = match chain.next.get(&current) {
                // A jump now and then keeps the chain from repeating its sources verbatim.
                Some(nexts) if !rng.chance(0.08) => nexts[rng.below(nexts.len())],
                _ => rng.below(chain.words.len()),
            };
        }
        out
    }

    /// Article `i` of the corpus with `seed`.
    pub fn article(&self, seed: u64, i: usize) -> GenArticle {
        let mut rng = Rng::new(seed ^ (i as u64).wrapping_mul(0xD6E8_FEB8_6659_FD93));
        let (category, chain) = &self.sections[rng.below(self.sections.len())];
        let names: Vec<&str> = (0..3 + rng.below(6))
            .map(|_| self.zipf_name(&mut rng))
            .collect();
        // Skewed length: most articles 250–600 words, some long reports.
        let target = 180 + rng.below(300) + if rng.chance(0.15) { rng.below(900) } else { 0 };
        let mut body = String::new();
        let mut words = 0;
        while words < target {
            let sentences = 2 + rng.below(3);
            let mut paragraph = String::new();
            for _ in 0..sentences {
                let len = 10 + rng.below(18);
                let s = self.sentence(chain, &mut rng, &names, len);
                words += s.split(' ').count();
                paragraph.push_str(&s);
                paragraph.push_str(". ");
            }
            body.push_str(paragraph.trim_end());
            body.push_str("\n\n");
        }
        let len = 6 + rng.below(7);
        let title = self.sentence(chain, &mut rng, &names, len);
        let len = 18 + rng.below(15);
        let lead = self.sentence(chain, &mut rng, &names, len);
        let mut tags: Vec<String> = Vec::new();
        if !chain.tags.is_empty() {
            for _ in 0..1 + rng.below(3) {
                tags.push(chain.tags[rng.below(chain.tags.len())].clone());
            }
        }
        tags.push(names[0].to_string());
        tags.sort();
        tags.dedup();
        // Ten years of archive, newest articles last.
        let start = 1_480_000_000i64;
        let published_at = start + (i as i64) * 3_150 + rng.below(3_000) as i64;
        GenArticle {
            title,
            lead,
            body: body.trim_end().to_string(),
            category: category.clone(),
            tags,
            author: self.authors[rng.below(self.authors.len())].clone(),
            published_at,
        }
    }

    /// The section names.
    pub fn categories(&self) -> Vec<String> {
        self.sections.iter().map(|(n, _)| n.clone()).collect()
    }
}
