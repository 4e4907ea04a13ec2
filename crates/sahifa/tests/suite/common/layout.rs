//! The layout checks the phone tours (admin and public) run in each page, in one place so
//! both hold pages to the same rules: the page does not scroll sideways, no element sticks
//! out of the viewport or out of its container, no word is broken across two lines, and
//! (when asked) buttons are big enough for a thumb.

#![allow(dead_code)]

use fantoccini::Client;

use super::chrome::js;

/// The checks, run in the page; the problems found (none when the page is fine). Text in
/// code, secrets and left-to-right addresses (URLs, e-mails) may wrap anywhere: those are
/// not words of the language. `THUMBS` is replaced by whether to check button sizes.
const CHECKS: &str = r#"
const thumbs = THUMBS;
const problems = [];
const vw = window.innerWidth;
const describe = (el) => {
  let s = el.tagName.toLowerCase();
  if (el.id) s += '#' + el.id;
  if (el.classList && el.classList.length) s += '.' + Array.from(el.classList).join('.');
  const text = (el.innerText || el.value || '').trim().replace(/\s+/g, ' ').slice(0, 40);
  return text ? s + ' «' + text + '»' : s;
};
const visible = (el) => {
  const st = getComputedStyle(el);
  if (st.display === 'none' || st.visibility === 'hidden') return false;
  const r = el.getBoundingClientRect();
  return r.width > 0 && r.height > 0;
};
// An element inside a box that scrolls or clips sideways (a wide table's wrapper, the
// phone's section row) is judged by that box.
const clippedBy = (el) => {
  for (let p = el.parentElement; p && p !== document.body; p = p.parentElement) {
    if (getComputedStyle(p).overflowX !== 'visible') return p;
  }
  return null;
};
const skipped = (el) => !!el.closest('.skip-link, .visually-hidden, script, style, template, noscript');
// Inside a box clipped to nothing (a table head kept for screen readers only): not seen.
const clippedAway = (el) => {
  for (let p = el.parentElement; p && p !== document.body; p = p.parentElement) {
    const ps = getComputedStyle(p);
    if (ps.overflowX === 'visible' && ps.clipPath === 'none') continue;
    const r = p.getBoundingClientRect();
    if (r.width <= 1 || r.height <= 1) return true;
  }
  return false;
};
// The box an element is laid out in: inline and `display: contents` ancestors draw no box
// of their own that children must keep to.
const container = (el) => {
  let p = el.parentElement;
  while (p && p !== document.body) {
    const d = getComputedStyle(p).display;
    if (d !== 'inline' && d !== 'contents') return p;
    p = p.parentElement;
  }
  return null;
};

const sw = document.scrollingElement.scrollWidth;
if (sw > vw) problems.push('the page is ' + sw + ' px wide in a ' + vw + ' px viewport');

for (const el of document.body.querySelectorAll('*')) {
  if (skipped(el) || !visible(el)) continue;
  const r = el.getBoundingClientRect();
  if (r.right <= vw + 1 && r.left >= -1) continue;
  const box = clippedBy(el);
  if (box) {
    const b = box.getBoundingClientRect();
    if (b.right <= vw + 1 && b.left >= -1) continue;
  }
  if (r.width > vw + 1) {
    problems.push('wider than the viewport (' + Math.round(r.width) + ' px): ' + describe(el));
  } else {
    problems.push('sticks out of the viewport (' + Math.round(r.left) + '..' + Math.round(r.right) + ' of ' + vw + '): ' + describe(el));
  }
  if (problems.length > 20) break;
}

// No element wider than its container. Out-of-flow boxes (absolute, fixed) are placed on
// purpose; a container that clips or scrolls sideways keeps its overflow to itself; SVG
// shapes are drawn, not laid out.
let outside = 0;
for (const el of document.body.querySelectorAll('*')) {
  if (outside >= 20) break;
  if (skipped(el) || !visible(el) || el instanceof SVGElement && !(el instanceof SVGSVGElement)) continue;
  const st = getComputedStyle(el);
  if (st.position === 'absolute' || st.position === 'fixed') continue;
  const p = container(el);
  if (!p || clippedAway(el)) continue;
  const ps = getComputedStyle(p);
  if (ps.overflowX !== 'visible') continue;
  const pr = p.getBoundingClientRect();
  const inner = {
    left: pr.left + parseFloat(ps.borderLeftWidth),
    right: pr.right - parseFloat(ps.borderRightWidth),
  };
  const r = el.getBoundingClientRect();
  if (r.left < inner.left - 1 || r.right > inner.right + 1) {
    problems.push('sticks out of its container by ' + Math.round(Math.max(inner.left - r.left, r.right - inner.right)) + ' px (' + Math.round(r.width) + ' px in ' + Math.round(inner.right - inner.left) + ' px): ' + describe(el) + ' in ' + describe(p));
    outside++;
  }
}

const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
const range = document.createRange();
let broken = 0;
for (let node = walker.nextNode(); node && broken < 20; node = walker.nextNode()) {
  const el = node.parentElement;
  if (!el || skipped(el) || !visible(el)) continue;
  if (el.closest('code, pre, .secret, [dir=ltr], select, option, textarea')) continue;
  const text = node.data;
  const re = /\S+/g;
  let m;
  while ((m = re.exec(text)) !== null) {
    const word = m[0];
    if (word.length < 2 || /[@\/:]/.test(word)) continue;
    range.setStart(node, m.index);
    range.setEnd(node, m.index + word.length);
    const rects = Array.from(range.getClientRects()).filter((x) => x.width > 0.5 && x.height > 0.5);
    if (rects.length < 2) continue;
    const tops = rects.map((x) => x.top);
    const lineHeight = Math.min(...rects.map((x) => x.height));
    if (Math.max(...tops) - Math.min(...tops) > lineHeight / 2) {
      problems.push('the word «' + word + '» is broken across lines in ' + describe(el));
      broken++;
      if (broken >= 20) break;
    }
  }
}

if (thumbs) {
  for (const el of document.body.querySelectorAll('button, .button, input[type=submit]')) {
    if (skipped(el) || !visible(el)) continue;
    const r = el.getBoundingClientRect();
    if (r.height < 43.5 || r.width < 43.5) {
      problems.push('a button smaller than a thumb (' + Math.round(r.width) + '×' + Math.round(r.height) + '): ' + describe(el));
    }
  }
}
return problems;
"#;

/// The layout problems of the page `browser` shows; `thumbs` adds the button-size check
/// (for the phone).
pub async fn problems(browser: &Client, thumbs: bool) -> Vec<String> {
    let script = CHECKS.replace("THUMBS", if thumbs { "true" } else { "false" });
    serde_json::from_value(js(browser, &script).await).expect("a list of problems")
}
