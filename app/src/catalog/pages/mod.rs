//! Storefront pages of the catalog: all products, a category, search, the category index
//! and the product page; and the pieces they share (cards, pictures, breadcrumbs, SEO).

mod listing;
pub mod parts;
mod product;

pub use listing::{parse_query, CategoriesPage, CategoryPage, Pager, ProductsPage, SearchPage};
pub use product::ProductPage;
