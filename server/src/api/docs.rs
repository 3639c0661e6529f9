//! `/api/docs`: the OpenAPI document as a readable reference, rendered on the server from
//! the same document `/api/v1/openapi.json` serves — no script, no CDN, nothing fetched
//! (a Swagger UI bundle would be 1.4 MB of JavaScript downloaded at build time). Each
//! operation lists its parameters, body and answers; schemas are linked by name.

use app::platform::html::escape;
use axum::response::{Html, IntoResponse, Response};
use serde_json::Value;
use std::fmt::Write as _;
use std::sync::OnceLock;

pub async fn page() -> Response {
    static PAGE: OnceLock<String> = OnceLock::new();
    let html = PAGE.get_or_init(|| {
        let doc: Value = serde_json::from_str(super::openapi::json()).unwrap_or_default();
        render(&doc)
    });
    (
        [(http::header::CACHE_CONTROL, "no-cache")],
        Html(html.as_str()),
    )
        .into_response()
}

fn text(v: &Value) -> String {
    escape(v.as_str().unwrap_or_default()).into_owned()
}

/// `#/components/schemas/Order` → a link to its section; inline schemas in brief.
fn schema(v: &Value) -> String {
    if let Some(r) = v.get("$ref").and_then(Value::as_str) {
        let name = r.rsplit('/').next().unwrap_or_default();
        let name = escape(name);
        return format!("<a href=\"#schema-{name}\">{name}</a>");
    }
    if let Some(all) = v
        .get("allOf")
        .or_else(|| v.get("oneOf"))
        .and_then(Value::as_array)
    {
        return all.iter().map(schema).collect::<Vec<_>>().join(" + ");
    }
    match v.get("type") {
        Some(Value::String(t)) if t == "array" => {
            format!(
                "array of {}",
                v.get("items").map(schema).unwrap_or_default()
            )
        }
        Some(Value::String(t)) if t == "object" && v.get("properties").is_some() => {
            let props = v["properties"].as_object().cloned().unwrap_or_default();
            let inner: Vec<String> = props
                .iter()
                .map(|(k, p)| format!("{}: {}", escape(k), schema(p)))
                .collect();
            format!("{{ {} }}", inner.join(", "))
        }
        Some(Value::String(t)) => escape(t).into_owned(),
        Some(Value::Array(ts)) => ts
            .iter()
            .filter_map(Value::as_str)
            .collect::<Vec<_>>()
            .join(" or "),
        _ => "any".to_owned(),
    }
}

fn operation(out: &mut String, method: &str, path: &str, op: &Value) {
    let id = format!("{method}-{}", path.replace(['/', '{', '}'], "-"));
    let _ = write!(
        out,
        "<section class=\"op\" id=\"{id}\"><h3><span class=\"method method--{method}\">{}</span> <code>{}</code></h3>",
        method.to_uppercase(),
        escape(path)
    );
    if let Some(d) = op.get("description").or_else(|| op.get("summary")) {
        let _ = write!(out, "<p>{}</p>", text(d));
    }
    if op.get("security").is_some() {
        out.push_str("<p class=\"auth\">Needs <code>Authorization: Bearer …</code></p>");
    }
    if let Some(params) = op.get("parameters").and_then(Value::as_array) {
        out.push_str("<table><thead><tr><th>Parameter</th><th>In</th><th>Type</th><th>Description</th></tr></thead><tbody>");
        for p in params {
            let _ = write!(
                out,
                "<tr><td><code>{}</code>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
                text(&p["name"]),
                if p["required"].as_bool() == Some(true) {
                    " (required)"
                } else {
                    ""
                },
                text(&p["in"]),
                p.get("schema").map(schema).unwrap_or_default(),
                text(&p["description"]),
            );
        }
        out.push_str("</tbody></table>");
    }
    if let Some(body) = op.pointer("/requestBody/content/application~1json/schema") {
        let _ = write!(out, "<p><strong>Body</strong> (JSON): {}</p>", schema(body));
    }
    if let Some(responses) = op.get("responses").and_then(Value::as_object) {
        out.push_str("<ul class=\"responses\">");
        for (status, r) in responses {
            let body = r
                .pointer("/content/application~1json/schema")
                .map(schema)
                .unwrap_or_default();
            let _ = write!(
                out,
                "<li><code>{}</code> {} {body}</li>",
                escape(status),
                text(&r["description"])
            );
        }
        out.push_str("</ul>");
    }
    out.push_str("</section>");
}

