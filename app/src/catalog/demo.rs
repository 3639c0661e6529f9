//! Demo data: a realistic catalog made from a fixed seed, so `oxcart seed --demo N`
//! builds the same categories, products, variants, prices, stock and pictures on every
//! machine. Pictures are drawn here (no downloads) and stored through the same pipeline
//! as staff uploads. Running it again adds only what is missing.

use super::model::*;
use super::{categories, media, service};
use crate::platform::error::AppError;
use crate::platform::money::{Currency, Money};
use crate::platform::state::AppState;

/// Demo data is written by the system, as the audit log shows.
const SYSTEM: &str = "system";

/// A small deterministic generator (xorshift64*).
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }

    fn pick<'a>(&mut self, items: &'a [&'a str]) -> &'a str {
        items[self.below(items.len())]
    }
}

struct Kind {
    parent: &'static str,
    name: &'static str,
    nouns: &'static [&'static str],
    /// Price range in whole units.
    price: (i64, i64),
    sizes: &'static [&'static str],
}

const KINDS: &[Kind] = &[
    Kind {
        parent: "Apparel",
        name: "Shirts",
        nouns: &["Shirt", "Oxford Shirt", "Overshirt", "Tee"],
        price: (25, 90),
        sizes: &["XS", "S", "M", "L", "XL"],
    },
    Kind {
        parent: "Apparel",
        name: "Knitwear",
        nouns: &["Sweater", "Cardigan", "Crewneck", "Beanie"],
        price: (40, 160),
        sizes: &["S", "M", "L"],
    },
    Kind {
        parent: "Apparel",
        name: "Outerwear",
        nouns: &["Jacket", "Parka", "Raincoat", "Vest"],
        price: (90, 320),
        sizes: &["S", "M", "L", "XL"],
    },
    Kind {
        parent: "Home",
        name: "Kitchen",
        nouns: &["Mug", "Bowl", "Teapot", "Cutting Board", "Carafe"],
        price: (12, 80),
        sizes: &[],
    },
    Kind {
        parent: "Home",
        name: "Bedding",
        nouns: &["Duvet Cover", "Pillowcase", "Throw", "Sheet Set"],
        price: (30, 220),
        sizes: &["Single", "Double", "King"],
    },
    Kind {
        parent: "Home",
        name: "Decor",
        nouns: &["Vase", "Candle", "Planter", "Frame"],
        price: (15, 120),
        sizes: &[],
    },
    Kind {
        parent: "Accessories",
        name: "Bags",
        nouns: &["Tote", "Backpack", "Weekender", "Pouch"],
        price: (20, 240),
        sizes: &[],
    },
    Kind {
        parent: "Accessories",
        name: "Hats",
        nouns: &["Cap", "Bucket Hat", "Wool Hat"],
        price: (18, 70),
        sizes: &["S/M", "L/XL"],
    },
    Kind {
        parent: "Stationery",
        name: "Notebooks",
        nouns: &["Notebook", "Journal", "Sketchbook", "Planner"],
        price: (8, 45),
        sizes: &["A6", "A5", "A4"],
    },
    Kind {
        parent: "Stationery",
        name: "Pens",
        nouns: &["Fountain Pen", "Pencil Set", "Rollerball", "Marker Set"],
        price: (6, 140),
        sizes: &[],
    },
];

const ADJECTIVES: &[&str] = &[
    "Everyday", "Classic", "Heritage", "Coastal", "Nordic", "Field", "Studio", "Harbour", "Alpine",
    "Meadow", "Urban", "Quiet", "Sunday", "Trail", "Atelier",
];
const MATERIALS: &[&str] = &[
    "Linen",
    "Cotton",
    "Wool",
    "Merino",
    "Canvas",
    "Ceramic",
    "Oak",
    "Stoneware",
    "Recycled",
    "Organic",
    "Leather",
    "Bamboo",
];
const COLOURS: &[(&str, [u8; 3])] = &[
    ("Navy", [31, 45, 84]),
    ("Sand", [214, 196, 160]),
    ("Olive", [107, 112, 62]),
    ("Rust", [168, 80, 45]),
    ("Charcoal", [60, 62, 66]),
    ("Sky", [120, 170, 214]),
    ("Cream", [238, 230, 210]),
    ("Forest", [34, 85, 60]),
];
const SENTENCES: &[&str] = &[
    "Made in small batches by people who care about the details.",
    "Built to be used every day and to look better with age.",
    "Designed in our studio and tested for a season before it reached the shop.",
    "A quiet classic that goes with everything you already own.",
    "Finished by hand, so no two are exactly alike.",
    "Packed plastic-free and shipped carbon-neutral.",
];

