//! Pages.