fn render(doc: &Value) -> String {
    let mut out = String::from(
        "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\">\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
         <title>Oxcart API reference</title><link rel=\"icon\" href=\"/favicon.svg\" type=\"image/svg+xml\">\
         <link rel=\"stylesheet\" href=\"/api/docs/style.css\"></head><body>",
    );
    let _ = write!(
        out,
        "<header><h1>{} <small>{}</small></h1><p>{}</p>\
         <p>Machine-readable: <a href=\"/api/v1/openapi.json\">openapi.json</a> (OpenAPI {}).</p></header><nav><ul>",
        text(&doc["info"]["title"]),
        text(&doc["info"]["version"]),
        text(&doc["info"]["description"]),
        text(&doc["openapi"]),
    );
    let tags: Vec<(String, String)> = doc["tags"]
        .as_array()
        .map(|t| {
            t.iter()
                .map(|t| (text(&t["name"]), text(&t["description"])))
                .collect()
        })
        .unwrap_or_default();
    for (name, _) in &tags {
        let _ = write!(out, "<li><a href=\"#tag-{name}\">{name}</a></li>");
    }
    out.push_str("<li><a href=\"#schemas\">schemas</a></li></ul></nav><main>");
    let paths = doc["paths"].as_object().cloned().unwrap_or_default();
    for (name, description) in &tags {
        let _ = write!(out, "<h2 id=\"tag-{name}\">{name}</h2><p>{description}</p>");
        for (path, item) in &paths {
            for (method, op) in item.as_object().into_iter().flatten() {
                let tagged = op["tags"]
                    .as_array()
                    .is_some_and(|t| t.iter().any(|t| text(t) == *name));
                if tagged {
                    operation(&mut out, method, path, op);
                }
            }
        }
    }
    out.push_str("<h2 id=\"schemas\">Schemas</h2>");
    for (name, s) in doc["components"]["schemas"]
        .as_object()
        .into_iter()
        .flatten()
    {
        let name = escape(name);
        let _ = write!(
            out,
            "<section class=\"schema\" id=\"schema-{name}\"><h3>{name}</h3><p>{}</p><p>{}</p></section>",
            text(&s["description"]),
            schema(s)
        );
    }
    out.push_str("</main></body></html>");
    out
}

/// The page's stylesheet (the site's policy allows no inline styles).
pub async fn style() -> Response {
    (
        [
            (http::header::CONTENT_TYPE, "text/css"),
            (http::header::CACHE_CONTROL, "no-cache"),
        ],
        STYLE,
    )
        .into_response()
}

const STYLE: &str = "body{font:15px/1.5 system-ui,sans-serif;margin:0;display:grid;grid-template-columns:14rem 1fr;color:#1d1d1f}\
header{grid-column:1/3;padding:1rem 2rem;border-bottom:1px solid #ddd}nav{padding:1rem 2rem;position:sticky;top:0;align-self:start}\
nav ul{list-style:none;padding:0}main{padding:0 2rem 4rem;max-width:60rem}.op,.schema{border:1px solid #e3e3e3;border-radius:6px;padding:.5rem 1rem;margin:1rem 0}\
.method{font:600 12px monospace;padding:2px 6px;border-radius:4px;background:#eef}.method--post{background:#efe}.method--put{background:#ffe}.method--delete{background:#fee}\
table{border-collapse:collapse;width:100%}td,th{border-bottom:1px solid #eee;text-align:left;padding:4px}code{font-size:13px;overflow-wrap:anywhere}.auth{color:#555}\
@media (max-width:48rem){body{display:block}nav{position:static;padding:0 1rem}header,main{padding:0 1rem}.op table{display:block;overflow-x:auto}}";
