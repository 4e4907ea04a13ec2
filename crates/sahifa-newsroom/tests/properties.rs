//! Random input into the parsers of the use cases: the CAPTCHA's token and answer, the
//! comment text cleaner and linker, and the bounded body renderer. None may panic; a
//! right answer in any script passes and no random reply forges one.

use chrono::Utc;
use proptest::prelude::*;
use sahifa_newsroom::comments::captcha::{self, Ops, Refusal, Scope};
use sahifa_newsroom::comments::text;

const KEY: [u8; 32] = [9; 32];

fn scope() -> Scope<'static> {
    Scope::Comment {
        article_id: 7,
        user_id: None,
    }
}

/// Replies a reader might type: digits of either script, Arabic number words with and
/// without marks, Latin, spaces, or anything at all.
fn reply() -> impl Strategy<Value = String> {
    prop_oneof![
        "[0-9]{0,4}",
        "[٠-٩]{0,4}",
        "[۰-۹]{0,4}",
        "[ اأإآبتثجحخدذرزسشصضطظعغفقكلمنهويىةءًٌٍَُِّْ]{0,24}",
        any::<String>(),
    ]
}

/// Token-shaped strings: four dot-separated parts of plausible and implausible shapes.
fn token() -> impl Strategy<Value = String> {
    prop_oneof![
        any::<String>(),
        (
            "[0-9a-f]{0,40}",
            "-?[0-9]{0,20}",
            "-?[0-9]{0,20}",
            "[0-9a-fA-F]{0,70}"
        )
            .prop_map(|(a, b, c, d)| format!("{a}.{b}.{c}.{d}")),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn any_token_and_reply_are_refused_or_checked_without_panic(t in token(), r in reply()) {
        let refused = captcha::verify(&KEY, &t, scope(), Some(&r), Utc::now());
        prop_assert!(refused.is_err(), "a made-up token passed: {t:?}");
        let _ = captcha::verify(&KEY, &t, scope(), None, Utc::now());
    }

    #[test]
    fn a_random_reply_never_passes_unless_it_reads_as_the_answer(r in reply()) {
        let now = Utc::now();
        let challenge = captcha::issue(&KEY, scope(), Ops::parse("+-×"), 300, now, true);
        let answer = challenge.answer.expect("a question was asked");
        let outcome = captcha::verify(&KEY, &challenge.token, scope(), Some(&r), now);
        let reads_as_answer = sahifa_text::numbers::parse_number(&r) == Some(answer);
        prop_assert_eq!(outcome.is_ok(), reads_as_answer, "reply {:?} to {}", r, answer);
        if let Err(refused) = outcome {
            prop_assert_eq!(refused.refusal, Refusal::Wrong);
        }
    }

    #[test]
    fn the_answer_passes_in_either_digit_script(pad in "[ \t]{0,3}") {
        let now = Utc::now();
        let challenge = captcha::issue(&KEY, scope(), Ops::parse("+-×"), 300, now, true);
        let answer = challenge.answer.expect("a question was asked");
        let western = answer.to_string();
        let indic = sahifa_text::digits::localize_digits(
            &western,
            sahifa_text::digits::DigitStyle::ArabicIndic,
        );
        for form in [western, indic] {
            let typed = format!("{pad}{form}{pad}");
            prop_assert!(
                captcha::verify(&KEY, &challenge.token, scope(), Some(&typed), now).is_ok(),
                "{typed:?}"
            );
        }
    }

    #[test]
    fn comment_text_is_cleaned_and_linked_safely(s in any::<String>()) {
        let cleaned = text::clean(&s);
        prop_assert!(!cleaned.chars().any(text::is_bidi_control));
        let html = text::to_html(&cleaned);
        prop_assert!(!html.to_ascii_lowercase().contains("<script"), "{html}");
        for (from, to) in text::find_links(&cleaned) {
            prop_assert!(from <= to && to <= cleaned.len());
            prop_assert!(cleaned.is_char_boundary(from) && cleaned.is_char_boundary(to));
        }
        let _ = text::link_count(&cleaned);
        if let Some(url) = text::safe_url(&s) {
            prop_assert!(url.starts_with("http://") || url.starts_with("https://"), "{url}");
        }
    }
}

#[tokio::test]
async fn the_renderer_refuses_or_renders_every_random_body() {
    // Deterministic bodies of every shape that made rendering slow, through the same
    // path the save use case takes.
    for md in [
        ">".repeat(40_000),
        "- ".repeat(100_000) + "x",
        "x <blockquote>".repeat(10_000),
        "ب".repeat(sahifa_text::markdown::MAX_BODY_BYTES),
    ] {
        match sahifa_newsroom::rendering::render_markdown(&md).await {
            Ok(html) => assert!(!html.contains("<script")),
            Err(err) => assert_eq!(
                err.fields().first().map(|f| f.key),
                Some("admin-error-body-too-long")
            ),
        }
    }
}
