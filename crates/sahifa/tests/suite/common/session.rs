//! Logging in to the admin over real HTTP and carrying the session cookie and CSRF token.

#![allow(dead_code)]

use super::TestApp;

/// A logged-in browser: the session cookie plus the page's CSRF token.
pub struct AdminSession<'a> {
    /// The server.
    pub app: &'a TestApp,
    /// `sahifa_session=...`.
    pub cookie: String,
    /// The CSRF token the admin pages embed.
    pub csrf: String,
}

/// The value of `name=...` in the response's Set-Cookie headers.
pub fn set_cookie_value(response: &reqwest::Response, name: &str) -> Option<String> {
    response
        .headers()
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .filter_map(|v| v.split(';').next())
        .filter_map(|pair| pair.split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v.to_string())
}

/// The value of the first hidden `_csrf` input in a page.
pub fn csrf_field(html: &str) -> Option<String> {
    let at = html.find("name=\"_csrf\" value=\"")?;
    let rest = &html[at + "name=\"_csrf\" value=\"".len()..];
    rest.split('"').next().map(str::to_string)
}

/// Opens the login form of the server at `base` and posts `email` and `password` with its
/// CSRF token; returns the answer to the POST (a session cookie when it worked). For servers
/// other than a [`TestApp`] too (the `sahifa serve` processes of the stack and media tests).
pub async fn post_login(
    client: &reqwest::Client,
    base: &str,
    email: &str,
    password: &str,
) -> reqwest::Response {
    let page = client
        .get(format!("{base}/admin/login"))
        .send()
        .await
        .expect("login page");
    let login_cookie = set_cookie_value(&page, "sahifa_login_csrf").expect("login csrf cookie");
    let html = page.text().await.expect("login page");
    let token = csrf_field(&html).expect("csrf field");
    client
        .post(format!("{base}/admin/login"))
        .header("cookie", format!("sahifa_login_csrf={login_cookie}"))
        .header("origin", base)
        .form(&[
            ("email", email),
            ("password", password),
            ("_csrf", token.as_str()),
            ("next", "/admin"),
        ])
        .send()
        .await
        .expect("login post")
}

/// Logs in at `base`; returns the `sahifa_session=...` cookie, panicking unless it worked.
pub async fn session_cookie(
    client: &reqwest::Client,
    base: &str,
    email: &str,
    password: &str,
) -> String {
    let response = post_login(client, base, email, password).await;
    let session = set_cookie_value(&response, "sahifa_session").expect("session cookie");
    format!("sahifa_session={session}")
}

/// Logs in; returns the HTTP status of the login POST and the session (when it worked).
pub async fn try_login<'a>(
    app: &'a TestApp,
    email: &str,
    password: &str,
) -> (u16, Option<AdminSession<'a>>, String) {
    let response = post_login(&app.client, &app.base, email, password).await;
    let status = response.status().as_u16();
    let Some(session) = set_cookie_value(&response, "sahifa_session").filter(|v| !v.is_empty())
    else {
        let body = response.text().await.unwrap_or_default();
        return (status, None, body);
    };
    let mut admin = AdminSession {
        app,
        cookie: format!("sahifa_session={session}"),
        csrf: String::new(),
    };
    let dashboard = admin.get("/admin").await;
    assert_eq!(dashboard.status().as_u16(), 200, "dashboard after login");
    admin.csrf =
        csrf_field(&dashboard.text().await.expect("dashboard")).expect("csrf on dashboard");
    (status, Some(admin), String::new())
}

/// Logs in and panics unless it worked.
pub async fn login<'a>(app: &'a TestApp, email: &str, password: &str) -> AdminSession<'a> {
    let (status, session, body) = try_login(app, email, password).await;
    session.unwrap_or_else(|| panic!("login as {email} failed with {status}: {body}"))
}

impl AdminSession<'_> {
    /// `GET` with the session cookie.
    pub async fn get(&self, path: &str) -> reqwest::Response {
        self.app
            .client
            .get(format!("{}{path}", self.app.base))
            .header("cookie", &self.cookie)
            .send()
            .await
            .expect("get")
    }

    /// `POST` a form with the session cookie, the CSRF token and a same-site Origin.
    pub async fn post(&self, path: &str, fields: &[(&str, &str)]) -> reqwest::Response {
        let mut form: Vec<(&str, &str)> = fields.to_vec();
        form.push(("_csrf", self.csrf.as_str()));
        self.app
            .client
            .post(format!("{}{path}", self.app.base))
            .header("cookie", &self.cookie)
            .header("origin", &self.app.base)
            .form(&form)
            .send()
            .await
            .expect("post")
    }
}
