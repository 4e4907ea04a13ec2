//! The Arabic math CAPTCHA: a question such as «ثلاثة + … = سبعة» and a stateless token.
//!
//! The token is `id.issued.expires.mac`, where `mac` is a blake3 keyed hash over the id,
//! both times, the token's [`Scope`] and the *answer*. The answer itself is not in the
//! token, so the server checks a reply by recomputing the MAC with the submitted number:
//! nothing is stored per challenge, any process sharing the site key can verify it, and
//! changing the expiry or the issue time breaks the MAC. The scope is not in the token
//! either: the checker supplies the one it expects (comments on this article by this
//! reader, or a login to this account), so a token fetched for one form is refused by all
//! others. Single use is enforced by recording the id in `comment_used_tokens` whenever a
//! genuine token is answered, rightly or wrongly (a primary key, so also across processes).
//!
//! The same token doubles as the signed time stamp of the minimum time-to-submit check:
//! `issued` is when the reader was shown the form step that carries the token. When the
//! CAPTCHA is off for a reader, the token is issued with no question (answer `none`); an
//! empty reply to a question never counts as `none`.

use chrono::{DateTime, Utc};

/// Which operations a challenge may use.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Ops {
    /// Addition.
    pub add: bool,
    /// Subtraction (never with a negative result).
    pub sub: bool,
    /// Multiplication (small factors).
    pub mul: bool,
}

impl Ops {
    /// Parses a setting such as `+-×` (also `*` and `x` for ×, `−` for -).
    pub fn parse(s: &str) -> Ops {
        let ops = Ops {
            add: s.contains('+'),
            sub: s.contains('-') || s.contains('−'),
            mul: s.contains('×') || s.contains('*') || s.contains('x'),
        };
        if ops.add || ops.sub || ops.mul {
            ops
        } else {
            Ops {
                add: true,
                sub: false,
                mul: false,
            }
        }
    }

    /// The setting's canonical spelling.
    pub fn as_setting(self) -> String {
        let mut s = String::new();
        if self.add {
            s.push('+');
        }
        if self.sub {
            s.push('-');
        }
        if self.mul {
            s.push('×');
        }
        s
    }
}

/// A generated challenge: what to show and the token to send back.
#[derive(Debug, Clone)]
pub struct Challenge {
    /// The question text, e.g. «ثلاثة + … = سبعة»; `None` when no answer is asked.
    pub question: Option<String>,
    /// The signed token.
    pub token: String,
    /// The expected answer (for tests and logging; never sent to the reader).
    pub answer: Option<u32>,
    /// Seconds until it expires.
    pub expires_in: i64,
}

/// What a token is for; part of the MAC, never of the token.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scope<'a> {
    /// The comment form of an article, for a reader (`user_id` `None`) or for the
    /// signed-in newsroom member it was shown to.
    Comment {
        /// The article.
        article_id: i64,
        /// The staff account the token was minted for.
        user_id: Option<i64>,
    },
    /// The login form, for one typed account (lower-cased email).
    Login {
        /// The account key.
        account: &'a str,
    },
}

impl Scope<'_> {
    fn text(&self) -> String {
        match self {
            Scope::Comment {
                article_id,
                user_id,
            } => format!("comment:{article_id}:{}", user_id.unwrap_or(0)),
            Scope::Login { account } => format!("login:{account}"),
        }
    }
}

/// Why a reply was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refusal {
    /// Malformed or forged token.
    Tampered,
    /// Past its expiry.
    Expired,
    /// The answer does not match.
    Wrong,
}

fn random_u64() -> u64 {
    let mut bytes = [0u8; 8];
    // A failed OS random source leaves zeros: the challenge is then predictable but still
    // signed and single-use, which is acceptable for a CAPTCHA.
    let _ = getrandom::fill(&mut bytes);
    u64::from_le_bytes(bytes)
}

