//! The public JSON API's shapes (`/api/v1` of the web service), declared once: the handlers
//! answer these structs and the OpenAPI document is generated from them. Single resources are
//! wrapped (`{"post": {...}}`), lists carry `next_cursor`, errors are [`crate::ErrorBody`].

pub mod accounts;
pub mod communities;
pub mod consoles;
pub mod filters;
pub mod game;
pub mod moderation;
pub mod notifications;
pub mod own_data;
pub mod posts;
pub mod release;
pub mod users;

/// The `cursor` query parameter of every list.
#[derive(Debug, Default, serde::Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct CursorQuery {
    /// Opaque cursor from a previous page.
    pub cursor: Option<String>,
}

/// Declares a list answer `{"<field>": [...], "next_cursor": ...}` and its `From<Page<T>>`.
macro_rules! list {
    ($(#[$doc:meta])* $name:ident, $field:ident, $item:ty) => {
        $(#[$doc])*
        #[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema)]
        pub struct $name {
            pub $field: Vec<$item>,
            /// Pass as ?cursor= for the next page; null on the last page.
            pub next_cursor: Option<String>,
        }

        impl From<$crate::Page<$item>> for $name {
            fn from(page: $crate::Page<$item>) -> Self {
                $name {
                    $field: page.items,
                    next_cursor: page.next_cursor,
                }
            }
        }
    };
}
pub(crate) use list;
