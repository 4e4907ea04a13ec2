//! The header and footer menus: items pointing at a category, a static page, a tag or a
//! custom link, in order, one level deep. Reads join each item's target so that one query
//! gives the public menus (read once per content epoch) and the admin's list, where an
//! item whose target was deleted shows as broken.

use serde::Serialize;

use crate::{Db, Result, StoreError, Tx};

/// Where a menu is shown.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum MenuLocation {
    /// The site header's navigation.
    Header,
    /// The site footer's links.
    Footer,
}

impl MenuLocation {
    /// Both locations, in the order the admin shows them.
    pub const ALL: [MenuLocation; 2] = [MenuLocation::Header, MenuLocation::Footer];

    /// The value stored in the database and used in URLs.
    pub fn as_str(self) -> &'static str {
        match self {
            MenuLocation::Header => "header",
            MenuLocation::Footer => "footer",
        }
    }

    /// Parses a stored or typed value.
    pub fn parse(value: &str) -> Option<MenuLocation> {
        match value {
            "header" => Some(MenuLocation::Header),
            "footer" => Some(MenuLocation::Footer),
            _ => None,
        }
    }
}

impl TryFrom<String> for MenuLocation {
    type Error = String;
    fn try_from(value: String) -> std::result::Result<Self, Self::Error> {
        MenuLocation::parse(&value).ok_or(value)
    }
}

/// What a menu item points at.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum MenuKind {
    /// A category archive.
    Category,
    /// A static page.
    Page,
    /// A tag archive.
    Tag,
    /// A URL typed by the newsroom.
    Link,
}

impl MenuKind {
    /// Every kind, in the order the admin's form offers them.
    pub const ALL: [MenuKind; 4] = [
        MenuKind::Category,
        MenuKind::Page,
        MenuKind::Tag,
        MenuKind::Link,
    ];

    /// The value stored in the database and used in forms.
    pub fn as_str(self) -> &'static str {
        match self {
            MenuKind::Category => "category",
            MenuKind::Page => "page",
            MenuKind::Tag => "tag",
            MenuKind::Link => "link",
        }
    }

    /// Parses a stored or typed value.
    pub fn parse(value: &str) -> Option<MenuKind> {
        match value {
            "category" => Some(MenuKind::Category),
            "page" => Some(MenuKind::Page),
            "tag" => Some(MenuKind::Tag),
            "link" => Some(MenuKind::Link),
            _ => None,
        }
    }
}

impl TryFrom<String> for MenuKind {
    type Error = String;
    fn try_from(value: String) -> std::result::Result<Self, Self::Error> {
        MenuKind::parse(&value).ok_or(value)
    }
}

/// One stored menu item with what its target is now.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, sqlx::FromRow)]
pub struct MenuItem {
    /// Row id.
    pub id: i64,
    /// Header or footer.
    #[sqlx(try_from = "String")]
    pub location: MenuLocation,
    /// The top-level item it is nested under.
    pub parent_id: Option<i64>,
    /// Order among its siblings (smallest first).
    pub position: i64,
    /// What it points at.
    #[sqlx(try_from = "String")]
    pub kind: MenuKind,
    /// The category, while it exists.
    pub category_id: Option<i64>,
    /// The page, while it exists.
    pub page_id: Option<i64>,
    /// The tag, while it exists.
    pub tag_id: Option<i64>,
    /// A custom link's URL (empty for the other kinds).
    pub url: String,
    /// The label typed; empty means the target's name.
    pub label: String,
    /// The target's name (category or tag name, page title); `None` when it is gone.
    pub target_name: Option<String>,
    /// The target's slug; `None` when it is gone.
    pub target_slug: Option<String>,
    /// A page target's status (`draft`/`published`).
    pub page_status: Option<String>,
}

impl MenuItem {
    /// Whether the item's target no longer exists (a custom link never breaks).
    pub fn broken(&self) -> bool {
        self.kind != MenuKind::Link && self.target_slug.is_none()
    }

    /// What readers see: the label typed, else the target's name.
    pub fn display_label(&self) -> &str {
        if !self.label.is_empty() {
            &self.label
        } else {
            self.target_name.as_deref().unwrap_or(&self.url)
        }
    }
}

/// The columns of an item a write sets, already checked by the use case.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MenuItemWrite {
    /// Header or footer.
    pub location: MenuLocation,
    /// Parent item (top level when `None`).
    pub parent_id: Option<i64>,
    /// Order among siblings.
    pub position: i64,
    /// Kind of target.
    pub kind: MenuKind,
    /// Category target.
    pub category_id: Option<i64>,
    /// Page target.
    pub page_id: Option<i64>,
    /// Tag target.
    pub tag_id: Option<i64>,
    /// Custom link URL.
    pub url: String,
    /// Label (empty: the target's name).
    pub label: String,
}

const SELECT: &str = "SELECT m.id, m.location, m.parent_id, m.position, m.kind, m.category_id, \
     m.page_id, m.tag_id, m.url, m.label, \
     COALESCE(c.name, p.title, t.name) AS target_name, \
     COALESCE(c.slug, p.slug, t.slug) AS target_slug, p.status AS page_status \
     FROM menu_items m \
     LEFT JOIN categories c ON m.kind = 'category' AND c.id = m.category_id \
     LEFT JOIN pages p ON m.kind = 'page' AND p.id = m.page_id \
     LEFT JOIN tags t ON m.kind = 'tag' AND t.id = m.tag_id";