fn random_id() -> String {
    let mut bytes = [0u8; 16];
    let _ = getrandom::fill(&mut bytes);
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn mac(
    key: &[u8; 32],
    id: &str,
    issued: i64,
    expires: i64,
    scope: &str,
    answer: &str,
) -> blake3::Hash {
    let mut hasher = blake3::Hasher::new_keyed(key);
    // The scope is followed by a separator it cannot contain unescaped: the account part of
    // a login scope is an email, which has no `|` worth keeping apart from the answer.
    let scope = scope.replace('|', "%7C");
    hasher.update(format!("sahifa-captcha-v2|{id}|{issued}|{expires}|{scope}|{answer}").as_bytes());
    hasher.finalize()
}

/// Derives the 32-byte MAC key from the stored site secret.
pub fn key_from_secret(secret: &str) -> [u8; 32] {
    blake3::derive_key("sahifa comments captcha key", secret.as_bytes())
}

/// Picks operands so that the answer is a whole number 0–99 and every shown number is a
/// word in the 0–99 table. Returns `(a, op, b, result)`.
fn pick(ops: Ops, mut rnd: impl FnMut(u32) -> u32) -> (u32, char, u32, u32) {
    let mut choices = Vec::new();
    if ops.add {
        choices.push('+');
    }
    if ops.sub {
        choices.push('−');
    }
    if ops.mul {
        choices.push('×');
    }
    let op = choices
        .get(rnd(choices.len() as u32) as usize % choices.len())
        .copied()
        .unwrap_or('+');
    match op {
        '+' => {
            let a = rnd(20);
            let b = rnd(20);
            (a, op, b, a + b)
        }
        '−' => {
            let a = rnd(30);
            let b = rnd(a + 1);
            (a, op, b, a - b)
        }
        _ => {
            let a = 1 + rnd(9);
            let b = 1 + rnd(9);
            (a, op, b, a * b)
        }
    }
}

/// Makes a challenge for `scope` valid for `ttl_secs`. `ask` false issues a question-less
/// token (the CAPTCHA is off for this reader) that still signs the issue time.
pub fn issue(
    key: &[u8; 32],
    scope: Scope<'_>,
    ops: Ops,
    ttl_secs: i64,
    now: DateTime<Utc>,
    ask: bool,
) -> Challenge {
    let scope = scope.text();
    let id = random_id();
    let issued = now.timestamp();
    let expires = issued + ttl_secs.max(30);
    if !ask {
        let token = format!(
            "{id}.{issued}.{expires}.{}",
            mac(key, &id, issued, expires, &scope, "none").to_hex()
        );
        return Challenge {
            question: None,
            token,
            answer: None,
            expires_in: expires - issued,
        };
    }
    let mut seed = random_u64();
    let rnd = |n: u32| {
        // xorshift: plenty for picking small operands from one OS-random seed.
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        (seed % u64::from(n.max(1))) as u32
    };
    let (a, op, b, result) = pick(ops, rnd);
    let blank = (random_u64() % 3) as u8;
    let word = |n: u32| sahifa_text::numbers::number_words(n).unwrap_or_default();
    let gap = "…".to_string();
    let (l, r, res, answer) = match blank {
        0 => (gap, word(b), word(result), a),
        1 => (word(a), gap, word(result), b),
        _ => (word(a), word(b), gap, result),
    };
    let question = format!("{l} {op} {r} = {res}");
    let token = format!(
        "{id}.{issued}.{expires}.{}",
        mac(key, &id, issued, expires, &scope, &answer.to_string()).to_hex()
    );
    Challenge {
        question: Some(question),
        token,
        answer: Some(answer),
        expires_in: expires - issued,
    }
}

/// A token's parts once its shape is checked.
#[derive(Debug, Clone)]
pub struct Verified {
    /// The token id (recorded as used).
    pub id: String,
    /// When it was issued.
    pub issued: DateTime<Utc>,
    /// When it expires.
    pub expires: DateTime<Utc>,
}

/// A refused reply: why, and the token's parts when it is genuine (issued by this site
/// for this scope), so the caller can spend it: a wrong answer uses the token up too.
#[derive(Debug, Clone)]
pub struct Refused {
    /// Why.
    pub refusal: Refusal,
    /// The genuine token, to be recorded as used.
    pub spent: Option<Verified>,
}

impl From<Refusal> for Refused {
    fn from(refusal: Refusal) -> Refused {
        Refused {
            refusal,
            spent: None,
        }
    }
}

/// Checks a token against the `scope` it must have been issued for and the reader's reply
/// (`None` for a question-less token; an empty reply is a wrong answer, never "no
/// question"). Does not record use: the caller records [`Verified::id`] of an accepted
/// token and of [`Refused::spent`].
pub fn verify(
    key: &[u8; 32],
    token: &str,
    scope: Scope<'_>,
    reply: Option<&str>,
    now: DateTime<Utc>,
) -> Result<Verified, Refused> {
    let scope = scope.text();
    let parts: Vec<&str> = token.trim().split('.').collect();
    let [id, issued, expires, given] = parts.as_slice() else {
        return Err(Refusal::Tampered.into());
    };
    let id_ok = id.len() == 32 && id.chars().all(|c| c.is_ascii_hexdigit());
    let (Ok(issued), Ok(expires)) = (issued.parse::<i64>(), expires.parse::<i64>()) else {
        return Err(Refusal::Tampered.into());
    };
    if !id_ok {
        return Err(Refusal::Tampered.into());
    }
    let answer = match reply.map(str::trim) {
        None => "none".to_string(),
        Some("") => String::new(),
        Some(r) => match sahifa_text::numbers::parse_number(r) {
            Some(n) => n.to_string(),
            None => "unreadable".to_string(),
        },
    };
    let to_time = |t: i64| DateTime::<Utc>::from_timestamp(t, 0).ok_or(Refusal::Tampered);
    let (issued_at, expires_at) = (to_time(issued)?, to_time(expires)?);
    let verified = Verified {
        id: id.to_string(),
        issued: issued_at,
        expires: expires_at,
    };
    // `blake3::Hash` compares in constant time.
    let Ok(given) = blake3::Hash::from_hex(given) else {
        return Err(Refusal::Tampered.into());
    };
    if mac(key, id, issued, expires, &scope, &answer) != given {
        // Distinguish a forged token from a wrong answer: a question-less MAC or any
        // numeric answer 0..100 matching means the token is genuine.
        let genuine = mac(key, id, issued, expires, &scope, "none") == given
            || (0..100u32).any(|n| mac(key, id, issued, expires, &scope, &n.to_string()) == given);
        return Err(if genuine {
            Refused {
                refusal: Refusal::Wrong,
                spent: Some(verified),
            }
        } else {
            Refusal::Tampered.into()
        });
    }
    if now.timestamp() > expires {
        return Err(Refusal::Expired.into());
    }
    Ok(verified)
}

#[cfg(test)]
mod tests {
    use super::*;

    const KEY: [u8; 32] = [7; 32];

    const ARTICLE: Scope<'static> = Scope::Comment {
        article_id: 1,
        user_id: None,
    };

    fn all() -> Ops {
        Ops::parse("+-×")
    }

    fn refusal<T>(r: Result<T, Refused>) -> Result<(), Refusal> {
        r.map(|_| ()).map_err(|e| e.refusal)
    }

    #[test]
    fn answers_are_whole_and_in_range() {
        for _ in 0..500 {
            let c = issue(&KEY, ARTICLE, all(), 300, Utc::now(), true);
            let q = c.question.expect("question");
            let answer = c.answer.expect("answer");
            assert!(answer < 100, "{q}");
            assert!(q.contains('…'), "{q}");
            assert!(!q.chars().any(|ch| ch.is_ascii_digit()), "{q}");
        }
    }

    #[test]
    fn right_answer_in_each_form_passes() {
        let now = Utc::now();
        loop {
            let c = issue(&KEY, ARTICLE, Ops::parse("+"), 300, now, true);
            let answer = c.answer.expect("answer");
            if answer != 4 {
                continue;
            }
            for form in ["4", "٤", "أربعة", "اربعة", " أَرْبَعَة "] {
                assert!(
                    verify(&KEY, &c.token, ARTICLE, Some(form), now).is_ok(),
                    "{form}"
                );
            }
            break;
        }
    }

    #[test]
    fn wrong_expired_and_tampered_are_refused() {
        let now = Utc::now();
        let c = issue(&KEY, ARTICLE, all(), 300, now, true);
        let answer = c.answer.expect("answer");
        let wrong = ((answer + 1) % 100).to_string();
        let refused = verify(&KEY, &c.token, ARTICLE, Some(&wrong), now).expect_err("wrong");
        assert_eq!(refused.refusal, Refusal::Wrong);
        assert!(
            refused.spent.is_some(),
            "a wrong answer spends a genuine token"
        );
        let later = now + chrono::Duration::seconds(301);
        assert_eq!(
            refusal(verify(
                &KEY,
                &c.token,
                ARTICLE,
                Some(&answer.to_string()),
                later
            )),
            Err(Refusal::Expired)
        );
        // Stretching the expiry breaks the MAC.
        let parts: Vec<&str> = c.token.split('.').collect();
        let forged = format!(
            "{}.{}.{}.{}",
            parts[0], parts[1], 99_999_999_999i64, parts[3]
        );
        assert_eq!(
            refusal(verify(
                &KEY,
                &forged,
                ARTICLE,
                Some(&answer.to_string()),
                now
            )),
            Err(Refusal::Tampered)
        );
        let other_key = [8u8; 32];
        assert!(
            verify(
                &other_key,
                &c.token,
                ARTICLE,
                Some(&answer.to_string()),
                now
            )
            .is_err()
        );
        assert_eq!(
            refusal(verify(&KEY, "garbage", ARTICLE, Some("1"), now)),
            Err(Refusal::Tampered)
        );
    }

    #[test]
    fn questionless_tokens_sign_the_time() {
        let now = Utc::now();
        let c = issue(&KEY, ARTICLE, all(), 300, now, false);
        assert!(c.question.is_none());
        let v = verify(&KEY, &c.token, ARTICLE, None, now).expect("valid");
        assert_eq!(v.issued.timestamp(), now.timestamp());
    }

    #[test]
    fn tokens_are_bound_to_their_article_and_reader() {
        let now = Utc::now();
        let c = issue(&KEY, ARTICLE, all(), 300, now, true);
        let answer = c.answer.expect("answer").to_string();
        let other_article = Scope::Comment {
            article_id: 2,
            user_id: None,
        };
        let login = Scope::Login {
            account: "owner@example.com",
        };
        for scope in [other_article, login] {
            let refused = verify(&KEY, &c.token, scope, Some(&answer), now).expect_err("bound");
            assert_eq!(refused.refusal, Refusal::Tampered, "{scope:?}");
            assert!(refused.spent.is_none());
        }
        assert!(verify(&KEY, &c.token, ARTICLE, Some(&answer), now).is_ok());
    }

    #[test]
    fn a_staff_token_is_no_pass_for_a_reader() {
        let now = Utc::now();
        let staff = Scope::Comment {
            article_id: 1,
            user_id: Some(7),
        };
        let c = issue(&KEY, staff, all(), 300, now, false);
        assert!(verify(&KEY, &c.token, staff, None, now).is_ok());
        // The same token from an anonymous client, with an empty answer or none.
        for reply in [Some(""), Some("  "), None] {
            assert!(
                verify(&KEY, &c.token, ARTICLE, reply, now).is_err(),
                "{reply:?}"
            );
        }
    }

    #[test]
    fn an_empty_reply_never_passes_as_no_question() {
        let now = Utc::now();
        let c = issue(&KEY, ARTICLE, all(), 300, now, false);
        let refused = verify(&KEY, &c.token, ARTICLE, Some(""), now).expect_err("empty");
        assert_eq!(refused.refusal, Refusal::Wrong);
    }
}
