//! Checking a product before it is stored: every field of the editor's input, with the
//! field named in the error, converted to what the database keeps; and slugs for names in
//! any script.

use super::model::*;
use crate::platform::error::AppError;
use crate::platform::money::{Currency, Money};

/// A product ready to store: every field checked and converted.
pub(super) struct Valid {
    pub(super) slug: String,
    pub(super) name: String,
    pub(super) description: String,
    pub(super) status: Status,
    pub(super) category_id: Option<String>,
    pub(super) featured: bool,
    pub(super) seo_title: String,
    pub(super) seo_description: String,
    pub(super) currency: Currency,
    pub(super) options: Vec<String>,
    pub(super) variants: Vec<ValidVariant>,
}

pub(super) struct ValidVariant {
    pub(super) id: Option<String>,
    pub(super) sku: String,
    pub(super) options: Vec<String>,
    pub(super) price: i64,
    pub(super) compare_at: Option<i64>,
    pub(super) stock: i64,
    pub(super) weight_grams: i64,
    pub(super) barcode: String,
}

fn text(field: &str, value: &str, max: usize, required: bool) -> Result<String, AppError> {
    let value = value.trim();
    if required && value.is_empty() {
        return Err(AppError::validation(field, "this field is required"));
    }
    if value.chars().count() > max {
        return Err(AppError::validation(
            field,
            format!("at most {max} characters"),
        ));
    }
    Ok(value.to_owned())
}

fn whole(field: &str, value: &str, what: &str) -> Result<i64, AppError> {
    let value = value.trim();
    if value.is_empty() {
        return Ok(0);
    }
    value
        .parse::<i64>()
        .ok()
        .filter(|n| (0..=1_000_000_000).contains(n))
        .ok_or_else(|| AppError::validation(field, format!("{what} must be a whole number from 0")))
}

/// The slug of a new `name`: made from it (any script), or for a name of emoji or
/// symbols only, which has nothing to make one from, `prefix` and a short random part
/// ("item-3f9a2c1d"); a clash is caught by the unique index like any other.
pub(crate) fn slug_for(name: &str, prefix: &str) -> String {
    let made = Slug::from_name(name);
    if made.is_empty() {
        format!("{prefix}-{}", &crate::platform::ids::new_id()[..8])
    } else {
        made
    }
}