const ORDER: &str = "ORDER BY m.location, m.position, m.id";

impl Db {
    /// Every item of both menus, by location then position (parents and children mixed:
    /// callers group children under their parent).
    pub async fn menu_items(&self) -> Result<Vec<MenuItem>> {
        let sql = format!("{SELECT} {ORDER}");
        Ok(with_pool!(self, |pool| sqlx::query_as(&sql)
            .fetch_all(pool)
            .await)?)
    }

    /// One item.
    pub async fn menu_item(&self, id: i64) -> Result<Option<MenuItem>> {
        let sql = format!("{SELECT} WHERE m.id = $1");
        Ok(with_pool!(self, |pool| sqlx::query_as(&sql)
            .bind(id)
            .fetch_optional(pool)
            .await)?)
    }
}

/// The items of `location` inside `tx`, in order; on PostgreSQL every row is locked
/// until the transaction ends, so two reorders cannot interleave.
pub async fn items_for_update(tx: &mut Tx, location: MenuLocation) -> Result<Vec<MenuItem>> {
    let lock = match tx.backend() {
        crate::Backend::Postgres => " FOR UPDATE OF m",
        crate::Backend::Sqlite => "",
    };
    let sql = format!("{SELECT} WHERE m.location = $1 {ORDER}{lock}");
    Ok(with_tx!(tx, |conn| sqlx::query_as(&sql)
        .bind(location.as_str())
        .fetch_all(&mut *conn)
        .await)?)
}

/// The location of item `id`, seen inside `tx`.
pub async fn item_location(tx: &mut Tx, id: i64) -> Result<Option<MenuLocation>> {
    let row: Option<(String,)> = with_tx!(tx, |conn| sqlx::query_as(
        "SELECT location FROM menu_items WHERE id = $1"
    )
    .bind(id)
    .fetch_optional(&mut *conn)
    .await)?;
    Ok(row.and_then(|(l,)| MenuLocation::parse(&l)))
}

/// Inserts an item; returns its id.
pub async fn insert_item(tx: &mut Tx, item: &MenuItemWrite) -> Result<i64> {
    let (id,): (i64,) = with_tx!(tx, |conn| sqlx::query_as(
        "INSERT INTO menu_items (location, parent_id, position, kind, category_id, page_id, \
         tag_id, url, label) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id"
    )
    .bind(item.location.as_str())
    .bind(item.parent_id)
    .bind(item.position)
    .bind(item.kind.as_str())
    .bind(item.category_id)
    .bind(item.page_id)
    .bind(item.tag_id)
    .bind(&item.url)
    .bind(&item.label)
    .fetch_one(&mut *conn)
    .await)
    .map_err(|e| StoreError::on_unique(e, crate::Unique::Row))?;
    Ok(id)
}

/// Sets the label, URL, parent and position of item `id` (its kind and target stay).
pub async fn update_item(
    tx: &mut Tx,
    id: i64,
    label: &str,
    url: &str,
    parent_id: Option<i64>,
    position: i64,
) -> Result<()> {
    let done = with_tx!(tx, |conn| sqlx::query(
        "UPDATE menu_items SET label = $1, url = $2, parent_id = $3, position = $4 \
         WHERE id = $5"
    )
    .bind(label)
    .bind(url)
    .bind(parent_id)
    .bind(position)
    .bind(id)
    .execute(&mut *conn)
    .await
    .map(|r| r.rows_affected()))?;
    if done == 0 {
        return Err(StoreError::NotFound("menu item"));
    }
    Ok(())
}

/// Moves item `id` to `position` among its siblings.
pub async fn set_position(tx: &mut Tx, id: i64, position: i64) -> Result<()> {
    with_tx!(tx, |conn| sqlx::query(
        "UPDATE menu_items SET position = $1 WHERE id = $2"
    )
    .bind(position)
    .bind(id)
    .execute(&mut *conn)
    .await
    .map(|r| r.rows_affected()))?;
    Ok(())
}

/// Moves item `id` to the top level at `position`.
pub async fn promote(tx: &mut Tx, id: i64, position: i64) -> Result<()> {
    with_tx!(tx, |conn| sqlx::query(
        "UPDATE menu_items SET parent_id = NULL, position = $1 WHERE id = $2"
    )
    .bind(position)
    .bind(id)
    .execute(&mut *conn)
    .await
    .map(|r| r.rows_affected()))?;
    Ok(())
}

/// Deletes item `id` (the caller moved its children first).
pub async fn delete_item(tx: &mut Tx, id: i64) -> Result<()> {
    let done = with_tx!(tx, |conn| sqlx::query(
        "DELETE FROM menu_items WHERE id = $1"
    )
    .bind(id)
    .execute(&mut *conn)
    .await
    .map(|r| r.rows_affected()))?;
    if done == 0 {
        return Err(StoreError::NotFound("menu item"));
    }
    Ok(())
}
