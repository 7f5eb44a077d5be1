//! The whole route table in one place: the API's routes, declared once by
//! [`api_routes!`] (which also yields [`API_ROUTES`], held against the OpenAPI
//! document by this module's test), the browser apps' pages, and the
//! `.json` suffix every API path may carry.

use actix_web::body::MessageBody;
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::Uri;
use actix_web::middleware::{from_fn, Next};
use actix_web::web;

use crate::api::lookups::CaseLookup;
use crate::api::realtime::{phoenix, stream as realtime};
use crate::api::{
    attachments, conversations, files, forms, insights, lookups, manage, messages, messenger, notes, notifications,
    ratings, search, session, system, triage, viewers,
};
use crate::auth;
use crate::web as pages;

/// Declares the API's routes once: [`API_ROUTES`] lists them (the OpenAPI
/// document is checked against it) and `api_routes` registers them with
/// actix, each with a `405` for the methods it lacks. Routes are tried in
/// order, so the busiest come first (each dynamic pattern tried costs a
/// regex match).
macro_rules! api_routes {
    ($($path:literal $([$data:expr])? => $($method:ident: $handler:path),+;)*) => {
        /// Every route under `/api/v1`: its pattern (actix syntax) and methods.
        pub const API_ROUTES: &[(&str, &[&str])] = &[$(($path, &[$(stringify!($method)),+])),*];

        fn api_routes(cfg: &mut web::ServiceConfig) {
            $(cfg.service(
                web::resource($path)
                    $(.app_data(web::Data::new($data)))?
                    $(.route(web::$method().to($handler)))+
                    .default_service(web::to(|| async {
                        system::method_not_allowed(&[$(stringify!($method)),+])
                    })),
            );)*
        }
    };
}

api_routes! {
    "/conversations" => get: conversations::list, post: conversations::create;
    "/conversations/{id:\\d+}" => get: conversations::get, put: triage::update;
    "/conversations/{id}/messages" => get: messages::list, post: messages::create;
    "/conversations/starter" => get: messenger::starter;
    "/realtime" => get: realtime::sse;
    "/realtime/ws" => get: realtime::websocket;
    "/realtime/websocket" => get: phoenix::socket;
    "/conversations/{id}/typing" => post: messenger::typing;
    "/conversations/forms" => get: forms::list_forms;
    "/conversations/forms/{id}" => get: forms::get_form;
    "/conversations/fields" => get: forms::list_fields;
    "/conversations/fields/{id}" => get: forms::get_field;
    "/conversations/{id}/participants" => get: conversations::participants;
    "/conversations/{id}/messages/{mid}" => get: messages::get, put: messages::update;
    "/conversations/{id}/ratings" => get: ratings::list, post: ratings::create;
    "/conversations/{id}/ratings/{rid}" => put: ratings::update;
    "/conversations/{id}/messages/{mid}/download_all" => get: attachments::download_all;
    "/conversations/{id}/messages/{mid}/attachments/{aid}" => get: attachments::get;
    "/conversations/{id}/messages/{mid}/attachments/{aid}/url" => get: attachments::view;
    "/conversations/{id}/messages/{mid}/attachments/{aid}/download" => get: attachments::download;
    "/conversations/{id}/messages/{mid}/attachments/{aid}/thumbnails/{tid}" => get: attachments::thumbnail;
    "/files" => post: files::create;
    "/files/{id}" => get: files::get;
    "/cases/ratings/{id}" => get: ratings::get;
    "/session" => get: session::get, delete: session::delete;
    "/users" => get: lookups::users, post: manage::create_user;
    "/users/{id}" => get: lookups::user, put: manage::update_user;
    "/users/{id}/password" => put: manage::set_password;
    "/teams" => get: lookups::teams, post: manage::create_team;
    "/teams/{id}" => get: lookups::team, put: manage::update_team, delete: manage::delete_team;
    "/teams/{id}/members" => get: manage::team_members, post: manage::add_team_members,
        delete: manage::remove_team_members;
    "/organizations" => get: manage::organizations, post: manage::create_organization;
    "/organizations/{id}" => get: manage::organization, put: manage::update_organization,
        delete: manage::delete_organization;
    "/organizations/{id}/members" => get: manage::organization_members;
    "/roles" => get: manage::roles;
    "/roles/{id}" => get: lookups::role;
    "/locales/fields/{id}" => get: lookups::locale_field;
    "/cases/statuses" [CaseLookup::Status] => get: lookups::case_list, post: manage::create_lookup;
    "/cases/statuses/{id}" [CaseLookup::Status] => get: lookups::case_get, put: manage::update_lookup,
        delete: manage::delete_lookup;
    "/cases/priorities" [CaseLookup::Priority] => get: lookups::case_list, post: manage::create_lookup;
    "/cases/priorities/{id}" [CaseLookup::Priority] => get: lookups::case_get, put: manage::update_lookup,
        delete: manage::delete_lookup;
    "/cases/types" [CaseLookup::Type] => get: lookups::case_list, post: manage::create_lookup;
    "/cases/types/{id}" [CaseLookup::Type] => get: lookups::case_get, put: manage::update_lookup,
        delete: manage::delete_lookup;
    "/cases/fields" => get: manage::list_fields, post: manage::create_field;
    "/cases/fields/{id}" => get: manage::get_field, put: manage::update_field, delete: manage::delete_field;
    "/cases/forms" => get: manage::list_forms, post: manage::create_form;
    "/cases/forms/{id}" => get: manage::get_form, put: manage::update_form, delete: manage::delete_form;
    "/settings" => get: manage::get_settings, put: manage::update_settings;
    "/messenger/token" => post: manage::rotate_messenger_token;
    "/mailboxes" => get: manage::mailboxes, post: manage::create_mailbox;
    "/mailboxes/{id}" => get: manage::mailbox, put: manage::update_mailbox, delete: manage::delete_mailbox;
    "/mails" => get: manage::mails;
    "/mails/{id}" => get: manage::mail;
    "/audit" => get: manage::audit_log;
    "/search" => get: search::search;
    "/insights/summary" => get: insights::summary;
    "/insights/export.csv" => get: insights::export_csv;
    "/macros" => get: manage::macros, post: manage::create_macro;
    "/notifications" => get: notifications::list, put: notifications::mark_all;
    "/notifications/{id}" => put: notifications::mark_one;
    "/notification_preferences" => get: notifications::preferences, put: notifications::set_preferences;
    "/macros/{id}" => get: manage::get_macro, put: manage::update_macro, delete: manage::delete_macro;
    "/conversations/{id}/notes" => get: notes::list, post: notes::create;
    "/conversations/{id}/notes/{nid}" => get: notes::get, put: notes::update;
    "/conversations/{id}/notes/{nid}/attachments/{aid}/url" => get: notes::attachment;
    "/conversations/{id}/notes/{nid}/attachments/{aid}/download" => get: notes::attachment;
    "/conversations/{id}/viewers" => get: viewers::list, post: viewers::set;
    // Also `/openapi.json`: the suffix is optional everywhere (see `strip_json_suffix`).
    "/openapi" => get: crate::api::openapi::serve;
}