pub(super) fn validate(input: &ProductInput, categories: &[Category]) -> Result<Valid, AppError> {
    let name = text("name", &input.name, 200, true)?;
    let slug = match input.slug.trim() {
        "" => slug_for(&name, "item"),
        s => s.to_owned(),
    };
    if !Slug::is_valid(&slug) {
        return Err(AppError::validation(
            "slug",
            "use lowercase letters, digits and single hyphens (at most 80)",
        ));
    }
    let currency = match input.currency.trim() {
        "" => Currency::default(),
        code => Currency::parse(code)
            .ok_or_else(|| AppError::validation("currency", "use USD, EUR, GBP, CAD or AUD"))?,
    };
    let category_id = input
        .category_id
        .as_deref()
        .map(str::trim)
        .filter(|c| !c.is_empty());
    if let Some(id) = category_id {
        if !categories.iter().any(|c| c.id == id) {
            return Err(AppError::validation(
                "category_id",
                "choose an existing category",
            ));
        }
    }
    let mut options = Vec::new();
    for (i, option) in input.options.iter().enumerate() {
        let option = text(&format!("options.{i}"), option, 40, true)?;
        if options
            .iter()
            .any(|o: &String| o.eq_ignore_ascii_case(&option))
        {
            return Err(AppError::validation(
                format!("options.{i}"),
                "each option needs its own name",
            ));
        }
        options.push(option);
    }
    if options.len() > 3 {
        return Err(AppError::validation("options", "at most three options"));
    }
    if input.variants.is_empty() {
        return Err(AppError::validation(
            "variants",
            "add at least one variant with a SKU and a price",
        ));
    }
    if input.variants.len() > 100 {
        return Err(AppError::validation("variants", "at most 100 variants"));
    }
    let mut variants: Vec<ValidVariant> = Vec::new();
    for (i, v) in input.variants.iter().enumerate() {
        let field = |f: &str| format!("variants.{i}.{f}");
        let sku = Sku::parse(&v.sku).ok_or_else(|| {
            AppError::validation(
                field("sku"),
                "a SKU is 1–64 letters, digits or symbols, without spaces",
            )
        })?;
        if variants.iter().any(|o| o.sku == sku) {
            return Err(AppError::validation(
                field("sku"),
                format!("SKU {sku} appears twice"),
            ));
        }
        if v.options.len() != options.len() {
            return Err(AppError::validation(
                field("options"),
                "give a value for every option",
            ));
        }
        let mut values = Vec::new();
        for (j, value) in v.options.iter().enumerate() {
            values.push(text(&field(&format!("options.{j}")), value, 60, true)?);
        }
        if !values.is_empty() && variants.iter().any(|o| o.options == values) {
            return Err(AppError::validation(
                field("options"),
                format!("two variants are both {}", values.join(" / ")),
            ));
        }
        let price = Money::parse_amount(&v.price)
            .map_err(|e| AppError::validation(field("price"), e.message("19.99")))?;
        let compare_at = match v.compare_at.trim() {
            "" => None,
            c => Some(Money::parse_amount(c).map_err(|e| {
                AppError::validation(
                    field("compare_at"),
                    format!("{}, or leave it empty", e.message("24.99")),
                )
            })?),
        };
        variants.push(ValidVariant {
            id: v.id.clone().filter(|id| !id.is_empty()),
            sku,
            options: values,
            price,
            compare_at,
            stock: whole(&field("stock"), &v.stock, "stock")?,
            weight_grams: whole(&field("weight_grams"), &v.weight_grams, "the weight")?,
            barcode: text(&field("barcode"), &v.barcode, 64, false)?,
        });
    }
    if options.is_empty() && variants.len() > 1 {
        return Err(AppError::validation(
            "options",
            "name an option (such as Size) to tell several variants apart",
        ));
    }
    Ok(Valid {
        slug,
        description: text("description", &input.description, 20_000, false)?,
        seo_title: text("seo_title", &input.seo_title, 120, false)?,
        seo_description: text("seo_description", &input.seo_description, 320, false)?,
        status: input.status,
        category_id: category_id.map(str::to_owned),
        featured: input.featured,
        currency,
        options,
        variants,
        name,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn input() -> ProductInput {
        ProductInput {
            name: "Linen Shirt".into(),
            options: vec!["Size".into()],
            variants: vec![
                VariantInput {
                    sku: "ls-s".into(),
                    options: vec!["S".into()],
                    price: "49".into(),
                    ..Default::default()
                },
                VariantInput {
                    sku: "LS-M".into(),
                    options: vec!["M".into()],
                    price: "49.50".into(),
                    ..Default::default()
                },
            ],
            ..Default::default()
        }
    }

    fn field_of(input: &ProductInput) -> Option<String> {
        match validate(input, &[]) {
            Err(AppError::Validation { field, .. }) => field,
            other => panic!(
                "expected a validation error, got {:?}",
                other.map(|v| v.slug)
            ),
        }
    }

    #[test]
    fn a_good_product_gets_a_slug_and_upper_case_skus() {
        let valid = validate(&input(), &[]).expect("valid");
        assert_eq!(valid.slug, "linen-shirt");
        assert_eq!(valid.variants[0].sku, "LS-S");
        assert_eq!(valid.variants[1].price, 4950);
    }

    #[test]
    fn each_bad_value_names_its_field() {
        let mut i = input();
        i.variants[1].sku = "ls-s".into();
        assert_eq!(field_of(&i).as_deref(), Some("variants.1.sku"));
        let mut i = input();
        i.variants[0].price = "4.999".into();
        assert_eq!(field_of(&i).as_deref(), Some("variants.0.price"));
        let mut i = input();
        i.variants[1].options = vec!["S".into()];
        assert_eq!(field_of(&i).as_deref(), Some("variants.1.options"));
        let mut i = input();
        i.variants[0].stock = "-3".into();
        assert_eq!(field_of(&i).as_deref(), Some("variants.0.stock"));
        let mut i = input();
        i.slug = "Not A Slug".into();
        assert_eq!(field_of(&i).as_deref(), Some("slug"));
        let mut i = input();
        i.name = "   ".into();
        assert_eq!(field_of(&i).as_deref(), Some("name"));
        let mut i = input();
        i.category_id = Some("nope".into());
        assert_eq!(field_of(&i).as_deref(), Some("category_id"));
        let mut i = input();
        i.variants.clear();
        assert_eq!(field_of(&i).as_deref(), Some("variants"));
        let mut i = input();
        i.variants[0].price = "19,99".into();
        assert_eq!(field_of(&i).as_deref(), Some("variants.0.price"));
    }

    #[test]
    fn names_without_letters_or_in_other_scripts_still_get_slugs() {
        let mut i = input();
        i.name = "🎉🎉".into();
        let emoji = validate(&i, &[]).expect("valid").slug;
        assert!(
            emoji.starts_with("item-") && Slug::is_valid(&emoji),
            "{emoji}"
        );
        i.name = "חולצת פשתן".into();
        assert_eq!(validate(&i, &[]).expect("valid").slug, "חולצת-פשתן");
    }
}
