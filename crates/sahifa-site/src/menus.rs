//! The header and footer menus as the layout prints them, built from the items the
//! [`SiteView`] read once for this content epoch: no query per request.
//!
//! An item whose target is gone (a deleted category, tag or page) or not public (a draft
//! page) is left out, and its nested items with it: they were filed under it.

use sahifa_http::state::SiteView;
use sahifa_http::urls;
use sahifa_store::menus::{MenuItem, MenuKind, MenuLocation};

use crate::view::NavItem;

/// The public URL of `item`, or `None` when readers cannot follow it.
fn public_url(item: &MenuItem) -> Option<String> {
    if item.kind == MenuKind::Link {
        return Some(item.url.clone());
    }
    let slug = item.target_slug.as_deref()?;
    Some(match item.kind {
        MenuKind::Category => urls::category(slug),
        MenuKind::Tag => urls::tag(slug),
        MenuKind::Page if item.page_status.as_deref() == Some("published") => {
            crate::pages::static_page::page_url(slug)
        }
        _ => return None,
    })
}

/// Whether the page at `canonical` is `url` or one of its pages (`?page=2`).
fn is_current(canonical: &str, url: &str) -> bool {
    canonical == url
        || canonical
            .strip_prefix(url)
            .is_some_and(|rest| rest.starts_with('?'))
}

fn nav_item(item: &MenuItem, url: String, canonical: &str) -> NavItem {
    NavItem {
        name: item.display_label().to_string(),
        current: is_current(canonical, &url),
        url,
        children: Vec::new(),
    }
}

/// The visible items of the `location` menu, in order, each with its visible children;
/// empty when the menu has none.
pub(crate) fn menu(site: &SiteView, location: MenuLocation, canonical: &str) -> Vec<NavItem> {
    let mut items: Vec<&MenuItem> = site
        .menu_items
        .iter()
        .filter(|i| i.location == location)
        .collect();
    items.sort_by_key(|i| (i.position, i.id));
    let top_ids: Vec<i64> = items
        .iter()
        .filter(|i| i.parent_id.is_none())
        .map(|i| i.id)
        .collect();
    items
        .iter()
        // A child whose parent row is gone counts as top level, as the admin shows it.
        .filter(|i| i.parent_id.is_none_or(|p| !top_ids.contains(&p)))
        .filter_map(|top| {
            let url = public_url(top)?;
            let mut nav = nav_item(top, url, canonical);
            nav.children = items
                .iter()
                .filter(|c| c.parent_id == Some(top.id))
                .filter_map(|c| public_url(c).map(|url| nav_item(c, url, canonical)))
                .collect();
            Some(nav)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::is_current;

    #[test]
    fn current_section() {
        assert!(is_current("/category/a", "/category/a"));
        assert!(is_current("/category/a?page=2", "/category/a"));
        assert!(!is_current("/category/ab", "/category/a"));
        assert!(!is_current("/page/x", "/"));
    }
}