/// What a seeding run did.
#[derive(Debug, Default, Clone, Copy)]
pub struct Report {
    pub categories: usize,
    pub products: usize,
    pub skipped: usize,
    pub images: usize,
}

/// Makes the demo catalog with `count` products (existing slugs are left alone), and
/// default shipping rates when there are none.
pub async fn seed(state: &AppState, count: usize) -> Result<Report, AppError> {
    let mut report = Report::default();
    // A store that can sell at once: two worldwide shipping rates if there are none.
    crate::checkout::setup::seed_defaults(&state.db).await?;
    let mut ids = std::collections::HashMap::new();
    let existing = super::read::categories(state).await?;
    let mut position = 0;
    for kind in KINDS {
        for (name, parent) in [(kind.parent, None), (kind.name, Some(kind.parent))] {
            if ids.contains_key(name) {
                continue;
            }
            position += 1;
            let slug = Slug::from_name(name);
            let id = match existing.iter().find(|c| c.slug == slug) {
                Some(c) => c.id.clone(),
                None => {
                    report.categories += 1;
                    categories::save(
                        state,
                        SYSTEM,
                        None,
                        &CategoryInput {
                            name: name.to_owned(),
                            slug,
                            description: format!("{name} chosen for how they wear, work and last."),
                            parent_id: parent.and_then(|p| ids.get(p).cloned()),
                            position,
                            featured: parent.is_none(),
                        },
                    )
                    .await?
                }
            };
            ids.insert(name, id);
        }
    }

    for n in 1..=count {
        // Each product draws from its own stream, so skipping one that exists never
        // changes the next.
        let mut rng = Rng(0x0ca7_ca27_5eed_0001 ^ (n as u64).wrapping_mul(0x9e37_79b9_7f4a_7c15));
        rng.next();
        let kind = &KINDS[rng.below(KINDS.len())];
        let name = format!(
            "{} {} {}",
            rng.pick(ADJECTIVES),
            rng.pick(MATERIALS),
            rng.pick(kind.nouns)
        );
        let slug = format!("{}-{n}", Slug::from_name(&name));
        let colours: Vec<(&str, [u8; 3])> = (0..1 + rng.below(3))
            .map(|_| COLOURS[rng.below(COLOURS.len())])
            .fold(Vec::new(), |mut acc, c| {
                if !acc.iter().any(|(n, _)| *n == c.0) {
                    acc.push(c);
                }
                acc
            });
        let base = kind.price.0 + rng.below((kind.price.1 - kind.price.0) as usize) as i64;
        // Half the prices end in .99 (49.99), half are round (50.00).
        let base_minor = base * 100 - if rng.below(2) == 0 { 0 } else { 1 };
        let on_sale = n % 7 == 0;
        let mut options = Vec::new();
        if !kind.sizes.is_empty() {
            options.push("Size".to_owned());
        }
        options.push("Colour".to_owned());
        let sizes: Vec<&str> = if kind.sizes.is_empty() {
            vec![""]
        } else {
            kind.sizes.to_vec()
        };
        let mut variants = Vec::new();
        for (si, size) in sizes.iter().enumerate() {
            for (colour, _) in &colours {
                let mut values = Vec::new();
                if !size.is_empty() {
                    values.push((*size).to_owned());
                }
                values.push((*colour).to_owned());
                let price = base_minor + si as i64 * 500;
                let stock = if rng.below(9) == 0 {
                    0
                } else {
                    rng.below(40) as i64 + 1
                };
                variants.push(VariantInput {
                    id: None,
                    sku: format!("DEMO-{n:04}-{}{}", size.replace('/', ""), &colour[..3])
                        .to_ascii_uppercase(),
                    options: values,
                    price: Money::new(price, Currency::USD).decimal(),
                    compare_at: if on_sale {
                        Money::new(price * 13 / 10, Currency::USD).decimal()
                    } else {
                        String::new()
                    },
                    stock: stock.to_string(),
                    weight_grams: (150 + rng.below(1500)).to_string(),
                    barcode: format!(
                        "{:013}",
                        4_006_381_000_000u64 + n as u64 * 100 + variants.len() as u64
                    ),
                });
            }
        }
        let description = format!(
            "{} {}\n\n## Details\n\n- {} {}\n- Available in {}\n- {}\n",
            SENTENCES[rng.below(SENTENCES.len())],
            SENTENCES[rng.below(SENTENCES.len())],
            kind.name.trim_end_matches('s'),
            "crafted with care",
            colours
                .iter()
                .map(|(c, _)| *c)
                .collect::<Vec<_>>()
                .join(", "),
            SENTENCES[rng.below(SENTENCES.len())],
        );
        let exists: Option<(String,)> = sqlx::query_as("select id from products where slug = $1")
            .bind(&slug)
            .fetch_optional(state.db.pool())
            .await?;
        if exists.is_some() {
            report.skipped += 1;
            continue;
        }
        let input = ProductInput {
            slug,
            name: name.clone(),
            description,
            status: if n % 50 == 0 {
                Status::Draft
            } else {
                Status::Active
            },
            category_id: ids.get(kind.name).cloned(),
            featured: n % 13 == 1,
            seo_title: String::new(),
            seo_description: String::new(),
            currency: "USD".into(),
            options,
            variants,
            version: None,
        };
        let id = service::save_product(state, SYSTEM, None, &input).await?;
        for (colour, rgb) in colours.iter().take(2) {
            let shape = rng.below(3);
            let rgb = *rgb;
            let bytes = tokio::task::spawn_blocking(move || draw(rgb, shape))
                .await
                .map_err(|e| AppError::Internal(anyhow::Error::new(e)))?;
            media::add(state, SYSTEM, &id, bytes, &format!("{name} in {colour}")).await?;
            report.images += 1;
        }
        report.products += 1;
    }
    Ok(report)
}

