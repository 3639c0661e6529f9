//! Storefront pages of the catalog: all products, a category, search, the category index
//! and the product page; and the pieces they share (cards, pictures, breadcrumbs, SEO).

mod buy;
mod categories;
mod listing;
mod live;
pub mod parts;
mod product;
mod results;

pub use categories::CategoriesPage;
pub use listing::{parse_query, CategoryPage, ProductsPage, SearchPage};
pub use product::ProductPage;
pub use results::Pager;
