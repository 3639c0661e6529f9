//! `/admin/catalog`: the product list (search, filters, sort, pages, bulk status), the
//! product editor, the category tree and CSV import/export. These pages need JavaScript
//! (the editor builds variants in the page); the list and its filters also work without.

mod categories;
mod editor;
mod images;
mod import;
mod list;
mod parts;

pub use categories::CategoriesAdminPage;
pub use editor::ProductEditorPage;
pub use import::ImportPage;
pub use list::CatalogPage;