/// A 480×480 product shot: a soft backdrop, the object (a shape) in its colour, a shadow.
fn draw(rgb: [u8; 3], shape: usize) -> Vec<u8> {
    let size = 480u32;
    let img = image::RgbImage::from_fn(size, size, |x, y| {
        let (fx, fy) = (x as f32 / size as f32 - 0.5, y as f32 / size as f32 - 0.5);
        let backdrop = (246.0 - fy * 20.0) as u8;
        let inside = match shape {
            0 => fx * fx + fy * fy < 0.09,
            1 => fx.abs() < 0.26 && fy.abs() < 0.3,
            _ => fy > -0.3 && fy < 0.3 && fx.abs() < (fy + 0.3) * 0.5,
        };
        let shadow = (fx * fx * 4.0 + (fy - 0.36) * (fy - 0.36) * 60.0) < 0.35;
        if inside {
            let light = 1.0 - (fx + fy) * 0.35;
            image::Rgb(rgb.map(|c| (c as f32 * light).clamp(0.0, 255.0) as u8))
        } else if shadow {
            image::Rgb([backdrop - 30, backdrop - 30, backdrop - 28])
        } else {
            image::Rgb([backdrop, backdrop, backdrop.saturating_sub(4)])
        }
    });
    let mut out = Vec::new();
    let _ = image::codecs::jpeg::JpegEncoder::new_with_quality(&mut out, 90).encode_image(&img);
    out
}