/// A resource outside the API that answers GET (and `405` otherwise).
fn get_only<F, Args>(path: &str, handler: F) -> actix_web::Resource
where
    F: actix_web::Handler<Args>,
    Args: actix_web::FromRequest + 'static,
    F::Output: actix_web::Responder + 'static,
{
    web::resource(path)
        .route(web::get().to(handler))
        .default_service(web::to(|| async { system::method_not_allowed(&["get"]) }))
}

/// The whole route table.
pub fn routes(cfg: &mut web::ServiceConfig) {
    // The API first: the pages' patterns are regexes.
    cfg.service(
        web::scope("/api/v1")
            .wrap(from_fn(auth::identify))
            .wrap(from_fn(crate::api::standby::refuse_writes))
            .wrap(from_fn(crate::api::shape::camel_errors))
            .configure(api_routes)
            .default_service(web::to(system::not_found)),
    )
    .service(get_only("/", pages::landing))
    .service(get_only("/messenger", pages::messenger))
    .service(get_only("/messenger/", pages::messenger))
    .service(get_only("/messenger/demo", pages::demo))
    .service(get_only("/messenger.js", pages::embed))
    .service(get_only("/agent", pages::agent))
    .service(get_only("/agent/", pages::agent))
    .service(get_only("/agent/insights", pages::agent))
    .service(get_only("/docs", pages::docs))
    .service(get_only("/docs/", pages::docs))
    .service(get_only("/assets/{build}/{path:.+}", pages::asset))
    .service(get_only("/healthz", system::healthz))
    .service(get_only("/metrics", super::observe::scrape))
    .service(get_only("/avatar/get/{uuid}", system::avatar))
    .default_service(web::to(system::not_found));
}

/// `/api/v1/conversations/1.json` and `/api/v1/conversations/1` are the same
/// resource: drop the suffix before routing.
pub async fn strip_json_suffix(
    mut req: ServiceRequest,
    next: Next<impl MessageBody>,
) -> Result<ServiceResponse<impl MessageBody>, actix_web::Error> {
    if let Some(stripped) = req.path().strip_suffix(".json") {
        let path_and_query = match req.query_string() {
            "" => stripped.to_owned(),
            q => format!("{stripped}?{q}"),
        };
        if let Ok(uri) = path_and_query.parse::<Uri>() {
            req.match_info_mut().get_mut().update(&uri);
            req.head_mut().uri = uri;
        }
    }
    next.call(req).await
}

#[cfg(test)]
mod tests {
    use super::API_ROUTES;
    use crate::server::observe::readable;

    #[test]
    fn every_api_route_is_documented_and_every_documented_operation_is_routed() {
        let doc = crate::api::openapi::document("http://127.0.0.1:8080");
        let paths = doc["paths"].as_object().expect("objects");
        let mut routed = std::collections::BTreeSet::new();
        for (pattern, methods) in API_ROUTES {
            for method in *methods {
                routed.insert((format!("/api/v1{}", readable(pattern)), (*method).to_owned()));
            }
        }
        for (path, method) in [("/healthz", "get"), ("/metrics", "get"), ("/avatar/get/{uuid}", "get")] {
            routed.insert((path.to_owned(), method.to_owned()));
        }
        let documented: std::collections::BTreeSet<(String, String)> = paths
            .iter()
            .flat_map(|(path, item)| {
                // `.json` is optional on every path, and routed without it.
                let path = path.strip_suffix(".json").unwrap_or(path).to_owned();
                item.as_object().expect("objects").keys().map(move |m| (path.clone(), m.clone()))
            })
            .collect();
        let undocumented: Vec<_> = routed.difference(&documented).collect();
        let unrouted: Vec<_> = documented.difference(&routed).collect();
        assert!(undocumented.is_empty(), "routes the OpenAPI document lacks: {undocumented:?}");
        assert!(unrouted.is_empty(), "documented operations with no route: {unrouted:?}");
    }
}
